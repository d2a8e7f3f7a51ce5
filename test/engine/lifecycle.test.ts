// Worker lifecycle and the change-window hook: a worker shut down in the middle of a wait parks the job for
// another worker; an approved job waits for the change window to open. Real Redis, sandbox, real adapter.
import { deleteKeys } from '../../src/util/private-redis.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { createAlibabaCloud, type AlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { REDIS_URL, redisClient, uniquePrefix, until } from './helpers.ts';
import { engineScenario, MIGRATABLE } from './scenario.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let cloud: AlibabaCloud;
let redis: Redis;
const engines: Engine[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  redis = redisClient();
  sandbox = await startSandbox({ scenario: engineScenario(), port: 0 });
  cloud = createAlibabaCloud({
    regionId: 'cn-hangzhou', ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http', credentials: sandbox.credentials,
    waiter: { initialMs: 15, factor: 1.5, maxMs: 80 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 },
  });
});

afterAll(async () => {
  for (const e of engines) await e.close();
  for (const p of prefixes) await deleteKeys(redis, p);
  await redis.quit();
  await sandbox?.close();
});

function engineWith(notifier: RecordingNotifier, options: Parameters<typeof createEngine>[0]['options'] = {}): Engine {
  const prefix = uniquePrefix('life');
  prefixes.push(prefix);
  const e = createEngine({
    redis: REDIS_URL, prefix, cloud, notifier, logger: pino({ level: 'silent' }),
    options: { verifyTimeoutMs: 2_000, verifyIntervalMs: 100, cancelPollMs: 20, tableLockPollMs: 10, publicEdge: sandbox.edge, ...options },
    worker: { concurrency: 4, lockDurationMs: 5_000, stalledIntervalMs: 2_500 },
  });
  engines.push(e);
  return e;
}

const of = (jobId: string, type: MigrationEvent['type']) => (e: MigrationEvent) => e.jobId === jobId && e.type === type;

describe('worker shutdown', () => {
  it('a worker closed in the middle of a wait parks the job at that step; another worker finishes it', async () => {
    const n = new RecordingNotifier();
    const e = engineWith(n);
    const w1 = await e.startWorker();
    const [id] = MIGRATABLE[0]!;
    sandbox.world.latency.eniAttach = 3_000;
    try {
      const [r] = await e.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: {} });
      const jobId = (r as { jobId: string }).jobId;
      await n.waitFor((x) => of(jobId, 'step.started')(x) && x.type === 'step.started' && x.step === 'wait_eni_in_use');
      const t0 = Date.now();
      await w1.close({ graceMs: 100 });
      expect(Date.now() - t0).toBeLessThan(2_000);
      const rec = (await e.service.status(jobId))[0]!;
      expect(rec.state).toBe('staging');
      expect(rec.steps.at(-1)).toMatchObject({ step: 'wait_eni_in_use', error: { code: 'Interrupted' } });
      expect(await (await e.queue.getJob(jobId))?.getState()).toMatch(/delayed|waiting|wait/);

      sandbox.world.latency.eniAttach = 40;
      await e.startWorker();
      const req = await n.waitFor(of(jobId, 'approval.requested'), 15_000) as Extract<MigrationEvent, { type: 'approval.requested' }>;
      expect((await cloud.listNetworkInterfaces({ instanceId: id })).filter((x) => x.type !== 'Primary').map((x) => x.status)).toEqual(['InUse']);
      await e.service.cancel(jobId, 'UREQ');
      expect((await n.waitFor(of(jobId, 'finished')) as Extract<MigrationEvent, { type: 'finished' }>).outcome).toBe('cancelled');
      expect(req.planHash).toBeTruthy();
    } finally {
      sandbox.world.latency.eniAttach = 40;
    }
  });
});

describe('change windows', () => {
  it('an approved job waits while the cutover gate says so, says until when, then cuts over', async () => {
    const n = new RecordingNotifier();
    let frozenUntil: Date | undefined;
    const e = engineWith(n, { cutoverGate: (now) => (frozenUntil && frozenUntil > now ? frozenUntil : undefined) });
    await e.startWorker();
    const [id] = MIGRATABLE[1]!;
    const [r] = await e.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: {} });
    const jobId = (r as { jobId: string }).jobId;
    const req = await n.waitFor(of(jobId, 'approval.requested')) as Extract<MigrationEvent, { type: 'approval.requested' }>;
    frozenUntil = new Date(Date.now() + 800);
    await e.approvals.decide(jobId, { planHash: req.planHash, decision: 'approve', userId: 'UAPPROVER', isApprover: true });
    const note = await n.waitFor((x) => x.jobId === jobId && x.type === 'step.started' && x.step === 'await_window');
    expect(note.type === 'step.started' && note.title).toContain(frozenUntil.toISOString());
    await until(async () => (await e.service.status(jobId))[0]?.state === 'waiting_window', { what: 'waiting_window', timeoutMs: 5_000, everyMs: 10 });
    expect(n.forJob(jobId).some((x) => x.type === 'original.saved')).toBe(false);
    const fin = await n.waitFor(of(jobId, 'finished')) as Extract<MigrationEvent, { type: 'finished' }>;
    expect(fin.outcome).toBe('migrated');
    const saved = n.forJob(jobId).find((x) => x.type === 'original.saved')!;
    expect(Date.parse(saved.at)).toBeGreaterThanOrEqual(frozenUntil.getTime());
  });
});
