import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { CloudCall, CloudPort } from '../../cloud/cloud-port.ts';
import { callsOf, recordCalls } from '../../cloud/call-recorder.ts';
import { withCallPriority } from '../../cloud/priority-budget.ts';
import { hasStatus } from '../../domain/dnat.ts';
import { isCloudError } from '../../cloud/cloud-error.ts';
import type { DnatEntry, DnatSpec, NetworkInterface } from '../../domain/cloud-types.ts';
import { ENI_TAG_JOB } from '../../domain/plan.ts';
import type { MigrationEvent } from '../../domain/events.ts';
import type { Plan } from '../../domain/plan-types.ts';
import type { StepName } from '../../domain/steps.ts';
import type { StepOutcome } from '../../domain/transitions.ts';
import { sleep } from '../../util/sleep.ts';
import { StepFailure } from '../step-errors.ts';
import type { JobData } from '../job-data.ts';
import type { EngineOptions, ExpectedLatencies, HookPoint } from '../options.ts';
import type { EventBody, JobRecord, Notifier } from '../ports.ts';
import type { RedisApprovals } from '../store/approvals.ts';
import type { CancelFlags } from '../store/cancel-flags.ts';
import type { RecordStore, StepTail } from '../store/records.ts';
import type { TableLockHandle, TableLocks } from '../store/table-lock.ts';
import { FencedOut, tableLockOwner, type FenceInput, type Fencing } from '../store/fencing.ts';
import { fencedCloud, type FenceScope } from './fenced-cloud.ts';

/** What the migration worker needs from the rest of the engine. */
export interface MigrationDeps {
  records: RecordStore;
  approvals: RedisApprovals;
  locks: TableLocks;
  fencing: Fencing;
  /** This deployment's journal tag (cloud-journal.ts deploymentTag of the key prefix). */
  deployment: string;
  cancels: CancelFlags;
  notifier: Notifier;
  cloudFor(regionId: string): CloudPort;
  opts: EngineOptions;
  log: Logger;
  /** Wakes a parked batch (a child of it just finished: the batch releases the next one now, not at its next look). */
  wakeBatch?(batchId: string): Promise<unknown>;
}

/** The waits whose polls (DescribeNetworkInterfaces, DescribeForwardTableEntries) lag the change by `readLag`. */
const LAGGED_READS = new Set<keyof ExpectedLatencies>(['eniAttach', 'eniDetach', 'eniDelete', 'dnatCreate', 'dnatDelete', 'dnatModify']);

/** Deterministic ClientToken for one write of one job (≤ 64 ASCII): a resumed step sends the same token. */
export function clientToken(jobId: string, label: string, nonce = ''): string {
  return `nm-${createHash('sha256').update(`${jobId}|${nonce}|${label}`).digest('hex').slice(0, 40)}`;
}

export const iso = (ms = Date.now()): string => new Date(ms).toISOString();
const eqi = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/**
 * How long save_original's read of the entry is trusted by the write that follows (delete or modify). It runs before
 * the table lock; a job that then queued for the table reads the entry again under the lock.
 */
export const ORIGINAL_READ_FRESH_MS = 1_000;

/** save_original saw the entry Available a moment ago (this run, within ORIGINAL_READ_FRESH_MS); consumed once. */
export function originalSeenFresh(s: { seenOriginalAvailable: boolean; seenOriginalAt: number }): boolean {
  const fresh = s.seenOriginalAvailable && Date.now() - s.seenOriginalAt <= ORIGINAL_READ_FRESH_MS;
  s.seenOriginalAvailable = false;
  return fresh;
}

/** The write key (StepContext.wrote) of create_entry's create `i` whose answer may have been lost: its id is unknown. */
export const createSent = (i: number): string => `create_entry:sent:${i}`;

/**
 * The write key (StepContext.wrote) of create_eni's CreateNetworkInterface: until it shows, a read that lists none of
 * this job's ENIs may predate it (its answer, and so the ENI's id, may have been lost).
 */
export const ENI_CREATED = 'create_eni';

