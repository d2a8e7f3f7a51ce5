// A run that dies in the middle of a step, right after its cloud write went out: the journal written after the step
// never is, and the next run knows of the write only what was journaled before it went out (StepContext.writing).
// With reads lagging writes (the realism rule staleReads, raised inside each test), an undo by that next run must not
// take a read that predates the write for the truth. Its own file: these tests mostly wait out lags. The lag is raised
// only from the dying step's write to the undo under test (its write made, or the step finished): the steps before
// and after those need not wait it out, which is not what these tests are about. Each test that raises the lag has a
// sandbox of its own (the lag is the sandbox's), so the tests run concurrently.
import { describe, expect, it } from 'vitest';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import type { StepName } from '../../src/domain/steps.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { until } from './helpers.ts';
import {
  approvalOf, approve, dnatOn, expectUntouched, finished, M, newEngine, ownSandbox, submit, taggedEnis, useMigrationWorld,
} from './migration-world.ts';

useMigrationWorld();

const PORT_22: MigrationOptions = { ports: { kind: 'list', ports: [22] }, configureGuest: false };

/**
 * An engine on a sandbox of its own whose first run that reaches the middle of `step` (its write made) dies there, as
 * a SIGKILL would. Reads lag writes by 3 s (the realism rule staleReads) from that write on ('write'), or from an
 * earlier point where the state the next run must read has to be older than the lag by then ('start': now; a step:
 * its start): the next run starts up to ~1 s later (BullMQ's backoff) and its first read shows the state from before
 * the write. The lag is put back once that run has made the write of `undo` (the undo under test) or finished it.
 */
async function engineDyingIn(step: StepName, undo: StepName, lagFrom: 'start' | 'write' | StepName) {
  const n = new RecordingNotifier();
  const w = await ownSandbox();
  const { sandbox } = w;
  let crashed = false;
  const lag = sandbox.world.realism.readLagMs;
  let lagging = false;
  const lift = () => {
    if (lagging) sandbox.world.realism.readLagMs = lag;
    lagging = false;
  };
  const raise = () => {
    sandbox.world.realism.readLagMs = 3_000;
    lagging = true;
  };
  if (lagFrom === 'start') raise();
  const e = await newEngine(n, { hooks: { point: (st, where) => {
    if (!crashed && !lagging && (lagFrom === 'write' ? st === step && where === 'write' : st === lagFrom && where === 'before')) raise();
    if (st === step && where === 'during' && !crashed) {
      crashed = true;
      throw new Error(`simulated crash in the middle of ${step}`);
    }
    if (crashed && st === undo && (where === 'during' || where === 'after')) lift();
  } } }, w);
  const died = (jobId: string) => until(async () => crashed && (await (await e.queue.getJob(jobId))?.getState()) !== 'active',
    { what: `the run to die in ${step}`, timeoutMs: 20_000, everyMs: 5 });
  return { n, e, died, sandbox, cloud: w.cloud };
}

