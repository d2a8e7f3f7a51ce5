import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';

/** The simulated workspace enforces Slack's platform rules by default; a test relaxes one only by naming it. */

type Client = InstanceType<typeof webApi.WebClient>;
const clientFor = (slack: FakeSlack): Client =>
  new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });

let slack: FakeSlack;
let client: Client;
beforeAll(async () => {
  slack = await startFakeSlack({
    users: [{ id: 'U0ALICE', name: 'alice' }],
    channels: { C0A: 'a', C0B: 'b', C0OUT: 'out', C0OLD: 'old', D0BOT: 'alice', G0MP: 'mpdm-alice--bob-1', C0META: 'meta' },
    channelKinds: { G0MP: 'mpim' },
    archived: ['C0OLD'],
  });
  slack.setChannelMembers('C0OUT', ['U0ALICE']);
  slack.setChannelMembers('D0BOT', ['U0ALICE', slack.botUserId]);
  client = clientFor(slack);
});
afterAll(async () => {
  await slack.close();
});

const refusal = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; retryAfter?: number; data?: { error?: string; needed?: string } }) => e.retryAfter !== undefined ? `429:${e.retryAfter}` : `${e.data?.error}${e.data?.needed ? `:${e.data.needed}` : ''}`);

describe('simulated workspace: platform rules', () => {
  it('chat.postMessage: about one per second per channel after a short burst, 429 with Retry-After; other channels unaffected', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) answers.push(await refusal(client.chat.postMessage({ channel: 'C0A', text: `m${i}` })));
    expect(answers.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(answers.slice(5)).toEqual(['429:1', '429:1']);
    expect(await refusal(client.chat.postMessage({ channel: 'C0B', text: 'elsewhere' }))).toBe('ok');
    expect(slack.refused()['chat.postMessage']).toBe(2);
  });

  it('chat.update is Tier 3 for the whole workspace', async () => {
    const m = await client.chat.postMessage({ channel: 'C0B', text: 'to edit' });
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) answers.push(await refusal(client.chat.update({ channel: 'C0B', ts: m.ts!, text: `v${i}` })));
    expect(answers.filter((a) => a === 'ok').length).toBe(10);
    expect(answers.at(-1)).toMatch(/^429:\d+$/);
  });

  it('membership, archived channels, unknown channels', async () => {
    expect(await refusal(client.chat.postMessage({ channel: 'C0OUT', text: 'x' }))).toBe('not_in_channel');
    expect(await refusal(client.chat.postMessage({ channel: 'C0OLD', text: 'x' }))).toBe('is_archived');
    expect(await refusal(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await client.conversations.info({ channel: 'C0OUT' })).toMatchObject({ channel: { is_member: false, is_archived: false } });
    expect(await client.conversations.info({ channel: 'C0OLD' })).toMatchObject({ channel: { is_member: true, is_archived: true } });
  });

  it('scopes per method and per conversation kind: im:read and mpim:read are not installed', async () => {
    const narrow = await startFakeSlack({ users: [{ id: 'U0ALICE', name: 'alice' }], scopes: ['chat:write'] });
    try {
      expect(await refusal(clientFor(narrow).users.info({ user: 'U0ALICE' }))).toBe('missing_scope:users:read');
    } finally {
      await narrow.close();
    }
    expect(await refusal(client.conversations.info({ channel: 'D0BOT' }))).toBe('missing_scope:im:read');
    expect(await refusal(client.conversations.info({ channel: 'G0MP' }))).toBe('missing_scope:mpim:read');
    expect(await refusal(client.conversations.history({ channel: 'D0BOT' }))).toBe('missing_scope:im:history');
    const wider = await startFakeSlack({ channels: { D0BOT: 'alice' }, scopes: ['im:read'] });
    wider.setChannelMembers('D0BOT', ['U0ALICE', wider.botUserId]);
    try {
      expect(await clientFor(wider).conversations.info({ channel: 'D0BOT' })).toMatchObject({ channel: { is_im: true } });
    } finally {
      await wider.close();
    }
  });

  it('message metadata is kept and returned only with include_all_metadata', async () => {
    const metadata = { event_type: 'natmigrate_outbox_message', event_payload: { outbox_id: 'job/1/0' } };
    const root = await client.chat.postMessage({ channel: 'C0META', text: 'root', metadata });
    await client.chat.postMessage({ channel: 'C0META', text: 'reply', thread_ts: root.ts!, metadata: { ...metadata, event_payload: { outbox_id: 'job/2/0' } } });
    const plain = await client.conversations.history({ channel: 'C0META' });
    expect(plain.messages?.[0]).not.toHaveProperty('metadata');
    const full = await client.conversations.history({ channel: 'C0META', include_all_metadata: true });
    expect(full.messages?.[0]).toMatchObject({ text: 'root', metadata });
    const replies = await client.conversations.replies({ channel: 'C0META', ts: root.ts!, include_all_metadata: true });
    expect(replies.messages?.map((m) => (m as { metadata?: { event_payload?: { outbox_id?: string } } }).metadata?.event_payload?.outbox_id)).toEqual(['job/1/0', 'job/2/0']);
    expect(await refusal(client.chat.postMessage({ channel: 'C0META', text: 'x', metadata: '{"event_type":' as never }))).toBe('invalid_metadata_format');
  });

  it('a response_url takes 5 posts; the bot must answer within 3 s', async () => {
    let delayMs = 0;
    const urls: string[] = [];
    const bot = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += String(c)));
      req.on('end', () => {
        urls.push(new URLSearchParams(body).get('response_url') ?? '');
        setTimeout(() => res.end(''), delayMs);
      });
    });
    await new Promise<void>((r) => bot.listen(0, '127.0.0.1', () => r()));
    try {
      slack.connectBot({ url: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/`, signingSecret: 's' });
      expect((await slack.slash('U0ALICE', 'C0A', 'help')).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(urls[0]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `answer ${i}` }) })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
      delayMs = 3300;
      await expect(slack.slash('U0ALICE', 'C0A', 'help')).rejects.toThrow(/operation_timeout/);
    } finally {
      bot.closeAllConnections();
      await new Promise<void>((r) => bot.close(() => r()));
    }
  });

  it('a relaxed rule is not enforced, and only that one', async () => {
    const relaxed = await startFakeSlack({ channels: { C0A: 'a', C0OLD: 'old' }, archived: ['C0OLD'], relax: ['rate-limits'] });
    try {
      const c = clientFor(relaxed);
      for (let i = 0; i < 8; i++) expect(await refusal(c.chat.postMessage({ channel: 'C0A', text: `m${i}` }))).toBe('ok');
      expect(await refusal(c.chat.postMessage({ channel: 'C0OLD', text: 'x' }))).toBe('is_archived');
    } finally {
      await relaxed.close();
    }
  });
});
