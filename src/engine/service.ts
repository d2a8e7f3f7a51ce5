import { randomBytes } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { RedisConnection } from '../util/redis-connection.ts';
import type { Logger } from 'pino';
import { explainBadId, explainBadRegion, jobIdFor } from '../domain/ids.ts';
import type { MigrationOptions } from '../domain/plan-types.ts';
import type { RedisApprovals } from './approvals.ts';
import type { JobData } from './job-data.ts';
import type { Keys } from './keys.ts';
import type { Audience, BatchRequest, BatchStatus, BatchSubmitResult, JobRecord, MigrationService, Notifier, SubmitResult } from './ports.ts';
import type { Fleet } from './fleet.ts';
import { SEQ_PLACEHOLDER, type RecordStore } from './records.ts';

export interface ServiceDeps {
  redis: RedisConnection;
  keys: Keys;
  records: RecordStore;
  approvals: RedisApprovals;
  queue: Queue<JobData>;
  notifier: Notifier;
  log: Logger;
  /** Regions this deployment has a cloud for; others are refused at submit time. */
  regions?: string[];
  /** Kept on cancel flags (they outlive the job only for the record's sake). */
  retentionMs: number;
  /** A job whose BullMQ entry vanished is re-queued from its record at most this often. */
  maxRecoveries: number;
  /** Batches, scans and drift sweeps (src/engine/fleet.ts); their ids start with batch-, scan- or drift-. */
  fleet?: Fleet;
}

/** BullMQ keeps nothing after the end (the record is the durable trace), so a finished id is free again. */
export const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
};

const JOB_ID = /^(migrate|rollback|preview)-/;

const nonce = () => randomBytes(6).toString('hex');

export interface SubmitHooks {
  /** Receives the queueing work of each queued job instead of it being awaited (see submit). */
  defer?: (work: () => Promise<void>) => void;
  /**
   * A one-time key of the request (Slack's signed-request key): checked and set in the first claim, so a replay
   * writes nothing and submit throws DuplicateRequestError — the replay check costs no round trip of its own.
   */
  requestKey?: { key: string; ttlMs: number };
}

/** The submission's request key was seen before: a replayed request; nothing was written. */
export class DuplicateRequestError extends Error {
  override readonly name = 'DuplicateRequestError';
  constructor() { super('this request was already received (replay)'); }
}

export class EngineService implements MigrationService {
  readonly approvals: RedisApprovals;
  /** submit honours SubmitHooks.requestKey. */
  readonly dedupesSubmissions = true;

  constructor(private readonly d: ServiceDeps) {
    this.approvals = d.approvals;
  }

  private validate(regionId: string, instanceId: string): string | undefined {
    const badRegion = explainBadRegion(regionId);
    if (badRegion) return badRegion;
    if (this.d.regions && !this.d.regions.includes(regionId)) {
      return `region \`${regionId}\` is not configured here (this deployment works in ${this.d.regions.join(', ')})`;
    }
    return explainBadId('instance', instanceId);
  }

  private newRecord(kind: JobRecord['kind'], jobId: string, regionId: string, instanceId: string, requestedBy: string,
    options: MigrationOptions, audience: Audience): JobRecord {
    const now = new Date().toISOString();
    return { jobId, kind, regionId, instanceId, requestedBy, audience, options, state: 'queued', createdAt: now, updatedAt: now, steps: [] };
  }

  async preview(input: { regionId: string; instanceId: string; options: MigrationOptions; requestedBy: string; audience: Audience }): Promise<{ jobId: string }> {
    const bad = this.validate(input.regionId, input.instanceId);
    if (bad) throw new Error(bad);
    const n = await this.d.records.nextSeq('preview', input.regionId, input.instanceId);
    const jobId = `preview-${input.regionId}-${input.instanceId}-${n}`;
    const data: JobData = {
      v: 1, kind: 'preview', jobId, regionId: input.regionId, instanceId: input.instanceId,
      requestedBy: input.requestedBy, options: input.options, step: 'plan',
    };
    await this.d.records.createDetached(this.newRecord('preview', jobId, input.regionId, input.instanceId, input.requestedBy, input.options, input.audience), data);
    await this.d.queue.add('preview', data, { ...JOB_OPTIONS, jobId, attempts: 2 });
    return { jobId };
  }

