// The step-job processor: one BullMQ job per migration / rollback / preview, run as a loop over the steps of
// src/domain/steps.ts. Design notes:
// - Journal: job.data names the next step plus the facts later steps need; job.updateData (and the record) after
//   every step, so a worker killed anywhere re-runs at most one step. Every step is idempotent: ClientTokens are
//   derived from job id + per-job nonce + step, and before creating anything a step looks for what an earlier
//   attempt made (ENI by the natmigrate:job tag; DNAT entries by EIP + internal IP).
// - Parking: approval and change-window waits use moveToDelayed + DelayedError (no worker slot), with the
//   "decided while still active" race closed by re-checking after moveToDelayed and promoting ourselves.
// - Forward-table writes (cutover, restore, rollback) hold a per-table Redis lock owned by the job id, so a job
//   resumed after a crash takes its own lock back while other jobs wait.
// - Failures: before the delete → unstage (ENI removed), outcome 'failed'; after the delete → restore the
//   original from the restore recipe, then unstage, outcome 'restored'; on the undo paths a step is retried
//   with backoff, then the job ends 'failed' with what is left to do in its summary.
// - Cancel: before the cutover → unstage ('cancelled'); once the cutover has started → restore at once, without a
//   second approval (it returns to the approved starting point); a finished migration is cancelled by queueing a
//   rollback, which does need an approval (service.ts).
import { createHash } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CloudCall, CloudPort } from '../cloud/cloud-port.ts';
import { isCloudError } from '../cloud/errors.ts';
import { recordCalls, callsOf } from '../cloud/alibaba/recorder.ts';
import { withCallPriority } from '../cloud/priority-budget.ts';
import type { DnatEntry, DnatSpec, NetworkInterface } from '../domain/cloud-types.ts';
import { hasStatus } from '../domain/dnat.ts';
import type { CallEvidence, JobOutcome, MigrationEvent, SshEvidence, StepError } from '../domain/events.ts';
import { buildPlan, ENI_TAG_JOB, planDifferences, refusalFromPermissionError } from '../domain/plan.ts';
import type { Plan, PlanResult, Refusal } from '../domain/plan-types.ts';
import { canonicalJson, sha256Hex } from '../domain/canonical.ts';
import { STEPS, stateOf, type StepName } from '../domain/steps.ts';
import type { RedisApprovals } from './approvals.ts';
import { gatherPlanInput } from './gather.ts';
import { guestNicScript } from './guest.ts';
import type { JobData } from './job-data.ts';
import type { Keys } from './keys.ts';
import type { ApprovalRecord, JobRecord, Notifier, StepRecord } from './ports.ts';
import type { RecordStore } from './records.ts';
import { sleep, type TableLockHandle, type TableLocks } from './table-lock.ts';
import { checkEgress, checkSsh, type PublicEdge } from './verify.ts';
import type { Redis } from 'ioredis';

/** Engine behaviour knobs (durations in ms). `createEngine` fills the defaults. */
export interface EngineOptions {
  approvalTtlMs: number;
  requiredApprovals: number;
  /** Restore the original mapping automatically when verification fails. */
  autoRollback: boolean;
  egressUrl: string;
  /** How long each verification check may retry. */
  verifyTimeoutMs: number;
  verifyIntervalMs: number;
  recordRetentionMs: number;
  /** Where the public side of EIPs is reached (PROXY v1); unset = connect to the EIP directly. */
  publicEdge?: PublicEdge;
  tableLockTtlMs: number;
  tableLockPollMs: number;
  /** How often a running step looks for a cancel request. */
  cancelPollMs: number;
  /** Upper bound of each ENI / DNAT / invocation wait. */
  waitTimeoutMs: number;
  /** Retries of a failed step on the undo paths (restore, unstage) before the job gives up as 'failed'. */
  undoRetries: number;
  retryBaseMs: number;
  /** Policy-routing table used for the secondary NIC. */
  guestRouteTable: number;
  /** Change-freeze hook: a future time parks an approved job until then (state 'waiting_window'). */
  cutoverGate?: (now: Date) => Date | undefined;
  /** IANA zone the freeze windows are written in; only for saying when a window ends (default UTC). */
  cutoverTimeZone?: string;
  /**
   * How long a batch's child job waits for its batch to release it (its approval request is held by the batch,
   * not decided by people; see src/engine/batch.ts). Default 24 h.
   */
  batchChildHoldMs?: number;
  /**
   * Typical latency of each asynchronous transition: a wait's first poll comes when the change is due, then short
   * gaps. Unset (or a transition left out) = the adapter's default schedule. DEFAULT_EXPECTED_LATENCIES fits Alibaba.
   */
  expectedMs?: Partial<ExpectedLatencies>;
  hooks?: EngineHooks;
}

/** How long the cloud usually takes for each asynchronous transition (ms), counted from the write's answer. */
export interface ExpectedLatencies {
  eniAttach: number;
  eniDetach: number;
  eniDelete: number;
  dnatCreate: number;
  dnatDelete: number;
  runCommand: number;
}

/** Typical Alibaba Cloud figures (the sandbox's defaults are the same); opt in with `expectedMs`. */
export const DEFAULT_EXPECTED_LATENCIES: ExpectedLatencies = {
  eniAttach: 3000, eniDetach: 2000, eniDelete: 1000, dnatCreate: 2000, dnatDelete: 2000, runCommand: 1500,
};

export type HookPoint = 'before' | 'during' | 'after';

/**
 * Test hooks. `point` is called before each step, in the middle of each write or wait ('during': the cloud call
 * was made or the wait started, the journal not yet advanced), and after the journal names the next step.
 * worker-main.ts uses it to SIGKILL itself at a chosen point (the crash test).
 */
export interface EngineHooks {
  point?(step: StepName, where: HookPoint, jobId: string): void | Promise<void>;
}

export interface ProcessorContext {
  redis: Redis;
  keys: Keys;
  records: RecordStore;
  approvals: RedisApprovals;
  locks: TableLocks;
  notifier: Notifier;
  cloudFor(regionId: string): CloudPort;
  opts: EngineOptions;
  log: Logger;
}

/** A logical failure of a step (not a cloud error): routed like one. */
export class StepFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Thrown by a step to park the job (delayed, no worker slot) until `until` or until woken. */
class Park {
  constructor(readonly until: number, readonly shouldWake: () => Promise<boolean>) {}
}

type StepResult = { next: StepName; detail?: Record<string, unknown> };

