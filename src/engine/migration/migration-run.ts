// One run of a migration or rollback job by one worker: a loop over the steps of src/domain/steps.ts.
// - Journal: job.data names the next step plus the facts later steps need; it is written (job data and the
//   record, one fenced round trip) after every step, so a worker killed anywhere re-runs at most one step, and every step is idempotent.
// - Routing: a step reports what it found; src/domain/transitions.ts decides what follows, what a failure or a
//   cancel leads to, and the outcome the job will end with.
// - Parking: approval and change-window waits throw ParkSignal; the job is moved to delayed (no worker slot).
// - Forward-table steps hold a per-table Redis lock owned by the job id, so a resumed job takes its own lock back.
import { isCloudError } from '../../cloud/cloud-error.ts';
import type { Job } from 'bullmq';
import type { CloudCall } from '../../cloud/cloud-port.ts';
import { callsOf, recordCalls } from '../../cloud/call-recorder.ts';
import { withCallPriority } from '../../cloud/priority-budget.ts';
import type { CallEvidence, JobOutcome, StepError } from '../../domain/events.ts';
import { STEPS, stateOf, type StepName } from '../../domain/steps.ts';
import { cutoverUsed } from '../../domain/plan.ts';
import { cancelApplies, nextStep, routeCancel, routeFailure, type JobFacts, type StepOutcome } from '../../domain/transitions.ts';
import { sleep } from '../../util/sleep.ts';
import { isStepError, ParkSignal, StepFailure, toStepError } from '../step-errors.ts';
import type { JobData } from '../job-data.ts';
import { parkJob } from '../park.ts';
import { STEP_HANDLERS } from './handlers.ts';
import { isFencedOut } from '../store/fencing.ts';
import type { EventBody, StepRecord } from '../ports.ts';
import { iso, StepContext, type MigrationDeps } from './step-context.ts';
import { noteReason, outcomeSummaryOf } from './summary.ts';
import type { OutcomeText } from '../../domain/job-text.ts';

function evidence(calls: CloudCall[]): CallEvidence[] {
  return calls.map((c) => ({ action: c.action, code: c.code, ...(c.requestId ? { requestId: c.requestId } : {}) }));
}

/** A shutdown in progress: leave the journal at this step and let another worker re-run it. */
const parkForAnotherWorker = () => new ParkSignal(Date.now() + 50, async () => false);

export class MigrationRun {
  private readonly j: JobData;
  private readonly s: StepContext;
  private steps: StepRecord[] = [];
  /**
   * How many of `steps` the record has: each persist writes only the ones after them. A step's entry changes only
   * while it runs (runStep), before the persist that follows it.
   */
  private stepsSaved = 0;
  private cancelAbort = new AbortController();
  private cancelBy: string | undefined;

  constructor(
    private readonly d: MigrationDeps,
    private readonly job: Job<JobData>,
    private readonly lockToken: string | undefined,
    private readonly workerSignal: AbortSignal | undefined,
  ) {
    this.j = structuredClone(job.data);
    this.s = new StepContext(d, job, this.j, () => this.signal, lockToken);
  }

  private get jobId(): string { return this.j.jobId; }
  private get kind(): 'migrate' | 'rollback' { return this.j.kind === 'rollback' ? 'rollback' : 'migrate'; }

  /** Aborted by a cancel (when it applies to the current step) or by worker shutdown. */
  private get signal(): AbortSignal {
    return this.workerSignal ? AbortSignal.any([this.workerSignal, this.cancelAbort.signal]) : this.cancelAbort.signal;
  }

  async start(): Promise<unknown> {
    // Taking the job over: every older run of it (a worker that paused and may wake up) is fenced out from here on.
    this.s.fenceToken = await this.d.fencing.takeOver(this.jobId);
    this.j.fenceToken = this.s.fenceToken;
    try {
      return await this.run();
    } catch (e) {
      if (!isFencedOut(e)) throw e;
      // Another run owns the job now and re-reads the cloud itself: stop without writing anything.
      this.d.log.warn({ jobId: this.jobId, step: this.j.step, reason: e.reason, what: e.what }, 'run fenced out: another worker owns the job; stopping');
      throw e;
    }
  }

  private async run(): Promise<unknown> {
    const rec = await this.d.records.get(this.jobId);
    if (!rec) {
      this.d.log.warn({ jobId: this.jobId }, 'job has no record (expired or removed); dropping it');
      return { outcome: 'unknown' };
    }
    if (rec.state === 'finished') {
      // A previous run finished the record but died before BullMQ completed the job.
      await this.d.records.releaseInstance(this.jobId, this.j.regionId, this.j.instanceId);
      const stored = (await this.d.records.getWithJournal(this.jobId))?.journal;
      if (stored && !stored.finishEmitted) {
        Object.assign(this.j, stored);
        await this.emitFinished(rec.outcome ?? 'failed', rec.summary ?? '', rec.outcomeText);
      }
      return { outcome: rec.outcome };
    }
    this.steps = rec.steps ?? [];
    this.stepsSaved = this.steps.length;
    const unwatch = this.d.cancels.watch(this.jobId, this.d.opts.cancelPollMs, (by) => this.cancelSeen(by));
    try {
      return await this.loop();
    } finally {
      unwatch();
      await this.s.releaseLock().catch(() => {});
    }
  }

