// The Redis-loss test: a worker stops at a step boundary, its PRIVATE Redis (a redis-server this test starts, never
// the shared one) is FLUSHALLed and every process restarts; the new worker's start-up reconcile reads the job from
// the ENI's tags. Every instance must end migrated and verified, or restored, and its thread must say which.
// `npm run chaos` runs every step boundary (src/bench/redis-loss-harness.ts).
import { describe, expect, it } from 'vitest';
import { lossCasesSample, runRedisLossPoints } from '../../src/bench/redis-loss-harness.ts';

describe('Redis loss (the cloud as the journal of last resort)', () => {
  const cases = lossCasesSample();
  it(`recovers from a FLUSHALL at ${cases.length} step boundaries of the migrate and restore paths`, async () => {
    const results = await runRedisLossPoints(cases, 2);
    expect(results.filter((r) => !r.ok).map((r) => `${r.flow} ${r.point}: ${r.problems.join(' | ')}`)).toEqual([]);
    expect(results.map((r) => `${r.flow} ${r.point}`).sort()).toEqual(cases.map((c) => `${c.flow} ${c.point}`).sort());
    for (const r of results) expect(['migrated', 'restored'], `${r.flow} ${r.point}`).toContain(r.endState);
    for (const r of results) expect(r.threadSays, `${r.flow} ${r.point}`).toBe(r.endState);
  }, 400_000);
});