/** Deterministic ClientToken for one write of one job (≤ 64 ASCII): a resumed step sends the same token. */
export function clientToken(jobId: string, label: string, nonce = ''): string {
  return `nm-${createHash('sha256').update(`${jobId}|${nonce}|${label}`).digest('hex').slice(0, 40)}`;
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();
const eqi = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

function sameSpec(e: DnatSpec, s: DnatSpec): boolean {
  return e.forwardTableId === s.forwardTableId && e.externalIp === s.externalIp && e.internalIp === s.internalIp
    && eqi(e.externalPort, s.externalPort) && eqi(e.internalPort, s.internalPort) && eqi(e.ipProtocol, s.ipProtocol);
}

function toStepError(e: unknown): StepError {
  if (isCloudError(e)) return { code: e.code, message: e.message, action: e.action, ...(e.requestId ? { requestId: e.requestId } : {}) };
  if (e instanceof StepFailure) return { code: e.code, message: e.message };
  return { code: 'InternalError', message: e instanceof Error ? e.message : String(e) };
}

function evidence(calls: CloudCall[]): CallEvidence[] {
  return calls.map((c) => ({ action: c.action, code: c.code, ...(c.requestId ? { requestId: c.requestId } : {}) }));
}

/** Codes worth a short in-step retry on forward-table writes (another entry of the table is settling). */
const TABLE_BUSY = new Set(['IncorretForwardEntryStatus', 'IncorrectStatus.NATGW', 'OperationConflict', 'TaskConflict', 'LastTokenProcessing']);

export function createProcessor(ctx: ProcessorContext) {
  return async (job: Job<JobData>, token?: string, signal?: AbortSignal): Promise<unknown> => {
    if (job.data.kind === 'preview') return runPreview(ctx, job.data);
    const run = new Run(ctx, job, token, signal);
    return run.start();
  };
}

async function runPreview(ctx: ProcessorContext, j: JobData): Promise<unknown> {
  const at = iso();
  const cloud = ctx.cloudFor(j.regionId);
  let plan: Plan | undefined;
  let refusal: Refusal | undefined;
  try {
    const res = buildPlan(await gatherPlanInput(cloud, j.regionId, j.instanceId, j.options), { jobId: j.jobId });
    if (res.ok) plan = res.plan; else refusal = res.refusal;
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) refusal = refusalFromPermissionError(e.action, e.deniedAction);
    else {
      const se = toStepError(e);
      await ctx.notifier.emit({ type: 'failed', jobId: j.jobId, at: iso(), step: 'plan', error: se });
      await ctx.records.finish(j.jobId, j.regionId, undefined, { outcome: 'failed', error: se, summary: `Pre-flight failed: ${se.code}: ${se.message}` });
      return { outcome: 'failed' };
    }
  }
  await ctx.records.finish(j.jobId, j.regionId, undefined, {
    ...(plan ? { plan, summary: 'Plan only; nothing changed.' } : {}),
    ...(refusal ? { refusal, outcome: 'refused' as const, summary: refusal.message } : {}),
  });
  if (plan) await ctx.notifier.emit({ type: 'planned', jobId: j.jobId, at, plan });
  if (refusal) await ctx.notifier.emit({ type: 'refused', jobId: j.jobId, at, refusal });
  return { outcome: refusal ? 'refused' : 'planned' };
}

class Run {
  private readonly j: JobData;
  private readonly cloud: CloudPort;
  private steps: StepRecord[] = [];
  private dirty: Partial<JobRecord> = {};
  private lock: TableLockHandle | undefined;
  private cancelAbort = new AbortController();
  private cancelBy: string | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** When this run's own writes were answered (not journaled: a resumed step polls on the default schedule). */
  private readonly writtenAt = new Map<string, number>();
  /**
   * What this run itself just saw on the table (not journaled): the original entry Available (save_original), and
   * it gone (wait_entry_gone). A resumed run has neither and re-reads before writing, as before.
   */
  private seenOriginalAvailable = false;
  private seenOriginalGone = false;

  constructor(
    private readonly ctx: ProcessorContext,
    private readonly job: Job<JobData>,
    private readonly lockToken: string | undefined,
    private readonly workerSignal: AbortSignal | undefined,
  ) {
    this.j = structuredClone(job.data);
    this.cloud = ctx.cloudFor(this.j.regionId);
  }

  private get jobId(): string { return this.j.jobId; }
  private get opts(): EngineOptions { return this.ctx.opts; }

  /** Aborted by a cancel (when it applies to the current step) or by worker shutdown. */
  private get signal(): AbortSignal {
    return this.workerSignal ? AbortSignal.any([this.workerSignal, this.cancelAbort.signal]) : this.cancelAbort.signal;
  }

  async start(): Promise<unknown> {
    const rec = await this.ctx.records.get(this.jobId);
    if (!rec) {
      this.ctx.log.warn({ jobId: this.jobId }, 'job has no record (expired or removed); dropping it');
      return { outcome: 'unknown' };
    }
    if (rec.state === 'finished') {
      // A previous run finished the record but died before BullMQ completed the job.
      await this.ctx.records.releaseInstance(this.jobId, this.j.regionId, this.j.instanceId);
      const stored = (await this.ctx.records.getWithJournal(this.jobId))?.journal;
      if (stored && !stored.finishEmitted) {
        Object.assign(this.j, stored);
        await this.emitFinished(rec.outcome ?? 'failed', rec.summary ?? '');
      }
      return { outcome: rec.outcome };
    }
    this.steps = rec.steps ?? [];
    this.poller = setInterval(() => { void this.pollCancel(); }, this.opts.cancelPollMs);
    this.poller.unref();
    try {
      return await this.loop();
    } finally {
      clearInterval(this.poller);
      if (this.lock) await this.lock.release().catch(() => {});
      this.lock = undefined;
    }
  }

  // ── the loop ──────────────────────────────────────────────────────────────

  private async loop(): Promise<unknown> {
    for (;;) {
      const step = this.j.step;
      if (step === 'finish') return this.finish();

      if (this.workerSignal?.aborted) return this.park(new Park(Date.now() + 50, async () => false));
      const by = await this.cancelRequested();
      if (by && this.cancelApplies()) {
        this.routeCancel(by);
        await this.persist();
        continue;
      }
      // A cancel that arrived too late for the step that was running must not abort the undo path's waits.
      if (this.cancelAbort.signal.aborted && !this.cancelApplies()) this.cancelAbort = new AbortController();

      await this.hook(step, 'before');
      const info = STEPS[step];
      try {
        if (info.tableLock) await this.ensureLock();
        else await this.releaseLock();
        await this.runStep(step);
      } catch (e) {
        if (e instanceof Park) return this.park(e);
        if (this.cancelAbort.signal.aborted && this.cancelBy && this.cancelApplies()) {
          // Cancelled while waiting for the table lock.
          this.routeCancel(this.cancelBy);
          await this.persist();
          continue;
        }
        if (this.workerSignal?.aborted) return this.park(new Park(Date.now() + 50, async () => false));
        throw e;
      }
      await this.persist();
      await this.hook(step, 'after');
    }
  }

  private async runStep(step: StepName): Promise<void> {
    const info = STEPS[step];
    const rec: StepRecord = { step, title: info.title, startedAt: iso(), calls: [] };
    if (!info.silent) {
      this.steps.push(rec);
      await this.emit({ type: 'step.started', step, title: info.title });
    }
    let result: StepResult;
    let calls: CloudCall[] = [];
    try {
      // Calls under the table lock go before anyone's staging; otherwise older jobs first (priority-budget.ts).
      const r = await recordCalls(() => withCallPriority({ critical: info.tableLock, rank: this.job.timestamp ?? 0 }, () => this.exec(step)));
      result = r.result;
      calls = r.calls;
    } catch (e) {
      if (e instanceof Park) throw e;
      calls = callsOf(e);
      rec.calls = evidence(calls);
      rec.finishedAt = iso();
      const se = toStepError(e);
      if (this.cancelAbort.signal.aborted && this.cancelBy) {
        rec.error = { code: 'Cancelled', message: `cancelled by ${this.cancelBy}` };
        this.routeCancel(this.cancelBy);
        return;
      }
      if (this.workerSignal?.aborted) {
        // Shutdown: leave the journal at this step; another worker re-runs it.
        rec.error = { code: 'Interrupted', message: 'worker shutting down; the step will be re-run' };
        throw new Park(Date.now() + 50, async () => false);
      }
      if (!isCloudError(e) && !(e instanceof StepFailure)) throw e; // Redis or a bug: BullMQ retries from the journal
      rec.error = se;
      if (!info.silent) await this.emit({ type: 'step.finished', step, title: info.title, calls: rec.calls, detail: { error: se } });
      await this.routeFailure(step, e, se);
      return;
    }
    rec.calls = evidence(calls);
    rec.finishedAt = iso();
    if (result.detail) rec.detail = result.detail;
    if (!info.silent) {
      await this.emit({ type: 'step.finished', step, title: info.title, calls: rec.calls, ...(result.detail ? { detail: result.detail } : {}) });
    }
    this.j.step = result.next;
  }

