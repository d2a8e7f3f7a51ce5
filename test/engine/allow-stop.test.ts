// --allow-stop (issue 15), through the real engine (Redis, BullMQ, the Alibaba adapter over HTTP) against the sandbox
// with its realism layer on (reads that lag the writes, busy codes): a family that takes a secondary ENI only while
// Stopped is stopped after the approval, the ENI attached, the instance started again, then cut over and verified.
// A failure after the stop starts the instance again, leaves the original mapping as it was and removes the ENI.
import { describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { egressIp, probeEdge, startSandbox } from '../../src/sandbox/index.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { msg } from '../../src/i18n/catalog.ts';
import type { PlanWarningEntry } from '../../src/domain/plan-warning.ts';

/** The plan's warnings as the engine's English (the catalog's rendering of their codes). */
const warningText = (ws: readonly PlanWarningEntry[]): string => ws.map((w) => msg('en').planWarning({ w })).join('\n');
import { perTestWorlds, sandboxCloud, sandboxEngine, until } from './helpers.ts';

const SNAT = '203.0.113.20';
const OK = ['i-burstok00001', '192.168.1.80', '203.0.113.80'] as const;
const FAILS = ['i-burstfail001', '192.168.1.81', '203.0.113.81'] as const;
const CANCEL = ['i-burstcanc001', '192.168.1.82', '203.0.113.82'] as const;
const CANCEL_LAGGED = ['i-burstlag0001', '192.168.1.83', '203.0.113.83'] as const;
const DIES_STARTING = ['i-burstdie0001', '192.168.1.84', '203.0.113.84'] as const;

type Approval = Extract<MigrationEvent, { type: 'approval.requested' }>;
type Finished = Extract<MigrationEvent, { type: 'finished' }>;

const worlds = perTestWorlds();

/**
 * A sandbox and an engine of the test's own (the read lag and the faults are the sandbox's), so the tests run
 * concurrently; with the helpers below bound to them.
 */
async function world() {
  const prefix = worlds.prefix('allowstop');
  const notifier = new RecordingNotifier();
  const dieInStart = new Set<string>();
  const diedInStart = new Set<string>();
  let lagBefore = 0;
  const hosts = [OK, FAILS, CANCEL, CANCEL_LAGGED, DIES_STARTING];
  const scenario = natWorld({
    latencyMs: { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 40, dnatDelete: 40, dnatModify: 40, runCommand: 30, instanceStop: 150, instanceStart: 150 },
    snatIp: SNAT, eips: hosts.map((h) => h[2]),
    instances: hosts.map(([id, ip]) => worldInstance(id, ip, { instanceType: 'ecs.t5-lc1m1.small' })),
    dnatEntries: hosts.map(([, ip, eip]) => ipMapping(eip, ip)),
  });
  const sandbox = await startSandbox({ scenario: { ...scenario, realism: { readLagMs: 60, transientRate: 0.05 }, seed: 7 }, port: 0 });
  const cloud = sandboxCloud(sandbox, { waiter: { staleGraceMs: 300 } });
  const engine = sandboxEngine({ cloud, prefix, notifier, edge: sandbox.edge, options: {
    verifyTimeoutMs: 10_000, undoRetries: 5,
    // Reads lag writes by at most 3 s here (the last test raises staleReads' lag that far): a read that may predate one
    // of the job's own writes is doubted for 5 s instead of the default 10 s (start_instance doubts a Running read that
    // long after the stop, though the start it waits for shows after 3 s).
    writeVisibleWithinMs: 5_000,
    hooks: { point: (step, where, jobId) => {
      // The first run of a job marked to die there dies right after its StartInstance went out, as a SIGKILL would;
      // from its start on, reads lag writes by 3 s (the attach before it is read as done already), until the next run
      // has done start_instance (the undo under test): the steps after it need not wait out the lag.
      if (step !== 'start_instance') return;
      if (where === 'before' && dieInStart.has(jobId)) {
        lagBefore = sandbox.world.realism.readLagMs;
        sandbox.world.realism.readLagMs = 3_000;
      }
      if (where === 'during' && dieInStart.delete(jobId)) {
        diedInStart.add(jobId);
        throw new Error('simulated crash right after StartInstance');
      }
      if (where === 'after' && diedInStart.delete(jobId)) sandbox.world.realism.readLagMs = lagBefore;
    } },
  } });
  worlds.onClose(async () => { await engine.close(); await sandbox.close(); });
  await engine.startWorker();

  async function submitAndAsk(id: string): Promise<{ jobId: string; asked: Approval }> {
    const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false, allowStop: true }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    const jobId = (r as { jobId: string }).jobId;
    const asked = await until(() => notifier.forJob(jobId).find((e): e is Approval => e.type === 'approval.requested'), { what: 'the approval request', timeoutMs: 20_000 });
    return { jobId, asked };
  }

  const calls = (id: string, since: number) => sandbox.requests.filter((q) => q.at >= since
    && ['StopInstance', 'StartInstance', 'AttachNetworkInterface', 'ModifyForwardEntry'].includes(q.action)
    && (q.params.InstanceId === id || q.action === 'ModifyForwardEntry'));
  const statusOf = (id: string) => sandbox.world.instances.get(id)!.status;
  const secondaryOf = (id: string) => [...sandbox.world.enis.values()].filter((e) => e.type === 'Secondary' && e.tags['natmigrate:instance'] === id);
  return { sandbox, engine, notifier, dieInStart, submitAndAsk, calls, statusOf, secondaryOf };
}

