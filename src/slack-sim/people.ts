import { isObj } from './block-validation.ts';
import { eventCallback, EVENT_RETRY_DELAYS_MS } from './events-api.ts';
import { ACK_DEADLINE_MS, SUBSCRIBED_BOT_EVENTS } from './platform-rules.ts';
import type { ResponseUrlInfo, ResponseUrls } from './response-urls.ts';
import { blockActionsPayload, interactionBody, signedHeaders, slashCommandBody, slashCommandParams } from './signing.ts';
import type { SocketModeServer } from './socket-mode.ts';
import type { Workspace } from './workspace.ts';
import type { BotReply, ClickOptions, EventDelivery, SlashOptions } from './workspace-types.ts';

/**
 * The people of the workspace: they type slash commands and click buttons, which Slack sends to the bot as signed
 * HTTP requests (https://api.slack.com/docs/verifying-requests-from-slack), or over Socket Mode when the
 * bot connected that way and no HTTP endpoint is set.
 */
export class People {
  private bot: { url: string; signingSecret: string } | undefined;

  constructor(
    private readonly ws: Workspace,
    private readonly responseUrls: ResponseUrls,
    private readonly socket: SocketModeServer,
    bot: { url: string; signingSecret: string } | undefined,
  ) {
    this.bot = bot;
  }

  /** HTTP mode: where to deliver people's requests. */
  connectBot(bot: { url: string; signingSecret: string }): void {
    this.bot = bot;
  }

  private viaSocket(): boolean {
    return !this.bot && this.socket.connected;
  }

  private signed(body: string, o: { secret?: string; timestamp?: number }): Record<string, string> {
    return signedHeaders(o.secret ?? this.bot?.signingSecret ?? '', body, o.timestamp);
  }

