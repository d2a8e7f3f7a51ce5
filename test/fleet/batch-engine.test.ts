// Batches at the engine's port: one plan, one approval bound to the batch hash, canary first, stop on the first
// failure. Real Redis, BullMQ workers, the Alibaba adapter and the sandbox. Each test has a world of its own (sandbox,
// Redis prefix, engine), so the tests run concurrently.
import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { egressIp } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { startFleetEnv, type FleetEnv } from './env.ts';
import { batchScenario, fleetIds, scanScenario } from './scenarios.ts';
import { refusalText } from '../../src/slack/refused-because.ts';
import type { RequestProblem } from '../../src/domain/request-problem.ts';

const ALL = { ports: { kind: 'all' as const }, configureGuest: false };
const envs: FleetEnv[] = [];
afterAll(async () => { for (const e of envs) await e.close(); });

async function fleetEnv(o: Parameters<typeof startFleetEnv>[0]): Promise<FleetEnv> {
  const e = await startFleetEnv(o);
  envs.push(e);
  return e;
}

async function approve(e: FleetEnv, batchId: string, userId = 'U0BOB') {
  const req = await e.waitFor(batchId, 'approval.requested');
  const r = await e.engine.approvals.decide(batchId, { planHash: req.planHash, decision: 'approve', userId, isApprover: true });
  expect(r.ok).toBe(true);
  return req;
}

