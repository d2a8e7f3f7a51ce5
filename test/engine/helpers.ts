import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createAlibabaCloud, type AlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import type { EngineOptions, PublicEdge } from '../../src/engine/options.ts';
import type { Notifier } from '../../src/engine/ports.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test file (or run) shares; a hash tag like the product's default. */
export function uniquePrefix(name: string): string {
  return `{nmtest-${name}-${randomBytes(4).toString('hex')}}`;
}

export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

/**
 * For a file whose tests each start a world of their own (so that they can run concurrently): one Redis client for
 * the file, and after the file, every world a test started closed and every prefix it took deleted.
 */
export function perTestWorlds(): { redis(): Redis; prefix(name: string): string; onClose(close: () => Promise<void>): void } {
  let redis: Redis | undefined;
  const prefixes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  beforeAll(() => { redis = redisClient(); });
  afterAll(async () => {
    for (const close of closers) await close();
    for (const p of prefixes) await deleteKeys(redis!, p);
    await redis?.quit();
  });
  return {
    redis: () => redis!,
    prefix(name) { const p = uniquePrefix(name); prefixes.push(p); return p; },
    onClose(close) { closers.push(close); },
  };
}

import { until } from '../../src/util/until.ts';
export { until };

/**
 * A test's own SDK call against a sandbox in realism mode, which answers any call ServiceUnavailable now and then (the
 * engine's adapter retries it; a hand-written call has to). Retried a few times on that code only.
 */
export async function handDriven<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt >= 6 || (e as { code?: string }).code !== 'ServiceUnavailable') throw e;
    }
  }
}

/**
 * RebootInstance by hand, then waits until the instance runs again. A ServiceUnavailable may come after the reboot was
 * applied; the retry then finds it no longer Running (IncorrectInstanceStatus), which means it went through.
 */
export async function rebootByHand(
  ecs: { rebootInstance(r: unknown): Promise<unknown>; describeInstances(r: unknown): Promise<{ body?: { instances?: { instance?: { status?: string }[] } } }> },
  /** `bootId`: the sandbox's boot counter of the instance; reads lag (staleReads), so a read of Running alone may predate the reboot. */
  req: { reboot: unknown; describe: unknown; bootId: () => number },
  /** Runs right after the reboot was accepted, before the wait (what the instance does while it reboots). */
  whileRebooting?: () => Promise<void>,
): Promise<void> {
  let unavailable = false;
  const before = req.bootId();
  for (let attempt = 1; ; attempt++) {
    try {
      await ecs.rebootInstance(req.reboot);
      break;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'IncorrectInstanceStatus' && unavailable) break;
      if (attempt >= 6 || code !== 'ServiceUnavailable') throw e;
      unavailable = true;
    }
  }
  await whileRebooting?.();
  await until(async () => (await handDriven(() => ecs.describeInstances(req.describe))).body?.instances?.instance?.[0]?.status === 'Running' && req.bootId() > before,
    { what: 'the instance to run again' });
}

/**
 * The real Alibaba adapter over HTTP against a sandbox, with waits and retries scaled to the tests' short latencies
 * (`waiter` adds to them, e.g. staleGraceMs for a realism scenario with a long read lag).
 */
export function sandboxCloud(
  sandbox: { endpoint: string; credentials: { accessKeyId: string; accessKeySecret: string } },
  o: { regionId?: string; waiter?: { staleGraceMs?: number } } = {},
): AlibabaCloud {
  return createAlibabaCloud({
    regionId: o.regionId ?? 'cn-hangzhou', ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http', credentials: sandbox.credentials,
    waiter: { initialMs: 15, factor: 1.5, maxMs: 80, ...o.waiter }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 },
  });
}

/** An engine on real Redis and BullMQ over that cloud, with the tests' short timings; `options` overrides one by name. */
export function sandboxEngine(o: {
  cloud: AlibabaCloud; prefix: string; notifier: Notifier; edge: PublicEdge; concurrency?: number; options?: Partial<EngineOptions>;
}): Engine {
  return createEngine({
    redis: REDIS_URL, prefix: o.prefix, cloud: o.cloud, notifier: o.notifier, logger: pino({ level: 'silent' }),
    options: {
      approvalTtlMs: 60_000, verifyTimeoutMs: 3_000, verifyIntervalMs: 100, cancelPollMs: 20, tableLockTtlMs: 5_000, tableLockPollMs: 10, retryBaseMs: 50,
      publicEdge: o.edge, ...o.options,
    },
    worker: { concurrency: o.concurrency ?? 4, lockDurationMs: 5_000, stalledIntervalMs: 2_500 },
  });
}