/**
 * The write key (StepContext.wrote) of attach_eni's AttachNetworkInterface: until it shows, a read that says the ENI
 * is Available (unattached) may predate it. A run resumed after one that died mid-attach knows it only from here.
 */
export const eniAttached = (eniId: string): string => `attach:${eniId}`;

/** The write key of restore_create_original's CreateForwardEntry until it answers with the entry's id. */
export const RESTORE_CREATE_SENT = 'restore_create_original:sent';

/** Same mapping (table, EIP, internal IP, ports, protocol); case-insensitive where the API is inconsistent. */
export function sameSpec(e: DnatSpec, s: DnatSpec): boolean {
  return e.forwardTableId === s.forwardTableId && e.externalIp === s.externalIp && e.internalIp === s.internalIp
    && eqi(e.externalPort, s.externalPort) && eqi(e.internalPort, s.internalPort) && eqi(e.ipProtocol, s.ipProtocol);
}

/**
 * Codes worth an in-step retry on forward-table writes, beyond one call's own retries: another entry of the table is
 * settling, or the EIP of the mapping just deleted/moved is still "in binding" (terraform retries these on create and
 * modify until the resource timeout: resource_alicloud_forward_entry.go). Any other error the adapter marks
 * retryable (transient) is retried too: the writes carry a ClientToken, so a retry cannot apply twice.
 */
const TABLE_BUSY = new Set([
  'IncorretForwardEntryStatus', 'IncorrectStatus.NATGW', 'IncorrectStatus', 'OperationConflict', 'TaskConflict', 'LastTokenProcessing',
  'OperationUnsupported.EipInBinding', 'InvalidIp.NotInNatgw',
]);

/**
 * Everything a step works with: the journal `j` (job data, persisted after the step), the record fields it
 * changed (`dirty`), the cloud, and the helpers every step group shares. One per run of a job.
 */
export class StepContext {
  readonly cloud: CloudPort;
  /** Record fields changed by the step (written with the journal after it). */
  dirty: Partial<JobRecord> = {};
  /** The forward-table lock, while a table step runs. */
  lock: TableLockHandle | undefined;
  /**
   * What this run itself just saw on the table (not journaled): the original entry Available (save_original), and
   * gone (wait_entry_gone). A resumed run has neither and re-reads before writing.
   */
  seenOriginalAvailable = false;
  /** When save_original read the entry (Date.now()): the cutover's write trusts that read only while it is fresh. */
  seenOriginalAt = 0;
  seenOriginalGone = false;
  /** The entry to change as the gate's recheck read it in this run, and when that read began (save_original). */
  gateSawOriginal: { entry: DnatEntry; at: number } | undefined;
  /** The ENI create_eni made in this run, as its answer described it (Available, unattached). */
  createdEni: NetworkInterface | undefined;
  /** This run's fencing token (fencing.ts), taken when the run took the job over; 0 = not taken yet. */
  fenceToken = 0;
  /** Calls made for the next step while it queued for the table lock (readOriginalEarly). */
  private readonly earlyCalls: CloudCall[] = [];

  constructor(readonly deps: MigrationDeps, readonly job: Job<JobData>, readonly j: JobData, private readonly signalOf: () => AbortSignal,
    private readonly lockToken?: string) {
    this.cloud = fencedCloud(deps.cloudFor(j.regionId), async (what, scope) => {
      await this.hook(this.j.step, 'write');
      await this.fence(what, scope);
    });
  }

  /**
   * Throws FencedOut unless this run still owns the job (its token is the newest, it holds the BullMQ lock) and, for
   * a 'table' write, the forward-table lock. A table lock lost to another job while the job is still ours is a step
   * failure (TableLockLost), routed like any other.
   */
  async fence(what: string, scope: FenceScope = 'job'): Promise<void> {
    if (scope === 'table' && (!this.lock || this.lock.lost)) {
      throw new StepFailure('TableLockLost', { failure: 'table_lock_lost', ...(this.lock?.forwardTableId ? { table: this.lock.forwardTableId } : {}) });
    }
    const verdict = await this.deps.fencing.check({
      ...this.ownership(), ...(scope === 'table' && this.lock ? { tableLockKey: this.lock.key } : {}),
    });
    if (verdict === 'ok') return;
    if (verdict === 'table-lock') throw new StepFailure('TableLockLost', { failure: 'table_lock_lost', ...(this.lock?.forwardTableId ? { table: this.lock.forwardTableId } : {}), what });
    throw new FencedOut(this.jobId, verdict, what);
  }

