import { isLang, langOfSlackLocale, type Lang } from '../i18n/lang.ts';
import type { RedisConnection } from '../util/redis-connection.ts';
import type { Log } from './slack-log.ts';
import { singleAttemptClient, type SlackWebClient } from './web-call.ts';

/**
 * Which language natmigrate speaks where:
 * - a channel (its job threads, previews, audit lines): the channel's override set by an approver with
 *   `/natmigrate config language ja|en` (a Redis key, kept until changed), else NATMIGRATE_LANGUAGE;
 * - a person (ephemeral answers): their Slack locale, read with users.info and `include_locale=true` (Slack sends
 *   `user.locale`, e.g. "ja-JP", only when asked; https://docs.slack.dev/reference/methods/users.info), cached in
 *   Redis with a TTL. The read runs before a 3-second ack, so it is bounded; a person whose locale cannot be read in
 *   time gets NATMIGRATE_LANGUAGE this once (not cached, so the next answer asks again).
 */

export interface Languages {
  /** NATMIGRATE_LANGUAGE. */
  readonly defaultLanguage: Lang;
  /** The language of a channel's thread messages. */
  channelLanguage(channelId: string): Promise<Lang>;
  /** Whether the channel has an override (else it follows NATMIGRATE_LANGUAGE). */
  hasChannelLanguage(channelId: string): Promise<boolean>;
  /** Set (or, with undefined, clear) a channel's override. */
  setChannelLanguage(channelId: string, lang: Lang | undefined): Promise<void>;
  /** The language of a person's ephemeral answers. */
  userLanguage(userId: string): Promise<Lang>;
}

export interface LanguagesOptions {
  redis: RedisConnection;
  /** Key prefix (the Slack layer's, e.g. '{natmigrate}:slack'). */
  prefix: string;
  defaultLanguage: Lang;
  client?: SlackWebClient;
  botToken?: string;
  slackApiUrl?: string;
  /** How long a person's locale is trusted (default 1 h). */
  userTtlMs?: number;
  /** Timeout of the users.info call (default 1500 ms: inside the ack). */
  timeoutMs?: number;
  logger?: Log;
}

export const languageKeys = (prefix: string) => ({
  channel: (channelId: string) => `${prefix}:lang:channel:${channelId}`,
  user: (userId: string) => `${prefix}:lang:user:${userId}`,
});

export function createLanguages(opts: LanguagesOptions): Languages {
  const K = languageKeys(opts.prefix);
  const ttl = opts.userTtlMs ?? 3600_000;
  const fallback = opts.defaultLanguage;
  let client = opts.client;
  const inflight = new Map<string, Promise<Lang>>();

  async function readLocale(userId: string): Promise<Lang> {
    try {
      client ??= singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: opts.timeoutMs ?? 1500 });
      const res = await client.users.info({ user: userId, include_locale: true });
      const locale = (res.user as { locale?: string } | undefined)?.locale;
      const lang = locale ? langOfSlackLocale(locale) : fallback;
      await opts.redis.set(K.user(userId), lang, 'PX', ttl);
      return lang;
    } catch (err) {
      opts.logger?.warn({ userId, err: err instanceof Error ? err.message : String(err) }, 'users.info failed; answering in the default language');
      return fallback;
    }
  }

  return {
    defaultLanguage: fallback,
    async channelLanguage(channelId) {
      const v = await opts.redis.get(K.channel(channelId));
      return v && isLang(v) ? v : fallback;
    },
    hasChannelLanguage: async (channelId) => (await opts.redis.exists(K.channel(channelId))) === 1,
    async setChannelLanguage(channelId, lang) {
      if (lang) await opts.redis.set(K.channel(channelId), lang);
      else await opts.redis.del(K.channel(channelId));
    },
    async userLanguage(userId) {
      const cached = await opts.redis.get(K.user(userId));
      if (cached && isLang(cached)) return cached;
      let p = inflight.get(userId);
      if (!p) {
        p = readLocale(userId).finally(() => inflight.delete(userId));
        inflight.set(userId, p);
      }
      return p;
    },
  };
}

/** A fixed answer for everything (tests, and code paths that have no Slack). */
export function fixedLanguages(lang: Lang): Languages {
  return {
    defaultLanguage: lang,
    channelLanguage: () => Promise.resolve(lang),
    hasChannelLanguage: () => Promise.resolve(false),
    setChannelLanguage: () => Promise.resolve(),
    userLanguage: () => Promise.resolve(lang),
  };
}
