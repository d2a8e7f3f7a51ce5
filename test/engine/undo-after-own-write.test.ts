// Undo steps that run a moment after this job's own write, while the cloud's reads still show the state from before
// (the realism rule staleReads, raised inside each test): each must act on what it wrote, not on the lagging read.
// Its own file so that these tests, which mostly wait out lags, run beside the other integration files. Each test has a
// sandbox and an engine of its own (the read lag and the faults are the sandbox's), so the tests run concurrently.
import { describe, expect, it } from 'vitest';
import { ENI_TAG_JOB } from '../../src/domain/plan.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import type { EngineOptions } from '../../src/engine/options.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { until } from './helpers.ts';
import {
  approvalOf, approve, dnatOn, enisOf, expectUntouched, finished, M, ownEngine, submit, taggedEnis, useMigrationWorld,
} from './migration-world.ts';

useMigrationWorld();

/** A sandbox and an engine on it of the test's own, with the helpers below bound to them. */
async function ownWorld(options: Partial<EngineOptions> = {}) {
  const w = await ownEngine(options);
  const { sandbox, notifier, engine } = w;

  /**
   * Runs `body` with reads lagging writes by `ms` (the realism rule staleReads), then puts the lag back; sooner, once
   * the undo under test has finished (`liftAfter` names the job and the step): the steps after it need not wait out
   * the lag, which is not what these tests are about.
   */
  async function withReadLag<T>(ms: number, body: (liftAfter: (jobId: string, step: string, n?: RecordingNotifier) => void) => Promise<T>): Promise<T> {
    const lag = sandbox.world.realism.readLagMs;
    let lagging = true;
    const lift = () => {
      if (lagging) sandbox.world.realism.readLagMs = lag;
      lagging = false;
    };
    const liftAfter = (jobId: string, step: string, n = notifier) => {
      n.waitFor((e) => e.jobId === jobId && e.type === 'step.finished' && e.step === step, 60_000).then(lift, () => {});
    };
    sandbox.world.realism.readLagMs = ms;
    try {
      return await body(liftAfter);
    } finally {
      lift();
    }
  }

  /** Approves, cancels as soon as `step` starts, and returns how the job ended. */
  async function cancelAt(jobId: string, hash: string | undefined, step: string) {
    if (hash) await approve(engine, jobId, hash);
    await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === step), { what: step, timeoutMs: 15_000, everyMs: 5 });
    await engine.service.cancel(jobId, 'UONCALL');
    return finished(notifier, jobId);
  }

  return { ...w, withReadLag, cancelAt };
}

const PORT_22: MigrationOptions = { ports: { kind: 'list', ports: [22] }, configureGuest: false };

