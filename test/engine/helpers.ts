import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test file (or run) shares; a hash tag like the product's default. */
export function uniquePrefix(name: string): string {
  return `{nmtest-${name}-${randomBytes(4).toString('hex')}}`;
}

export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
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
  req: { reboot: unknown; describe: unknown },
  /** Runs right after the reboot was accepted, before the wait (what the instance does while it reboots). */
  whileRebooting?: () => Promise<void>,
): Promise<void> {
  let unavailable = false;
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
  await until(async () => (await handDriven(() => ecs.describeInstances(req.describe))).body?.instances?.instance?.[0]?.status === 'Running', { what: 'the instance to run again' });
}
