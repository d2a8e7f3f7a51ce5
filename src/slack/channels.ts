import type { Log } from './slack-log.ts';
import { singleAttemptClient, type SlackWebClient } from './web-call.ts';

/**
 * Can the bot post in a channel? It needs to be a member (the app has no chat:write.public), otherwise every
 * message of the job's thread would wait in the outbox for an operator. Checked with conversations.members
 * (channels:read / groups:read) before a job is queued; a "yes" is cached, and when Slack cannot answer the
 * command goes ahead (this is a convenience check, not a security one).
 */

export interface ChannelCheck {
  botCanPost(channelId: string): Promise<boolean>;
}

export function createChannelCheck(opts: { client?: SlackWebClient; botToken?: string; slackApiUrl?: string; botUserId: () => Promise<string>; cacheTtlMs?: number; logger?: Log; now?: () => number }): ChannelCheck {
  const ttl = opts.cacheTtlMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  const client: SlackWebClient = opts.client ?? singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: 1500 })
  const ok = new Map<string, number>();
  return {
    async botCanPost(channelId) {
      const seen = ok.get(channelId);
      if (seen !== undefined && now() - seen < ttl) return true;
      try {
        const me = await opts.botUserId();
        let cursor: string | undefined;
        for (let page = 0; page < 20; page++) {
          const res = await client.conversations.members({ channel: channelId, limit: 1000, ...(cursor ? { cursor } : {}) });
          if ((res.members ?? []).includes(me)) {
            ok.set(channelId, now());
            return true;
          }
          cursor = res.response_metadata?.next_cursor || undefined;
          if (!cursor) return false;
        }
        return true; // a huge channel: do not block the command on it
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        if (code === 'channel_not_found' || code === 'not_in_channel') return false;
        opts.logger?.warn({ channelId, err: err instanceof Error ? err.message : String(err) }, 'conversations.members failed; not blocking the command');
        return true;
      }
    },
  };
}