  /** What fence() checks for a write of the job's own (not a forward table's). */
  private ownership(): FenceInput {
    return {
      jobId: this.jobId, token: this.fenceToken,
      ...(this.lockToken ? { jobLockKey: `${this.job.queueQualifiedName}:${this.job.id}:lock`, lockToken: this.lockToken } : {}),
    };
  }

  /** Aborted by a cancel that applies to the current step, or by worker shutdown. */
  get signal(): AbortSignal { return this.signalOf(); }

  get jobId(): string { return this.j.jobId; }
  get opts(): EngineOptions { return this.deps.opts; }
  now(): number { return this.deps.opts.clock.now(); }

  async emit(e: EventBody): Promise<void> {
    // A thread message is a write too: a run that lost the job posts nothing (no duplicates in the thread).
    await this.fence(`a ${e.type} message`);
    await this.deps.notifier.emit({ ...e, jobId: this.jobId, at: iso() } as MigrationEvent);
  }

  async hook(step: StepName, where: HookPoint): Promise<void> {
    await this.opts.hooks?.point?.(step, where, this.jobId);
  }

  /**
   * Writes the journal now (fenced like every write, in the same round trip): what a resumed run must know. With
   * `record`, the record's fields and new steps too, with its copy of the journal (MigrationRun, after a step).
   */
  async saveJournal(record?: { fields: Partial<JobRecord>; steps: StepTail }): Promise<void> {
    const verdict = await this.deps.records.writeJournal(this.ownership(), `${this.job.queueQualifiedName}:${this.job.id}`, this.j, record);
    if (verdict === 'missing') throw new Error(`Missing key for job ${this.job.id}. updateData`);
    if (verdict !== 'ok') throw new FencedOut(this.jobId, verdict, 'the journal');
    this.job.data = this.j;
  }

  token(label: string): string {
    return clientToken(this.jobId, label, this.j.nonce);
  }

  /** Token label of a staging write; a re-staging after a plan change must not replay the first round's token. */
  stageLabel(label: string): string {
    return this.j.stageRound ? `${label}-r${this.j.stageRound}` : label;
  }

  requirePlan(): Plan {
    if (!this.j.plan) throw new StepFailure('NoPlan', { failure: 'journal_incomplete', missing: 'plan' });
    return this.j.plan;
  }

  // ── waits ─────────────────────────────────────────────────────────────────

  waitOpts(kind?: keyof ExpectedLatencies, written?: string) {
    return { timeoutMs: this.opts.waitTimeoutMs, signal: this.signal, ...(kind ? this.expect(kind, written) : {}) };
  }

  /**
   * Notes the write `key` now. The times live in the journal (j.wroteAt, saved with it), so a run resumed on another
   * worker knows them too. Wall-clock time (Date.now), not the engine's clock: that one is a business clock a test may
   * move, while reads lag in real time. Workers compare each other's clocks here: they must agree (NTP) to well within
   * writeVisibleWithinMs.
   */
  wrote(key: string): void {
    const now = Date.now();
    const kept = Object.entries(this.j.wroteAt ?? {}).filter(([k, at]) => k !== key && now - at < this.opts.writeVisibleWithinMs);
    this.j.wroteAt = Object.fromEntries([...kept, [key, now]]);
  }