  /** POST an exact body with these headers to the bot (replays and bad signatures go through here too). */
  async sendRaw(body: string, headers: Record<string, string>): Promise<BotReply> {
    if (!this.bot) throw new Error('fake slack: no bot connected (call connectBot or use Socket Mode)');
    // Slack gives up after 3 s and shows the person operation_timeout (platform-rules.ts).
    const deadline = this.ws.enforces('ack-deadline') ? AbortSignal.timeout(ACK_DEADLINE_MS) : undefined;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.bot.url, { method: 'POST', headers, body, ...(deadline ? { signal: deadline } : {}) });
      text = await res.text();
    } catch (err) {
      if (deadline?.aborted) throw new Error(`fake slack: no HTTP response within ${ACK_DEADLINE_MS} ms (the person sees operation_timeout)`);
      throw err;
    }
    const reply: BotReply = {
      status: res.status, text, rawBody: body,
      timestamp: Number(headers['x-slack-request-timestamp']), signature: headers['x-slack-signature'] ?? '',
    };
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        reply.json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON after all */
      }
    }
    return reply;
  }

  /**
   * Slack tells the app about an event it subscribed to (and has a scope for): one delivery, and up to three
   * retries while the bot does not answer 2xx within 3 s (events-api.ts). Resolves with every attempt.
   */
  async event(event: Record<string, unknown> & { type: string }, retryDelaysMs: readonly number[] = EVENT_RETRY_DELAYS_MS): Promise<EventDelivery> {
    const needs = SUBSCRIBED_BOT_EVENTS[event.type];
    if (!needs || (needs.length > 0 && !needs.some((scope) => this.ws.scopes.has(scope)))) return { sent: false, attempts: [] };
    const payload = eventCallback(this.ws, event);
    const attempts: BotReply[] = [];
    for (let n = 0; n <= retryDelaysMs.length; n++) {
      if (n > 0) await new Promise((r) => setTimeout(r, retryDelaysMs[n - 1]));
      try {
        const reply = this.viaSocket()
          ? await this.socket.deliver('events_api', payload, n)
          : await this.sendRaw(JSON.stringify(payload), {
            ...this.signed(JSON.stringify(payload), {}), 'content-type': 'application/json',
            ...(n > 0 ? { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' } : {}),
          });
        attempts.push(reply);
        if (reply.status >= 200 && reply.status < 300) break;
      } catch (err) {
        attempts.push({ status: 0, text: err instanceof Error ? err.message : String(err), rawBody: '', timestamp: 0, signature: '' });
      }
    }
    return { sent: true, eventId: payload.event_id, attempts };
  }

  /** A person types `/natmigrate <text>` in a channel. */
  async slash(userId: string, channelId: string, text: string, o: SlashOptions = {}): Promise<BotReply> {
    const ws = this.ws;
    if (!ws.knownChannel(channelId)) throw new Error(`fake slack: unknown channel ${channelId}`);
    const f = {
      teamId: ws.teamId, teamDomain: ws.teamDomain, channelId, channelName: ws.channelKind(channelId) === 'im' ? 'directmessage' : ws.channelName(channelId),
      userId, userName: ws.userName(userId), text, apiAppId: ws.appId,
      responseUrl: this.responseUrls.create({ channel: channelId, user: userId }),
      triggerId: ws.issueTrigger(userId),
      ...(o.command ? { command: o.command } : {}),
    };
    if (this.viaSocket()) return this.socket.deliver('slash_commands', slashCommandParams(f));
    const body = slashCommandBody(f);
    return this.sendRaw(body, this.signed(body, o));
  }

  /** A person clicks a button on a message. */
  async click(userId: string, channelId: string, messageTs: string, o: ClickOptions): Promise<BotReply> {
    const ws = this.ws;
    const msg = ws.findMessage(channelId, messageTs);
    let blockId = 'unknown';
    let button: Record<string, unknown> | undefined;
    for (const b of msg?.blocks ?? []) {
      if (!isObj(b) || !Array.isArray(b.elements)) continue;
      for (const e of b.elements) {
        if (isObj(e) && e.action_id === o.actionId) {
          button = e;
          blockId = typeof b.block_id === 'string' ? b.block_id : 'unknown';
        }
      }
    }
    if (!button && o.value === undefined) throw new Error(`fake slack: message ${messageTs} in ${channelId} has no button ${o.actionId}`);
    const clickChannel = o.channelId ?? channelId;
    const threadTs = o.threadTs ?? msg?.threadTs;
    const responseInfo: ResponseUrlInfo = { channel: clickChannel, user: userId, messageTs };
    if (threadTs) responseInfo.threadTs = threadTs;
    const value = o.value ?? (typeof button?.value === 'string' ? button.value : undefined);
    const buttonText = isObj(button?.text) && typeof button.text.text === 'string' ? button.text.text : o.actionId;
    const payload = blockActionsPayload({
      teamId: ws.teamId, teamDomain: ws.teamDomain, apiAppId: ws.appId, userId, userName: ws.userName(userId),
      channelId: clickChannel, channelName: ws.channelName(clickChannel), messageTs,
      message: msg ? ws.wireMessage(msg) : { type: 'message', ts: messageTs, text: '' },
      actionId: o.actionId, blockId, buttonText, responseUrl: this.responseUrls.create(responseInfo), triggerId: ws.issueTrigger(userId),
      ...(threadTs ? { threadTs } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(typeof button?.style === 'string' ? { style: button.style } : {}),
    });
    return this.interact(payload, o);
  }

  /** An interaction payload (block_actions, shortcut, view_submission, block_suggestion) as Slack sends it. */
  async interact(payload: Record<string, unknown>, o: { secret?: string; timestamp?: number } = {}): Promise<BotReply> {
    if (this.viaSocket()) return this.socket.deliver('interactive', payload);
    const body = interactionBody(payload);
    return this.sendRaw(body, this.signed(body, o));
  }

  /**
   * One event delivered again and again with the same event_id, as Slack does when it thinks the app did not take it
   * (`x-slack-retry-num` 1, 2, …): the app must act once.
   */
  async eventWithRetries(event: Record<string, unknown> & { type: string }, retries: number): Promise<EventDelivery> {
    const payload = eventCallback(this.ws, event);
    const attempts: BotReply[] = [];
    for (let n = 0; n <= retries; n++) {
      if (this.viaSocket()) {
        attempts.push(await this.socket.deliver('events_api', payload, n));
        continue;
      }
      const raw = JSON.stringify(payload);
      attempts.push(await this.sendRaw(raw, {
        ...this.signed(raw, {}), 'content-type': 'application/json',
        ...(n > 0 ? { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' } : {}),
      }));
    }
    return { sent: true, eventId: payload.event_id, attempts };
  }
}
