import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, signedHeaders, slashCommandBody, signSlackRequest, interactionBody, type FakeSlack } from '../../src/slack-sim/index.ts';
import { testRedis, type TestRedis } from './fixtures.ts';
import { PEOPLE, SIGNING_SECRET, startBot, type RunningBot } from './helpers.ts';
import { SpyService } from './spy-service.ts';

/** The real Bolt HTTPReceiver with signed requests: what is refused before any listener, and the router's answers. */

const CH = 'C0OPS';
const INSTANCE = 'i-bp1aaaaaaaaaaaaaaaaa';
let slack: FakeSlack;
let r: TestRedis;
let bot: RunningBot;
let service: SpyService;

beforeAll(async () => {
  slack = await startFakeSlack({ users: PEOPLE, usergroups: { S0OPS: ['U0CAROL'], S0APPROVERS: ['U0CAROL'] }, channels: { [CH]: 'ops' } });
  r = await testRedis('bolt-http');
  service = new SpyService();
  bot = await startBot(slack, service, r.redis, r.prefix);
});
beforeEach(() => {
  service.calls.length = 0;
});
afterAll(async () => {
  await bot.stop();
  await slack.close();
  await r.cleanup();
});

function commandBody(userId: string, text: string): string {
  return slashCommandBody({ teamId: slack.teamId, channelId: CH, userId, text, responseUrl: `${slack.url}/response_url/x` });
}

describe('request verification (HTTPReceiver)', () => {
  it('rejects a bad signature with 401 and never runs a listener', async () => {
    const body = commandBody('U0ALICE', `run ${INSTANCE}`);
    const headers = signedHeaders('wrong-secret-wrong-secret', body);
    const res = await slack.sendRaw(body, headers);
    expect(res.status).toBe(401);
    expect(service.calls).toHaveLength(0);
  });

  it('rejects a stale timestamp (301 s old, correctly signed) with 401', async () => {
    const body = commandBody('U0ALICE', `run ${INSTANCE}`);
    const res = await slack.sendRaw(body, signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 301));
    expect(res.status).toBe(401);
    expect(service.calls).toHaveLength(0);
  });

  it('rejects missing signature headers with 401', async () => {
    const body = commandBody('U0ALICE', 'help');
    const res = await slack.sendRaw(body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(401);
  });

  it('drops a correctly signed request dated more than 5 minutes in the future (Bolt would accept it)', async () => {
    const body = commandBody('U0ALICE', `run ${INSTANCE}`);
    const res = await slack.sendRaw(body, signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) + 3600));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(service.calls).toHaveLength(0);
  });

  it('a replayed slash command (same signed bytes) is acknowledged but creates no second job', async () => {
    const body = commandBody('U0ALICE', `run ${INSTANCE}`);
    const headers = signedHeaders(SIGNING_SECRET, body);
    const first = await slack.sendRaw(body, headers);
    expect(first.status).toBe(200);
    expect(first.json?.text).toMatch(/queued as `migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa`/);
    const replay = await slack.sendRaw(body, headers);
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('');
    expect(service.count('submit')).toBe(1);
  });

  it('answers 400 to the charset variant of the content-type (Bolt compares it exactly)', async () => {
    const body = commandBody('U0ALICE', 'help');
    const res = await slack.sendRaw(body, { ...signedHeaders(SIGNING_SECRET, body), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(res.status).toBe(400);
  });
});