describe.concurrent('--allow-stop', () => {
  it('stops, attaches and starts only after the approval, then cuts over and verifies', async () => {
    const { sandbox, engine, notifier, submitAndAsk, calls, statusOf, secondaryOf } = await world();
    const t0 = Date.now();
    const { jobId, asked } = await submitAndAsk(OK[0]);
    expect(asked.plan.stopToAttach).toBe(true);
    expect(warningText(asked.plan.warnings.slice(0, 1))).toMatch(/will be STOPPED/);
    // Before the approval: an ENI exists, unattached, and the instance is untouched.
    expect(calls(OK[0], t0)).toEqual([]);
    expect(statusOf(OK[0])).toBe('Running');
    expect(secondaryOf(OK[0]).map((e) => e.status)).toEqual(['Available']);

    await engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
    const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 40_000) as Finished;
    expect(fin.outcome).toBe('migrated');
    const order = calls(OK[0], t0).map((q) => q.action).filter((a, i, xs) => xs.indexOf(a) === i);
    expect(order).toEqual(['StopInstance', 'AttachNetworkInterface', 'StartInstance', 'ModifyForwardEntry']);
    const stop = sandbox.requests.find((q) => q.at >= t0 && q.action === 'StopInstance')!;
    expect(stop.params).toMatchObject({ StoppedMode: 'KeepCharging', ForceStop: 'false' });
    expect(statusOf(OK[0])).toBe('Running');
    expect(sandbox.world.instances.get(OK[0])!.bootId).toBeGreaterThan(1);
    expect(await probeEdge(sandbox.edge, OK[2], 22)).toMatch(/^SSH-2\.0/);
    expect(egressIp(sandbox.world, OK[0])).toBe(SNAT);
    const steps = (await engine.service.status(jobId))[0]!.steps.map((s) => s.step);
    expect(steps.slice(steps.indexOf('recheck_plan') + 1, steps.indexOf('save_original'))).toEqual(
      ['stop_instance', 'wait_instance_stopped', 'attach_eni', 'wait_eni_in_use', 'start_instance', 'wait_instance_running']);
  }, 60_000);

  it('an attach that fails after the stop: the instance is started again, the mapping untouched, the ENI removed', async () => {
    const { sandbox, engine, notifier, submitAndAsk, calls, statusOf, secondaryOf } = await world();
    const t0 = Date.now();
    const { jobId, asked } = await submitAndAsk(FAILS[0]);
    sandbox.faults.add({ action: 'AttachNetworkInterface', code: 'InvalidParam.NetworkInterface', httpStatus: 400, message: 'injected: the attach is refused', times: 1 });
    await engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
    const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 40_000) as Finished;
    expect(fin.outcome).toBe('failed');
    expect(calls(FAILS[0], t0).map((q) => q.action)).toEqual(expect.arrayContaining(['StopInstance', 'StartInstance']));
    expect(statusOf(FAILS[0])).toBe('Running');
    expect(sandbox.world.dnatEntries ? [...sandbox.world.dnatEntries.values()].filter((e) => e.externalIp === FAILS[2]).map((e) => e.internalIp) : []).toEqual([FAILS[1]]);
    await until(() => secondaryOf(FAILS[0]).length === 0 || undefined, { what: 'the ENI to be gone', timeoutMs: 10_000 });
    expect(await probeEdge(sandbox.edge, FAILS[2], 22)).toMatch(/^SSH-2\.0/);
    const steps = (await engine.service.status(jobId))[0]!.steps.map((s) => s.step);
    expect(steps.indexOf('start_instance')).toBeGreaterThan(steps.indexOf('attach_eni'));
    expect(steps.indexOf('detach_eni')).toBeGreaterThan(steps.indexOf('wait_instance_running'));
  }, 60_000);

  it('a cancel while the instance is stopped starts it again before unstaging', async () => {
    const { sandbox, engine, notifier, submitAndAsk, statusOf, secondaryOf } = await world();
    const { jobId, asked } = await submitAndAsk(CANCEL[0]);
    await engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
    await until(() => (statusOf(CANCEL[0]) === 'Stopping' || statusOf(CANCEL[0]) === 'Stopped') || undefined, { what: 'the stop', timeoutMs: 20_000, everyMs: 5 });
    await engine.service.cancel(jobId, "UREQ");
    const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 40_000) as Finished;
    expect(fin.outcome).toBe('cancelled');
    expect(statusOf(CANCEL[0])).toBe('Running');
    await until(() => secondaryOf(CANCEL[0]).length === 0 || undefined, { what: 'the ENI to be gone', timeoutMs: 10_000 });
    expect(await probeEdge(sandbox.edge, CANCEL[2], 22)).toMatch(/^SSH-2\.0/);
  }, 60_000);

  it('a cancel right after the stop, while reads still say Running, starts the instance again all the same', async () => {
    const { sandbox, engine, notifier, submitAndAsk, calls, statusOf, secondaryOf } = await world();
    const [id, , eip] = CANCEL_LAGGED;
    const { jobId, asked } = await submitAndAsk(id);
    // Reads lag writes by 1.5 s here: start_instance's first read still shows the instance Running, from before the stop.
    const lag = sandbox.world.realism.readLagMs;
    sandbox.world.realism.readLagMs = 1_500;
    // Once start_instance (the undo under test) has finished, the steps after it need not wait out the lag.
    let lagging = true;
    const lift = () => {
      if (lagging) sandbox.world.realism.readLagMs = lag;
      lagging = false;
    };
    notifier.waitFor((e) => e.jobId === jobId && e.type === 'step.finished' && e.step === 'start_instance', 60_000).then(lift, () => {});
    let fin: Finished;
    try {
      await engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
      await until(() => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'wait_instance_stopped') || undefined, { what: 'wait_instance_stopped', timeoutMs: 20_000, everyMs: 5 });
      await engine.service.cancel(jobId, 'UREQ');
      fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 40_000) as Finished;
    } finally {
      lift();
    }
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const start = (await engine.service.status(jobId))[0]!.steps.find((st) => st.step === 'start_instance')!;
    // Started by a call of its own, not "already Running" from a read that predates the stop.
    expect(start.detail?.already).toBeUndefined();
    expect(start.calls.map((c) => c.action)).toContain('StartInstance');
    await until(() => statusOf(id) === 'Running' || undefined, { what: 'the instance to run', timeoutMs: 5_000 });
    await until(() => secondaryOf(id).length === 0 || undefined, { what: 'the ENI to be gone', timeoutMs: 10_000 });
    expect(await probeEdge(sandbox.edge, eip, 22)).toMatch(/^SSH-2\.0/);
  }, 60_000);

  it('the run after one that died right after StartInstance does not send it again on a read that predates it', async () => {
    const { sandbox, engine, notifier, dieInStart, submitAndAsk, calls, statusOf } = await world();
    const [id, , eip] = DIES_STARTING;
    const { jobId, asked } = await submitAndAsk(id);
    dieInStart.add(jobId);
    const t0 = Date.now();
    // The next run (~1 s later, BullMQ's backoff) first reads the instance still Stopped.
    const lag = sandbox.world.realism.readLagMs;
    let fin: Finished;
    try {
      await engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
      fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 50_000) as Finished;
    } finally {
      sandbox.world.realism.readLagMs = lag;
    }
    expect(dieInStart.has(jobId)).toBe(false);
    expect(fin.outcome, fin.summary).toBe('migrated');
    // Sent again, the start was refused (IncorrectInstanceStatus) until the reads caught up: calls that did nothing.
    // A busy answer of the realism layer, retried by the adapter, is not a second start: count what the cloud took.
    const starts = sandbox.requests.filter((q) => q.at >= t0 && q.action === 'StartInstance' && q.params.InstanceId === id).map((q) => q.code);
    expect(starts).not.toContain('IncorrectInstanceStatus');
    expect(starts.filter((c) => c === 'OK')).toEqual(['OK']);
    expect(statusOf(id)).toBe('Running');
    expect(await probeEdge(sandbox.edge, eip, 22)).toMatch(/^SSH-2\.0/);
  }, 70_000);
});