describe.concurrent('batch (engine)', () => {
  it('refuses targets that are not NAT gateway, VPC or instance ids with the facts (worded per reader), its English as before', async () => {
    const env = await fleetEnv({ name: 'batch-bad-targets', scenario: batchScenario(2) });
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.natGateway, 'sg-bp1nope'], options: ALL, requestedBy: 'U0ALICE', audience: {} });
    expect(res).toEqual({ ok: false, message: 'not NAT gateway, VPC or instance ids: sg-bp1nope', problem: { problem: 'not_batch_targets', shown: ['sg-bp1nope'] } });
    expect(refusalText(res as { message: string; problem: RequestProblem }, 'ja')).toBe('NATゲートウェイ、VPC、インスタンスのいずれのIDでもありません: sg-bp1nope');
  });

  it('is planned by one run at a time: a run that finds another planning it (a BullMQ stalled re-run) waits, then plans once', async () => {
    const env = await fleetEnv({ name: 'batch-plan-once', scenario: batchScenario(3) });
    const e = env;
    const r = e.r.redis;
    // Queued only once the test holds what a first run of the same batch holds while it plans (claimPlanning).
    let enqueue: (() => Promise<void>) | undefined;
    const res = await e.engine.service.submitBatch(
      { regionId: 'cn-hangzhou', targets: [fleetIds.natGateway], options: ALL, requestedBy: 'U0ALICE', audience: {} },
      { defer: (w) => { enqueue = w; } },
    );
    const batchId = (res as { batchId: string }).batchId;
    const lease = e.engine.keys.batchPlanning(batchId);
    expect(await r.set(lease, 'another-run', 'PX', 60_000, 'NX')).toBe('OK');
    await enqueue!();
    // This run started (state running) and parked to look again later (delayed), without planning.
    await until(async () => (await e.engine.fleet.record(batchId))?.state === 'running' && (await e.engine.fleet.queue.getJobState(batchId)) === 'delayed', { what: 'the run to park' });
    expect(e.of(batchId).filter((ev) => ev.type === 'batch.planned'), 'planned while another run held the batch').toEqual([]);
    await r.del(lease);
    await approve(e, batchId);
    const fin = await e.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    expect(e.of(batchId).filter((ev) => ev.type === 'batch.planned')).toHaveLength(1);
    expect(await r.exists(lease), 'the lease is given back after planning').toBe(0);
  });

  it('a batch that succeeds ends with every instance egressing through the SNAT IP', async () => {
    const env = await fleetEnv({ name: 'batch-ok', scenario: batchScenario(8) });
    const snatIp = env.sandbox.world.snatEntries.values().next().value!.snatIp;
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.natGateway], options: ALL, concurrency: 3, requestedBy: 'U0ALICE', audience: {} });
    expect(res.ok).toBe(true);
    const batchId = (res as { batchId: string }).batchId;
    const req = await approve(env, batchId);
    expect(req.batch?.items).toHaveLength(8);
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    for (let i = 0; i < 8; i++) expect(egressIp(env.sandbox.world, fleetIds.instance(i))).toBe(snatIp);
  });

  it('a batch of 20 whose canary fails verification stops after the canary, restores it, and leaves the rest untouched', async () => {
    // Instance 1's guest does not route the secondary NIC, and there is no --configure-guest: SSH through the EIP fails.
    const env = await fleetEnv({ name: 'batch-canary', scenario: batchScenario(20, [0]), options: { verifyTimeoutMs: 1500 } });
    const world = env.sandbox.world;
    const before = new Map([...world.dnatEntries.values()].map((d) => [d.forwardEntryId, { ...d }]));
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.natGateway], options: ALL, concurrency: 4, requestedBy: 'U0ALICE', audience: {} });
    const batchId = (res as { batchId: string }).batchId;
    const req = await approve(env, batchId);
    const items = req.batch!.items;
    expect(items).toHaveLength(20);
    expect(items.filter((i) => i.canary).map((i) => i.instanceId)).toEqual([fleetIds.instance(0)]);
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('restored');
    expect(fin.summary).toContain(`Stopped: ${fleetIds.instance(0)} (canary) ended restored`);

    const canary = items[0]!;
    const childEvents = (id: string) => env!.of(id).map((e) => e.type);
    // The canary cut over, failed verification, and was restored by its own restore path.
    expect(childEvents(canary.childJobId)).toEqual(expect.arrayContaining(['original.saved', 'verified', 'restored', 'finished']));
    expect((await env.engine.service.status(canary.childJobId))[0]?.outcome).toBe('restored');
    const restored = [...world.dnatEntries.values()].find((d) => d.externalIp === canary.entryToDelete.externalIp)!;
    expect(restored).toMatchObject({ internalIp: canary.entryToDelete.internalIp, status: 'Available', ipProtocol: 'any' });

    // Nobody else was released: no cutover, mapping untouched (same entry, same fields), staging undone.
    const untouched = items.slice(1);
    for (const it of untouched) {
      expect(childEvents(it.childJobId), it.instanceId).not.toContain('original.saved');
      const rec = (await env.engine.service.status(it.childJobId))[0]!;
      expect(rec.outcome, it.instanceId).toBe('cancelled');
      expect(world.dnatEntries.get(it.entryToDelete.forwardEntryId), it.instanceId).toMatchObject({ ...before.get(it.entryToDelete.forwardEntryId), since: expect.any(Number) });
      expect(fin.summary).toContain(it.instanceId);
    }
    expect([...world.enis.values()].filter((e) => e.type === 'Secondary')).toEqual([]);
    const progress = env.of(batchId).filter((e): e is Extract<MigrationEvent, { type: 'batch.progress' }> => e.type === 'batch.progress').at(-1)!;
    expect(progress.counts).toMatchObject({ done: 0, failed: 1, untouched: 19, inFlight: 0, waiting: 0 });
  });

  it('instances the pre-flight refuses are listed and skipped, not fatal; the rest migrate', async () => {
    const env = await fleetEnv({ name: 'batch-skip', scenario: scanScenario(15) });
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.vpc], options: ALL, canary: 2, requestedBy: 'U0ALICE', audience: {} });
    const batchId = (res as { batchId: string }).batchId;
    const req = await approve(env, batchId);
    expect(req.batch!.skipped.map((x) => `${x.instanceId} ${x.code}`)).toEqual([
      `${fleetIds.instance(2)} EniQuotaFull`, `${fleetIds.instance(6)} InstanceNotRunning`, `${fleetIds.instance(11)} NoSnatCoverage`,
      `${fleetIds.instance(13)} CloudAssistantUnavailable`,
    ]);
    // 15 instances, 3 without a mapping (5th, 10th, 15th), 4 refused (one has no Cloud Assistant agent).
    expect(req.batch!.items).toHaveLength(8);
    expect(req.batch!.items.filter((i) => i.canary)).toHaveLength(2);
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    expect(fin.summary).toContain(`Skipped by the pre-flight: ${fleetIds.instance(2)} (EniQuotaFull)`);
    // The refused ones were never touched.
    for (const i of [2, 6, 11, 13]) expect(env.sandbox.world.dnatEntries.get(fleetIds.forwardEntry(i))?.status).toBe('Available');
    expect([...env.sandbox.world.enis.values()].filter((e) => e.instanceId === fleetIds.instance(13) && e.type === 'Secondary')).toEqual([]);
  });

  it('a rejected batch unstages every instance and touches no mapping; the requester cannot approve it', async () => {
    const env = await fleetEnv({ name: 'batch-reject', scenario: batchScenario(5) });
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.natGateway], options: ALL, requestedBy: 'U0BOB', audience: {} });
    const batchId = (res as { batchId: string }).batchId;
    const req = await env.waitFor(batchId, 'approval.requested');
    expect(await env.engine.approvals.decide(batchId, { planHash: req.planHash, decision: 'approve', userId: 'U0BOB', isApprover: true })).toMatchObject({ ok: false, code: 'SelfApproval' });
    expect(await env.engine.approvals.decide(batchId, { planHash: 'f'.repeat(64), decision: 'approve', userId: 'U0DAVE', isApprover: true })).toMatchObject({ ok: false, code: 'StalePlan' });
    // A child's own request cannot be approved by anyone: only the batch releases it.
    const child = req.batch!.items[0]!.childJobId;
    await env.waitFor(child, 'approval.requested');
    const cr = await env.engine.approvals.current(child);
    expect(cr?.heldBy).toBe(batchId);
    expect(await env.engine.approvals.decide(child, { planHash: cr!.planHash, decision: 'approve', userId: 'U0DAVE', isApprover: true })).toMatchObject({ ok: false, code: 'NotAwaiting' });
    await env.engine.approvals.decide(batchId, { planHash: req.planHash, decision: 'reject', userId: 'U0DAVE', isApprover: true });
    const fin = await env.waitFor(batchId, 'finished', 30_000);
    expect(fin.outcome).toBe('rejected');
    expect(env.events.events.some((e) => e.type === 'original.saved')).toBe(false);
    for (const it of req.batch!.items) expect((await env.engine.service.status(it.childJobId))[0]?.outcome).toBe('cancelled');
    expect([...env.sandbox.world.enis.values()].filter((e) => e.type === 'Secondary')).toEqual([]);
    expect([...env.sandbox.world.dnatEntries.values()].every((d) => d.status === 'Available' && d.name.startsWith('fleet-'))).toBe(true);
  });

  it('a batch survives its worker going away mid-way: another worker picks it up from the records', async () => {
    const env = await fleetEnv({ name: 'batch-handover', scenario: batchScenario(8) });
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.natGateway], options: ALL, concurrency: 2, requestedBy: 'U0ALICE', audience: {} });
    const batchId = (res as { batchId: string }).batchId;
    const req = await approve(env, batchId);
    await env.waitFor(req.batch!.items[0]!.childJobId, 'finished', 30_000);
    await env.worker.close({ graceMs: 5000 });
    env.worker = await env.engine.startWorker();
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    expect(env.of(batchId).filter((e) => e.type === 'batch.instance')).toHaveLength(8);
  });

  it('cancelling a batch before its approval undoes the staging', async () => {
    const env = await fleetEnv({ name: 'batch-cancel', scenario: batchScenario(3) });
    const res = await env.engine.service.submitBatch({ regionId: 'cn-hangzhou', targets: [fleetIds.natGateway], options: ALL, requestedBy: 'U0BOB', audience: {} });
    const batchId = (res as { batchId: string }).batchId;
    await env.waitFor(batchId, 'approval.requested');
    const c = await env.engine.service.cancel(batchId, 'U0DAVE');
    expect(c).toMatchObject({ ok: true });
    const fin = await env.waitFor(batchId, 'finished', 30_000);
    expect(fin.outcome, fin.summary).toBe('cancelled');
    expect([...env.sandbox.world.enis.values()].filter((e) => e.type === 'Secondary')).toEqual([]);
    expect((await env.engine.service.cancel(batchId, 'U0DAVE')).ok).toBe(false);
  });
});

export type { MigrationEvent };
