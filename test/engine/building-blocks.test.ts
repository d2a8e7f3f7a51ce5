// The engine's Redis building blocks on a real Redis: approvals (four-eyes, M-of-N, binding, expiry),
// the shared rate budget, the per-forward-table lock and the job record store.
import { deleteKeys } from '../../src/util/private-redis.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisApprovals } from '../../src/engine/store/approvals.ts';
import { makeKeys } from '../../src/engine/store/keys.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import type { ApprovalRequest, JobRecord } from '../../src/engine/ports.ts';
import { RecordStore } from '../../src/engine/store/records.ts';
import { RedisRateBudget } from '../../src/engine/store/api-rate-budget.ts';
import { TableLocks } from '../../src/engine/store/table-lock.ts';
import { CancelFlags } from '../../src/engine/store/cancel-flags.ts';
import { until } from '../../src/util/until.ts';
import type { JobData } from '../../src/engine/job-data.ts';
import { redisClient, uniquePrefix } from './helpers.ts';

const prefix = uniquePrefix('blocks');
const keys = makeKeys(prefix);
let redis: Redis;
let records: RecordStore;

beforeAll(() => {
  redis = redisClient();
  records = new RecordStore(redis, keys, 60_000);
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

function record(jobId: string, instanceId: string): JobRecord {
  const now = new Date().toISOString();
  return {
    jobId, kind: 'migrate', regionId: 'cn-hangzhou', instanceId, requestedBy: 'UREQ', audience: { channelId: 'C1' },
    options: { ports: { kind: 'all' }, configureGuest: false }, state: 'queued', createdAt: now, updatedAt: now, steps: [],
  };
}
const journal = (jobId: string, instanceId: string): JobData => ({
  v: 1, kind: 'migrate', jobId, regionId: 'cn-hangzhou', instanceId, requestedBy: 'UREQ',
  options: { ports: { kind: 'all' }, configureGuest: false }, step: 'plan',
});

describe('job records', () => {
  it('claims an instance once, indexes by instance, frees it on finish and keeps the record', async () => {
    const a = await records.createActive(record('migrate-cn-hangzhou-i-rec000001-1', 'i-rec000001'), journal('migrate-cn-hangzhou-i-rec000001-1', 'i-rec000001'));
    expect(a.created).toBe(true);
    const b = await records.createActive(record('migrate-cn-hangzhou-i-rec000001-2', 'i-rec000001'), journal('migrate-cn-hangzhou-i-rec000001-2', 'i-rec000001'));
    expect(b).toEqual({ created: false, holder: 'migrate-cn-hangzhou-i-rec000001-1' });
    expect((await records.active()).map((r) => r.jobId)).toContain('migrate-cn-hangzhou-i-rec000001-1');

    await records.finish('migrate-cn-hangzhou-i-rec000001-1', 'cn-hangzhou', 'i-rec000001', { outcome: 'refused', summary: 'x' });
    expect(await records.activeHolder('cn-hangzhou', 'i-rec000001')).toBeUndefined();
    const r = await records.get('migrate-cn-hangzhou-i-rec000001-1');
    expect(r).toMatchObject({ state: 'finished', outcome: 'refused', summary: 'x', audience: { channelId: 'C1' } });
    expect(await redis.pttl(keys.record('migrate-cn-hangzhou-i-rec000001-1'))).toBeGreaterThan(50_000);
    expect((await records.byInstance('i-rec000001')).map((x) => x.jobId)).toEqual(['migrate-cn-hangzhou-i-rec000001-1']);
    expect((await records.active()).map((x) => x.jobId)).not.toContain('migrate-cn-hangzhou-i-rec000001-1');
  });
});

describe('approvals', () => {
  const notifier = new RecordingNotifier();
  const woken: string[] = [];
  let approvals: RedisApprovals;
  let n = 0;
  // Business time the test moves by hand: expiry without waiting for it.
  let nowMs = Date.now();
  const clock = { now: () => nowMs };

  beforeAll(() => {
    approvals = new RedisApprovals(records, notifier, async (id) => { woken.push(id); }, clock);
  });

  async function openJob(required: number, ttlMs = 60_000): Promise<{ jobId: string; hash: string }> {
    n++;
    const jobId = `migrate-cn-hangzhou-i-appr0000${n}-1`;
    await records.createActive(record(jobId, `i-appr0000${n}`), journal(jobId, `i-appr0000${n}`));
    const now = clock.now();
    const a: ApprovalRequest = {
      kind: 'migrate', planHash: `hash-${n}`, requestedBy: 'UREQ', requiredApprovals: required,
      requestedAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlMs).toISOString(), approvals: [],
    };
    const opened = await approvals.open(jobId, a);
    expect(opened.opened).toBe(true);
    return { jobId, hash: a.planHash };
  }

  it('refuses self-approval, stale hashes and repeats; counts distinct approvers to M; then refuses late clicks', async () => {
    const { jobId, hash } = await openJob(2);
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UREQ', isApprover: true })).toMatchObject({ ok: false, code: 'SelfApproval' });
    expect(await approvals.decide(jobId, { planHash: 'old', decision: 'approve', userId: 'UA', isApprover: true })).toMatchObject({ ok: false, code: 'StalePlan' });
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UA', isApprover: true })).toMatchObject({ ok: true, decided: false });
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UA', isApprover: true })).toMatchObject({ ok: false, code: 'AlreadyCounted' });
    expect(woken).not.toContain(jobId);
    const done = await approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UB', isApprover: true });
    expect(done).toMatchObject({ ok: true, decided: true, request: { decision: { decision: 'approved', by: ['UA', 'UB'] } } });
    expect(woken).toContain(jobId);
    const late = await approvals.decide(jobId, { planHash: hash, decision: 'reject', userId: 'UC', isApprover: true });
    expect(late).toMatchObject({ ok: false, code: 'AlreadyDecided' });
    expect(late.ok ? '' : late.message).toMatch(/approved by <@UA>, <@UB> at/);
    const types = notifier.forJob(jobId).map((e) => e.type);
    expect(types).toEqual(['approval.recorded', 'approval.recorded', 'approval.decided']);
  });

  it('only approvers approve, whoever calls the engine; approvers or the requester reject', async () => {
    const { jobId, hash } = await openJob(1);
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UA', isApprover: false })).toMatchObject({ ok: false, code: 'NotApprover' });
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'reject', userId: 'UX', isApprover: false })).toMatchObject({ ok: false, code: 'NotApprover' });
    expect(await approvals.current(jobId)).toMatchObject({ approvals: [] });
    expect(await approvals.current(jobId)).not.toHaveProperty('decision');
  });

  it('a reject decides at once, even from the requester', async () => {
    const { jobId, hash } = await openJob(3);
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'reject', userId: 'UREQ', isApprover: true })).toMatchObject({ ok: true, decided: true, request: { decision: { decision: 'rejected' } } });
  });

  it('expires: a click after the deadline is refused and the decision is recorded once', async () => {
    const { jobId, hash } = await openJob(1, 30_000);
    nowMs += 30_000;
    expect(await approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UA', isApprover: true })).toMatchObject({ ok: false, code: 'Expired' });
    expect((await approvals.current(jobId))?.decision?.decision).toBe('expired');
    expect(notifier.forJob(jobId).filter((e) => e.type === 'approval.decided')).toHaveLength(1);
  });

  it('concurrent approvals of a 1-of-N request decide exactly once', async () => {
    const { jobId, hash } = await openJob(1);
    const results = await Promise.all(['U1', 'U2', 'U3', 'U4'].map((u) => approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: u, isApprover: true })));
    expect(results.filter((r) => r.ok && r.decided)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'AlreadyDecided')).toHaveLength(3);
  });

  it('unknown jobs and jobs without a request', async () => {
    expect(await approvals.decide('migrate-cn-hangzhou-i-nojob00001-1', { planHash: 'h', decision: 'approve', userId: 'U', isApprover: true })).toMatchObject({ ok: false, code: 'UnknownJob' });
    await records.createActive(record('migrate-cn-hangzhou-i-noreq00001-1', 'i-noreq00001'), journal('migrate-cn-hangzhou-i-noreq00001-1', 'i-noreq00001'));
    expect(await approvals.decide('migrate-cn-hangzhou-i-noreq00001-1', { planHash: 'h', decision: 'approve', userId: 'U', isApprover: true })).toMatchObject({ ok: false, code: 'NotAwaiting' });
  });
});

