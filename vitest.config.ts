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
 * The integration file that holds to a time with the least margin (an ack within Slack's 3 s against a workspace that
 * answers slowly): it runs alone, after the others, so that no other file competes with it for the two cores.
 */
const ALONE = ['test/slack/slow-slack.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // The longest files start first (a fresh clone has no cached durations to order by).
    sequence: { sequencer: LongFilesFirst },
    projects: [
      // Unit and integration files run together, four at a time: the integration files mostly wait (cloud
      // latencies, lock TTLs, Slack's pace) while the unit files use the cores. Vitest runs projects of one group
      // in one pool, so both name the same worker count.
      {
        extends: true,
        test: { name: 'unit', include: UNIT, maxWorkers: 4, isolate: false, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...ALONE],
          // They share one Redis, each under key prefixes of its own (random per run), and listen on ports the OS
          // picks; no file changes process-wide state another reads.
          maxWorkers: 4,
          // Files share the module cache (no state lives in modules between files): the SDKs load once per worker.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false, isolate: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
