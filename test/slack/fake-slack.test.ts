import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { INSTALLED_SCOPES, startFakeSlack, signSlackRequest, type FakeSlack } from '../../src/slack-sim/index.ts';

/** The fake workspace answers like Slack's Web API does, so the real WebClient parses it. */

let slack: FakeSlack;
let client: InstanceType<typeof webApi.WebClient>;
beforeAll(async () => {
  slack = await startFakeSlack({
    users: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0KENJI', name: 'kenji', locale: 'ja-JP' }], usergroups: { S0G: ['U0ALICE'] }, channels: { C0X: 'x', C0Y: 'y', C0Z: 'z' },
    scopes: INSTALLED_SCOPES,
  });
  client = new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
});
afterAll(async () => {
  await slack.close();
});

describe('fake Slack Web API', () => {
  it('signs like Slack (v0 HMAC over "v0:ts:body", matching the documented vector)', () => {
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('chat.postMessage / chat.update / threads: Slack shapes, monotonic ts, edits kept', async () => {
    const root = await client.chat.postMessage({ channel: 'C0X', text: 'root' });
    expect(root).toMatchObject({ ok: true, channel: 'C0X', message: { text: 'root', user: slack.botUserId } });
    const a = await client.chat.postMessage({ channel: 'C0X', thread_ts: root.ts!, text: 'a' });
    const b = await client.chat.postMessage({ channel: 'C0X', thread_ts: root.ts!, text: 'b' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(Number(a.ts)).toBeGreaterThan(Number(root.ts));
    const up = await client.chat.update({ channel: 'C0X', ts: root.ts!, text: 'root v2' });
    expect(up).toMatchObject({ ok: true, ts: root.ts, text: 'root v2' });
    expect(slack.transcript('C0X', root.ts!)).toEqual(['root v2', 'a', 'b']);
    expect(slack.message('C0X', root.ts!)!.edits).toHaveLength(1);
  });

  it('answers the errors Slack answers', async () => {
    await expect(client.chat.postMessage({ channel: 'C0Z', thread_ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
    await expect(client.chat.update({ channel: 'C0Z', ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    await expect(client.chat.postMessage({ channel: 'C0Z', text: 'x', blocks: [{ type: 'section' } as never] })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(client.chat.postMessage({ channel: 'C0Z', text: '' })).rejects.toMatchObject({ data: { error: 'no_text' } });
    await expect(client.users.info({ user: 'U0NOPE' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    await expect(client.usergroups.users.list({ usergroup: 'S0NOPE' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
    const bad = new webApi.WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    await expect(bad.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('reads: users.info, usergroups.users.list, conversations.members, auth.test', async () => {
    expect(await client.users.info({ user: 'U0ALICE' })).toMatchObject({ ok: true, user: { id: 'U0ALICE', name: 'alice' } });
    // The locale comes only when asked for (include_locale), as on Slack.
    expect((await client.users.info({ user: 'U0KENJI' })).user).not.toHaveProperty('locale');
    expect((await client.users.info({ user: 'U0KENJI', include_locale: true })).user).toMatchObject({ locale: 'ja-JP' });
    expect((await client.users.info({ user: 'U0ALICE', include_locale: true })).user).toMatchObject({ locale: 'en-US' });
    expect(await client.usergroups.users.list({ usergroup: 'S0G' })).toMatchObject({ ok: true, users: ['U0ALICE'] });
    expect(await client.conversations.members({ channel: 'C0X' })).toMatchObject({ ok: true, response_metadata: { next_cursor: '' } });
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: slack.botUserId, bot_id: slack.botId, team_id: slack.teamId });
  });

  it('injects 429 with Retry-After, 5xx and ok:false for N calls, and records every call with its form body', async () => {
    slack.fail('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 7 });
    slack.fail('chat.postMessage', { kind: 'http', status: 503 });
    slack.fail('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    await expect(client.chat.postMessage({ channel: 'C0Y', text: 'x' })).rejects.toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 7 });
    await expect(client.chat.postMessage({ channel: 'C0Y', text: 'x' })).rejects.toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 503 });
    await expect(client.chat.postMessage({ channel: 'C0Y', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    expect((await client.chat.postMessage({ channel: 'C0Y', text: 'x' })).ok).toBe(true);
    const calls = slack.calls('chat.postMessage').slice(-4);
    expect(calls.map((c) => c.status)).toEqual([429, 503, 200, 200]);
    expect(calls[3]).toMatchObject({ contentType: 'application/x-www-form-urlencoded', authorization: `Bearer ${slack.botToken}`, params: { channel: 'C0Y', text: 'x' } });
  });
});
