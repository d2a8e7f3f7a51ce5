import { isLang, langOfSlackLocale, type Lang } from '../i18n/lang.ts';
import { isValidTimeZone } from '../domain/freeze-windows.ts';
import type { RedisConnection } from '../util/redis-connection.ts';
import type { Log } from './slack-log.ts';
import { singleAttemptClient, type SlackWebClient } from './web-call.ts';

/**
 * Which language natmigrate speaks where:
 * - a channel (its job threads, previews, audit lines): the channel's override set by an approver with
 *   `/natmigrate config language ja|en` (a Redis key, kept until changed), else NATMIGRATE_LANGUAGE;
 * - a person (ephemeral answers): their Slack locale (Slack sends `user.locale`, e.g. "ja-JP", only when asked with
 *   `include_locale=true`; https://docs.slack.dev/reference/methods/users.info and users.list), cached in Redis with
 *   a TTL. The 3-second ack never waits on Slack for it: `warm` reads the whole directory with users.list at start-up,
 *   and a person not in the cache is answered in the channel's language this once while users.info is read after
 *   the ack (`learnUser`), so the next answer is in theirs.
 * - a person's time zone (the times of their ephemeral answers and App Home): the `tz` Slack gives in the same
 *   users.info / users.list answers (an IANA name such as "Asia/Tokyo"), cached beside the locale; no call of its own.
 *   Unknown, the channel's zone (NATMIGRATE_TIMEZONE) is used.
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
  /** The language of a person's ephemeral answers (reads users.info on a cache miss: not for the ack path). */
  userLanguage(userId: string): Promise<Lang>;
  /** A person's language if the cache knows it (Redis only: safe before the ack). */
  cachedUserLanguage(userId: string): Promise<Lang | undefined>;
  /** Read and cache one person's locale (after an ack that had to guess). */
  learnUser(userId: string): Promise<Lang>;
  /** Read every person's locale with users.list (paginated) into the cache; returns how many were cached. */
  warm(): Promise<number>;
  /** A person's Slack time zone if the cache knows it (Redis only: safe before the ack). */
  cachedUserTimeZone(userId: string): Promise<string | undefined>;
  /** A person's Slack time zone (reads users.info on a cache miss, the same read as their language). */
  userTimeZone(userId: string): Promise<string | undefined>;
}

export interface LanguagesOptions {
  redis: RedisConnection;
  /** Key prefix (the Slack layer's, e.g. '{natmigrate}:slack'). */
  prefix: string;
  defaultLanguage: Lang;
  client?: SlackWebClient;
  botToken?: string;
  slackApiUrl?: string;
  /** How long a person's locale is trusted (default 24 h; a person changes it rarely, and a miss costs one read). */
  userTtlMs?: number;
  /** Timeout of the users.info call (default 1500 ms: inside the ack). */
  timeoutMs?: number;
  logger?: Log;
}

export const languageKeys = (prefix: string) => ({
  channel: (channelId: string) => `${prefix}:lang:channel:${channelId}`,
  user: (userId: string) => `${prefix}:lang:user:${userId}`,
  userTz: (userId: string) => `${prefix}:tz:user:${userId}`,
});

/** Slack's `tz` when Intl knows it (it is shown in it), else undefined. */
function validZone(tz: unknown): string | undefined {
  if (typeof tz !== 'string' || !tz) return undefined;
  return isValidTimeZone(tz) ? tz : undefined;
}

export function createLanguages(opts: LanguagesOptions): Languages {
  const K = languageKeys(opts.prefix);
  const ttl = opts.userTtlMs ?? 24 * 3600_000;
  const fallback = opts.defaultLanguage;
  let client = opts.client;
  const inflight = new Map<string, Promise<Lang>>();

  async function readLocale(userId: string): Promise<Lang> {
    try {
      client ??= singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: opts.timeoutMs ?? 1500 });
      const res = await client.users.info({ user: userId, include_locale: true });
      const user = res.user as { locale?: string; tz?: string } | undefined;
      const lang = user?.locale ? langOfSlackLocale(user.locale) : fallback;
      const tz = validZone(user?.tz);
      // '' remembers that Slack gave no zone, so the next answer does not read users.info again for it.
      await opts.redis.pipeline().set(K.user(userId), lang, 'PX', ttl).set(K.userTz(userId), tz ?? '', 'PX', ttl).exec();
      return lang;
    } catch (err) {
      opts.logger?.warn({ userId, err: err instanceof Error ? err.message : String(err) }, 'users.info failed; answering in the default language');
      return fallback;
    }
  }

  async function cached(userId: string): Promise<Lang | undefined> {
    const v = await opts.redis.get(K.user(userId));
    return v && isLang(v) ? v : undefined;
  }

  function learn(userId: string): Promise<Lang> {
    let p = inflight.get(userId);
    if (!p) {
      p = readLocale(userId).finally(() => inflight.delete(userId));
      inflight.set(userId, p);
    }
    return p;
  }

  async function warm(): Promise<number> {
    client ??= singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: opts.timeoutMs ?? 1500 });
    let cursor: string | undefined;
    let count = 0;
    try {
      do {
        const res = await client.users.list({ include_locale: true, limit: 200, ...(cursor ? { cursor } : {}) });
        const members = (res.members ?? []) as { id?: string; locale?: string; tz?: string; deleted?: boolean }[];
        const pipe = opts.redis.pipeline();
        for (const m of members) {
          if (!m.id || m.deleted || !m.locale) continue;
          pipe.set(K.user(m.id), langOfSlackLocale(m.locale), 'PX', ttl);
          pipe.set(K.userTz(m.id), validZone(m.tz) ?? '', 'PX', ttl);
          count++;
        }
        await pipe.exec();
        cursor = res.response_metadata?.next_cursor || undefined;
      } while (cursor);
    } catch (err) {
      // A 429 or an outage: whoever is not cached yet is learnt one by one after their first answer.
      opts.logger?.warn({ cached: count, err: err instanceof Error ? err.message : String(err) }, 'users.list failed; locales are learnt per person');
    }
    return count;
  }

  return {
    defaultLanguage: fallback,
    cachedUserLanguage: cached,
    learnUser: learn,
    warm,
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
      return (await cached(userId)) ?? learn(userId);
    },
    cachedUserTimeZone: async (userId) => validZone(await opts.redis.get(K.userTz(userId))),
    async userTimeZone(userId) {
      const known = await opts.redis.get(K.userTz(userId));
      if (known !== null) return validZone(known);
      // Their language known but not their zone (a cache from before zones were kept): one read learns both.
      await learn(userId);
      return validZone(await opts.redis.get(K.userTz(userId)));
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
    cachedUserLanguage: () => Promise.resolve(lang),
    learnUser: () => Promise.resolve(lang),
    warm: () => Promise.resolve(0),
    cachedUserTimeZone: () => Promise.resolve(undefined),
    userTimeZone: () => Promise.resolve(undefined),
  };
}
