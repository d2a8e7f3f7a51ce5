// The order the test files start in: the longest first, so that the 1,000-instance batch (a third of the
// suite's time) runs beside the others instead of after them. Vitest orders by the durations it cached on this
// machine, which a fresh clone (CI) does not have; then by file size, which says nothing about time.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Measured longest first (2026-12-07, vitest's per-file times in the suite on the 2-core machine), except that the
 * three chaos harness files (crash, pause, Redis loss: worker processes with 1 s lock TTLs) start apart from each other.
 */
export const LONG_FILES = [
  'test/fleet/batch-thousand.test.ts',
  'test/engine/crash.test.ts',
  'test/slack/outbox-limits.test.ts',
  'test/runtime/scale-out.test.ts',
  'test/engine/pause.test.ts',
  'test/runtime/shutdown.test.ts',
  'test/demo/demo.test.ts',
  'test/engine/redis-loss.test.ts',
  'test/fleet/batch-slack.test.ts',
  'test/slack/e2e-services.test.ts',
  'test/slack/ack-budget.test.ts',
  'test/bench/bench.test.ts',
];

/**
 * Started after every other file: the ack against a slow workspace (slow-slack) holds to Slack's 3 s with the least
 * margin, so it runs while the last files finish rather than beside the heaviest ones.
 */
export const LAST_FILES = ['test/slack/slow-slack.test.ts'];

const rank = (s: TestSpecification): number => {
  const i = LONG_FILES.findIndex((f) => s.moduleId.endsWith(f));
  if (i >= 0) return i;
  return LAST_FILES.some((f) => s.moduleId.endsWith(f)) ? LONG_FILES.length + 1 : LONG_FILES.length;
};

export default class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Stable: the listed files move to the front (or the back), in the listed order; the rest keep vitest's order.
    return sorted.map((s, i) => ({ s, i })).sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i).map(({ s }) => s);
  }
}