  private exec(step: StepName): Promise<StepResult> {
    switch (step) {
      case 'plan': return this.plan();
      case 'create_eni': return this.createEni();
      case 'attach_eni': return this.attachEni();
      case 'wait_eni_in_use': return this.waitEniInUse();
      case 'configure_guest': return this.configureGuest();
      case 'request_approval': return this.requestApproval();
      case 'await_approval': return this.awaitApproval();
      case 'recheck_plan': return this.j.kind === 'rollback' ? this.recheckRollback() : this.recheckPlan();
      case 'await_window': return this.awaitWindow();
      case 'save_original': return this.saveOriginal();
      case 'delete_entry': return this.deleteEntry();
      case 'wait_entry_gone': return this.waitEntryGone();
      case 'create_entry': return this.createEntry();
      case 'wait_entry_available': return this.waitEntryAvailable();
      case 'verify': return this.verify();
      case 'rollback_plan': return this.rollbackPlan();
      case 'restore_delete_new': return this.restoreDeleteNew();
      case 'restore_wait_new_gone': return this.restoreWaitNewGone();
      case 'restore_create_original': return this.restoreCreateOriginal();
      case 'restore_wait_original': return this.restoreWaitOriginal();
      case 'detach_eni': return this.detachEni();
      case 'wait_eni_detached': return this.waitEniDetached();
      case 'delete_eni': return this.deleteEni();
      case 'wait_eni_gone': return this.waitEniGone();
      case 'verify_original': return this.verifyOriginal();
      case 'finish': return Promise.resolve({ next: 'finish' });
    }
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────

  private async emit(e: DistributiveOmit<MigrationEvent, 'jobId' | 'at'>): Promise<void> {
    await this.ctx.notifier.emit({ ...e, jobId: this.jobId, at: iso() } as MigrationEvent);
  }

  private async persist(): Promise<void> {
    await this.job.updateData(this.j);
    // 'finished' is written only by finish(), together with the outcome.
    const state = this.j.step === 'finish' ? {} : { state: stateOf(this.j.step, this.j.kind) };
    const fields = { ...this.dirty, ...state, steps: this.steps, journal: this.j };
    this.dirty = {};
    await this.ctx.records.patch(this.jobId, fields);
  }

  private async hook(step: StepName, where: 'before' | 'during' | 'after'): Promise<void> {
    await this.opts.hooks?.point?.(step, where, this.jobId);
  }

  private token(label: string): string {
    return clientToken(this.jobId, label, this.j.nonce);
  }

  private async park(p: Park): Promise<unknown> {
    await this.releaseLock();
    await this.persist();
    if (!this.lockToken) throw new Error('cannot park a job without its lock token');
    await this.job.moveToDelayed(p.until, this.lockToken);
    if (STEPS[this.j.step].parks) await this.hook(this.j.step, 'during');
    // The race of slack-bolt-bullmq.md §4b: a decision or cancel that arrived while the job was still active
    // could not promote it; look again now that it is delayed.
    if (await p.shouldWake().catch(() => false)) await this.job.promote().catch(() => {});
    throw new DelayedError();
  }

  private async cancelRequested(): Promise<string | undefined> {
    const raw = await this.ctx.redis.get(this.ctx.keys.cancel(this.jobId));
    if (!raw) return undefined;
    try { return (JSON.parse(raw) as { by: string }).by; } catch { return raw; }
  }

  /** Cancel means something only before the undo paths start, and only once. */
  private cancelApplies(): boolean {
    if (this.j.cancelHandled) return false;
    const phase = STEPS[this.j.step].phase;
    if (this.j.kind === 'rollback') return phase === 'preflight' || phase === 'gate';
    return phase === 'preflight' || phase === 'stage' || phase === 'gate' || phase === 'cutover';
  }

  private async pollCancel(): Promise<void> {
    if (this.cancelAbort.signal.aborted) return;
    try {
      const by = await this.cancelRequested();
      if (by && this.cancelApplies()) {
        this.cancelBy = by;
        this.cancelAbort.abort(new StepFailure('Cancelled', `cancelled by ${by}`));
      }
    } catch { /* the boundary check will see it */ }
  }

  private routeCancel(by: string): void {
    const phase = STEPS[this.j.step].phase;
    this.j.cancelHandled = true;
    this.j.pendingOutcome = 'cancelled';
    this.j.reason = `cancelled by ${by}`;
    this.cancelAbort = new AbortController();
    if (this.j.kind === 'rollback' || phase === 'preflight') this.j.step = 'finish';
    else if (phase === 'cutover') this.j.step = 'restore_delete_new';
    else this.j.step = 'detach_eni';
  }

  private async routeFailure(step: StepName, e: unknown, se: StepError): Promise<void> {
    const info = STEPS[step];
    this.j.error = se;
    this.dirty.error = se;
    await this.emit({ type: 'failed', step, error: se });
    const why = `${info.title} failed: ${se.message.includes(se.code) ? se.message : `${se.code}${se.message ? ` (${se.message})` : ''}`}`;
    switch (info.phase) {
      case 'preflight':
        this.j.pendingOutcome = 'failed';
        this.j.step = 'finish';
        return;
      case 'stage':
      case 'gate':
        this.j.pendingOutcome = 'failed';
        this.j.reason = why;
        this.j.step = this.j.kind === 'rollback' ? 'finish' : 'detach_eni';
        return;
      case 'cutover':
        // The original mapping may be gone: put it back before anything else.
        this.j.pendingOutcome = this.j.pendingOutcome === 'cancelled' ? 'cancelled' : 'restored';
        this.j.reason = why;
        this.j.step = 'restore_delete_new';
        return;
      default: {
        const retries = { ...(this.j.retries ?? {}) };
        const n = (retries[step] ?? 0) + 1;
        if (n <= this.opts.undoRetries && !(e instanceof StepFailure && e.code === 'Conflict')) {
          retries[step] = n;
          this.j.retries = retries;
          await sleep(Math.min(30_000, this.opts.retryBaseMs * 2 ** (n - 1)), this.workerSignal).catch(() => {});
          return; // same step again
        }
        this.j.pendingOutcome = 'failed';
        this.j.reason = `${this.j.reason ? `${this.j.reason}; then ` : ''}${why}`;
        this.j.step = 'finish';
      }
    }
  }

  // ── table lock ────────────────────────────────────────────────────────────

  private tableId(): string {
    const t = this.j.original?.restoreRecipe.forwardTableId ?? this.j.plan?.entryToDelete.forwardTableId;
    if (!t) throw new StepFailure('NoPlan', 'no forward table in the journal');
    return t;
  }

  private async ensureLock(): Promise<void> {
    if (this.lock && !this.lock.lost) return;
    this.lock = await this.ctx.locks.acquire(this.tableId(), this.jobId, this.signal);
  }

  private async releaseLock(): Promise<void> {
    if (!this.lock) return;
    const l = this.lock;
    this.lock = undefined;
    await l.release();
  }

  private assertLock(): void {
    if (this.lock?.lost) throw new StepFailure('TableLockLost', `lost the lock of forward table ${this.lock.forwardTableId}; not writing`);
  }

  /** A forward-table write, retried briefly while the table is busy with an entry we do not control. */
  private async tableWrite<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.assertLock();
      try {
        return await fn();
      } catch (e) {
        if (!isCloudError(e) || !TABLE_BUSY.has(e.code) || attempt >= 8) throw e;
        await sleep(Math.min(5_000, 200 * 2 ** (attempt - 1)), this.signal);
      }
    }
  }

  // ── lookups ───────────────────────────────────────────────────────────────

  private requirePlan(): Plan {
    if (!this.j.plan) throw new StepFailure('NoPlan', 'the journal has no plan');
    return this.j.plan;
  }

  private async getEni(id: string): Promise<NetworkInterface | undefined> {
    return (await this.cloud.listNetworkInterfaces({ networkInterfaceIds: [id] }))[0];
  }

  /** Every ENI this job (or, for a rollback, its migration) created: by tag, plus the journaled id. */
  private async ourEnis(): Promise<NetworkInterface[]> {
    const tag = this.j.eniTagJobId ?? this.jobId;
    const list = await this.cloud.listNetworkInterfaces({ tags: { [ENI_TAG_JOB]: tag } });
    if (this.j.eniId && !list.some((e) => e.networkInterfaceId === this.j.eniId)) {
      const e = await this.getEni(this.j.eniId);
      if (e) list.push(e);
    }
    return list.filter((e) => e.type !== 'Primary');
  }

  private async entriesOnEip(forwardTableId: string, externalIp: string): Promise<DnatEntry[]> {
    return this.cloud.listForwardEntries(forwardTableId, { externalIp });
  }

  private waitOpts(kind?: keyof ExpectedLatencies, written?: string) {
    return { timeoutMs: this.opts.waitTimeoutMs, signal: this.signal, ...(kind ? this.expect(kind, written) : {}) };
  }

  private wrote(key: string): void {
    this.writtenAt.set(key, Date.now());
  }

  /** First poll when the transition is due: its typical latency minus what already passed since the write. */
  private expect(kind: keyof ExpectedLatencies, written?: string): { expectedMs?: number } {
    const total = this.opts.expectedMs?.[kind];
    if (total === undefined) return {};
    if (written === undefined) return { expectedMs: total };
    const at = this.writtenAt.get(written);
    return at === undefined ? {} : { expectedMs: Math.max(0, total - (Date.now() - at)) };
  }

  // ── migration steps ───────────────────────────────────────────────────────

  /** Plans from live state; a RAM denial is a refusal (PermissionDenied), not a step failure. */
  private async livePlan(): Promise<PlanResult> {
    try {
      return buildPlan(await gatherPlanInput(this.cloud, this.j.regionId, this.j.instanceId, this.j.options), { jobId: this.jobId });
    } catch (e) {
      if (isCloudError(e) && e.isPermissionDenied) return { ok: false, refusal: refusalFromPermissionError(e.action, e.deniedAction) };
      throw e;
    }
  }

  private async plan(): Promise<StepResult> {
    const res = await this.livePlan();
    if (!res.ok) return this.refuse(res.refusal, 'finish');
    this.j.plan = res.plan;
    this.dirty.plan = res.plan;
    await this.emit({ type: 'planned', plan: res.plan });
    return { next: 'create_eni', detail: { planHash: res.plan.hash, entryToDelete: res.plan.entryToDelete.forwardEntryId } };
  }

  private async refuse(refusal: Refusal, next: StepName): Promise<StepResult> {
    this.dirty.refusal = refusal;
    this.j.pendingOutcome = 'refused';
    this.j.reason = refusal.message;
    await this.emit({ type: 'refused', refusal });
    return { next, detail: { refusal: refusal.code } };
  }

  private async createEni(): Promise<StepResult> {
    const plan = this.requirePlan();
    const existing = (await this.ourEnis()).filter((e) => !hasStatus(e, 'Deleting'));
    let eni = existing.find((e) => e.networkInterfaceId === this.j.eniId) ?? existing[0];
    const reused = eni !== undefined;
    if (!eni) {
      eni = await this.cloud.createNetworkInterface({
        vSwitchId: plan.eni.vSwitchId, securityGroupIds: plan.eni.securityGroupIds, name: plan.eni.name,
        description: plan.eni.description, tags: plan.eni.tags, clientToken: this.token(this.stageLabel('create_eni')),
      });
      await this.hook('create_eni', 'during');
    }
    this.j.eniId = eni.networkInterfaceId;
    this.j.eniIp = eni.privateIp;
    if (eni.macAddress) this.j.eniMac = eni.macAddress;
    this.dirty.eniId = eni.networkInterfaceId;
    return { next: 'attach_eni', detail: { eniId: eni.networkInterfaceId, privateIp: eni.privateIp, ...(reused ? { reused: true } : {}) } };
  }

  private async attachEni(): Promise<StepResult> {
    const eni = await this.getEni(this.j.eniId!);
    if (!eni) throw new StepFailure('EniMissing', `ENI ${this.j.eniId} no longer exists`);
    if (eni.instanceId === this.j.instanceId && (hasStatus(eni, 'InUse') || hasStatus(eni, 'Attaching'))) {
      return { next: 'wait_eni_in_use', detail: { eniId: eni.networkInterfaceId, already: eni.status } };
    }
    if (!hasStatus(eni, 'Available')) throw new StepFailure('EniBusy', `ENI ${eni.networkInterfaceId} is ${eni.status}${eni.instanceId ? ` on ${eni.instanceId}` : ''}, cannot attach it`);
    await this.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: this.j.instanceId });
    this.wrote(`attach:${eni.networkInterfaceId}`);
    await this.hook('attach_eni', 'during');
    return { next: 'wait_eni_in_use', detail: { eniId: eni.networkInterfaceId } };
  }

  private async waitEniInUse(): Promise<StepResult> {
    const p = this.cloud.waitNetworkInterface(this.j.eniId!, 'InUse', { ...this.waitOpts('eniAttach', `attach:${this.j.eniId}`), instanceId: this.j.instanceId });
    await this.hook('wait_eni_in_use', 'during');
    const eni = await p;
    if (eni?.macAddress) this.j.eniMac = eni.macAddress;
    if (eni?.privateIp) this.j.eniIp = eni.privateIp;
    return { next: this.j.options.configureGuest ? 'configure_guest' : 'request_approval', detail: { eniId: this.j.eniId, status: eni?.status } };
  }

  private async configureGuest(): Promise<StepResult> {
    const plan = this.requirePlan();
    if (!this.j.eniMac || !this.j.eniIp) {
      const eni = await this.getEni(this.j.eniId!);
      if (eni?.macAddress) this.j.eniMac = eni.macAddress;
      if (eni?.privateIp) this.j.eniIp = eni.privateIp;
    }
    if (!this.j.eniMac || !this.j.eniIp) throw new StepFailure('EniMissing', `ENI ${this.j.eniId} has no MAC/IP to configure`);
    const vsw = (await this.cloud.listVSwitches({ vpcId: plan.vpcId })).find((v) => v.vSwitchId === plan.eni.vSwitchId);
    if (!vsw) throw new StepFailure('VSwitchMissing', `vSwitch ${plan.eni.vSwitchId} not found`);
    const script = guestNicScript({ mac: this.j.eniMac, ip: this.j.eniIp, cidr: vsw.cidr, table: this.opts.guestRouteTable });
    const invokeId = await this.cloud.runCommand({
      instanceId: this.j.instanceId, script, name: 'natmigrate-configure-nic', timeoutSeconds: 60, clientToken: this.token(this.stageLabel('configure_guest')),
    });
    const p = this.cloud.waitInvocation(invokeId, this.j.instanceId, this.waitOpts('runCommand'));
    await this.hook('configure_guest', 'during');
    const res = await p;
    if (!hasStatus(res, 'Success')) {
      throw new StepFailure('GuestConfigFailed', `configuring the NIC in the guest ended ${res.status}${res.exitCode !== undefined ? ` (exit ${res.exitCode})` : ''}: ${res.output.trim().slice(0, 300) || res.errorInfo || ''}`);
    }
    return { next: 'request_approval', detail: { invokeId, output: res.output.trim().slice(0, 500) } };
  }

  private async requestApproval(): Promise<StepResult> {
    const rollback = this.j.kind === 'rollback';
    const plan = this.requirePlan();
    const hash = rollback ? this.j.rollback!.hash : plan.hash;
    const now = Date.now();
    // A batch child's request is decided by its batch (which has its own expiry), so it waits as long as that may take.
    const ttl = this.j.batchId ? (this.opts.batchChildHoldMs ?? 86_400_000) : this.opts.approvalTtlMs;
    const wanted: ApprovalRecord = {
      kind: rollback ? 'rollback' : 'migrate', planHash: hash, requestedBy: this.j.requestedBy,
      requiredApprovals: this.opts.requiredApprovals, requestedAt: iso(now), expiresAt: iso(now + ttl), approvals: [],
      ...(this.j.batchId ? { heldBy: this.j.batchId } : {}),
    };
    const { record, opened } = await this.ctx.approvals.open(this.jobId, wanted);
    this.j.approvalHash = hash;
    if (opened) {
      const { hash: _h, ...summary } = this.j.rollback ?? { hash: '' };
      await this.emit({
        type: 'approval.requested', kind: wanted.kind, plan, planHash: hash, expiresAt: record.expiresAt,
        requiredApprovals: record.requiredApprovals, requestedBy: { kind: 'user', userId: this.j.requestedBy },
        ...(rollback ? { rollback: summary as import('../domain/events.ts').RollbackSummary } : {}),
      });
    }
    return { next: 'await_approval', detail: { planHash: hash, expiresAt: record.expiresAt, requiredApprovals: record.requiredApprovals } };
  }

  private async awaitApproval(): Promise<StepResult> {
    let a = await this.ctx.approvals.current(this.jobId);
    if (!a || a.planHash !== this.j.approvalHash) return { next: 'request_approval' };
    if (!a.decision && Date.now() >= Date.parse(a.expiresAt)) {
      for (let i = 0; i < 5; i++) {
        const r = await this.ctx.approvals.expire(this.jobId);
        if (r !== 'conflict') { a = r ?? a; break; }
      }
    }
    const d = a.decision;
    if (!d) {
      throw new Park(Date.parse(a.expiresAt), async () => {
        const cur = await this.ctx.approvals.current(this.jobId);
        return cur?.decision !== undefined || (await this.cancelRequested()) !== undefined;
      });
    }
    if (d.decision === 'approved') return { next: 'recheck_plan', detail: { approvedBy: d.by } };
    this.j.pendingOutcome = d.decision;
    this.j.reason = d.decision === 'rejected' ? `rejected by ${d.by.join(', ')}` : `nobody approved before ${a.expiresAt}`;
    return { next: this.j.kind === 'rollback' ? 'finish' : 'detach_eni', detail: { decision: d.decision, by: d.by } };
  }

  private async recheckPlan(): Promise<StepResult> {
    const approved = this.requirePlan();
    const res = await this.livePlan();
    if (!res.ok) return this.refuse(res.refusal, 'detach_eni');
    if (res.plan.hash === this.j.approvalHash) {
      return { next: this.opts.cutoverGate ? 'await_window' : 'save_original', detail: { planHash: res.plan.hash, drift: false } };
    }
    const differences = planDifferences(approved, res.plan);
    this.j.plan = res.plan;
    this.dirty.plan = res.plan;
    this.j.drifts = (this.j.drifts ?? 0) + 1;
    await this.emit({ type: 'plan.drifted', previousHash: this.j.approvalHash ?? approved.hash, plan: res.plan, differences });
    const eniOf = (p: Plan) => canonicalJson({ vSwitchId: p.eni.vSwitchId, zoneId: p.eni.zoneId, sg: [...p.eni.securityGroupIds].sort() });
    if (eniOf(approved) !== eniOf(res.plan)) {
      // The staged ENI no longer matches what will be approved: replace it before asking again.
      this.j.restage = true;
      return { next: 'detach_eni', detail: { drift: true, restage: true, differences } };
    }
    return { next: 'request_approval', detail: { drift: true, differences } };
  }

  private async awaitWindow(): Promise<StepResult> {
    const until = this.opts.cutoverGate?.(new Date());
    if (!until || until.getTime() <= Date.now()) {
      if (this.j.windowNotedUntil) {
        // Say that the wait is over, so the thread does not end on "waiting".
        await this.emit({ type: 'step.finished', step: 'await_window', title: 'Change window open: the cutover starts', calls: [], detail: { waitedUntil: this.j.windowNotedUntil } });
        this.j.windowNotedUntil = undefined;
      }
      return { next: 'save_original' };
    }
    if (this.j.windowNotedUntil !== until.toISOString()) {
      this.j.windowNotedUntil = until.toISOString();
      const tz = this.opts.cutoverTimeZone ?? 'UTC';
      await this.emit({ type: 'step.started', step: 'await_window', title: windowWaitTitle(until, tz) });
      await this.emit({ type: 'window.waiting', until: until.toISOString(), timeZone: tz });
      await this.persist();
    }
    throw new Park(until.getTime(), async () => (await this.cancelRequested()) !== undefined);
  }

  private async saveOriginal(): Promise<StepResult> {
    const plan = this.requirePlan();
    if (this.j.original) return { next: 'delete_entry', detail: { already: true } };
    const want = plan.entryToDelete;
    const live = (await this.cloud.listForwardEntries(want.forwardTableId, { forwardEntryId: want.forwardEntryId }))
      .find((e) => e.forwardEntryId === want.forwardEntryId);
    if (!live || hasStatus(live, 'Deleting')) {
      throw new StepFailure('Drift', `DNAT entry ${want.forwardEntryId} is ${live ? live.status : 'gone'} since the approval; not cutting over`);
    }
    if (!sameSpec(live, want)) {
      throw new StepFailure('Drift', `DNAT entry ${want.forwardEntryId} changed since the approval; not cutting over`);
    }
    this.j.original = { entry: { ...live }, restoreRecipe: plan.restoreRecipe, savedAt: iso() };
    this.dirty.original = this.j.original;
    this.seenOriginalAvailable = hasStatus(live, 'Available');
    await this.emit({ type: 'original.saved', entry: live, restoreRecipe: plan.restoreRecipe });
    return { next: 'delete_entry', detail: { forwardEntryId: live.forwardEntryId, restoreRecipe: plan.restoreRecipe } };
  }

  private async deleteEntry(): Promise<StepResult> {
    const orig = this.j.original!.entry;
    // Read a moment ago under the same table lock: no second read on the cutover's critical path.
    const live = this.seenOriginalAvailable ? orig : (await this.cloud.listForwardEntries(orig.forwardTableId, { forwardEntryId: orig.forwardEntryId }))
      .find((e) => e.forwardEntryId === orig.forwardEntryId);
    this.seenOriginalAvailable = false;
    if (!live || hasStatus(live, 'Deleting')) return { next: 'wait_entry_gone', detail: { already: live ? 'Deleting' : 'gone' } };
    if (!hasStatus(live, 'Available')) await this.cloud.waitForwardEntry(orig.forwardTableId, orig.forwardEntryId, 'Available', this.waitOpts());
    await this.tableWrite(() => this.cloud.deleteForwardEntry({
      forwardTableId: orig.forwardTableId, forwardEntryId: orig.forwardEntryId, clientToken: this.token('delete_entry'),
    }));
    this.wrote(`delete:${orig.forwardEntryId}`);
    await this.hook('delete_entry', 'during');
    return { next: 'wait_entry_gone', detail: { forwardEntryId: orig.forwardEntryId } };
  }

  private async waitEntryGone(): Promise<StepResult> {
    const orig = this.j.original!.entry;
    const p = this.cloud.waitForwardEntry(orig.forwardTableId, orig.forwardEntryId, 'Gone', this.waitOpts('dnatDelete', `delete:${orig.forwardEntryId}`));
    await this.hook('wait_entry_gone', 'during');
    await p;
    this.seenOriginalGone = true;
    return { next: 'create_entry', detail: { forwardEntryId: orig.forwardEntryId } };
  }

  private async createEntry(): Promise<StepResult> {
    const plan = this.requirePlan();
    if (!this.j.eniIp) throw new StepFailure('EniMissing', 'the journal has no ENI private IP');
    const ids: string[] = [];
    const reused: string[] = [];
    // An earlier attempt's entry can exist only if this run did not itself just see the EIP freed (a resumed run).
    const fresh = this.seenOriginalGone;
    this.seenOriginalGone = false;
    for (const [i, tpl] of plan.newEntries.entries()) {
      const spec: DnatSpec = { ...tpl, internalIp: this.j.eniIp };
      const existing = fresh ? undefined : (await this.entriesOnEip(tpl.forwardTableId, tpl.externalIp))
        .find((e) => sameSpec(e, spec) && !hasStatus(e, 'Deleting'));
      let id = existing?.forwardEntryId;
      if (id) reused.push(id);
      else {
        id = await this.tableWrite(() => this.cloud.createForwardEntry({ ...spec, clientToken: this.token(`create_entry-${i}`) }));
        this.wrote(`create:${id}`);
        if (i === 0) await this.hook('create_entry', 'during');
      }
      ids.push(id);
      this.j.newEntryIds = [...ids];
      // The table takes no other write while this entry is Pending.
      if (i < plan.newEntries.length - 1) await this.cloud.waitForwardEntry(tpl.forwardTableId, id, 'Available', this.waitOpts('dnatCreate', `create:${id}`));
    }
    this.dirty.newEntryIds = ids;
    return { next: 'wait_entry_available', detail: { forwardEntryIds: ids, ...(reused.length ? { reused } : {}) } };
  }

  private async waitEntryAvailable(): Promise<StepResult> {
    const plan = this.requirePlan();
    const table = plan.entryToDelete.forwardTableId;
    const p = Promise.all((this.j.newEntryIds ?? []).map((id) => this.cloud.waitForwardEntry(table, id, 'Available', this.waitOpts('dnatCreate', `create:${id}`))));
    await this.hook('wait_entry_available', 'during');
    await p;
    // The table is ours to write no more: hand it to the next job now, not after the journal and events.
    await this.releaseLock();
    return { next: 'verify', detail: { forwardEntryIds: this.j.newEntryIds } };
  }

  private async verify(): Promise<StepResult> {
    const plan = this.requirePlan();
    const eip = plan.entryToDelete.externalIp;
    const [ssh, egress] = await Promise.all([
      plan.skipSshVerify
        ? Promise.resolve<SshEvidence>({ ok: true, host: eip, port: plan.sshPort, attempts: 0, skipped: `the new entries do not forward port ${plan.sshPort}` })
        : checkSsh({ ip: eip, port: plan.sshPort, edge: this.opts.publicEdge, windowMs: this.opts.verifyTimeoutMs, intervalMs: this.opts.verifyIntervalMs, signal: this.signal }),
      checkEgress(this.cloud, {
        instanceId: this.j.instanceId, url: this.opts.egressUrl, expectedIps: plan.expectedEgressIps,
        windowMs: this.opts.verifyTimeoutMs, intervalMs: this.opts.verifyIntervalMs,
        tokenFor: (n) => this.token(`verify-egress-${n}`), signal: this.signal, ...this.expect('runCommand'),
      }),
      this.hook('verify', 'during'),
    ]);
    const ok = ssh.ok && egress.ok;
    this.dirty.verification = { ssh, egress, ok, at: iso() };
    await this.emit({ type: 'verified', ssh, egress, ok });
    const detail = { ok, banner: ssh.banner, observedIp: egress.observedIp, invokeId: egress.invokeId };
    if (ok) {
      this.j.pendingOutcome = 'migrated';
      return { next: 'finish', detail };
    }
    const problems = [ssh.ok ? '' : `SSH: ${ssh.error}`, egress.ok ? '' : `egress: ${egress.error}`].filter(Boolean).join('; ');
    if (this.opts.autoRollback) {
      this.j.pendingOutcome = 'restored';
      this.j.reason = `verification failed (${problems})`;
      return { next: 'restore_delete_new', detail };
    }
    this.j.pendingOutcome = 'verify_failed';
    this.j.reason = `verification failed (${problems}); automatic rollback is off`;
    return { next: 'finish', detail };
  }

  // ── rollback ──────────────────────────────────────────────────────────────

  /** The live state a rollback changes, and a hash over it that its approval binds to. */
  private async rollbackView(migration: JobRecord): Promise<import('../domain/events.ts').RollbackSummary & { hash: string }> {
    const original = migration.original!;
    const recipe = original.restoreRecipe;
    const ids = migration.newEntryIds ?? [];
    const live = (await this.entriesOnEip(recipe.forwardTableId, recipe.externalIp))
      .filter((e) => ids.includes(e.forwardEntryId) || (this.j.eniIp !== undefined && e.internalIp === this.j.eniIp));
    const entriesToDelete = live.sort((a, b) => a.forwardEntryId.localeCompare(b.forwardEntryId));
    const view = {
      migrationJobId: migration.jobId,
      entriesToDelete: entriesToDelete.map(({ status: _s, ...rest }) => rest),
      restoreRecipe: recipe,
      eniId: migration.eniId,
    };
    return {
      migrationJobId: migration.jobId, entriesToDelete, restoreRecipe: recipe,
      ...(migration.eniId ? { eniId: migration.eniId } : {}),
      hash: sha256Hex(canonicalJson({ v: 1, rollback: view })),
    };
  }

  private async loadMigration(): Promise<JobRecord> {
    const m = this.j.migrationJobId ? await this.ctx.records.get(this.j.migrationJobId) : undefined;
    if (!m || !m.original || !m.plan) throw new StepFailure('NoMigration', `migration ${this.j.migrationJobId} has no saved original entry to restore`);
    return m;
  }

  private async rollbackPlan(): Promise<StepResult> {
    const m = await this.loadMigration();
    this.j.plan = m.plan;
    this.j.original = m.original;
    this.j.newEntryIds = m.newEntryIds ?? [];
    this.j.eniTagJobId = m.jobId;
    if (m.eniId) {
      this.j.eniId = m.eniId;
      const eni = await this.getEni(m.eniId);
      if (eni) this.j.eniIp = eni.privateIp;
    }
    this.j.rollback = await this.rollbackView(m);
    this.dirty.plan = m.plan;
    this.dirty.original = m.original;
    if (m.eniId) this.dirty.eniId = m.eniId;
    return { next: 'request_approval', detail: { migrationJobId: m.jobId, hash: this.j.rollback.hash, entriesToDelete: this.j.rollback.entriesToDelete.map((e) => e.forwardEntryId) } };
  }

  private async recheckRollback(): Promise<StepResult> {
    const m = await this.loadMigration();
    const view = await this.rollbackView(m);
    if (view.hash === this.j.approvalHash) return { next: 'restore_delete_new', detail: { drift: false } };
    const before = this.j.rollback;
    this.j.rollback = view;
    this.j.drifts = (this.j.drifts ?? 0) + 1;
    const differences = [
      `entries to delete: ${before?.entriesToDelete.map((e) => `${e.forwardEntryId} (${e.status})`).join(', ') || '(none)'} → ${view.entriesToDelete.map((e) => `${e.forwardEntryId} (${e.status})`).join(', ') || '(none)'}`,
    ];
    await this.emit({ type: 'plan.drifted', previousHash: this.j.approvalHash ?? '', plan: this.requirePlan(), differences });
    return { next: 'request_approval', detail: { drift: true, differences } };
  }

  // ── restore (after a failure or cancel past the delete) and rollback ─────

  private async ourNewEntries(): Promise<DnatEntry[]> {
    const recipe = this.j.original!.restoreRecipe;
    const ids = this.j.newEntryIds ?? [];
    return (await this.entriesOnEip(recipe.forwardTableId, recipe.externalIp))
      .filter((e) => ids.includes(e.forwardEntryId) || (this.j.eniIp !== undefined && e.internalIp === this.j.eniIp));
  }

  private async restoreDeleteNew(): Promise<StepResult> {
    if (!this.j.original) {
      // Cancelled or failed before the original was saved: the mapping was never touched.
      return { next: 'detach_eni', detail: { skipped: 'the original entry was never touched' } };
    }
    const table = this.j.original.restoreRecipe.forwardTableId;
    const deleted: string[] = [];
    let first = true;
    for (const e of await this.ourNewEntries()) {
      if (hasStatus(e, 'Deleting')) continue;
      if (!hasStatus(e, 'Available')) await this.cloud.waitForwardEntry(table, e.forwardEntryId, 'Available', this.waitOpts());
      await this.tableWrite(() => this.cloud.deleteForwardEntry({ forwardTableId: table, forwardEntryId: e.forwardEntryId, clientToken: this.token(`restore_delete_new-${e.forwardEntryId}`) }));
      this.wrote(`delete:${e.forwardEntryId}`);
      deleted.push(e.forwardEntryId);
      if (first) { first = false; await this.hook('restore_delete_new', 'during'); }
      // One write at a time: the next delete waits until this one has settled.
      await this.cloud.waitForwardEntry(table, e.forwardEntryId, 'Gone', this.waitOpts('dnatDelete', `delete:${e.forwardEntryId}`));
    }
    return { next: 'restore_wait_new_gone', detail: { deleted } };
  }

  private async restoreWaitNewGone(): Promise<StepResult> {
    const table = this.j.original!.restoreRecipe.forwardTableId;
    const left = await this.ourNewEntries();
    const p = Promise.all(left.map((e) => this.cloud.waitForwardEntry(table, e.forwardEntryId, 'Gone', this.waitOpts('dnatDelete', `delete:${e.forwardEntryId}`))));
    await this.hook('restore_wait_new_gone', 'during');
    await p;
    return { next: 'restore_create_original', detail: { waited: left.map((e) => e.forwardEntryId) } };
  }

  private async restoreCreateOriginal(): Promise<StepResult> {
    const orig = this.j.original!;
    const recipe = orig.restoreRecipe;
    const onEip = await this.entriesOnEip(recipe.forwardTableId, recipe.externalIp);
    const same = onEip.find((e) => sameSpec(e, recipe) && !hasStatus(e, 'Deleting'));
    if (same) {
      this.j.restoredEntryId = same.forwardEntryId;
      return { next: 'restore_wait_original', detail: { forwardEntryId: same.forwardEntryId, reused: true } };
    }
    // The same EIP may not be mapped again until every entry on it is fully gone (alibaba-api.md §6).
    const others = onEip.filter((e) => !hasStatus(e, 'Deleting'));
    if (others.length > 0) {
      throw new StepFailure('Conflict', `EIP ${recipe.externalIp} is used by ${others.map((e) => `${e.forwardEntryId} → ${e.internalIp}`).join(', ')}; cannot recreate the original mapping`);
    }
    const pending = onEip.filter((e) => hasStatus(e, 'Deleting'));
    const p = Promise.all(pending.map((e) => this.cloud.waitForwardEntry(recipe.forwardTableId, e.forwardEntryId, 'Gone', this.waitOpts('dnatDelete', `delete:${e.forwardEntryId}`))));
    if (pending.length) await this.hook('restore_create_original', 'during');
    await p;
    const id = await this.tableWrite(() => this.cloud.createForwardEntry({ ...recipe, clientToken: this.token('restore_create_original') }));
    this.wrote(`create:${id}`);
    if (!pending.length) await this.hook('restore_create_original', 'during');
    this.j.restoredEntryId = id;
    return { next: 'restore_wait_original', detail: { forwardEntryId: id } };
  }

  private async restoreWaitOriginal(): Promise<StepResult> {
    const recipe = this.j.original!.restoreRecipe;
    const p = this.cloud.waitForwardEntry(recipe.forwardTableId, this.j.restoredEntryId!, 'Available', this.waitOpts('dnatCreate', `create:${this.j.restoredEntryId}`));
    await this.hook('restore_wait_original', 'during');
    const entry = await p;
    const restored: DnatEntry = entry ?? { ...recipe, forwardEntryId: this.j.restoredEntryId!, status: 'Available' };
    this.dirty.newEntryIds = [];
    await this.emit({ type: 'restored', entry: restored, reason: this.j.kind === 'rollback' ? `rollback of ${this.j.migrationJobId}` : (this.j.reason ?? 'restore') });
    return { next: 'detach_eni', detail: { forwardEntryId: restored.forwardEntryId, mapping: `${recipe.externalIp} → ${recipe.internalIp}` } };
  }

  // ── unstage ───────────────────────────────────────────────────────────────

  private afterUnstage(): StepName {
    if (this.j.restage && !this.j.pendingOutcome) {
      // Drift changed the ENI the plan needs: stage a fresh one (a new ClientToken round) and ask again.
      this.j.restage = false;
      this.j.stageRound = (this.j.stageRound ?? 0) + 1;
      this.j.eniId = undefined;
      this.j.eniIp = undefined;
      this.j.eniMac = undefined;
      return 'create_eni';
    }
    return this.j.kind === 'rollback' && this.j.pendingOutcome !== 'failed' ? 'verify_original' : 'finish';
  }

  /** Token label of a staging write; a re-staging after drift must not replay the first round's token. */
  private stageLabel(label: string): string {
    return this.j.stageRound ? `${label}-r${this.j.stageRound}` : label;
  }

  private async detachEni(): Promise<StepResult> {
    const enis = await this.ourEnis();
    if (enis.length === 0) return { next: this.afterUnstage(), detail: { skipped: 'no ENI to remove' } };
    const detached: string[] = [];
    for (const eni of enis) {
      let e = eni;
      if (hasStatus(e, 'Attaching')) e = (await this.cloud.waitNetworkInterface(e.networkInterfaceId, 'InUse', { ...this.waitOpts(), instanceId: this.j.instanceId }).catch(() => undefined)) ?? e;
      if (hasStatus(e, 'InUse') && e.instanceId) {
        await this.cloud.detachNetworkInterface({ networkInterfaceId: e.networkInterfaceId, instanceId: e.instanceId });
        this.wrote(`detach:${e.networkInterfaceId}`);
        detached.push(e.networkInterfaceId);
        if (detached.length === 1) await this.hook('detach_eni', 'during');
      }
    }
    return { next: 'wait_eni_detached', detail: { detached, enis: enis.map((e) => `${e.networkInterfaceId} (${e.status})`) } };
  }

  private async waitEniDetached(): Promise<StepResult> {
    const enis = (await this.ourEnis()).filter((e) => !hasStatus(e, 'Deleting') && !hasStatus(e, 'Available'));
    const p = Promise.all(enis.map((e) => this.cloud.waitNetworkInterface(e.networkInterfaceId, 'Available', this.waitOpts('eniDetach', `detach:${e.networkInterfaceId}`))));
    await this.hook('wait_eni_detached', 'during');
    await p;
    return { next: 'delete_eni', detail: { waited: enis.map((e) => e.networkInterfaceId) } };
  }

  private async deleteEni(): Promise<StepResult> {
    const deleted: string[] = [];
    for (const e of await this.ourEnis()) {
      if (hasStatus(e, 'Deleting')) continue;
      if (!hasStatus(e, 'Available')) throw new StepFailure('EniBusy', `ENI ${e.networkInterfaceId} is ${e.status}; cannot delete it`);
      await this.cloud.deleteNetworkInterface({ networkInterfaceId: e.networkInterfaceId });
      this.wrote(`eni-delete:${e.networkInterfaceId}`);
      deleted.push(e.networkInterfaceId);
      if (deleted.length === 1) await this.hook('delete_eni', 'during');
    }
    return { next: 'wait_eni_gone', detail: { deleted } };
  }

  private async waitEniGone(): Promise<StepResult> {
    const enis = await this.ourEnis();
    const p = Promise.all(enis.map((e) => this.cloud.waitNetworkInterface(e.networkInterfaceId, 'Gone', this.waitOpts('eniDelete', `eni-delete:${e.networkInterfaceId}`))));
    await this.hook('wait_eni_gone', 'during');
    await p;
    return { next: this.afterUnstage(), detail: { gone: enis.map((e) => e.networkInterfaceId) } };
  }

  private async verifyOriginal(): Promise<StepResult> {
    const recipe = this.j.original!.restoreRecipe;
    const eip = recipe.externalIp;
    const [ssh, egress] = await Promise.all([
      checkSsh({ ip: eip, port: 22, edge: this.opts.publicEdge, windowMs: this.opts.verifyTimeoutMs, intervalMs: this.opts.verifyIntervalMs, signal: this.signal }),
      checkEgress(this.cloud, {
        instanceId: this.j.instanceId, url: this.opts.egressUrl, expectedIps: [eip],
        windowMs: this.opts.verifyTimeoutMs, intervalMs: this.opts.verifyIntervalMs,
        tokenFor: (n) => this.token(`verify-original-${n}`), signal: this.signal, ...this.expect('runCommand'),
      }),
      this.hook('verify_original', 'during'),
    ]);
    const ok = ssh.ok && egress.ok;
    this.dirty.verification = { ssh, egress, ok, at: iso() };
    await this.emit({ type: 'verified', ssh, egress, ok });
    if (ok) this.j.pendingOutcome = 'rolled_back';
    else {
      this.j.pendingOutcome = 'failed';
      this.j.reason = `the original mapping is back but the original path did not verify (${[ssh.ok ? '' : `SSH: ${ssh.error}`, egress.ok ? '' : `egress: ${egress.error}`].filter(Boolean).join('; ')})`;
    }
    return { next: 'finish', detail: { ok, banner: ssh.banner, observedIp: egress.observedIp } };
  }

  // ── the end ───────────────────────────────────────────────────────────────

  private summary(outcome: JobOutcome): string {
    const p = this.j.plan;
    const eip = p?.entryToDelete.externalIp ?? this.j.original?.restoreRecipe.externalIp;
    const reason = this.j.reason ? ` (${this.j.reason})` : '';
    switch (outcome) {
      case 'migrated':
        return `${this.j.instanceId} now receives ${eip} on ENI ${this.j.eniId} (${this.j.eniIp}) and egresses through SNAT as ${p?.expectedEgressIps.join(' or ')}; verified.`;
      case 'refused': return this.j.reason ?? 'Refused by the pre-flight; nothing changed.';
      case 'rejected': return `Rejected${reason}; the staged ENI was removed and nothing else changed.`;
      case 'expired': return `Approval expired${reason}; the staged ENI was removed and nothing else changed.`;
      case 'cancelled':
        return this.j.original && this.j.restoredEntryId
          ? `Cancelled${reason} after the cutover had started; the original mapping ${eip} → ${this.j.original.restoreRecipe.internalIp} was restored and the ENI removed.`
          : `Cancelled${reason}; staging undone, the DNAT mapping was not touched.`;
      case 'restored':
        return `Restored${reason}: the original mapping ${eip} → ${this.j.original?.restoreRecipe.internalIp} is back and the ENI was removed.`;
      case 'verify_failed': return `Cutover done but not verified${reason}. Use rollback to restore the original mapping.`;
      case 'rolled_back':
        return `Rolled back ${this.j.migrationJobId}: ${eip} → ${this.j.original?.restoreRecipe.internalIp} is back, the ENI was removed and the original path verified.`;
      case 'failed': {
        const e = this.j.error;
        const what = this.j.reason ?? (e ? `${e.code}: ${e.message}` : 'unknown error');
        const state = !this.j.original
          ? 'The DNAT mapping was not touched.'
          : this.j.restoredEntryId
            ? `The original mapping ${eip} → ${this.j.original.restoreRecipe.internalIp} is in place.`
            : `Needs attention: the original mapping may be missing; recreate it with CreateForwardEntry ${canonicalJson(this.j.original.restoreRecipe)}.`;
        return `Failed: ${what}. ${state}`;
      }
    }
  }

  private async finish(): Promise<unknown> {
    await this.releaseLock();
    const outcome = this.j.pendingOutcome ?? 'failed';
    const summary = this.summary(outcome);
    // Record first (what `status` answers once the thread says "finished"), then the event, then a marker:
    // a crash in between makes the next run re-emit the event instead of losing it.
    await this.job.updateData(this.j);
    await this.ctx.records.finish(this.jobId, this.j.regionId, this.j.instanceId, {
      ...this.dirty, outcome, summary, steps: this.steps, journal: this.j, ...(this.j.error ? { error: this.j.error } : {}),
    });
    this.dirty = {};
    if (this.j.kind === 'rollback' && this.j.migrationJobId) {
      await this.ctx.records.patch(this.j.migrationJobId, { relatedJobId: this.jobId });
    }
    await this.emitFinished(outcome, summary);
    return { outcome };
  }

  async emitFinished(outcome: JobOutcome, summary: string): Promise<void> {
    await this.emit({ type: 'finished', outcome, summary });
    this.j.finishEmitted = true;
    await this.ctx.records.patch(this.jobId, { journal: this.j });
  }
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** "Waiting for the change window until 2026-12-27 08:00:00 (Asia/Shanghai) · 2026-12-27T00:00:00.000Z". */
export function windowWaitTitle(until: Date, tz: string): string {
  let local: string;
  try {
    local = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(until);
  } catch {
    local = until.toISOString();
  }
  return `Waiting for the change window until ${local} (${tz}) · ${until.toISOString()}`;
}