describe.concurrent('undo by the run after one that died right after its write, while reads still show the state from before', () => {
  it('a cancel after a run died right after the attach detaches the ENI before deleting it', async () => {
    const { id, ip, eip } = M(0);
    // Lagged from the start: the next run's first read shows the ENI unattached (not unlisted as too new).
    const { n, e, died, cloud } = await engineDyingIn('attach_eni', 'detach_eni', 'start');
    const jobId = await submit(e, id);
    await died(jobId);
    await e.service.cancel(jobId, 'UONCALL');
    const fin = await finished(n, jobId);
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const rec = (await e.service.status(fin.jobId))[0]!;
    expect(rec.steps.find((st) => st.step === 'detach_eni')!.detail!.detached).toEqual([rec.eniId]);
    await until(async () => (await taggedEnis(fin.jobId, cloud)).length === 0, { what: 'the read to catch up', timeoutMs: 8_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel after a run died right after the re-created entry was written deletes it before putting the original back', async () => {
    const { id, ip, eip } = M(1);
    const { n, e, died, cloud } = await engineDyingIn('create_entry', 'restore_delete_new', 'write');
    const jobId = await submit(e, id, PORT_22);
    const hash = await approvalOf(n, jobId);
    // The dead run's create left no id in the journal, and the next run's first read of the EIP does not list it.
    await approve(e, jobId, hash);
    await died(jobId);
    await e.service.cancel(jobId, 'UONCALL');
    const fin = await finished(n, jobId);
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const rec = (await e.service.status(jobId))[0]!;
    expect(rec.steps.find((st) => st.step === 'restore_delete_new')!.detail!.deleted).toHaveLength(1);
    await until(async () => (await dnatOn(eip, cloud)).every((x) => x.internalIp === ip && x.status === 'Available'), { what: 'the read to catch up', timeoutMs: 8_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('the run after one that died right after re-creating the original takes the entry as restored instead of creating it again', async () => {
    const { id, ip, eip } = M(3);
    // Lagged from the start of the restore: by the dying run's create, the reads show the cutover's delete of the
    // original and the delete of the new entry settled (a jump back of the lag there would show the original still
    // Available, taken as restored by any code, or an entry still Deleting, waited for before the create), but the
    // next run's read does not show the entry just re-created.
    const { n, e, died, sandbox, cloud } = await engineDyingIn('restore_create_original', 'restore_create_original', 'restore_delete_new');
    const jobId = await submit(e, id, PORT_22);
    const hash = await approvalOf(n, jobId);
    const t0 = Date.now();
    await approve(e, jobId, hash);
    await until(async () => n.forJob(jobId).some((x) => x.type === 'step.started' && x.step === 'wait_entry_available'), { what: 'wait_entry_available', timeoutMs: 15_000, everyMs: 5 });
    await e.service.cancel(jobId, 'UONCALL');
    await died(jobId);
    const fin = await finished(n, jobId);
    expect(fin.outcome, fin.summary).toBe('cancelled');
    // The next run's first read does not list the entry yet: it reads again until it does, and sends no second
    // create (only the ClientToken would have kept that one from mapping the EIP twice).
    const creates = sandbox.requests.filter((r) => r.at >= t0 && r.action === 'CreateForwardEntry' && r.params.InternalIp === ip);
    expect(creates.map((r) => r.code)).toEqual(['OK']);
    const rec = (await e.service.status(jobId))[0]!;
    expect(rec.steps.filter((st) => st.step === 'restore_create_original').at(-1)!.detail).toHaveProperty('reused', true);
    await until(async () => (await dnatOn(eip, cloud)).every((x) => x.internalIp === ip && x.status === 'Available'), { what: 'the read to catch up', timeoutMs: 8_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  for (const [i, step, action] of [[4, 'detach_eni', 'DetachNetworkInterface'], [5, 'delete_eni', 'DeleteNetworkInterface']] as const) {
    it(`the run after one that died right after its ${action} does not send it again on a read that predates it`, async () => {
      const { id, ip, eip } = M(i);
      // Lagged from the start: the next run's read must list the ENI InUse (Available), not leave it out as too new.
      const { n, e, died, sandbox, cloud } = await engineDyingIn(step, step, 'start');
      const t0 = Date.now();
      // The unstage after a cancel; the run dies right after the write, the next one's first read predates it.
      const jobId = await submit(e, id);
      await until(async () => n.forJob(jobId).some((x) => x.type === 'step.started' && x.step === 'wait_eni_in_use'), { what: 'wait_eni_in_use', timeoutMs: 15_000, everyMs: 5 });
      await e.service.cancel(jobId, 'UONCALL');
      await died(jobId);
      const fin = await finished(n, jobId);
      expect(fin.outcome, fin.summary).toBe('cancelled');
      // Sent again, the write was refused (or answered NotFound) until the reads caught up: calls that did nothing.
      expect(sandbox.requests.filter((r) => r.at >= t0 && r.action === action).map((r) => r.code)).toEqual(['OK']);
      await until(async () => (await taggedEnis(fin.jobId, cloud)).length === 0, { what: 'the read to catch up', timeoutMs: 8_000 });
      await expectUntouched(id, eip, ip, cloud);
    });
  }

  it('each ENI and DNAT write is in the journal already while its step is still running', async () => {
    const { id, ip, eip } = M(2);
    const n = new RecordingNotifier();
    // What the journal in Redis says when each write step reaches its middle (its first write made, the step not ended).
    const seen = new Map<StepName, string[]>();
    const watched = new Set<StepName>(['attach_eni', 'create_entry', 'restore_create_original', 'detach_eni', 'delete_eni']);
    let e: Engine | undefined;
    e = await newEngine(n, { hooks: { point: async (st, where, jobId) => {
      if (where !== 'during' || !watched.has(st) || seen.has(st)) return;
      seen.set(st, Object.keys((await e!.queue.getJob(jobId))?.data.wroteAt ?? {}));
    } } });
    const jobId = await submit(e, id, PORT_22);
    const hash = await approvalOf(n, jobId);
    await approve(e, jobId, hash);
    await until(async () => n.forJob(jobId).some((x) => x.type === 'step.started' && x.step === 'wait_entry_available'), { what: 'wait_entry_available', timeoutMs: 15_000, everyMs: 5 });
    await e.service.cancel(jobId, 'UONCALL');
    const fin = await finished(n, jobId);
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const eni = (await e.service.status(jobId))[0]!.eniId!;
    expect(Object.fromEntries(seen)).toEqual({
      attach_eni: expect.arrayContaining([`attach:${eni}`]),
      create_entry: expect.arrayContaining(['create_entry:sent:0']),
      restore_create_original: expect.arrayContaining(['restore_create_original:sent']),
      detach_eni: expect.arrayContaining([`detach:${eni}`]),
      delete_eni: expect.arrayContaining([`eni-delete:${eni}`]),
    });
    await until(async () => (await taggedEnis(jobId)).length === 0, { what: 'the ENI to go', timeoutMs: 8_000 });
    await expectUntouched(id, eip, ip);
  });
});
