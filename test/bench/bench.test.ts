// Smoke test of the bench and chaos building blocks at tiny sizes: the floors, the priority budget's order, the
// JSON-line output of `natmigrate bench`, a three-instance fleet through a real worker process, a short fuzz run and
// one crash point. No timing asserts: benchmarks are not tests (`npm run bench` / `npm run chaos` measure).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchCommand } from '../../src/bench/bench-command.ts';
import { allCrashCases, runCrashPoints } from '../../src/bench/crash-harness.ts';
import { cutoverFloor, fleetFloor, fleetFloorFair, migrationFloor, scaled, REAL_LATENCIES } from '../../src/bench/floors.ts';
import { runFuzz } from '../../src/bench/fuzz.ts';
import { jsonLine, percentile, table } from '../../src/bench/stats.ts';
import { PriorityBudget, withCallPriority } from '../../src/cloud/priority-budget.ts';
import type { RateBudget } from '../../src/cloud/rate-budget.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

afterEach(() => { vi.restoreAllMocks(); });

describe('floors and formatting', () => {
  it('floors follow the cloud latencies: cutover = the switch (modify, or delete + EIP in binding + create) + banner; fleet serializes the table writes', () => {
    const l = { eniAttach: 30, eniDetach: 20, eniDelete: 10, dnatCreate: 20, dnatDelete: 20, dnatModify: 12, runCommand: 15, edge: 1 };
    // The EIP of the deleted mapping stays in binding as long again as the delete took (realism default).
    expect(cutoverFloor(l, 'recreate')).toBe(20 + 20 + 20 + 1);
    expect(cutoverFloor(l, 'modify')).toBe(13);
    expect(migrationFloor(l, false, 'recreate')).toBe(30 + 20 + 20 + 20 + 15);
    expect(migrationFloor(l, true, 'recreate')).toBe(30 + 15 + 20 + 20 + 20 + 15);
    expect(migrationFloor(l, false, 'modify')).toBe(30 + 12 + 15);
    // The services introspection: once in the plan, once more at the gate's recheck.
    expect(migrationFloor(l, false, 'modify', true)).toBe(2 * 15 + 30 + 12 + 15);
    expect(fleetFloor(l, 10, 'recreate')).toBe(30 + 10 * 60 + 15);
    expect(fleetFloor(l, 10, 'modify')).toBe(30 + 10 * 12 + 15);
    // With the batch's unavoidable waits: the plan's invocation, each change seen a read lag late, the canary's check.
    expect(fleetFloorFair(l, 10, 'modify', 5)).toBe(30 + 10 * 12 + 15 + 15 + 10 * 5 + 15);
    expect(scaled(REAL_LATENCIES, 5).dnatCreate).toBe(REAL_LATENCIES.dnatCreate / 5);
  });

  it('percentiles by nearest rank, a table, one JSON line', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(table([['a', 'b'], ['x', 1]]).split('\n')).toHaveLength(3);
    const line = jsonLine({ a: 1, b: 'two' });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ a: 1, b: 'two' });
  });
});

describe('priority budget', () => {
  it('hands waiting takes to the inner budget critical first, then by rank, then in arrival order', async () => {
    const order: string[] = [];
    let release: (() => void) | undefined;
    const inner: RateBudget = {
      take: async (action) => {
        order.push(action);
        if (action === 'first') await new Promise<void>((r) => { release = r; });
      },
    };
    const b = new PriorityBudget(inner);
    const first = b.take('first');
    const rest = [
      withCallPriority({ critical: false, rank: 2 }, () => b.take('staging-late-job')),
      withCallPriority({ critical: false, rank: 1 }, () => b.take('staging-early-job')),
      withCallPriority({ critical: true, rank: 9 }, () => b.take('cutover')),
      b.take('no-priority'),
    ];
    await new Promise((r) => setImmediate(r));
    release!();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['first', 'cutover', 'staging-early-job', 'staging-late-job', 'no-priority']);
  });

  it('an aborted waiter leaves the queue with the abort reason', async () => {
    let release: (() => void) | undefined;
    const b = new PriorityBudget({ take: () => new Promise<void>((r) => { release = r; }) });
    const first = b.take('a');
    const ac = new AbortController();
    const second = b.take('b', ac.signal);
    ac.abort(new Error('stop'));
    await expect(second).rejects.toThrow('stop');
    release!();
    await first;
  });
});

describe('bench and chaos at tiny sizes', () => {
  it('`natmigrate bench` ends with one JSON line with the figures (tiny latencies, 3-instance fleet, small Slack runs)', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await benchCommand(['--only', 'single,fleet,slack', '--scale', '100', '--fleet-n', '3', '--slack-batch-n', '3', '--slack-run-n', '2']);
    vi.restoreAllMocks();
    const lines = out.join('').trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    for (const k of ['cutover_window_ms', 'cutover_floor_ms', 'cutover_ratio', 'migration_ms', 'migration_floor_ms', 'migration_ratio',
      'api_calls_per_migration', 'cutover_modify_ratio', 'cutover_modify_vs_recreate', 'api_calls_per_migration_modify',
      'fleet_n', 'fleet_ms', 'fleet_floor_ms', 'fleet_ratio', 'fleet_failures', 'worker_rss_mb',
      'slack_refused', 'slack_calls_per_instance', 'slack_delivery_lag_p99_ms', 'approval_card_delay_ms']) {
      expect(last, k).toHaveProperty(k);
    }
    expect(last.fleet_n).toBe(3);
    expect(last.fleet_failures).toBe(0);
    expect(typeof last.cutover_ratio).toBe('number');
    expect(typeof last.cutover_modify_vs_recreate).toBe('number');
    // Under the strict workspace, Slack refused nothing, and the batch and the run both migrated.
    expect(last.slack_refused).toBe(0);
    expect(last.slack_batch_outcomes).toEqual({ migrated: 3 });
    expect(last.slack_run_outcomes).toEqual({ migrated: 2 });
  }, 240_000);

  it('fuzz: every slash text and click gets a clear ephemeral answer and no garbage job', async () => {
    const r = await runFuzz({ redisUrl: REDIS_URL, slashCases: 30, clickCases: 10, seed: 7 });
    expect(r.examples).toEqual([]);
    expect(r.failures).toBe(0);
    expect(r.garbageJobs).toBe(0);
    expect(r.botAlive).toBe(true);
    expect(r.cases).toBe(40);
  }, 120_000);

  it('one crash point: SIGKILL mid-cutover, a stand-by takes over, the migration ends right', async () => {
    const c = allCrashCases().find((x) => x.flow === 'migrate' && x.point === 'wait_entry_modified:during')!;
    const [r] = await runCrashPoints(REDIS_URL, [c], 1);
    expect(r!.problems).toEqual([]);
    expect(r!.ok).toBe(true);
    expect(allCrashCases().length).toBeGreaterThan(60);
  }, 120_000);
});
