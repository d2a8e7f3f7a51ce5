// The world the migration tests share: real Redis, real BullMQ workers, the real Alibaba adapter over HTTP and the
// sandbox cloud, one engine, and the helpers that drive a job through it. Nothing of ours is mocked.
import { deleteKeys } from '../../src/util/private-redis.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { createAlibabaCloud, type AlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { ENI_TAG_JOB } from '../../src/domain/plan.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { REDIS_URL, redisClient, uniquePrefix, until } from './helpers.ts';
import { engineScenario, MIGRATABLE } from './scenario.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export const REGION = 'cn-hangzhou';
export const REQUESTER = 'UREQUESTER';
export const APPROVER = 'UAPPROVER';
export const ALL: MigrationOptions = { ports: { kind: 'all' }, configureGuest: false };
const silent = pino({ level: 'silent' });

export let sandbox: Sandbox;
export let cloud: AlibabaCloud;
let redis: Redis;
const engines: Engine[] = [];
const prefixes: string[] = [];
const sandboxes: Sandbox[] = [];

export function cloudFor(sb: Sandbox): AlibabaCloud {
  return createAlibabaCloud({
    regionId: REGION, ecsEndpoint: sb.endpoint, vpcEndpoint: sb.endpoint, protocol: 'http', credentials: sb.credentials,
    waiter: { initialMs: 15, factor: 1.5, maxMs: 80 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 },
  });
}

/** A world of its own (ownSandbox), or the file's shared one. */
export interface World { sandbox: Sandbox; cloud: AlibabaCloud }

/**
 * A sandbox of the engine scenario of the test's own: its read lag, faults and request log are not shared, so tests
 * that change them can run concurrently. Closed after the file.
 */
export async function ownSandbox(): Promise<World> {
  const sb = await startSandbox({ scenario: engineScenario(), port: 0 });
  sandboxes.push(sb);
  return { sandbox: sb, cloud: cloudFor(sb) };
}

/** A sandbox of the test's own (ownSandbox) with an engine on it, and that engine's notifier. */
export async function ownEngine(options: Parameters<typeof createEngine>[0]['options'] = {}): Promise<World & { engine: Engine; notifier: RecordingNotifier }> {
  const w = await ownSandbox();
  const n = new RecordingNotifier();
  return { ...w, notifier: n, engine: await newEngine(n, options, w) };
}

export async function newEngine(notifier: RecordingNotifier, options: Parameters<typeof createEngine>[0]['options'] = {}, w: World = { sandbox, cloud }): Promise<Engine> {
  const prefix = uniquePrefix('mig');
  prefixes.push(prefix);
  const engine = createEngine({
    redis: REDIS_URL, prefix, cloud: w.cloud, notifier, logger: silent,
    options: {
      approvalTtlMs: 60_000, verifyTimeoutMs: 2_000, verifyIntervalMs: 100, cancelPollMs: 20, tableLockTtlMs: 5_000,
      tableLockPollMs: 10, retryBaseMs: 50, publicEdge: w.sandbox.edge, ...options,
    },
    worker: { concurrency: 8, lockDurationMs: 5_000, stalledIntervalMs: 2_500 },
  });
  engines.push(engine);
  await engine.startWorker();
  return engine;
}

export let engine: Engine;
export const notifier = new RecordingNotifier();

/** The shared world of the migration tests: one sandbox, one engine; call once at the top of a test file. */
export function useMigrationWorld(): void {
  beforeAll(async () => {
    redis = redisClient();
    sandbox = await startSandbox({ scenario: engineScenario(), port: 0 });
    cloud = cloudFor(sandbox);
    engine = await newEngine(notifier);
  });

  afterAll(async () => {
    for (const e of engines) await e.close();
    for (const p of prefixes) await deleteKeys(redis, p);
    await redis.quit();
    for (const sb of sandboxes) await sb.close();
    await sandbox?.close();
  });
}

/** Points the helpers at another sandbox (a test that needs a scenario of its own); returns the undo. */
export function useSandbox(sb: Sandbox): () => void {
  const prev = { cloud, sandbox };
  cloud = cloudFor(sb);
  sandbox = sb;
  return () => { cloud = prev.cloud; sandbox = prev.sandbox; };
}

export const of = (jobId: string, type: MigrationEvent['type']) => (e: MigrationEvent) => e.jobId === jobId && e.type === type;

export async function submit(e: Engine, instanceId: string, options: MigrationOptions = ALL): Promise<string> {
  const [r] = await e.service.submit({ regionId: REGION, instanceIds: [instanceId], options, requestedBy: REQUESTER, audience: { channelId: 'CTEST' } });
  expect(r?.status).toBe('queued');
  return (r as { jobId: string }).jobId;
}

export async function approvalOf(n: RecordingNotifier, jobId: string, after = 0): Promise<string> {
  const ev = await until(async () => n.forJob(jobId).filter((e) => e.type === 'approval.requested')[after], { what: `approval request #${after + 1} of ${jobId}`, timeoutMs: 20_000, everyMs: 10 });
  return (ev as Extract<MigrationEvent, { type: 'approval.requested' }>).planHash;
}

export async function approve(e: Engine, jobId: string, hash: string, userId = APPROVER) {
  const r = await e.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId, isApprover: true });
  expect(r).toMatchObject({ ok: true, decided: true });
}

export async function finished(n: RecordingNotifier, jobId: string): Promise<Extract<MigrationEvent, { type: 'finished' }>> {
  return n.waitFor(of(jobId, 'finished'), 30_000);
}

export async function dnatOn(eip: string, c = cloud) {
  return c.listForwardEntries('ftb-1', { externalIp: eip });
}

export async function enisOf(instanceId: string, c = cloud) {
  return (await c.listNetworkInterfaces({ instanceId })).filter((e) => e.type !== 'Primary');
}

export async function taggedEnis(jobId: string, c = cloud) {
  return c.listNetworkInterfaces({ tags: { [ENI_TAG_JOB]: jobId } });
}

/** The state before any migration: one IP mapping EIP → primary IP, Available, and no secondary ENI. */
export async function expectUntouched(instanceId: string, eip: string, primaryIp: string, c = cloud) {
  const entries = await dnatOn(eip, c);
  expect(entries.map((e) => [e.internalIp, e.status, e.ipProtocol.toLowerCase()])).toEqual([[primaryIp, 'Available', 'any']]);
  expect(await enisOf(instanceId, c)).toEqual([]);
}

export const M = (i: number) => { const m = MIGRATABLE[i]!; return { id: m[0], ip: m[1], eip: m[2] }; };