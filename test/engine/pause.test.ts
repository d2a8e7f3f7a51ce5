// The pause test: a worker process stops itself (SIGSTOP) right before a destructive write or in a wait, on the
// migrate and restore paths, past its lock TTLs; a stand-by worker takes the job over and finishes it; then the
// stopped worker gets SIGCONT. It must write nothing more (counted at the sandbox by its AccessKey), post nothing
// more, and the cloud must end as the thread says, without duplicates. `npm run chaos` runs every point
// (src/bench/pause-harness.ts).
import { describe, expect, it } from 'vitest';
import { pauseCasesSample, runPausePoints } from '../../src/bench/pause-harness.ts';
import { REDIS_URL } from './helpers.ts';

describe('pause safety (fencing)', () => {
  const cases = pauseCasesSample();
  it(`a worker woken after losing its job writes nothing, at ${cases.length} points of the migrate and restore paths`, async () => {
    const results = await runPausePoints(REDIS_URL, cases, 2);
    expect(results.filter((r) => !r.ok).map((r) => `${r.flow} ${r.point}: ${r.problems.join(' | ')}`)).toEqual([]);
    expect(results.map((r) => `${r.flow} ${r.point}`).sort()).toEqual(cases.map((c) => `${c.flow} ${c.point}`).sort());
    expect(results.reduce((n, r) => n + r.writesAfterLostOwnership + r.duplicateMessages + r.duplicateEnis + r.duplicateEntries + r.stateMismatch, 0)).toBe(0);
  }, 400_000);
});
