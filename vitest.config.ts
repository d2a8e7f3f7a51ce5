import { defineConfig } from 'vitest/config';
import LongFilesFirst from './test/support/long-files-first.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Four files at a time on two cores: the integration files mostly wait (cloud latencies, lock TTLs, Slack's
    // pace) while the pure ones use the cores. One project, so four workers load the code base, not eight.
    maxWorkers: 4,
    // Files share a worker's module cache (no state lives in modules between files): the SDKs load once per worker.
    // They share one Redis, each under key prefixes of its own (random per run), and listen on ports the OS picks;
    // no file changes process-wide state another reads.
    isolate: false,
    // The longest files start first (a fresh clone has no cached durations to order by).
    sequence: { sequencer: LongFilesFirst },
  },
});
