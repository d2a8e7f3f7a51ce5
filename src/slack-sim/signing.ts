import { createHmac } from 'node:crypto';

/**
 * How Slack signs and encodes what it sends to an app, for tests and the demo.
 * Signature: v0=HMAC_SHA256(secret, "v0:" + ts + ":" + rawBody) (hex). The body must be sent byte-for-byte as signed.
 */

/** Exactly what Slack sends; Bolt compares the content-type with ===, so no charset suffix. */
const SLACK_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export function signSlackRequest(secret: string, body: string, ts: number | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

/** Headers of a signed request from Slack; `ts` defaults to now (seconds). */
export function signedHeaders(secret: string, body: string, ts: number = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': SLACK_FORM_CONTENT_TYPE,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signSlackRequest(secret, body, ts),
  };
}

export interface SlashCommandFields {
  teamId: string;
  teamDomain?: string;
  channelId: string;
  channelName?: string;
  userId: string;
  userName?: string;
  command?: string;
  text: string;
  apiAppId?: string;
  responseUrl: string;
  triggerId?: string;
  /** The deprecated verification token; Slack still sends it. */
  token?: string;
}

/** The form fields of a slash command, in the order Slack sends them. */
export function slashCommandParams(f: SlashCommandFields): Record<string, string> {
  return {
    token: f.token ?? 'fake-verification-token',
    team_id: f.teamId,
    team_domain: f.teamDomain ?? 'fake',
    channel_id: f.channelId,
    channel_name: f.channelName ?? f.channelId.toLowerCase(),
    user_id: f.userId,
    user_name: f.userName ?? f.userId.toLowerCase(),
    command: f.command ?? '/natmigrate',
    text: f.text,
    api_app_id: f.apiAppId ?? 'A0FAKEAPP',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId ?? `${Date.now()}.1.${Math.random().toString(16).slice(2)}`,
  };
}

/** A slash command as the raw form body Slack posts. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams(slashCommandParams(f)).toString();
}

/** An interaction (block_actions, view_submission…) as Slack posts it: a form with one `payload` field of JSON. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionFields {
  teamId: string;
  teamDomain?: string;
  apiAppId?: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  /** The message holding the button. */
  messageTs: string;
  /** Set when that message is a thread reply. */
  threadTs?: string;
  /** The message as Slack includes it (text, blocks, ts, …). */
  message: Record<string, unknown>;
  actionId: string;
  blockId: string;
  value?: string;
  buttonText?: string;
  style?: string;
  responseUrl: string;
  triggerId?: string;
  actionTs?: string;
}

/** A block_actions payload for one button click, shaped like Slack's. */
export function blockActionsPayload(f: BlockActionFields): Record<string, unknown> {
  const actionTs = f.actionTs ?? (Date.now() / 1000).toFixed(6);
  const button: Record<string, unknown> = {
    action_id: f.actionId,
    block_id: f.blockId,
    text: { type: 'plain_text', text: f.buttonText ?? f.actionId, emoji: true },
    type: 'button',
    action_ts: actionTs,
  };
  if (f.value !== undefined) button.value = f.value;
  if (f.style !== undefined) button.style = f.style;
  return {
    type: 'block_actions',
    user: { id: f.userId, username: f.userName ?? f.userId.toLowerCase(), name: f.userName ?? f.userId.toLowerCase(), team_id: f.teamId },
    api_app_id: f.apiAppId ?? 'A0FAKEAPP',
    token: 'fake-verification-token',
    container: {
      type: 'message',
      message_ts: f.messageTs,
      channel_id: f.channelId,
      is_ephemeral: false,
      ...(f.threadTs !== undefined ? { thread_ts: f.threadTs } : {}),
    },
    trigger_id: f.triggerId ?? `${Date.now()}.1.${Math.random().toString(16).slice(2)}`,
    team: { id: f.teamId, domain: f.teamDomain ?? 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channelId, name: f.channelName ?? f.channelId.toLowerCase() },
    message: f.message,
    state: { values: {} },
    response_url: f.responseUrl,
    actions: [button],
  };
}
