// The crash test: a worker process is SIGKILLed at one point in each phase of the step list (in the middle of a
// write or a wait where the phase has one), a warm stand-by worker process takes over, and the cloud and the job
// record must end exactly right: nothing lost, nothing duplicated, nothing left over, the instance released. It
// runs the harness `npm run chaos` runs over every point (src/bench/crash-harness.ts).
import { describe, expect, it } from 'vitest';
import { crashCasesOnePerPhase, runCrashPoints } from '../../src/bench/crash-harness.ts';
import { REDIS_URL } from './helpers.ts';

describe('crash safety', () => {
  const cases = crashCasesOnePerPhase();
  it(`survives SIGKILL at ${cases.length} points, one in each phase, across migrate (in place, by delete + create, and stopping the instance with --allow-stop), restore, unstage and rollback`, async () => {
    const results = await runCrashPoints(REDIS_URL, cases, 2);
    expect(results.filter((r) => !r.ok).map((r) => `${r.flow} ${r.point}: ${r.problems.join(' | ')}`)).toEqual([]);
    expect(results.map((r) => `${r.flow} ${r.point}`).sort()).toEqual(cases.map((c) => `${c.flow} ${c.point}`).sort());
    expect(results.reduce((n, r) => n + r.orphanEnis + r.duplicateEnis + r.lostMappings, 0)).toBe(0);
  }, 300_000);
});
