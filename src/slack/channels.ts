import type { Log } from './slack-log.ts';
import { singleAttemptClient, type SlackWebClient } from './web-call.ts';

/**
 * Can the bot post the job's thread where the command was typed? It must be a member (the app has no
 * chat:write.public), the channel must not be archived, and it must be a channel: a DM or a group DM is refused
 * without asking Slack (approvers could not see the thread there, and the app has no im:/mpim: scopes).
 *
 * One conversations.info call (channels:read / groups:read; https://docs.slack.dev/reference/methods/conversations.info)
 * answers is_member and is_archived; it runs before the slash command's 3-second ack, so it is bounded by a
 * timeout, and its answer is cached: a yes for a few minutes, a no briefly (so an /invite is noticed soon).
 * When Slack does not answer in time the command is refused (the bot could not post its thread either): the
 * check fails closed, it never queues a job whose messages cannot be delivered.
 */

export type PostVerdict =
  | { ok: true }
  | { ok: false; reason: 'direct_message' | 'not_member' | 'archived' | 'not_visible' | 'slack_unavailable'; detail?: string };

export interface ChannelCheck {
  canPost(channelId: string, channelName?: string): Promise<PostVerdict>;
  /** Forget what is cached about a channel (the bot was invited or removed). */
  forget(channelId: string): void;
}

export interface ChannelCheckOptions {
  client?: SlackWebClient;
  botToken?: string;
  slackApiUrl?: string;
  /** Timeout of the conversations.info call (default 2500 ms: the ack leaves within Slack's 3 s). */
  timeoutMs?: number;
  /** How long a yes is trusted (default 5 min) and a no (default 30 s). */
  yesTtlMs?: number;
  noTtlMs?: number;
  logger?: Log;
  now?: () => number;
}

/** The slash command payload's channel_name for a DM, and the prefix of a group DM's. */
const isDirect = (id: string, name: string | undefined) => id.startsWith('D') || name === 'directmessage' || Boolean(name?.startsWith('mpdm-'));

export function createChannelCheck(opts: ChannelCheckOptions): ChannelCheck {
  const now = opts.now ?? Date.now;
  const yesTtl = opts.yesTtlMs ?? 5 * 60_000;
  const noTtl = opts.noTtlMs ?? 30_000;
  const client: SlackWebClient = opts.client ?? singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: opts.timeoutMs ?? 2500 });
  const cache = new Map<string, { verdict: PostVerdict; at: number }>();
  const inflight = new Map<string, Promise<PostVerdict>>();

  async function ask(channelId: string): Promise<PostVerdict> {
    try {
      const res = await client.conversations.info({ channel: channelId });
      const c = (res.channel ?? {}) as { is_member?: boolean; is_archived?: boolean; is_im?: boolean; is_mpim?: boolean };
      if (c.is_im || c.is_mpim) return { ok: false, reason: 'direct_message' };
      if (c.is_archived) return { ok: false, reason: 'archived' };
      return c.is_member ? { ok: true } : { ok: false, reason: 'not_member' };
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (code === 'channel_not_found' || code === 'missing_scope') return { ok: false, reason: 'not_visible', detail: code };
      opts.logger?.warn({ channelId, err: err instanceof Error ? err.message : String(err) }, 'conversations.info failed; refusing the command');
      return { ok: false, reason: 'slack_unavailable' };
    }
  }

  return {
    async canPost(channelId, channelName) {
      if (isDirect(channelId, channelName)) return { ok: false, reason: 'direct_message' };
      const hit = cache.get(channelId);
      if (hit && now() - hit.at < (hit.verdict.ok ? yesTtl : noTtl)) return hit.verdict;
      let p = inflight.get(channelId);
      if (!p) {
        p = ask(channelId)
          .then((verdict) => {
            // A failed call says nothing about the channel: ask again next time.
            if (verdict.ok || verdict.reason !== 'slack_unavailable') cache.set(channelId, { verdict, at: now() });
            return verdict;
          })
          .finally(() => inflight.delete(channelId));
        inflight.set(channelId, p);
      }
      return p;
    },
    forget: (channelId) => void cache.delete(channelId),
  };
}
