import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';
import { createSlackBot, type SlackBot } from '../../src/slack/app.ts';
import { testRedis, type TestRedis } from './fixtures.ts';
import { PEOPLE } from './helpers.ts';
import { SpyService } from './spy-service.ts';

/** Socket Mode (SLACK_APP_TOKEN): apps.connections.open on the fake, then envelopes over a loopback WebSocket. */

let slack: FakeSlack;
let r: TestRedis;
let bot: SlackBot;
const service = new SpyService();

beforeAll(async () => {
  slack = await startFakeSlack({ users: PEOPLE });
  r = await testRedis('socket');
  bot = createSlackBot({
    botToken: slack.botToken, appToken: slack.appToken, slackApiUrl: slack.apiUrl, botId: slack.botId, botUserId: slack.botUserId,
    service, redis: r.redis, prefix: `${r.prefix}:slack`, requesters: [], approvers: ['U0BOB'], defaultRegion: 'cn-hangzhou',
  });
  await bot.start();
  await slack.socketConnected();
});
afterAll(async () => {
  await bot.stop();
  await slack.close();
  await r.cleanup();
});

describe('Socket Mode', () => {
  it('connects with the app token and acks slash commands over the socket', async () => {
    const open = slack.calls('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.authorization).toBe(`Bearer ${slack.appToken}`);
    expect(slack.calls('auth.test')).toHaveLength(0);
    const res = await slack.slash('U0ALICE', 'C0OPS', 'run i-bp1aaaaaaaaaaaaaaaaa');
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(res.json?.text)).toMatch(/queued as `migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa`/);
    expect(service.count('submit')).toBe(1);
    const bad = await slack.slash('U0ALICE', 'C0OPS', 'run nope');
    expect(String(bad.json?.text)).toMatch(/does not look like/);
    expect(service.count('submit')).toBe(1);
  });
});
