import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';
import { createLanguages, languageKeys } from '../../src/slack/language.ts';
import { langOfSlackLocale } from '../../src/i18n/lang.ts';
import { testRedis, type TestRedis } from './fixtures.ts';

/** Which language natmigrate speaks: the channel's (Redis override, else the default) and each person's Slack locale. */

let slack: FakeSlack;
let r: TestRedis;
beforeAll(async () => {
  slack = await startFakeSlack({
    users: [{ id: 'U0KENJI', name: 'kenji', locale: 'ja-JP', tz: 'Asia/Tokyo' }, { id: 'U0ALICE', name: 'alice', locale: 'en-GB', tz: 'Europe/London' }, { id: 'U0PIERRE', name: 'pierre', locale: 'fr-FR', tz: 'Not/AZone' }],
    channels: { C0OPS: 'ops', C0JP: 'ops-jp' },
  });
  r = await testRedis('language');
});
afterAll(async () => {
  await r?.cleanup();
  await slack?.close();
});

const make = (o: { defaultLanguage?: 'en' | 'ja'; userTtlMs?: number } = {}) => createLanguages({
  redis: r.redis, prefix: `${r.prefix}:slack`, defaultLanguage: o.defaultLanguage ?? 'en', botToken: slack.botToken, slackApiUrl: slack.apiUrl,
  ...(o.userTtlMs !== undefined ? { userTtlMs: o.userTtlMs } : {}),
});

describe('Slack locale → language', () => {
  it.each([
    ['ja-JP', 'ja'], ['ja', 'ja'], ['JA_jp', 'ja'], ['en-US', 'en'], ['en-GB', 'en'], ['fr-FR', 'en'], ['', 'en'], [undefined, 'en'],
  ] as const)('%s → %s', (locale, lang) => {
    expect(langOfSlackLocale(locale)).toBe(lang);
  });
});

describe('channelLanguage', () => {
  it('is NATMIGRATE_LANGUAGE until an override is set, the override after, the default again once cleared', async () => {
    const en = make();
    const ja = make({ defaultLanguage: 'ja' });
    expect(await en.channelLanguage('C0OPS')).toBe('en');
    expect(await ja.channelLanguage('C0OPS')).toBe('ja');
    expect(await en.hasChannelLanguage('C0OPS')).toBe(false);
    await en.setChannelLanguage('C0OPS', 'ja');
    // Stored in Redis: every bot process (and the other default) sees it.
    expect(await r.redis.get(languageKeys(`${r.prefix}:slack`).channel('C0OPS'))).toBe('ja');
    expect(await en.channelLanguage('C0OPS')).toBe('ja');
    expect(await make().channelLanguage('C0OPS')).toBe('ja');
    expect(await en.channelLanguage('C0JP')).toBe('en');
    expect(await en.hasChannelLanguage('C0OPS')).toBe(true);
    await en.setChannelLanguage('C0OPS', undefined);
    expect(await en.channelLanguage('C0OPS')).toBe('en');
    expect(await ja.channelLanguage('C0OPS')).toBe('ja');
  });
});

