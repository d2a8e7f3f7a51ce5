import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';

/**
 * conversations.members in the simulated workspace, as https://docs.slack.dev/reference/methods/conversations.members
 * documents it: cursor pages (100 by default), the scope of the conversation's kind (groups:read for a private
 * channel), invalid_cursor, and a private channel the bot is not in is not found.
 */

type Client = InstanceType<typeof webApi.WebClient>;
const clientFor = (slack: FakeSlack): Client =>
  new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
const refusal = (p: Promise<unknown>) => p.then(() => 'ok', (e: { data?: { error?: string; needed?: string } }) => `${e.data?.error}${e.data?.needed ? `:${e.data.needed}` : ''}`);

const MEMBERS = Array.from({ length: 250 }, (_, i) => `U0M${String(i).padStart(4, '0')}`);
let slack: FakeSlack;
let noGroups: FakeSlack;
beforeAll(async () => {
  const setup = (s: FakeSlack) => {
    s.addChannel('C0PRIV', 'priv', 'private');
    s.setChannelMembers('C0PRIV', [...MEMBERS, s.botUserId]);
    s.addChannel('C0CLOSED', 'closed', 'private');
    s.setChannelMembers('C0CLOSED', ['U0M0001']);
  };
  slack = await startFakeSlack({ users: [{ id: 'U0ALICE', name: 'alice' }], channels: { C0PUB: 'pub' } });
  setup(slack);
  noGroups = await startFakeSlack({ users: [{ id: 'U0ALICE', name: 'alice' }], channels: { C0PUB: 'pub' }, scopes: ['channels:read', 'chat:write'] });
  setup(noGroups);
});
afterAll(async () => {
  await slack?.close();
  await noGroups?.close();
});

describe('simulated workspace: conversations.members', () => {
  it('pages with a cursor: 100 by default, `limit` otherwise, an empty next_cursor on the last page', async () => {
    const client = clientFor(slack);
    const first = await client.conversations.members({ channel: 'C0PRIV' });
    expect(first.members).toEqual(MEMBERS.slice(0, 100));
    const all: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await client.conversations.members({ channel: 'C0PRIV', limit: 120, ...(cursor ? { cursor } : {}) });
      all.push(...(res.members ?? []));
      cursor = res.response_metadata?.next_cursor || undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(all).toEqual([...MEMBERS, slack.botUserId]);
    expect(await refusal(client.conversations.members({ channel: 'C0PRIV', cursor: 'bm90LWEtY3Vyc29y' }))).toBe('invalid_cursor');
  });

  it('a private channel needs groups:read, and one the bot is not in is not found', async () => {
    expect(await refusal(clientFor(slack).conversations.members({ channel: 'C0CLOSED' }))).toBe('channel_not_found');
    expect(await refusal(clientFor(noGroups).conversations.members({ channel: 'C0PRIV' }))).toBe('missing_scope:groups:read');
    expect(await refusal(clientFor(noGroups).conversations.members({ channel: 'C0PUB' }))).toBe('ok');
  });
});
