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
    users: [{ id: 'U0KENJI', name: 'kenji', locale: 'ja-JP' }, { id: 'U0ALICE', name: 'alice', locale: 'en-GB' }, { id: 'U0PIERRE', name: 'pierre', locale: 'fr-FR' }],
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