describe('rate budget shared through Redis', () => {
  it('two budgets (two workers) share one rate', async () => {
    const a = new RedisRateBudget(redisClient(), keys, { ratePerSec: 40, burst: 1 });
    const b = new RedisRateBudget(redisClient(), keys, { ratePerSec: 40, burst: 1 });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take('DescribeInstances')));
    const elapsed = Date.now() - t0;
    // 20 requests at 40/s, one after the other: the last starts ~475 ms after the first.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a throttle pushes the next slot out for everyone', async () => {
    const k2 = makeKeys(`${prefix}-pen`);
    const a = new RedisRateBudget(redis, k2, { ratePerSec: 1000 });
    const b = new RedisRateBudget(redis, k2, { ratePerSec: 1000 });
    await a.penalize('CreateForwardEntry', 300, 'Throttling.User');
    const t0 = Date.now();
    await b.take('DescribeNatGateways');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await deleteKeys(redis, `${prefix}-pen`);
  });
});

describe('forward-table lock', () => {
  it('serializes owners, lets the owner take it back, and lapses when the owner stops renewing', async () => {
    const locks = new TableLocks(redis, keys, { ttlMs: 300, pollMs: 10 });
    const h1 = await locks.acquire('ftb-1', 'job-a');
    expect(await locks.tryAcquire('ftb-1', 'job-b')).toBeUndefined();
    const again = await locks.tryAcquire('ftb-1', 'job-a');
    expect(again).toBeDefined();
    await again!.release();
    await h1.release();
    const h2 = await locks.acquire('ftb-1', 'job-b');
    const t0 = Date.now();
    // job-b's renewal keeps it held; job-c waits until the release.
    setTimeout(() => { void h2.release(); }, 500);
    const h3 = await locks.acquire('ftb-1', 'job-c');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    await h3.release();
    // A dead owner: set the key without renewal; it lapses after the TTL.
    await redis.set(keys.tableLock('ftb-2'), 'dead-job', 'PX', 200);
    const h4 = await locks.acquire('ftb-2', 'job-d');
    expect(await locks.holder('ftb-2')).toBe('job-d');
    await h4.release();
  });

  it("queues one process's waiters first come first served, also when another process's owner goes away", async () => {
    const locks = new TableLocks(redis, keys, { ttlMs: 5_000, pollMs: 20 });
    const elsewhere = new TableLocks(redis, keys, { ttlMs: 5_000, pollMs: 20 });
    for (let round = 0; round < 5; round++) {
      const table = `ftb-q${round}`;
      // Held by another process: its release wakes no one here, so each waiter here would find it free by polling.
      const other = await elsewhere.acquire(table, 'job-elsewhere');
      const got: string[] = [];
      const waiters = ['job-1', 'job-2', 'job-3'].map((owner) => locks.acquire(table, owner).then(async (h) => { got.push(owner); await h.release(); }));
      await new Promise((r) => setTimeout(r, 60));
      await other.release();
      await Promise.all(waiters);
      expect(got).toEqual(['job-1', 'job-2', 'job-3']);
    }
    // A waiter that gives up leaves its place to the next one.
    const held = await locks.acquire('ftb-q9', 'job-holder');
    const ac = new AbortController();
    const gaveUp = locks.acquire('ftb-q9', 'job-quitter', ac.signal);
    const next = locks.acquire('ftb-q9', 'job-next');
    ac.abort(new Error('cancelled'));
    await expect(gaveUp).rejects.toThrow('cancelled');
    await held.release();
    const h = await next;
    expect(await locks.holder('ftb-q9')).toBe('job-next');
    await h.release();
  });
});