  /**
   * Runs the write `fn` and notes it as `key` (wrote): first when it goes out (journaled before it does, so a run that
   * dies during the call leaves its successor that time), again when it answers, even with an error that may hide a
   * write carried out (a timeout, a 5xx: the answer was lost), so a read right after it proves nothing either. A
   * definite refusal (a non-retryable cloud error) changed nothing: the note is dropped.
   */
  async writing<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.j.wroteAt?.[key];
    this.wrote(key);
    await this.saveJournal();
    try {
      const v = await fn();
      this.wrote(key);
      return v;
    } catch (e) {
      if (!isCloudError(e) || e.retryable) this.wrote(key);
      else if (before === undefined) this.forget(key);
      else this.j.wroteAt = { ...this.j.wroteAt, [key]: before };
      throw e;
    }
  }

  /** The write `key` is accounted for (its effect was seen, or its time to show is over): no read doubts it again. */
  forget(key: string): void {
    if (!this.j.wroteAt || !(key in this.j.wroteAt)) return;
    const { [key]: _, ...rest } = this.j.wroteAt;
    this.j.wroteAt = Object.keys(rest).length ? rest : undefined;
  }

  /**
   * Milliseconds since this job made the write `key` (this run or, from the journal, an earlier one); undefined when
   * it did not or that was longer than writeVisibleWithinMs ago. A time ahead of this worker's clock (another worker's
   * clock runs ahead) counts as just now.
   */
  sinceWrite(key: string): number | undefined {
    const at = this.j.wroteAt?.[key];
    if (at === undefined) return undefined;
    const since = Math.max(0, Date.now() - at);
    return since < this.opts.writeVisibleWithinMs ? since : undefined;
  }

  /** First poll when the transition is due: its typical latency minus what already passed since the write. */
  expect(kind: keyof ExpectedLatencies, written?: string): { expectedMs?: number } {
    const e = this.opts.expectedMs;
    const due = e?.[kind] ?? (kind === 'dnatModify' ? e?.dnatCreate : undefined);
    if (due === undefined || kind === 'readLag') return {};
    // The ENI and DNAT reads lag the change (staleReads): the first poll comes once the read shows it.
    const total = due + (LAGGED_READS.has(kind) ? e?.readLag ?? 0 : 0);
    if (written === undefined) return { expectedMs: total };
    const since = this.sinceWrite(written);
    return since === undefined ? {} : { expectedMs: Math.max(0, total - since) };
  }

  /**
   * After this run deleted an IP mapping (`delete:<id>`), how long its EIP should still be "in binding": the delete's
   * expected latency and the expected in-binding time, less what already passed since the delete was answered.
   * 0 when nothing is expected (unset latencies, a port mapping, a resumed run that did not make the delete itself).
   */
  eipBindingLeftMs(deletedEntryId: string, ipProtocol: string): number {
    const e = this.opts.expectedMs;
    const since = this.sinceWrite(`delete:${deletedEntryId}`);
    if (ipProtocol.toLowerCase() !== 'any' || since === undefined || e?.eipInBinding === undefined || e.dnatDelete === undefined) return 0;
    return Math.max(0, e.dnatDelete + e.eipInBinding - since);
  }

  // ── lookups ───────────────────────────────────────────────────────────────

  async getEni(id: string): Promise<NetworkInterface | undefined> {
    return (await this.cloud.listNetworkInterfaces({ networkInterfaceIds: [id] }))[0];
  }

  /** Every ENI this job (or, for a rollback, its migration) created: by tag, plus the journaled id. */
  async ourEnis(): Promise<NetworkInterface[]> {
    const tag = this.j.eniTagJobId ?? this.jobId;
    const list = await this.cloud.listNetworkInterfaces({ tags: { [ENI_TAG_JOB]: tag } });
    if (this.j.eniId && !list.some((e) => e.networkInterfaceId === this.j.eniId)) {
      const e = await this.getEni(this.j.eniId);
      if (e) list.push(e);
    }
    return list.filter((e) => e.type !== 'Primary');
  }

  entriesOnEip(forwardTableId: string, externalIp: string): Promise<DnatEntry[]> {
    return this.cloud.listForwardEntries(forwardTableId, { externalIp });
  }

  /** One DNAT entry by id, or undefined once it is gone (the list call filters by id; the find guards a loose filter). */
  async entry(forwardTableId: string, forwardEntryId: string): Promise<DnatEntry | undefined> {
    return (await this.cloud.listForwardEntries(forwardTableId, { forwardEntryId })).find((e) => e.forwardEntryId === forwardEntryId);
  }

  // ── the forward-table lock ────────────────────────────────────────────────

  private tableId(): string {
    const t = this.j.original?.restoreRecipe.forwardTableId ?? this.j.plan?.entryToDelete.forwardTableId;
    if (!t) throw new StepFailure('NoPlan', { failure: 'journal_incomplete', missing: 'forward_table' });
    return t;
  }

  /**
   * Takes the forward-table lock for `step`. When the step is the in-place cutover's write and the job has to queue,
   * it reads the entry to change once it is next in line, while the holder's change settles: the write trusts a read
   * at most ORIGINAL_READ_FRESH_MS old (as it trusts save_original's), so it needs no read of its own once the table
   * is ours.
   */
  async ensureLock(step?: StepName): Promise<void> {
    if (this.lock && !this.lock.lost) return;
    let early: Promise<void> | undefined;
    const whenNext = step === 'modify_entry' && this.earlyReadStaysFresh() ? () => { early = this.readOriginalEarly(); } : undefined;
    this.lock = await this.deps.locks.acquire(this.tableId(), tableLockOwner(this.jobId, this.fenceToken), this.signal, whenNext);
    await early;
  }

  /**
   * Whether a read made when this job becomes next is still fresh when the table is its: only when the holder's
   * in-place change is expected to settle within half the time a read is trusted (expectedMs; without them, or with
   * Alibaba's typical 2 s, it would be stale and the write would read again: one call more, nothing gained).
   */
  private earlyReadStaysFresh(): boolean {
    const e = this.opts.expectedMs;
    const hold = (e?.dnatModify ?? e?.dnatCreate ?? Number.POSITIVE_INFINITY) + (e?.readLag ?? 0);
    return hold <= ORIGINAL_READ_FRESH_MS / 2;
  }

  /** The calls made for the step before it began (readOriginalEarly), for its record; taken once. */
  takeEarlyCalls(): CloudCall[] {
    return this.earlyCalls.splice(0);
  }

  private async readOriginalEarly(): Promise<void> {
    const orig = this.j.original?.entry;
    if (!orig) return;
    const at = Date.now();
    try {
      const { result: live, calls } = await recordCalls(() => withCallPriority({ critical: true, rank: this.job.timestamp ?? 0 },
        () => this.entry(orig.forwardTableId, orig.forwardEntryId)));
      this.earlyCalls.push(...calls);
      // Only a read that shows the entry as saved vouches for it; anything else is for the step's own read to judge.
      if (live && hasStatus(live, 'Available') && sameSpec(live, orig)) {
        this.seenOriginalAvailable = true;
        this.seenOriginalAt = at;
      }
    } catch (e) {
      this.earlyCalls.push(...callsOf(e));
    }
  }

  async releaseLock(): Promise<void> {
    if (!this.lock) return;
    const l = this.lock;
    this.lock = undefined;
    await l.release();
  }

  /** A forward-table write, retried briefly while the table is busy with an entry we do not control. */
  async tableWrite<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.lock?.lost) throw new StepFailure('TableLockLost', { failure: 'table_lock_lost', table: this.lock.forwardTableId });
      try {
        return await fn();
      } catch (e) {
        if (!isCloudError(e) || !(TABLE_BUSY.has(e.code) || (e.retryable && e.code !== 'Aborted')) || attempt >= 8) throw e;
        await sleep(Math.min(5_000, 200 * 2 ** (attempt - 1)), this.signal);
      }
    }
  }
}

/** What a step reports: what it found (the transition table decides what follows) and what the thread shows. */
export interface StepResult {
  outcome: StepOutcome;
  detail?: Record<string, unknown>;
}

export type StepHandler = (s: StepContext) => Promise<StepResult>;

export const done = (detail?: Record<string, unknown>): StepResult => (detail ? { outcome: 'done', detail } : { outcome: 'done' });
