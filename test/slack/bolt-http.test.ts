import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders, slashCommandBody, signSlackRequest, interactionBody } from '../../src/slack-sim/index.ts';
import { until } from '../../src/util/until.ts';
import { SIGNING_SECRET, startBot } from './helpers.ts';
import { cloudRequestsFor, cloudWrites, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * The real Bolt HTTPReceiver with signed requests, in front of the real engine, its worker and the sandbox cloud:
 * what is refused before any listener, and the router's answers. "Did not get through" is read from the engine's
 * records and queue and from the requests the cloud saw. Every test that queues work ends it again, so each one
 * starts with an idle engine: no active job, an empty queue, no cloud write in flight.
 */

const CH = 'C0OPS';
/** A migratable sandbox instance that is only ever named in requests that must not get through. */
const GUARDED = MIGRATABLE[8]![0];
/** Not in the sandbox: the malformed commands name it. */
const INSTANCE = 'i-bp1aaaaaaaaaaaaaaaaa';
let env: Env;

beforeAll(async () => {
  // "The bot cannot post here" is not cached in this file: a test invites the bot and runs the command again at once.
  env = await startEnv('bolt-http', {}, { ...FASTER_SLACK, bot: (c) => startBot(c.slack, c.service, c.redis, c.prefix, { outbox: c.outbox, channelNoCacheMs: 0 }) });
});
afterAll(async () => {
  await env?.close();
});

function commandBody(userId: string, text: string): string {
  return slashCommandBody({ teamId: env.slack.teamId, channelId: CH, userId, text, responseUrl: `${env.slack.url}/response_url/x` });
}

/** What the engine and the cloud hold now, to compare with after a request that must change nothing. */
async function snapshot() {
  return { at: Date.now(), jobIds: await env.jobIds() };
}

/**
 * Nothing got through since `before`: no job record was written (for any instance), the queue is empty, the cloud
 * saw no write, and nobody asked the cloud about `instanceId`.
 */
async function expectNothingReached(before: { at: number; jobIds: string[] }, instanceId: string) {
  // A request that got through has its record before the answer (the listener runs before the response); the worker
  // makes its cloud calls from the queue, so once the queue is drained nothing of it is still on its way.
  await until(async () => (await env.queued()).length === 0, { what: 'the migrations queue to be drained', timeoutMs: 10_000 });
  expect(await env.jobIds()).toEqual(before.jobIds);
  expect(await env.engine.service.status(instanceId)).toEqual([]);
  expect(await env.queued()).toEqual([]);
  expect(cloudWrites(env.sandbox, before.at)).toEqual([]);
  // Since `before`: an earlier batch's VPC snapshot may have read every instance (Cloud Assistant status).
  expect(cloudRequestsFor(env.sandbox, instanceId, before.at)).toEqual([]);
}

const textOf = (res: { json?: Record<string, unknown> }) => String(res.json?.text);
const queuedId = (text: string, instanceId: string) => new RegExp(`\`${instanceId}\`: queued as \`(migrate-cn-hangzhou-${instanceId}-\\d+)\``).exec(text)?.[1];

describe('request verification (HTTPReceiver)', () => {
  it('rejects a bad signature with 401 and never runs a listener', async () => {
    const before = await snapshot();
    const body = commandBody('U0ALICE', `run ${GUARDED}`);
    const headers = signedHeaders('wrong-secret-wrong-secret', body);
    const res = await env.slack.sendRaw(body, headers);
    expect(res.status).toBe(401);
    await expectNothingReached(before, GUARDED);
  });

  it('rejects a stale timestamp (301 s old, correctly signed) with 401', async () => {
    const before = await snapshot();
    const body = commandBody('U0ALICE', `run ${GUARDED}`);
    const res = await env.slack.sendRaw(body, signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 301));
    expect(res.status).toBe(401);
    await expectNothingReached(before, GUARDED);
  });

  it('rejects missing signature headers with 401', async () => {
    const body = commandBody('U0ALICE', 'help');
    const res = await env.slack.sendRaw(body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(401);
  });

  it('drops a correctly signed request dated more than 5 minutes in the future (Bolt would accept it)', async () => {
    const before = await snapshot();
    const body = commandBody('U0ALICE', `run ${GUARDED}`);
    const res = await env.slack.sendRaw(body, signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) + 3600));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await expectNothingReached(before, GUARDED);
  });

  it('a replayed slash command (same signed bytes) is acknowledged but creates no second job', async () => {
    const [instanceId] = MIGRATABLE[0]!;
    const body = commandBody('U0ALICE', `run ${instanceId}`);
    const headers = signedHeaders(SIGNING_SECRET, body);
    const first = await env.slack.sendRaw(body, headers);
    expect(first.status).toBe(200);
    const jobId = queuedId(String(first.json?.text), instanceId);
    expect(jobId, String(first.json?.text)).toBeDefined();
    const replay = await env.slack.sendRaw(body, headers);
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('');
    // One record, one queue entry, one thread; the job really runs (it stages its ENI and asks for approval).
    expect((await env.engine.service.status(instanceId)).map((r) => r.jobId)).toEqual([jobId]);
    expect((await env.queued()).map((q) => q.jobId)).toEqual([jobId]);
    await env.approvalCard(jobId!);
    expect(cloudRequestsFor(env.sandbox, instanceId).map((r) => r.action)).toContain('AttachNetworkInterface');
    expect(env.slack.channelMessages(CH).filter((m) => m.text.includes(instanceId) && !m.threadTs)).toHaveLength(1);
    expect((await env.engine.service.status(instanceId)).map((r) => r.jobId)).toEqual([jobId]);
    await env.rejectAndWait(jobId!);
  });

  it('answers 400 to the charset variant of the content-type (Bolt compares it exactly)', async () => {
    const body = commandBody('U0ALICE', 'help');
    const res = await env.slack.sendRaw(body, { ...signedHeaders(SIGNING_SECRET, body), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(res.status).toBe(400);
  });
});

describe('/natmigrate router', () => {
  it('help: ephemeral usage', async () => {
    const res = await env.slack.slash('U0EVE', CH, 'help');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    // Placeholders are escaped (a raw <instance-id> would be read as a link) and read as written.
    expect(textOf(res)).toContain('/natmigrate run &lt;instance-id&gt;');
    expect(env.slack.renderText(textOf(res))).toContain('/natmigrate run <instance-id>');
    expect(textOf(res)).toContain('cn-hangzhou');
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
    const before = await snapshot();
    const res = await env.slack.slash('U0ALICE', CH, text);
    expect(res.status).toBe(200);
    expect(res.json?.response_type).toBe('ephemeral');
    expect(textOf(res)).toMatch(expected);
    expect(textOf(res)).not.toMatch(/at .*\.ts:\d+|Error:/);
    await expectNothingReached(before, INSTANCE);
  });

  it('run with one id: queues its job with the channel as audience, answered at once', async () => {
    const ids = [MIGRATABLE[1]![0]];
    const t0 = performance.now();
    const res = await env.slack.slash('U0ALICE', CH, `run ${ids.join(' ')} --ports 22,443`);
    const took = performance.now() - t0;
    expect(took).toBeLessThan(1000);
    expect(textOf(res)).toMatch(/1 of 1 migration queued/);
    const jobIds = ids.map((id) => queuedId(textOf(res), id)!);
    for (const [k, instanceId] of ids.entries()) {
      const recs = await env.engine.service.status(instanceId);
      expect(recs.map((r) => r.jobId)).toEqual([jobIds[k]]);
      expect(recs[0]).toMatchObject({
        kind: 'migrate', instanceId, regionId: 'cn-hangzhou', requestedBy: 'U0ALICE',
        audience: { channelId: CH, userId: 'U0ALICE' },
        options: { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false },
      });
      expect(recs[0]!.audience).toEqual({ channelId: CH, userId: 'U0ALICE' });
    }
    expect((await env.queued()).map((q) => q.jobId).sort()).toEqual([...jobIds].sort());
    // The audience is where the threads appear.
    for (const jobId of jobIds) expect((await env.approvalCard(jobId)).channel).toBe(CH);
    for (const jobId of jobIds) await env.rejectAndWait(jobId);
  });

  it('run with several ids: one batch over exactly those instances, its thread in the channel, answered at once', async () => {
    const ids = [MIGRATABLE[1]![0], MIGRATABLE[2]![0]];
    const t0 = performance.now();
    const res = await env.slack.slash('U0ALICE', CH, `run ${ids.join(' ')} --ports 22,443`);
    expect(performance.now() - t0).toBeLessThan(1000);
    const batchId = /^2 instances in `cn-hangzhou` queued as one batch `(batch-[^`]+)`/.exec(textOf(res))?.[1];
    expect(batchId, textOf(res)).toBeDefined();
    const batch = await env.engine.service.batchStatus!(batchId!);
    expect(batch).toMatchObject({ batchId, regionId: 'cn-hangzhou', targets: ids, requestedBy: 'U0ALICE' });
    // The batch's one approval card is in the channel; no instance got a job of its own outside the batch.
    const card = await env.approvalCard(batchId!);
    expect(card.channel).toBe(CH);
    for (const id of ids) expect((await env.engine.service.status(id)).filter((r) => !r.batchId && r.state !== 'finished')).toEqual([]);
    const planned = await env.engine.service.batchStatus!(batchId!);
    expect(planned?.items.map((i) => i.instanceId).sort()).toEqual([...ids].sort());
    const clicked = await env.slack.click('U0BOB', CH, card.ts, { actionId: 'natmigrate_reject' });
    expect(clicked.status).toBe(200);
    // Rejected: the batch ends and its staged children are undone before the next test.
    await until(async () => {
      const b = await env.engine.service.batchStatus!(batchId!);
      return b?.state === 'finished' && b.items.every((i) => i.state === undefined || i.state === 'finished') && (await env.queued()).length === 0;
    }, { what: `${batchId} and its children to end after the reject`, timeoutMs: 30_000 });
  });

  it('plan: queues a dry run whose result goes to the channel; the region given reaches the engine', async () => {
    const [instanceId] = MIGRATABLE[3]!;
    const before = await snapshot();
    const res = await env.slack.slash('U0ALICE', CH, `plan ${instanceId}`);
    expect(textOf(res)).toMatch(new RegExp(`Dry run of \`${instanceId}\` in \`cn-hangzhou\` queued`));
    const jobId = /\(job `(preview-[^`]+)`\)/.exec(textOf(res))?.[1];
    expect(jobId, textOf(res)).toBeDefined();
    expect(await env.jobIds()).toEqual([...before.jobIds, jobId!].sort());
    const [rec] = await env.engine.service.status(jobId);
    expect(rec).toMatchObject({ kind: 'preview', instanceId, regionId: 'cn-hangzhou', requestedBy: 'U0ALICE' });
    expect(rec!.audience).toEqual({ channelId: CH, userId: 'U0ALICE', mode: 'preview' });
    // The plan is posted in the channel (not a thread), and a dry run changes nothing in the cloud: its one call that is
    // not a read is the read-only guest introspection (RunCommand of ss, iptables-save, nft, sysctl, ip).
    await until(() => env.slack.channelMessages(CH).some((m) => !m.threadTs && env.slack.render(m).includes(`Dry run: plan for ${instanceId}`)),
      { what: 'the dry run plan to be posted to the channel', timeoutMs: 15_000 });
    expect((await env.engine.service.status(jobId))[0]?.plan?.instanceId).toBe(instanceId);
    expect(cloudWrites(env.sandbox, before.at).map((w) => w.action)).toEqual(['RunCommand']);
    expect(env.sandbox.requests.filter((r) => r.at >= before.at && r.action === 'RunCommand' && r.code === 'OK').map((r) => r.params.Name)).toEqual(['natmigrate-introspect']);

    // --region is passed on as typed; this engine has no cloud in that region and says so. Nothing is queued.
    const other = await snapshot();
    const sh = await env.slack.slash('U0ALICE', CH, `plan ${instanceId} --region cn-shanghai`);
    expect(textOf(sh)).toMatch(/Dry run not queued: region `cn-shanghai` is not configured here/);
    expect(await env.jobIds()).toEqual(other.jobIds);
    expect(await env.queued()).toEqual([]);
  });

  it('a user who is not a requester is refused, a member of a requester group is not', async () => {
    const [instanceId] = MIGRATABLE[4]!;
    const before = await snapshot();
    const eve = await env.slack.slash('U0EVE', CH, `run ${instanceId}`);
    expect(textOf(eve)).toMatch(/not allowed to run/);
    await expectNothingReached(before, instanceId);
    const carol = await env.slack.slash('U0CAROL', CH, `run ${instanceId}`);
    expect(textOf(carol)).toMatch(/queued/);
    const recs = await env.engine.service.status(instanceId);
    expect(recs.map((r) => [r.jobId, r.requestedBy])).toEqual([[queuedId(textOf(carol), instanceId), 'U0CAROL']]);
    await env.rejectAndWait(recs[0]!.jobId);
  });

  it('in a channel the bot is not in, asks to be invited instead of queuing a thread it cannot post', async () => {
    const [instanceId] = MIGRATABLE[5]!;
    env.slack.setChannelMembers('C0PRIVATE', ['U0ALICE']);
    const before = await snapshot();
    const res = await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`);
    expect(textOf(res)).toMatch(/Invite me first/);
    await expectNothingReached(before, instanceId);
    env.slack.setChannelMembers('C0PRIVATE', ['U0ALICE', env.slack.botUserId]);
    const again = await env.slack.slash('U0ALICE', 'C0PRIVATE', `run ${instanceId}`);
    expect(textOf(again)).toMatch(/queued/);
    const [rec] = await env.engine.service.status(instanceId);
    expect(rec?.audience).toEqual({ channelId: 'C0PRIVATE', userId: 'U0ALICE' });
    expect((await env.approvalCard(rec!.jobId)).channel).toBe('C0PRIVATE');
    await env.rejectAndWait(rec!.jobId);
  });

  it('status / cancel / rollback answer from the engine, ephemeral', async () => {
    const before = await snapshot();
    expect(textOf(await env.slack.slash('U0EVE', CH, 'status'))).toMatch(/^No active jobs that you can see /);
    const unknown = 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-1';
    expect(textOf(await env.slack.slash('U0ALICE', CH, `cancel ${unknown}`))).toBe(`No job ${unknown}.`);
    expect(textOf(await env.slack.slash('U0ALICE', CH, `rollback ${unknown}`))).toBe(`No job ${unknown}.`);
    expect(textOf(await env.slack.slash('U0EVE', CH, `cancel ${unknown}`))).toMatch(/Only requesters/);
    await expectNothingReached(before, INSTANCE);
  });
});

