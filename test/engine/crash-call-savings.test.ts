// SIGKILL where the API-call savings skip a read (issue 17's calls per migration): create_eni's first try sends no
// lookup (the journal marks the create before it goes out, so a resumed try looks first), and save_original takes
// the entry the gate's recheck read in the same run (a resumed run reads it itself). Same harness as crash.test.ts.
import { describe, expect, it } from 'vitest';
import { allCrashCases, runCrashPoints, type CrashCase } from '../../src/bench/crash-harness.ts';
import { REDIS_URL } from './helpers.ts';

describe('crash safety where a read is skipped', () => {
  const wanted: CrashCase[] = [
    { flow: 'migrate', point: 'create_eni:during' },
    { flow: 'migrate', point: 'recheck_plan:after' },
  ];
  it('survives SIGKILL right after the unlooked-for CreateNetworkInterface, and between the gate and save_original', async () => {
    const all = allCrashCases();
    for (const c of wanted) expect(all.some((a) => a.flow === c.flow && a.point === c.point), `${c.flow} ${c.point}`).toBe(true);
    // One lane (one stand-by, the second case's worker loading while the first runs): a lane costs a worker process.
    const results = await runCrashPoints(REDIS_URL, wanted, 1);
    expect(results.filter((r) => !r.ok).map((r) => `${r.flow} ${r.point}: ${r.problems.join(' | ')}`)).toEqual([]);
    expect(results.map((r) => `${r.flow} ${r.point}`).sort()).toEqual(wanted.map((c) => `${c.flow} ${c.point}`).sort());
    expect(results.reduce((n, r) => n + r.orphanEnis + r.duplicateEnis + r.lostMappings, 0)).toBe(0);
  }, 300_000);
});