  private async loop(): Promise<unknown> {
    for (;;) {
      const step = this.j.step;
      if (step === 'finish') return this.finish();
      if (this.workerSignal?.aborted) return this.park(parkForAnotherWorker());
      const by = await this.d.cancels.requestedBy(this.jobId);
      if (by && this.cancelApplies()) {
        this.routeCancel(by);
        await this.persist();
        continue;
      }
      // A cancel that arrived too late for the step that was running must not abort the undo path's waits.
      if (this.cancelAbort.signal.aborted && !this.cancelApplies()) this.cancelAbort = new AbortController();

      await this.s.hook(step, 'before');
      // A run that woke up from a pause finds out here, before it touches the table lock or the step.
      await this.s.fence(`step ${step}`);
      try {
        if (STEPS[step].tableLock) await this.s.ensureLock(step);
        else await this.s.releaseLock();
        await this.runStep(step);
      } catch (e) {
        if (isFencedOut(e)) throw e;
        if (e instanceof ParkSignal) return this.park(e);
        if (this.cancelAbort.signal.aborted && this.cancelBy && this.cancelApplies()) {
          // Cancelled while waiting for the table lock.
          this.routeCancel(this.cancelBy);
          await this.persist();
          continue;
        }
        if (this.workerSignal?.aborted) return this.park(parkForAnotherWorker());
        throw e;
      }
      await this.persist();
      // A next step without the forward table hands it to the next job now, not after the next round's checks.
      const next = this.j.step;
      if (next === 'finish' || !STEPS[next].tableLock) await this.s.releaseLock();
      await this.s.hook(step, 'after');
    }
  }

  private async runStep(step: StepName): Promise<void> {
    const info = STEPS[step];
    const rec: StepRecord = { step, title: info.title, startedAt: iso(), calls: [] };
    if (!info.silent) {
      this.steps.push(rec);
      await this.emit({ type: 'step.started', step, title: info.title });
    }
    let outcome: StepOutcome;
    try {
      // Calls under the table lock go before anyone's staging; otherwise older jobs first (priority-budget.ts).
      const r = await recordCalls(() => withCallPriority({ critical: info.tableLock, rank: this.job.timestamp ?? 0 }, () => STEP_HANDLERS[step](this.s)));
      rec.calls = evidence([...this.s.takeEarlyCalls(), ...r.calls]);
      if (r.result.detail) rec.detail = r.result.detail;
      outcome = r.result.outcome;
    } catch (e) {
      if (e instanceof ParkSignal || isFencedOut(e)) throw e;
      rec.calls = evidence([...this.s.takeEarlyCalls(), ...callsOf(e)]);
      rec.finishedAt = iso();
      if (this.cancelAbort.signal.aborted && this.cancelBy) {
        rec.error = toStepError(new StepFailure('Cancelled', { failure: 'cancelled', by: this.cancelBy }));
        this.routeCancel(this.cancelBy);
        return;
      }
      if (this.workerSignal?.aborted) {
        rec.error = toStepError(new StepFailure('Interrupted', { failure: 'interrupted' }));
        throw parkForAnotherWorker();
      }
      if (!isStepError(e)) throw e; // Redis or a bug: BullMQ retries from the journal
      const se = toStepError(e);
      rec.error = se;
      if (!info.silent) await this.emit({ type: 'step.finished', step, title: info.title, calls: rec.calls, detail: { error: se } });
      await this.routeFailure(step, e, se);
      return;
    }
    rec.finishedAt = iso();
    if (!info.silent) {
      await this.emit({ type: 'step.finished', step, title: info.title, calls: rec.calls, ...(rec.detail ? { detail: rec.detail } : {}) });
    }
    this.follow(step, outcome);
  }

  // ── routing (decided in src/domain/transitions.ts) ───────────────────────

  private facts(): JobFacts {
    return {
      kind: this.kind, configureGuest: this.j.options.configureGuest, changeWindows: this.d.opts.cutoverGate !== undefined,
      autoRollback: this.d.opts.autoRollback, restage: this.j.restage === true,
      cutover: cutoverUsed(this.j),
      ...(this.j.plan?.stopToAttach && this.kind === 'migrate' ? { stopToAttach: true } : {}),
      ...(this.j.poweredDown ? { poweredDown: true } : {}),
      ...(this.j.pendingOutcome ? { pendingOutcome: this.j.pendingOutcome } : {}),
    };
  }

  private follow(step: StepName, outcome: StepOutcome): void {
    const t = nextStep(step, outcome, this.facts());
    if (t.pendingOutcome) this.j.pendingOutcome = t.pendingOutcome;
    if (t.restage) this.j.restage = true;
    if (t.newStagingRound) {
      // A fresh ENI with a new ClientToken round; the removed one is forgotten.
      this.j.restage = false;
      this.j.stageRound = (this.j.stageRound ?? 0) + 1;
      this.j.eniId = undefined;
      this.j.eniIp = undefined;
      this.j.eniMac = undefined;
    }
    this.j.step = t.next;
  }