describe('cancel flags', () => {
  it("one watch per process tells each run when its own flag is set, at every look, until it stops watching", async () => {
    const flags = new CancelFlags(redis, keys, 60_000);
    const seen: string[] = [];
    const stopA = flags.watch('job-ca', 10, (by) => seen.push(`a:${by}`));
    const stopB = flags.watch('job-cb', 10, (by) => seen.push(`b:${by}`));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
    expect(await flags.request('job-cb', 'UCANCEL', new Date().toISOString())).toBe(true);
    // Told at every look (every 10 ms) while it watches: wait for two of them.
    await until(() => seen.length >= 2, { what: 'two looks that saw the flag', timeoutMs: 5_000 });
    expect(new Set(seen)).toEqual(new Set(['b:UCANCEL']));
    stopB();
    const n = seen.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(n);
    stopA();
    expect(await flags.requestedBy('job-cb')).toBe('UCANCEL');
  });
});

describe('the journal written with the record (writeJournal)', () => {
  const jobId = 'migrate-cn-hangzhou-i-jour000001-1';
  const jobKey = `${prefix}:q:${jobId}`;
  const step = (n: number, done = true) => ({ step: 'plan' as const, title: `step ${n}`, startedAt: 'a', calls: [], ...(done ? { finishedAt: 'b' } : {}) });

  it('writes the job data and the record in one go, new steps only, and nothing once the run lost the job', async () => {
    await records.createActive(record(jobId, 'i-jour000001'), journal(jobId, 'i-jour000001'));
    const fence = { jobId, token: Number(await redis.incr(keys.fence(jobId))) };
    expect(await records.writeJournal(fence, jobKey, journal(jobId, 'i-jour000001'))).toBe('missing');
    await redis.hset(jobKey, 'data', '{}');

    const j = { ...journal(jobId, 'i-jour000001'), step: 'create_eni' as const };
    const steps = [step(1), step(2, false)];
    expect(await records.writeJournal(fence, jobKey, j, { fields: { state: 'staging' }, steps: { from: 0, steps } })).toBe('ok');
    expect(JSON.parse((await redis.hget(jobKey, 'data'))!)).toEqual(j);
    const first = await records.getWithJournal(jobId);
    expect(first?.journal).toEqual(j);
    expect(first?.record).toMatchObject({ state: 'staging', steps });

    // The second step finished and a third began: only those two are sent, the first stays as it was.
    steps[1] = step(2);
    steps.push(step(3, false));
    expect(await records.writeJournal(fence, jobKey, { ...j, step: 'save_original' }, { fields: {}, steps: { from: 1, steps } })).toBe('ok');
    expect(await redis.hget(keys.record(jobId), 'steps:0')).toBe(JSON.stringify(step(1)));
    expect((await records.get(jobId))?.steps).toEqual(steps);

    // Another run took the job over: this one's write is refused and changes nothing.
    await redis.incr(keys.fence(jobId));
    expect(await records.writeJournal(fence, jobKey, { ...j, step: 'finish' }, { fields: { state: 'restoring' }, steps: { from: 3, steps: [...steps, step(4)] } })).toBe('fence');
    expect(JSON.parse((await redis.hget(jobKey, 'data'))!).step).toBe('save_original');
    expect((await records.getWithJournal(jobId))?.record.steps).toEqual(steps);

    // finish() writes the last steps the same way.
    await records.finish(jobId, 'cn-hangzhou', 'i-jour000001', { outcome: 'migrated' }, { from: 3, steps: [...steps, step(4)] });
    expect((await records.get(jobId))?.steps).toEqual([...steps, step(4)]);
  });
});