describe('userLanguage', () => {
  it('reads users.info with include_locale=true once, then answers from the cache until its TTL', async () => {
    const langs = make({ userTtlMs: 60_000 });
    const before = slack.calls('users.info').length;
    expect(await langs.userLanguage('U0KENJI')).toBe('ja');
    expect(await langs.userLanguage('U0ALICE')).toBe('en');
    expect(await langs.userLanguage('U0PIERRE')).toBe('en');
    const calls = slack.calls('users.info').slice(before);
    expect(calls.map((c) => c.params.user)).toEqual(['U0KENJI', 'U0ALICE', 'U0PIERRE']);
    expect(calls.every((c) => String(c.params.include_locale) === 'true')).toBe(true);
    // Cached in Redis: another bot process does not ask again.
    expect(await make().userLanguage('U0KENJI')).toBe('ja');
    expect(slack.calls('users.info').length).toBe(before + 3);
    const ttl = await r.redis.pttl(languageKeys(`${r.prefix}:slack`).user('U0KENJI'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('answers in the default language when Slack cannot say, and asks again next time', async () => {
    const langs = make({ defaultLanguage: 'ja' });
    slack.fail('users.info', { kind: 'http', status: 503 });
    expect(await langs.userLanguage('U0NOPE')).toBe('ja');
    expect(await r.redis.exists(languageKeys(`${r.prefix}:slack`).user('U0NOPE'))).toBe(0);
    expect(await make().userLanguage('U0NOPE')).toBe('en'); // user_not_found: the default of that process
  });
});

describe('warm and the ack path', () => {
  it('reads the directory with users.list and include_locale, so cachedUserLanguage answers without asking Slack', async () => {
    const sub = await testRedis('language-warm');
    try {
      const langs = createLanguages({ redis: sub.redis, prefix: `${sub.prefix}:slack`, defaultLanguage: 'en', botToken: slack.botToken, slackApiUrl: slack.apiUrl });
      expect(await langs.cachedUserLanguage('U0KENJI')).toBeUndefined();
      const lists = slack.calls('users.list').length;
      const infos = slack.calls('users.info').length;
      expect(await langs.warm()).toBeGreaterThanOrEqual(3);
      const asked = slack.calls('users.list').slice(lists);
      expect(asked.length).toBeGreaterThanOrEqual(1);
      expect(asked.every((c) => String(c.params.include_locale) === 'true')).toBe(true);
      expect(await langs.cachedUserLanguage('U0KENJI')).toBe('ja');
      expect(await langs.cachedUserLanguage('U0ALICE')).toBe('en');
      expect(slack.calls('users.info').length).toBe(infos);
    } finally {
      await sub.cleanup();
    }
  });

  it('pages users.list by cursor, and sends locale only when asked', async () => {
    const call = async (p: Record<string, string>) => (await fetch(`${slack.apiUrl}users.list`, {
      method: 'POST', headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(p).toString(),
    })).json() as Promise<{ ok: boolean; members: { id: string; locale?: string }[]; response_metadata: { next_cursor: string } }>;
    const first = await call({ limit: '2' });
    expect(first.ok).toBe(true);
    expect(first.members).toHaveLength(2);
    expect(first.members.every((m) => m.locale === undefined)).toBe(true);
    expect(first.response_metadata.next_cursor).not.toBe('');
    const rest = await call({ limit: '2', cursor: first.response_metadata.next_cursor, include_locale: 'true' });
    const ids = [...first.members, ...rest.members].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['U0KENJI', 'U0ALICE', 'U0PIERRE']));
    expect(rest.members.every((m) => typeof m.locale === 'string')).toBe(true);
  });

  it('learnUser reads one person with users.info and caches them', async () => {
    const langs = make();
    await r.redis.del(languageKeys(`${r.prefix}:slack`).user('U0KENJI'));
    expect(await langs.cachedUserLanguage('U0KENJI')).toBeUndefined();
    expect(await langs.learnUser('U0KENJI')).toBe('ja');
    expect(await langs.cachedUserLanguage('U0KENJI')).toBe('ja');
  });
});

describe('a person\'s time zone', () => {
  it('comes from the same users.info read as their language (no call of its own), cached beside it', async () => {
    const sub = await testRedis('language-tz');
    try {
      const langs = createLanguages({ redis: sub.redis, prefix: `${sub.prefix}:slack`, defaultLanguage: 'en', botToken: slack.botToken, slackApiUrl: slack.apiUrl });
      const before = slack.calls('users.info').length;
      expect(await langs.cachedUserTimeZone('U0KENJI')).toBeUndefined();
      expect(await langs.userLanguage('U0KENJI')).toBe('ja');
      expect(await langs.cachedUserTimeZone('U0KENJI')).toBe('Asia/Tokyo');
      expect(await langs.userTimeZone('U0KENJI')).toBe('Asia/Tokyo');
      expect(slack.calls('users.info').length).toBe(before + 1);
      // A zone Intl does not know is not used (their answers follow the channel's zone), and not asked for again.
      expect(await langs.userTimeZone('U0PIERRE')).toBeUndefined();
      expect(await langs.userTimeZone('U0PIERRE')).toBeUndefined();
      expect(slack.calls('users.info').length).toBe(before + 2);
    } finally {
      await sub.cleanup();
    }
  });

  it('is cached for everyone by warm (users.list), so the ack path knows it without asking Slack', async () => {
    const sub = await testRedis('language-tz-warm');
    try {
      const langs = createLanguages({ redis: sub.redis, prefix: `${sub.prefix}:slack`, defaultLanguage: 'en', botToken: slack.botToken, slackApiUrl: slack.apiUrl });
      const infos = slack.calls('users.info').length;
      await langs.warm();
      expect(await langs.cachedUserTimeZone('U0KENJI')).toBe('Asia/Tokyo');
      expect(await langs.cachedUserTimeZone('U0ALICE')).toBe('Europe/London');
      expect(await langs.userTimeZone('U0ALICE')).toBe('Europe/London');
      expect(slack.calls('users.info').length).toBe(infos);
    } finally {
      await sub.cleanup();
    }
  });
});
