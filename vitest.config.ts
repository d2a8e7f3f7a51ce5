import { defineConfig } from 'vitest/config';
import LongFilesFirst from './test/support/long-files-first.ts';

/**
 * Unit tests: no Redis, no child process, no BullMQ (in-process loopback servers such as the sandbox and the fake
 * Slack workspace are fine), so their files run in parallel. A file belongs here only when it and its helpers touch
 * none of those; a new file that is not listed runs with the integration tests, which is always safe.
 */
const UNIT = [
  'test/domain/**/*.test.ts',
  'test/cloud/**/*.test.ts',
  'test/sandbox/!(sim).test.ts', // sim.test.ts starts `natmigrate sim` as a process
  'test/util/**/*.test.ts',
  'test/fleet/units.test.ts',
  'test/runtime/compose.test.ts',
  'test/runtime/log.test.ts',
  'test/runtime/ram-policy.test.ts',
  'test/slack/authz.test.ts',
  'test/slack/blocks.test.ts',
  'test/slack/block-validation.test.ts',
  'test/slack/hostile-corpus.test.ts',
  'test/slack/message-fit.test.ts',
  'test/slack/click-location.test.ts',
  'test/slack/fake-slack.test.ts',
  'test/slack/pace-scale.test.ts',
  'test/slack/manifest.test.ts',
  'test/slack/modal-submission.test.ts',
  'test/slack/surfaces-limits.test.ts',
  'test/readme.test.ts',
];

/**
 * Integration files that hold to a time (an ack within Slack's 3 s, the demo within 45 s, the fuzzed acks of the bench
 * smoke test, a Slack outage ridden out by the outbox's back-off): they run alone, after the others, so that no other
 * file competes with them for the two cores. Run beside the others on a loaded machine, each of them failed once.
 */
const ALONE = ['test/slack/slow-slack.test.ts', 'test/demo/demo.test.ts', 'test/bench/bench.test.ts', 'test/slack/e2e-transcripts.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // vitest's default on a 2-core machine is one worker; the unit files can use both.
    maxWorkers: 2,
    hookTimeout: 60_000,
    reporters: ['default'],
    // The longest integration files start first (a fresh clone has no cached durations to order by).
    sequence: { sequencer: LongFilesFirst },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, isolate: false, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...ALONE],
          // Three files at a time. They share one Redis, each under key prefixes of its own (random per run), and
          // listen on ports the OS picks; no file changes process-wide state another reads. Most of their time is
          // waiting (cloud latencies, lock TTLs, Slack's pacing), so three fit on two cores.
          maxWorkers: 3,
          // Files share the module cache (no state lives in modules between files): the SDKs load once per worker.
          isolate: false,
          // After the unit files, so the parallel batch never competes with their timing.
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false, isolate: false, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