  /**
   * `defer`: the claim (record + instance) is written before this resolves, but queueing the job and its
   * job.queued event are handed over unawaited, so a front end can answer first (the Slack ack). A job whose
   * queueing is lost anyway is re-queued from its record by reconcile().
   */
  async submit(input: { regionId: string; instanceIds: string[]; options: MigrationOptions; requestedBy: string; audience: Audience },
    hooks: SubmitHooks = {}): Promise<SubmitResult[]> {
    const out: SubmitResult[] = [];
    // The request key goes with the first claim only (later claims of the same request must not see it as a replay).
    const once = { key: hooks.requestKey };
    for (const instanceId of [...new Set(input.instanceIds)]) {
      const bad = this.validate(input.regionId, instanceId);
      if (bad) { out.push({ instanceId, status: 'invalid', message: bad }); continue; }
      out.push(await this.submitOne(input.regionId, instanceId, input.options, input.requestedBy, input.audience, hooks, once));
    }
    return out;
  }

  private async submitOne(regionId: string, instanceId: string, options: MigrationOptions, requestedBy: string, audience: Audience,
    hooks: SubmitHooks, once: { key?: { key: string; ttlMs: number } }): Promise<SubmitResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // One round trip claims the instance, allocates the job id and writes the record.
      const base = jobIdFor('migrate', regionId, instanceId);
      const tpl = `${base}-${SEQ_PLACEHOLDER}`;
      const n = nonce();
      const res = await this.d.records.claimActive(this.newRecord('migrate', tpl, regionId, instanceId, requestedBy, options, audience),
        { v: 1, kind: 'migrate', jobId: tpl, regionId, instanceId, requestedBy, options, step: 'plan', nonce: n }, base, once.key);
      once.key = undefined;
      if (!res.created && 'replayed' in res) throw new DuplicateRequestError();
      if (!res.created) {
        if (await this.healHolder(res.holder, regionId, instanceId)) continue; // stale claim released: try again
        return { instanceId, status: 'already_active', jobId: res.holder };
      }
      const jobId = res.jobId;
      const data: JobData = { v: 1, kind: 'migrate', jobId, regionId, instanceId, requestedBy, options, step: 'plan', nonce: n };
      const enqueue = async () => {
        await this.d.queue.add('migrate', data, { ...JOB_OPTIONS, jobId });
        await this.d.notifier.emit({
          type: 'job.queued', jobId, at: new Date().toISOString(), kind: 'migrate', instanceId, regionId,
          requestedBy: { kind: 'user', userId: requestedBy },
        });
      };
      // Not even started before the caller answers: BullMQ's add does real work before its first await.
      if (hooks.defer) hooks.defer(enqueue); else await enqueue();
      return { instanceId, status: 'queued', jobId };
    }
    const holder = await this.d.records.activeHolder(regionId, instanceId);
    return { instanceId, status: 'already_active', jobId: holder ?? '' };
  }

  /**
   * The instance is claimed by `holder`. If that job is finished (its claim outlived it) the claim is released
   * and true returned; if its BullMQ entry is lost it is re-queued from its journal. Otherwise it is really active.
   */
  private async healHolder(holder: string, regionId: string, instanceId: string): Promise<boolean> {
    const rec = await this.d.records.getWithJournal(holder);
    if (!rec || rec.record.state === 'finished') {
      // Finished (or its record expired): the claim outlived the job.
      await this.d.records.releaseInstance(holder, regionId, instanceId);
      return true;
    }
    await this.requeueIfLost(rec.record, rec.journal);
    return false;
  }

  /** Re-adds a job whose record is unfinished but whose BullMQ entry is gone (lost add, failed beyond retries). */
  async requeueIfLost(record: JobRecord, journal: JobData | undefined, graceMs = 10_000): Promise<boolean> {
    if (record.state === 'finished' || record.kind === 'preview') return false;
    if (Date.now() - Date.parse(record.updatedAt) < graceMs) return false;
    if (await this.d.queue.getJob(record.jobId)) return false;
    const data: JobData = journal ?? {
      v: 1, kind: record.kind, jobId: record.jobId, regionId: record.regionId, instanceId: record.instanceId,
      requestedBy: record.requestedBy, options: record.options, step: record.kind === 'rollback' ? 'rollback_plan' : 'plan', nonce: nonce(),
      ...(record.kind === 'rollback' && record.relatedJobId ? { migrationJobId: record.relatedJobId, eniTagJobId: record.relatedJobId } : {}),
    };
    const recoveries = (data.recoveries ?? 0) + 1;
    if (recoveries > this.d.maxRecoveries) {
      this.d.log.error({ jobId: record.jobId, step: data.step }, 'job lost too many times; giving up');
      await this.d.notifier.emit({ type: 'finished', jobId: record.jobId, at: new Date().toISOString(), outcome: 'failed',
        summary: `The job was lost by the queue ${recoveries - 1} times at step ${data.step}; check the cloud state by hand.` });
      await this.d.records.finish(record.jobId, record.regionId, record.instanceId, {
        outcome: 'failed', summary: `Lost by the queue at step ${data.step}; check the cloud state by hand.`,
      });
      return false;
    }
    this.d.log.warn({ jobId: record.jobId, step: data.step, recoveries }, 're-queueing a job whose queue entry was lost');
    await this.d.queue.add(data.kind, { ...data, recoveries }, { ...JOB_OPTIONS, jobId: record.jobId });
    await this.d.records.patch(record.jobId, { journal: { ...data, recoveries } });
    return true;
  }

  /** Re-queues every unfinished job whose BullMQ entry is gone. Safe to run from every worker. */
  async reconcile(graceMs = 10_000): Promise<number> {
    let n = 0;
    for (const id of await this.d.records.activeIds()) {
      const rec = await this.d.records.getWithJournal(id);
      if (!rec) { await this.d.redis.zrem(this.d.keys.activeJobs(), id); continue; }
      if (await this.requeueIfLost(rec.record, rec.journal, graceMs)) n++;
    }
    return n;
  }

  async status(target?: string): Promise<JobRecord[]> {
    const t = target?.trim();
    if (!t) return this.d.records.active();
    if (JOB_ID.test(t)) {
      const r = await this.d.records.get(t);
      return r ? [r] : [];
    }
    return this.d.records.byInstance(t);
  }

  /** Wakes a parked job so it reacts now; a job that is not delayed re-checks by itself. */
  async wake(jobId: string): Promise<void> {
    if (this.d.fleet?.owns(jobId)) { await this.d.fleet.wake(jobId); return; }
    const job = await this.d.queue.getJob(jobId);
    if (job) await job.promote().catch(() => {});
  }

  async cancel(jobId: string, by: string): Promise<{ ok: boolean; message: string }> {
    if (this.d.fleet?.owns(jobId)) return this.d.fleet.cancel(jobId, by);
    const rec = await this.d.records.get(jobId);
    if (!rec) return { ok: false, message: `No job ${jobId}.` };
    if (rec.kind === 'preview') return { ok: false, message: `${jobId} is a plan only; there is nothing to cancel.` };
    if (rec.state === 'finished') {
      if (rec.kind === 'migrate' && (rec.outcome === 'migrated' || rec.outcome === 'verify_failed')) {
        // After the cutover, cancelling means rolling back, and a rollback is approved like any change.
        const r = await this.rollback(jobId, by, rec.audience);
        return { ok: r.ok, message: `${jobId} already finished (${rec.outcome}); cancelling it now means rolling it back. ${r.message}` };
      }
      return { ok: false, message: `${jobId} already finished (${rec.outcome ?? 'done'}); nothing to cancel.` };
    }
    const at = new Date().toISOString();
    const set = await this.d.redis.set(this.d.keys.cancel(jobId), JSON.stringify({ by, at }), 'PX', this.d.retentionMs, 'NX');
    if (set !== 'OK') return { ok: true, message: `${jobId} is already being cancelled.` };
    await this.d.records.patch(jobId, { cancel: { by, at } });
    await this.d.notifier.emit({ type: 'cancel.requested', jobId, at, by: { kind: 'user', userId: by } });
    await this.wake(jobId);
    const s = rec.state;
    const what = s === 'cutover' || s === 'verifying'
      ? 'the original DNAT mapping will be restored and the ENI removed (no second approval: it returns to the approved starting point)'
      : s === 'restoring' || s === 'rolling_back' || s === 'unstaging'
        ? 'it is already undoing its changes; the cancel changes nothing'
        : rec.kind === 'rollback'
          ? 'the rollback stops before changing anything'
          : 'the staged ENI will be removed; the DNAT mapping is not touched';
    return { ok: true, message: `Cancelling ${jobId} (${s}): ${what}.` };
  }

  async scan(input: { regionId: string; target: string; requestedBy: string; audience: Audience }): Promise<{ jobId: string }> {
    if (!this.d.fleet) throw new Error('scans are not available in this deployment');
    return this.d.fleet.scan(input);
  }

  async submitBatch(input: BatchRequest): Promise<BatchSubmitResult> {
    if (!this.d.fleet) return { ok: false, message: 'batches are not available in this deployment' };
    return this.d.fleet.submitBatch(input);
  }

  async fleetAudience(jobId: string): Promise<Audience | undefined> {
    return this.d.fleet?.audience(jobId);
  }

  /** Batch records live beside job records but are not JobRecords, so status() cannot return them. */
  async batchStatus(batchId: string): Promise<BatchStatus | undefined> {
    if (!this.d.fleet?.owns(batchId)) return undefined;
    const rec = await this.d.fleet.record(batchId);
    if (!rec || rec.kind !== 'batch') return undefined;
    const items = rec.plan?.items ?? [];
    // The batch's own statuses lag by up to one tick; the children's records say where each one is now.
    const children = await this.d.records.peek(items.map((i) => i.childJobId));
    const out: BatchStatus = {
      batchId: rec.jobId, regionId: rec.regionId, targets: rec.targets, requestedBy: rec.requestedBy, state: rec.state,
      createdAt: rec.createdAt, updatedAt: rec.updatedAt,
      items: items.map((i, k) => ({
        instanceId: i.instanceId, childJobId: i.childJobId, canary: i.canary, status: rec.statuses?.[i.instanceId] ?? 'staging',
        ...(children[k] ?? {}),
      })),
      skipped: rec.plan?.skipped ?? [],
    };
    const concurrency = rec.plan?.concurrency ?? rec.concurrency;
    const canary = rec.plan?.canary ?? rec.canary;
    if (rec.phase) out.phase = rec.phase;
    if (rec.outcome) out.outcome = rec.outcome;
    if (rec.summary) out.summary = rec.summary;
    if (rec.approval) out.approval = rec.approval;
    if (rec.plan) out.planHash = rec.plan.hash;
    if (concurrency !== undefined) out.concurrency = concurrency;
    if (canary !== undefined) out.canary = canary;
    if (rec.cancel) out.cancel = rec.cancel;
    return out;
  }

  async rollback(jobId: string, by: string, audience: Audience): Promise<{ ok: boolean; message: string; jobId?: string }> {
    const m = await this.d.records.get(jobId);
    if (!m) return { ok: false, message: `No job ${jobId}.` };
    if (m.kind !== 'migrate') return { ok: false, message: `${jobId} is not a migration.` };
    if (m.state !== 'finished' || (m.outcome !== 'migrated' && m.outcome !== 'verify_failed')) {
      return { ok: false, message: `${jobId} is ${m.state === 'finished' ? `finished as ${m.outcome}` : m.state}; only a migrated (or verify_failed) migration can be rolled back.` };
    }
    if (!m.original) return { ok: false, message: `${jobId} has no saved original entry to restore.` };
    if (m.relatedJobId) {
      const r = await this.d.records.get(m.relatedJobId);
      if (r && r.state !== 'finished') return { ok: false, message: `Rollback ${r.jobId} of ${jobId} is already running.`, jobId: r.jobId };
      if (r && r.outcome === 'rolled_back') return { ok: false, message: `${jobId} was already rolled back by ${r.jobId}.`, jobId: r.jobId };
    }
    const seq = await this.d.records.nextSeq('rollback', m.regionId, m.instanceId);
    const rbId = `${jobIdFor('rollback', m.regionId, m.instanceId)}-${seq}`;
    const data: JobData = {
      v: 1, kind: 'rollback', jobId: rbId, regionId: m.regionId, instanceId: m.instanceId, requestedBy: by,
      options: m.options, step: 'rollback_plan', migrationJobId: jobId, eniTagJobId: jobId, nonce: nonce(),
    };
    const rec = { ...this.newRecord('rollback', rbId, m.regionId, m.instanceId, by, m.options, audience), relatedJobId: jobId };
    const res = await this.d.records.createActive(rec, data);
    if (!res.created) return { ok: false, message: `Instance ${m.instanceId} has an active job ${res.holder}; try again when it is done.`, jobId: res.holder };
    await this.d.records.patch(jobId, { relatedJobId: rbId });
    await this.d.queue.add('rollback', data, { ...JOB_OPTIONS, jobId: rbId });
    await this.d.notifier.emit({
      type: 'job.queued', jobId: rbId, at: new Date().toISOString(), kind: 'rollback', instanceId: m.instanceId, regionId: m.regionId,
      requestedBy: { kind: 'user', userId: by },
    });
    return { ok: true, jobId: rbId, message: `Rollback ${rbId} of ${jobId} queued; it needs an approval before it changes anything.` };
  }
}
