import { defineConfig } from 'vitest/config';

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
  'test/slack/manifest.test.ts',
  'test/slack/modal-submission.test.ts',
  'test/readme.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // vitest's default on a 2-core machine is one worker; the unit files can use both.
    maxWorkers: 2,
    hookTimeout: 60_000,
    reporters: ['default'],
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
          exclude: UNIT,
          // These share one Redis and spawn worker processes; one file at a time keeps them honest on 2 cores.
          fileParallelism: false,
          // Files share the module cache (no state lives in modules between files): the SDKs load once, not per file.
          isolate: false,
          // After the unit files, so the parallel batch never competes with their timing.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