describe('/natmigrate router', () => {
  it('help: ephemeral usage', async () => {
    const res = await slack.slash('U0EVE', CH, 'help');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(res.json?.text)).toContain('/natmigrate run <instance-id>');
    expect(String(res.json?.text)).toContain('cn-hangzhou');
  });

  it.each([
    ['frobnicate i-bp1aaaaaaaaaaaaaaaaa', /Unknown subcommand/],
    ['run', /Missing instance id/],
    ['run i-123', /does not look like an ECS instance id/],
    ['run I-BP1AAAAAAAAAAAAAAAAA', /upper-case/],
    ['run i-bp1aaaaaaaaaaaaaaaaa --ports 1-100', /Port ranges/],
    ['cancel i-bp1aaaaaaaaaaaaaaaaa', /instance id; `cancel` takes a job id/],
    ['run i-bp1aaaaaaaaaaaaaaaaa --region Mars', /region/],
    ['status <script>alert(1)</script>', /neither a job id/],
  ])('malformed %j → a specific ephemeral error and no job', async (text, expected) => {
    const res = await slack.slash('U0ALICE', CH, text);
    expect(res.status).toBe(200);
    expect(res.json?.response_type).toBe('ephemeral');
    expect(String(res.json?.text)).toMatch(expected);
    expect(String(res.json?.text)).not.toMatch(/at .*\.ts:\d+|Error:/);
    expect(service.count('submit') + service.count('preview') + service.count('cancel') + service.count('rollback')).toBe(0);
  });

  it('run: queues one job per instance with the channel as audience, answered at once', async () => {
    const t0 = performance.now();
    const res = await slack.slash('U0ALICE', CH, 'run i-bp1aaaaaaaaaaaaaaaaa i-bp1bbbbbbbbbbbbbbbbb --ports 22,443');
    const took = performance.now() - t0;
    expect(took).toBeLessThan(1000);
    expect(String(res.json?.text)).toMatch(/2 of 2 migrations queued/);
    const call = service.calls.find((c) => c.method === 'submit')!.args as { instanceIds: string[]; requestedBy: string; audience: Record<string, string>; options: unknown };
    expect(call.instanceIds).toEqual(['i-bp1aaaaaaaaaaaaaaaaa', 'i-bp1bbbbbbbbbbbbbbbbb']);
    expect(call.requestedBy).toBe('U0ALICE');
    expect(call.audience).toEqual({ channelId: CH, userId: 'U0ALICE' });
    expect(call.options).toEqual({ ports: { kind: 'list', ports: [22, 443] }, configureGuest: false });
  });

  it('plan: queues a dry run whose result goes to the channel', async () => {
    const res = await slack.slash('U0ALICE', CH, `plan ${INSTANCE} --region cn-shanghai`);
    expect(String(res.json?.text)).toMatch(/Dry run of `i-bp1aaaaaaaaaaaaaaaaa` in `cn-shanghai` queued/);
    const call = service.calls.find((c) => c.method === 'preview')!.args as { audience: Record<string, string>; regionId: string };
    expect(call.audience).toEqual({ channelId: CH, userId: 'U0ALICE', mode: 'preview' });
    expect(call.regionId).toBe('cn-shanghai');
  });

  it('a user who is not a requester is refused, a member of a requester group is not', async () => {
    const eve = await slack.slash('U0EVE', CH, `run ${INSTANCE}`);
    expect(String(eve.json?.text)).toMatch(/not allowed to run/);
    expect(service.count('submit')).toBe(0);
    const carol = await slack.slash('U0CAROL', CH, `run ${INSTANCE}`);
    expect(String(carol.json?.text)).toMatch(/queued/);
    expect(service.count('submit')).toBe(1);
  });

  it('in a channel the bot is not in, asks to be invited instead of queuing a thread it cannot post', async () => {
    slack.setChannelMembers('C0PRIVATE', ['U0ALICE']);
    const res = await slack.slash('U0ALICE', 'C0PRIVATE', `run ${INSTANCE}`);
    expect(String(res.json?.text)).toMatch(/Invite me first/);
    expect(service.count('submit')).toBe(0);
    slack.setChannelMembers('C0PRIVATE', ['U0ALICE', slack.botUserId]);
    expect(String((await slack.slash('U0ALICE', 'C0PRIVATE', `run ${INSTANCE}`)).json?.text)).toMatch(/queued/);
  });

  it('status / cancel / rollback answer from the service, ephemeral', async () => {
    expect(String((await slack.slash('U0EVE', CH, 'status')).json?.text)).toBe('No active jobs.');
    expect(String((await slack.slash('U0ALICE', CH, 'cancel migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa')).json?.text)).toMatch(/No job/);
    expect(String((await slack.slash('U0ALICE', CH, 'rollback migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa')).json?.text)).toMatch(/No job/);
    expect(String((await slack.slash('U0EVE', CH, 'cancel migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa')).json?.text)).toMatch(/Only requesters/);
  });
});

describe('approval clicks that fail before the engine', () => {
  it('a click whose button value is garbage is refused to the clicker and nothing is decided', async () => {
    const payload = {
      type: 'block_actions', user: { id: 'U0BOB', username: 'bob', team_id: slack.teamId }, api_app_id: 'A0FAKEAPP', token: 't',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: CH, is_ephemeral: false },
      trigger_id: '1.2.3', team: { id: slack.teamId, domain: 'fake' }, channel: { id: CH, name: 'ops' },
      message: { type: 'message', ts: '1700000000.000100', text: '' }, state: { values: {} },
      response_url: `${slack.url}/response_url/T0FAKE/99/zz`,
      actions: [{ action_id: 'natmigrate_approve', block_id: 'natmigrate_approval', type: 'button', value: 'na1:../../etc/passwd', text: { type: 'plain_text', text: 'Approve' }, action_ts: '1' }],
    };
    const body = interactionBody(payload);
    const ts = Math.floor(Date.now() / 1000);
    const res = await slack.sendRaw(body, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, body, ts) });
    expect(res.status).toBe(200);
    const told = slack.responses().at(-1)!;
    expect(told.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(told.body.text)).toMatch(/invalid value/);
    expect(service.count('approvals.decide')).toBe(0);
  });
});
