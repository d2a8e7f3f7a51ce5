// The worker's engine options as the configuration maps them: what a deployment gets without a harness's overrides.
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { DEFAULT_EXPECTED_LATENCIES } from '../../src/engine/options.ts';
import { DEFAULT_WAIT_SCHEDULE, pollDelays } from '../../src/cloud/alibaba/waiters.ts';
import { engineOptionsFromConfig } from '../../src/runtime/compose.ts';

function config(env: Record<string, string> = {}): Config {
  const r = loadConfig(env, 'worker');
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

/** Reads a wait makes before a change that shows `doneMs` after the write. */
function readsUntil(doneMs: number, expectedMs?: number): number {
  const next = pollDelays(DEFAULT_WAIT_SCHEDULE, expectedMs);
  let at = 0;
  let reads = 0;
  while (at < doneMs) { at += next(); reads++; }
  return reads;
}

describe('NATMIGRATE_POLL_SCHEDULE', () => {
  it('typical (the default): every wait first reads when its change is typically done', () => {
    expect(engineOptionsFromConfig(config()).expectedMs).toEqual(DEFAULT_EXPECTED_LATENCIES);
    expect(engineOptionsFromConfig(config({ NATMIGRATE_POLL_SCHEDULE: 'typical' })).expectedMs).toEqual(DEFAULT_EXPECTED_LATENCIES);
  });

  it('backoff: no expected latencies, the adapter reads from 200 ms on', () => {
    expect(engineOptionsFromConfig(config({ NATMIGRATE_POLL_SCHEDULE: 'backoff' }))).not.toHaveProperty('expectedMs');
  });

  it('is refused when misspelt', () => {
    const r = loadConfig({ NATMIGRATE_POLL_SCHEDULE: 'fast' }, 'worker');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join('\n')).toMatch(/^NATMIGRATE_POLL_SCHEDULE: /m);
  });

  it('typical takes one read where backoff takes five, for a change as long as its typical latency (a DNAT create)', () => {
    const due = DEFAULT_EXPECTED_LATENCIES.dnatCreate;
    expect(readsUntil(due, due)).toBe(1);
    expect(readsUntil(due)).toBe(5);
  });
});