  private cancelApplies(): boolean {
    return cancelApplies(this.j.step, this.kind, this.j.cancelHandled === true);
  }

  private routeCancel(by: string): void {
    const t = routeCancel(this.j.step, this.kind, this.facts().cutover, this.j.poweredDown === true);
    this.j.cancelHandled = true;
    this.j.pendingOutcome = t.pendingOutcome;
    noteReason(this.j, { code: 'cancelled', by });
    this.cancelAbort = new AbortController();
    this.j.step = t.next;
  }

  private async routeFailure(step: StepName, e: unknown, se: StepError): Promise<void> {
    const info = STEPS[step];
    this.j.error = se;
    this.s.dirty.error = se;
    await this.emit({ type: 'failed', step, error: se });
    const attempt = (this.j.retries?.[step] ?? 0) + 1;
    const route = routeFailure(step, this.facts(), {
      attempt, maxAttempts: this.d.opts.undoRetries, retryable: !(e instanceof StepFailure && e.code === 'Conflict'),
      // Busy/5xx/throttled after the adapter's retries; a wait that ran out or saw a failure is not transient.
      transient: isCloudError(e) && e.retryable && !['WaitTimeout', 'WaitFailed', 'Aborted'].includes(e.code),
    });
    if (route.retry) {
      this.j.retries = { ...(this.j.retries ?? {}), [step]: attempt };
      await sleep(Math.min(30_000, this.d.opts.retryBaseMs * 2 ** (attempt - 1)), this.workerSignal).catch(() => {});
      return; // the same step again
    }
    // On the undo paths the first failure's reason stays in front; before them, this failure is the reason.
    if (info.phase !== 'preflight') {
      const undoing = info.phase === 'restore' || info.phase === 'unstage' || info.phase === 'final';
      noteReason(this.j, { code: 'step_failed', step, error: se.code, ...(se.message ? { message: se.message } : {}), ...(se.text ? { text: se.text } : {}) }, undoing ? 'append' : 'replace');
    }
    if (route.pendingOutcome) this.j.pendingOutcome = route.pendingOutcome;
    this.j.step = route.next;
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────

  private async emit(e: EventBody): Promise<void> {
    await this.s.emit(e);
  }

  private async persist(): Promise<void> {
    // 'finished' is written only by finish(), together with the outcome.
    const state = this.j.step === 'finish' ? {} : { state: stateOf(this.j.step, this.j.kind) };
    const saved = this.steps.length;
    await this.s.saveJournal({ fields: { ...this.s.dirty, ...state }, steps: { from: this.stepsSaved, steps: this.steps } });
    this.s.dirty = {};
    this.stepsSaved = saved;
  }

  private async park(p: ParkSignal): Promise<unknown> {
    await this.s.releaseLock();
    await this.persist();
    const step = this.j.step;
    return parkJob(this.job, this.lockToken, p.until, p.shouldWake, async () => {
      if (STEPS[step].parks) await this.s.hook(step, 'during');
    });
  }

  /** The cancel flag is set (cancel-flags.ts watch): abort the step now if the cancel applies to it. */
  private cancelSeen(by: string): void {
    if (this.cancelAbort.signal.aborted || !this.cancelApplies()) return;
    this.cancelBy = by;
    this.cancelAbort.abort(new StepFailure('Cancelled', { failure: 'cancelled', by }));
  }

  private async finish(): Promise<unknown> {
    await this.s.releaseLock();
    const outcome = this.j.pendingOutcome ?? 'failed';
    const { summary, text } = outcomeSummaryOf(this.j, outcome);
    await this.s.fence('the final record');
    // Record first (what `status` answers once the thread says "finished"), then the event, then a marker:
    // a crash in between makes the next run re-emit the event instead of losing it.
    await this.job.updateData(this.j);
    await this.d.records.finish(this.jobId, this.j.regionId, this.j.instanceId, {
      ...this.s.dirty, outcome, summary, outcomeText: text, journal: this.j, ...(this.j.error ? { error: this.j.error } : {}),
    }, { from: this.stepsSaved, steps: this.steps });
    this.s.dirty = {};
    this.stepsSaved = this.steps.length;
    if (this.j.kind === 'rollback' && this.j.migrationJobId) {
      await this.d.records.patch(this.j.migrationJobId, { relatedJobId: this.jobId });
    }
    await this.emitFinished(outcome, summary, text);
    // The batch reads its children's records: the record is final, so it can release the next child now.
    if (this.j.batchId) await this.d.wakeBatch?.(this.j.batchId).catch(() => {});
    return { outcome };
  }

  private async emitFinished(outcome: JobOutcome, summary: string, text: OutcomeText | undefined): Promise<void> {
    await this.emit({ type: 'finished', outcome, summary, ...(text ? { text } : {}) });
    this.j.finishEmitted = true;
    await this.d.records.patch(this.jobId, { journal: this.j });
  }
}
