import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnNatmigrate, startWorld, type LogLine, type Proc, type World } from './helpers.ts';
import { INSTANCES } from './scenario.ts';

/**
 * Graceful shutdown of real processes: SIGTERM stops receiving, lets running steps finish (or, after
 * NATMIGRATE_SHUTDOWN_GRACE, interrupts them and parks the job at that step for another worker), drains the
 * Slack outbox, closes Redis and exits 0 within a bound.
 */

let world: World;
const procs: Proc[] = [];
const start = (role: string, env: Record<string, string> = {}) => {
  const p = spawnNatmigrate([role], { ...world.env, ...env });
  procs.push(p);
  return p;
};
const msg = (m: string) => (l: LogLine) => l.msg === m;
const stepStarted = (jobId: string, step: string) => (l: LogLine) => l.msg === 'job event step.started' && l.jobId === jobId && l.step === step;

beforeEach(async () => {
  world = await startWorld('shutdown');
});
afterEach(async () => {
  for (const p of procs.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await world.close();
});

describe('SIGTERM', () => {
  it('an idle `natmigrate all` exits 0 within 5 s, logging each phase', async () => {
    const p = start('all');
    const port = await p.ready();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const t0 = Date.now();
    p.kill('SIGTERM');
    const { code, at } = await p.exited;
    expect(code).toBe(0);
    expect(at - t0).toBeLessThan(5000);
    expect(p.lines.some(msg('shutting down: no new requests or jobs; running steps finish or park'))).toBe(true);
    expect(p.lines.some(msg('shut down cleanly'))).toBe(true);
    expect(p.stderr()).toBe('');
    // Nothing is listening any more.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('a running step finishes within the grace period: the job goes on to park for approval, then the process exits 0', async () => {
    world.sandbox.world.latency.eniAttach = 1500;
    const p = start('all', { NATMIGRATE_SHUTDOWN_GRACE: '20s' });
    const url = `http://127.0.0.1:${await p.ready()}/slack/events`;
    const jobId = await world.run(INSTANCES[0]![0], url);
    await p.waitLog(stepStarted(jobId, 'wait_eni_in_use'), 'the ENI wait');
    const t0 = Date.now();
    p.kill('SIGTERM');
    const { code, at } = await p.exited;
    expect(code).toBe(0);
    expect(at - t0).toBeLessThan(10_000);
    const rec = await world.record(jobId);
    expect(rec?.state).toBe('awaiting_approval');
    expect(rec?.steps.find((s) => s.step === 'wait_eni_in_use')).toMatchObject({ finishedAt: expect.any(String) });
    expect(rec?.steps.some((s) => s.error)).toBe(false);
    // The approval card made it to Slack before the exit (outbox drained).
    expect((await world.outbox.thread(jobId))?.approval?.ts).toBeTruthy();
  });

  it('a step still running after the grace period is interrupted and parked; exit 0; another worker resumes it and the job completes once', async () => {
    world.sandbox.world.latency.eniAttach = 60_000;
    const p = start('all', { NATMIGRATE_SHUTDOWN_GRACE: '1s' });
    const url = `http://127.0.0.1:${await p.ready()}/slack/events`;
    const [instanceId] = INSTANCES[1]!;
    const jobId = await world.run(instanceId, url);
    await p.waitLog(stepStarted(jobId, 'wait_eni_in_use'), 'the ENI wait');
    const t0 = Date.now();
    p.kill('SIGTERM');
    const { code, at } = await p.exited;
    expect(code).toBe(0);
    expect(at - t0).toBeLessThan(1000 + 5000);
    const parked = await world.record(jobId);
    expect(parked?.state).toBe('staging');

    // The cloud finishes the attach; a fresh worker and bot take over.
    world.sandbox.world.latency.eniAttach = 30;
    const worker = start('worker');
    const bot = start('bot');
    await worker.ready();
    const botUrl = `http://127.0.0.1:${await bot.ready()}/slack/events`;
    await world.waitRecord(jobId, (r) => r.state === 'awaiting_approval', 'the approval request after the restart');
    await world.approve(jobId, botUrl);
    const done = await world.waitRecord(jobId, (r) => r.state === 'finished', 'the end');
    expect(done.outcome).toBe('migrated');

    const waits = done.steps.filter((s) => s.step === 'wait_eni_in_use');
    expect(waits.map((s) => s.error?.code ?? 'ok')).toEqual(['Interrupted', 'ok']);
    const creates = world.sandbox.requests.filter((r) => r.action === 'CreateNetworkInterface' && r.code === 'OK');
    expect(creates).toHaveLength(1);
    expect(await worker.waitLog((l) => l.jobId === jobId && l.msg === 'job event finished', 'the finish on the new worker')).toBeTruthy();
  });
});