describe.concurrent('undo right after our own write, while reads still show the state from before', () => {
  it('a cancel right after the in-place move, while reads still show the old mapping, moves it back all the same', async () => {
    const { id, ip, eip } = M(14);
    const { cloud, engine, notifier, withReadLag } = await ownWorld();
    const jobId = await submit(engine, id);
    const hash = await approvalOf(notifier, jobId);
    // Reads lag writes by 1.5 s here: the restore's first read still shows the entry on the primary IP.
    const fin = await withReadLag(1_500, async (liftAfter) => {
      liftAfter(jobId, 'restore_modify_back');
      await approve(engine, jobId, hash);
      await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'wait_entry_modified'), { what: 'wait_entry_modified', timeoutMs: 10_000, everyMs: 5 });
      await engine.service.cancel(jobId, 'UONCALL');
      return finished(notifier, jobId);
    });
    expect(fin.outcome).toBe('cancelled');
    const restore = (await engine.service.status(jobId))[0]!.steps.find((st) => st.step === 'restore_modify_back')!;
    // Moved back by a write of its own, not "already on the primary IP" from a read that predates the move.
    expect(restore.detail).not.toHaveProperty('already');
    await until(async () => (await dnatOn(eip, cloud)).every((e) => e.internalIp === ip && e.status === 'Available'), { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel right after the re-created entry is written, while reads do not list it yet, deletes it before putting the original back', async () => {
    const { id, ip, eip } = M(15);
    const { sandbox, cloud, engine, notifier, withReadLag, cancelAt } = await ownWorld();
    const t0 = Date.now();
    const jobId = await submit(engine, id, PORT_22);
    const hash = await approvalOf(notifier, jobId);
    // Reads lag writes by 1.5 s: restore_delete_new's first read of the EIP does not list the entry just created.
    const fin = await withReadLag(1_500, (liftAfter) => (liftAfter(jobId, 'restore_create_original'), cancelAt(jobId, hash, 'wait_entry_available')));
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const rec = (await engine.service.status(jobId))[0]!;
    const [created] = rec.steps.find((st) => st.step === 'create_entry')!.detail!.forwardEntryIds as string[];
    // The cloud's own log is the witness (a run that took the job over mid-restore finds the delete made and records
    // nothing to delete): the new entry was deleted, and only then was the original created again.
    const writes = sandbox.requests.filter((r) => r.at >= t0 && r.code === 'OK' && /^(Create|Delete)ForwardEntry$/.test(r.action));
    const deletedNew = writes.findIndex((r) => r.action === 'DeleteForwardEntry' && r.params.ForwardEntryId === created);
    const recreated = writes.findIndex((r) => r.action === 'CreateForwardEntry' && r.params.InternalIp === ip);
    const log = JSON.stringify(writes.map((r) => [r.action, r.params.ForwardEntryId ?? r.params.InternalIp]));
    expect(deletedNew, log).toBeGreaterThanOrEqual(0);
    expect(recreated, log).toBeGreaterThan(deletedNew);
    await until(async () => (await dnatOn(eip, cloud)).every((e) => e.internalIp === ip && e.status === 'Available'), { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel right after the original is deleted, while reads still list it, creates it again instead of calling it restored', async () => {
    const { id, ip, eip } = M(16);
    const { cloud, engine, notifier, withReadLag, cancelAt } = await ownWorld();
    const jobId = await submit(engine, id, PORT_22);
    const hash = await approvalOf(notifier, jobId);
    // restore_create_original's first read still shows the original Available: it predates the cutover's delete.
    const fin = await withReadLag(1_500, (liftAfter) => (liftAfter(jobId, 'restore_create_original'), cancelAt(jobId, hash, 'wait_entry_gone')));
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const rec = (await engine.service.status(jobId))[0]!;
    expect(rec.steps.find((st) => st.step === 'restore_create_original')!.detail).not.toHaveProperty('reused');
    await until(async () => (await dnatOn(eip, cloud)).some((e) => e.status === 'Available'), { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel while the in-place move is retried after its answers were lost, and reads still show the old mapping, moves it back all the same', async () => {
    const { id, ip, eip } = M(18);
    const { sandbox, cloud, engine, notifier, withReadLag } = await ownWorld();
    const jobId = await submit(engine, id);
    const hash = await approvalOf(notifier, jobId);
    const t0 = Date.now();
    // Every ModifyForwardEntry is carried out and then answered 503 (the answer lost): one call's four attempts fail,
    // and the engine waits before it tries the call again. That is where the cancel lands.
    sandbox.faults.add({ action: 'ModifyForwardEntry', code: 'ServiceUnavailable', answerLost: true, times: 20 });
    try {
      const fin = await withReadLag(1_500, async (liftAfter) => {
        liftAfter(jobId, 'restore_modify_back');
        await approve(engine, jobId, hash);
        await until(async () => sandbox.requests.filter((r) => r.at >= t0 && r.action === 'ModifyForwardEntry' && r.code === 'ServiceUnavailable').length >= 4,
          { what: 'the first ModifyForwardEntry call to fail', timeoutMs: 15_000, everyMs: 5 });
        await engine.service.cancel(jobId, 'UONCALL');
        await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'restore_modify_back'), { what: 'restore_modify_back', timeoutMs: 10_000, everyMs: 5 });
        sandbox.faults.clear();
        return finished(notifier, jobId);
      });
      expect(fin.outcome, fin.summary).toBe('cancelled');
    } finally {
      sandbox.faults.clear();
    }
    const restore = (await engine.service.status(jobId))[0]!.steps.find((st) => st.step === 'restore_modify_back')!;
    // The move went through though no answer said so: the restore moved it back, it did not call it "already" restored.
    expect(restore.detail).not.toHaveProperty('already');
    await until(async () => (await dnatOn(eip, cloud)).every((e) => e.internalIp === ip && e.status === 'Available'), { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel while the re-created entry\'s create is retried after its answers were lost, before reads list it, deletes it first', async () => {
    const { id, ip, eip } = M(19);
    const { sandbox, cloud, engine, notifier, withReadLag } = await ownWorld();
    const jobId = await submit(engine, id, PORT_22);
    const hash = await approvalOf(notifier, jobId);
    const t0 = Date.now();
    // The create goes through, but no answer says so (nor which id it got): the undo has only the ENI's IP to look for.
    sandbox.faults.add({ action: 'CreateForwardEntry', code: 'ServiceUnavailable', answerLost: true, times: 20 });
    try {
      const fin = await withReadLag(1_500, async (liftAfter) => {
        liftAfter(jobId, 'restore_delete_new');
        await approve(engine, jobId, hash);
        await until(async () => sandbox.requests.filter((r) => r.at >= t0 && r.action === 'CreateForwardEntry' && r.code === 'ServiceUnavailable').length >= 4,
          { what: 'the first CreateForwardEntry call to fail', timeoutMs: 15_000, everyMs: 5 });
        await engine.service.cancel(jobId, 'UONCALL');
        await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'restore_delete_new'), { what: 'restore_delete_new', timeoutMs: 10_000, everyMs: 5 });
        sandbox.faults.clear();
        return finished(notifier, jobId);
      });
      expect(fin.outcome, fin.summary).toBe('cancelled');
    } finally {
      sandbox.faults.clear();
    }
    const rec = (await engine.service.status(jobId))[0]!;
    // The cloud's own log is the witness, as in the test above (a run that took the job over mid-restore finds the
    // delete made and records nothing to delete): the one entry the lost create made was deleted, and only then was
    // the original created again.
    const original = rec.steps.find((st) => st.step === 'save_original')!.detail!.forwardEntryId;
    const writes = sandbox.requests.filter((r) => r.at >= t0 && r.code === 'OK' && /^(Create|Delete)ForwardEntry$/.test(r.action));
    const log = JSON.stringify(writes.map((r) => [r.action, r.params.ForwardEntryId ?? r.params.InternalIp]));
    const deletedNew = writes.filter((r) => r.action === 'DeleteForwardEntry' && r.params.ForwardEntryId !== original);
    expect(deletedNew, log).toHaveLength(1);
    expect(writes.findIndex((r) => r.action === 'CreateForwardEntry' && r.params.InternalIp === ip), log).toBeGreaterThan(writes.indexOf(deletedNew[0]!));
    await until(async () => (await dnatOn(eip, cloud)).every((e) => e.internalIp === ip && e.status === 'Available'), { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel right after the attach, while reads still show the ENI unattached, detaches it before deleting it', async () => {
    const { id, ip, eip } = M(17);
    const { cloud, engine, withReadLag, cancelAt } = await ownWorld();
    const jobId = await submit(engine, id);
    // The attach answered a moment ago; detach_eni's first read still shows the ENI Available (or not listed at all).
    const fin = await withReadLag(1_500, (liftAfter) => (liftAfter(jobId, 'detach_eni'), cancelAt(jobId, undefined, 'wait_eni_in_use')));
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const rec = (await engine.service.status(jobId))[0]!;
    expect((rec.steps.find((st) => st.step === 'detach_eni')!.detail!.detached as string[])).toEqual([rec.eniId]);
    await until(async () => (await taggedEnis(jobId, cloud)).length === 0, { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a run resumed right after the in-place move, while reads still show the old mapping, moves it back all the same', async () => {
    const { id, ip, eip } = M(20);
    // The worker's run dies right after ModifyForwardEntry went out (before the journal is written after the step); the
    // next run of the job starts from the journal with a cancel waiting. Only the journal can tell it the move was
    // a moment ago: its own memory of the write died with the first run.
    let crashed = false;
    const { cloud, engine: e, notifier: n, withReadLag } = await ownWorld({ hooks: { point: (step, where) => {
      if (step === 'modify_entry' && where === 'during' && !crashed) {
        crashed = true;
        throw new Error('simulated crash right after the write');
      }
    } } });
    const jobId = await submit(e, id);
    const hash = await approvalOf(n, jobId);
    const fin = await withReadLag(3_000, async (liftAfter) => {
      liftAfter(jobId, 'restore_modify_back', n);
      await approve(e, jobId, hash);
      await until(async () => crashed && (await (await e.queue.getJob(jobId))?.getState()) !== 'active', { what: 'the run to die', timeoutMs: 15_000, everyMs: 5 });
      await e.service.cancel(jobId, 'UONCALL');
      return finished(n, jobId);
    });
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const rec = (await e.service.status(jobId))[0]!;
    const restore = rec.steps.find((st) => st.step === 'restore_modify_back')!;
    // Moved back by a write of its own, not "already on the primary IP" from a read that predates the move.
    expect(restore.detail).not.toHaveProperty('already');
    await until(async () => (await dnatOn(eip, cloud)).every((x) => x.internalIp === ip && x.status === 'Available'), { what: 'the read to catch up', timeoutMs: 8_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('a cancel while the ENI\'s create is retried after its answers were lost, before reads list the ENI, removes it all the same', async () => {
    const { id, ip, eip } = M(21);
    const { sandbox, cloud, engine, notifier, withReadLag } = await ownWorld();
    const t0 = Date.now();
    // Every CreateNetworkInterface is carried out and then answered 503: the ENI exists, but no answer named it and
    // the reads do not list it yet. The unstage must not take "not listed" for "never made".
    sandbox.faults.add({ action: 'CreateNetworkInterface', code: 'ServiceUnavailable', answerLost: true, times: 20 });
    try {
      const fin = await withReadLag(1_500, async (liftAfter) => {
        const jobId = await submit(engine, id);
        liftAfter(jobId, 'delete_eni');
        await until(async () => sandbox.requests.filter((r) => r.at >= t0 && r.action === 'CreateNetworkInterface' && r.code === 'ServiceUnavailable').length >= 4,
          { what: 'the first CreateNetworkInterface call to fail', timeoutMs: 15_000, everyMs: 5 });
        await engine.service.cancel(jobId, 'UONCALL');
        await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'detach_eni'), { what: 'detach_eni', timeoutMs: 10_000, everyMs: 5 });
        sandbox.faults.clear();
        return finished(notifier, jobId);
      });
      expect(fin.outcome, fin.summary).toBe('cancelled');
      const rec = (await engine.service.status(fin.jobId))[0]!;
      expect(rec.steps.find((st) => st.step === 'delete_eni')?.detail?.deleted).toHaveLength(1);
    } finally {
      sandbox.faults.clear();
    }
    sandbox.world.settle();
    expect([...sandbox.world.enis.values()].filter((e) => e.type === 'Secondary' && e.tags[ENI_TAG_JOB]?.includes(id))).toEqual([]);
    await until(async () => (await enisOf(id, cloud)).length === 0, { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

});
