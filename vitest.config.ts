import { defineConfig } from 'vitest/config';
import LongFilesFirst from './test/support/long-files-first.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Five files at a time on two cores: the integration files mostly wait (cloud latencies, lock TTLs, Slack's
    // pace) while the pure ones use the cores. Measured on the 2-core machine (2026-12-07): 4 workers 132 s with the
    // cores 40% idle, 5 workers 112 s (25% idle), 6 workers 111 s for 20% more CPU; on a slower day 5 was no slower
    // than 4 and 6 was (243 s). One project, so five workers load the code base, not two sets of them.
    maxWorkers: 5,
    // Files share a worker's module cache (no state lives in modules between files): the SDKs load once per worker.
    // They share one Redis, each under key prefixes of its own (random per run), and listen on ports the OS picks;
    // no file changes process-wide state another reads.
    isolate: false,
    // The longest files start first (a fresh clone has no cached durations to order by).
    sequence: { sequencer: LongFilesFirst },
  },
});