describe('approval clicks that fail before the engine', () => {
  it('a click whose button value is garbage is refused to the clicker and nothing is decided', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[6]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    const t0 = Date.now();
    const slack = env.slack;
    const payload = {
      type: 'block_actions', user: { id: 'U0BOB', username: 'bob', team_id: slack.teamId }, api_app_id: 'A0FAKEAPP', token: 't',
      container: { type: 'message', message_ts: card.ts, thread_ts: card.threadTs, channel_id: CH, is_ephemeral: false },
      trigger_id: '1.2.3', team: { id: slack.teamId, domain: 'fake' }, channel: { id: CH, name: 'ops' },
      message: { type: 'message', ts: card.ts, thread_ts: card.threadTs, text: '' }, state: { values: {} },
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
    // Nothing was decided: the job still waits with no approval counted, and the cloud saw no write.
    const approval = await env.engine.service.approvals.current(jobId);
    expect(approval?.approvals).toEqual([]);
    expect(approval?.decision).toBeUndefined();
    expect((await env.engine.service.status(jobId))[0]?.state).toBe('awaiting_approval');
    // The refusal is in the job's thread, for everyone to see; once it is, the click has been dealt with.
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('(`Tampered`)')), 'the refused click to be audited');
    expect(cloudWrites(env.sandbox, t0)).toEqual([]);
    expect(lines.filter((l) => /@bob clicked \*Approve\* — refused \(`Tampered`\)/.test(l))).toHaveLength(1);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: privateIp, status: 'Available' })]);
    await env.rejectAndWait(jobId);
  });
});
