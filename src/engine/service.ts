// The front door every front end calls (Slack listeners, the demo, the CLI): Redis and the queue only, never the
// cloud. Submissions claim the instance and write the record in one step; the work happens in workers.
import type { ServiceAnswer } from '../domain/job-text.ts';
import { msg } from '../i18n/catalog.ts';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { idProblem, jobIdFor, type IdProblem } from '../domain/ids.ts';
import { BadRequestError } from './bad-request.ts';
import type { MigrationOptions } from '../domain/plan-types.ts';
import { requestCancel } from './cancel-request.ts';
import { DuplicateRequestError } from './step-errors.ts';
import type { Fleet } from './fleet/fleet.ts';
import type { JobData } from './job-data.ts';
import { JOB_OPTIONS, SHORT_JOB_OPTIONS } from './job-options.ts';
import type { AnswerResult, Audience, BatchRequest, BatchStatus, BatchSubmitResult, JobRecord, MigrationService, Notifier, ScanStatus, SubmitResult } from './ports.ts';
import { answered } from './answers.ts';
import { newNonce, requeueIfLost, requeueLostJobs, type RecoveryDeps } from './recovery.ts';
import { regionProblemHere } from './regions.ts';
import type { RedisApprovals } from './store/approvals.ts';
import type { CancelFlags } from './store/cancel-flags.ts';
import { SEQ_PLACEHOLDER, type RecordStore } from './store/records.ts';
import type { ReconcileReport } from './reconcile/cloud-reconcile.ts';

export interface ServiceDeps {
  records: RecordStore;
  approvals: RedisApprovals;
  cancels: CancelFlags;
  queue: Queue<JobData>;
  notifier: Notifier;
  log: Logger;
  /** Regions this deployment has a cloud for; others are refused at submit time. */
  regions?: string[];
  /** A job whose BullMQ entry vanished is re-queued from its record at most this often. */
  maxRecoveries: number;
  /** Batches, scans and drift sweeps; their ids start with batch-, scan- or drift-. */
  fleet?: Fleet;
  /** Reconcile's forced restore of one tagged ENI (engine.ts restoreFromCloud). */
  cloudRestore?: (regionId: string, eniId: string, by: string) => Promise<ReconcileReport>;
}

const JOB_ID = /^(migrate|rollback|preview)-/;

export interface SubmitHooks {
  /** Receives the queueing work of each queued job instead of it being awaited (see submit). */
  defer?: (work: () => Promise<void>) => void;
  /**
   * A one-time key of the request (Slack's signed-request key): checked and set in the first claim, so a replay
   * writes nothing and submit throws DuplicateRequestError — the replay check costs no round trip of its own.
   */
  requestKey?: { key: string; ttlMs: number };
}

export class EngineService implements MigrationService {
  readonly approvals: RedisApprovals;
  /** submit honours SubmitHooks.requestKey. */
  readonly dedupesSubmissions = true;
  private readonly recovery: RecoveryDeps;

  constructor(private readonly d: ServiceDeps) {
    this.approvals = d.approvals;
    this.recovery = { records: d.records, queue: d.queue, notifier: d.notifier, log: d.log, maxRecoveries: d.maxRecoveries };
  }

  /** `answer`: the facts, worded per reader; `message`: its English (logs, CLI). */
  async restoreFromCloud(regionId: string, eniId: string, by: string): Promise<{ ok: boolean; message: string; answer: ServiceAnswer }> {
    const said = (ok: boolean, answer: ServiceAnswer) => ({ ok, message: msg('en').serviceAnswerText({ answer }), answer });
    const problem = regionProblemHere(regionId, this.d.regions) ?? idProblem('eni', eniId);
    if (problem) return said(false, { answer: 'restore_bad_request', region: regionId, eni: eniId, problem });
    if (!this.d.cloudRestore) return said(false, { answer: 'restore_unavailable' });
    this.d.log.info({ regionId, eniId, by }, 'restore from the cloud journal asked for');
    const r = await this.d.cloudRestore(regionId, eniId, by);
    if (r.result === 'restored') return said(true, { answer: 'restored_from_tags', eni: eniId });
    if (r.eniGone) return said(false, { answer: 'restore_eni_gone', eni: eniId });
    return said(false, { answer: 'not_restored', eni: eniId, result: r.result ?? r.action, why: r.why, ...(r.situation ? { situation: r.situation } : {}) });
  }

  private validate(regionId: string, instanceId: string): IdProblem | undefined {
    return regionProblemHere(regionId, this.d.regions) ?? idProblem('instance', instanceId);
  }

  private newRecord(kind: JobRecord['kind'], jobId: string, regionId: string, instanceId: string, requestedBy: string,
    options: MigrationOptions, audience: Audience): JobRecord {
    const now = new Date().toISOString();
    return { jobId, kind, regionId, instanceId, requestedBy, audience, options, state: 'queued', createdAt: now, updatedAt: now, steps: [] };
  }

  async preview(input: { regionId: string; instanceId: string; options: MigrationOptions; requestedBy: string; audience: Audience }): Promise<{ jobId: string }> {
    const bad = this.validate(input.regionId, input.instanceId);
    if (bad) throw new BadRequestError(bad);
    const n = await this.d.records.nextSeq('preview', input.regionId, input.instanceId);
    const jobId = `preview-${input.regionId}-${input.instanceId}-${n}`;
    const data: JobData = {
      v: 1, kind: 'preview', jobId, regionId: input.regionId, instanceId: input.instanceId,
      requestedBy: input.requestedBy, options: input.options, step: 'plan',
    };
    await this.d.records.createDetached(this.newRecord('preview', jobId, input.regionId, input.instanceId, input.requestedBy, input.options, input.audience), data);
    await this.d.queue.add('preview', data, { ...SHORT_JOB_OPTIONS, jobId });
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
      if (bad) { out.push({ instanceId, status: 'invalid', message: msg('en').idProblemText({ problem: bad }), problem: bad }); continue; }
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
      const n = newNonce();
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
      await this.d.records.releaseInstance(holder, regionId, instanceId);
      return true;
    }
    await requeueIfLost(this.recovery, rec.record, rec.journal);
    return false;
  }

  /** Re-queues every unfinished job whose BullMQ entry is gone. Safe to run from every worker. */
  reconcile(graceMs = 10_000): Promise<number> {
    return requeueLostJobs(this.recovery, graceMs);
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

  async cancel(jobId: string, by: string): Promise<AnswerResult> {
    if (this.d.fleet?.owns(jobId)) return this.d.fleet.cancel(jobId, by);
    const rec = await this.d.records.get(jobId);
    if (!rec) return answered(false, { answer: 'no_job', job: jobId });
    if (rec.kind === 'preview') return answered(false, { answer: 'not_cancellable', job: jobId, kind: rec.kind });
    if (rec.state === 'finished') {
      if (rec.kind === 'migrate' && (rec.outcome === 'migrated' || rec.outcome === 'verify_failed')) {
        // After the cutover, cancelling means rolling it back, and a rollback is approved like any change.
        const r = await this.rollback(jobId, by, rec.audience);
        return answered(r.ok, { answer: 'finished_so_rollback', job: jobId, outcome: rec.outcome, then: r.answer });
      }
      return answered(false, { answer: 'already_finished', job: jobId, ...(rec.outcome ? { outcome: rec.outcome } : {}) });
    }
    if (!(await requestCancel(this.d, jobId, by))) return answered(true, { answer: 'already_cancelling', job: jobId });
    await this.wake(jobId);
    const s = rec.state;
    const effect = s === 'cutover' || s === 'verifying'
      ? 'restore' as const
      : s === 'restoring' || s === 'rolling_back' || s === 'unstaging'
        ? 'undoing' as const
        : rec.kind === 'rollback' ? 'rollback_stops' as const : 'unstage' as const;
    return answered(true, { answer: 'cancelling', job: jobId, state: s, effect });
  }

  async scan(input: { regionId: string; target: string; requestedBy: string; audience: Audience }): Promise<{ jobId: string }> {
    if (!this.d.fleet) throw new BadRequestError({ problem: 'unavailable', what: 'scans' });
    return this.d.fleet.scan(input);
  }

  async submitBatch(input: BatchRequest, hooks: { defer?: (work: () => Promise<void>) => void } = {}): Promise<BatchSubmitResult> {
    if (!this.d.fleet) {
      const problem = { problem: 'unavailable', what: 'batches' } as const;
      return { ok: false, message: msg('en').requestProblemText({ problem }), problem };
    }
    return this.d.fleet.submitBatch(input, hooks);
  }

  async fleetAudience(jobId: string): Promise<Audience | undefined> {
    return this.d.fleet?.audience(jobId);
  }

  async scanStatus(scanId: string): Promise<ScanStatus | undefined> {
    if (!this.d.fleet?.owns(scanId)) return undefined;
    const rec = await this.d.fleet.record(scanId);
    if (!rec || rec.kind !== 'scan') return undefined;
    const { jobId, regionId, target, requestedBy, state, outcome, summary, summaryText, error, createdAt, updatedAt } = rec;
    return { scanId: jobId, regionId, target, requestedBy, state, createdAt, updatedAt, ...(outcome ? { outcome } : {}), ...(summary ? { summary } : {}),
      ...(summaryText ? { summaryText } : {}), ...(error ? { error } : {}) };
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
    if (rec.summaryText) out.summaryText = rec.summaryText;
    if (rec.approval) out.approval = rec.approval;
    if (rec.plan) out.planHash = rec.plan.hash;
    if (concurrency !== undefined) out.concurrency = concurrency;
    if (canary !== undefined) out.canary = canary;
    if (rec.cancel) out.cancel = rec.cancel;
    return out;
  }

  async rollback(jobId: string, by: string, audience: Audience): Promise<AnswerResult & { jobId?: string }> {
    const m = await this.d.records.get(jobId);
    if (!m) return answered(false, { answer: 'no_job', job: jobId });
    if (m.kind !== 'migrate') return answered(false, { answer: 'not_migration', job: jobId });
    if (m.state !== 'finished' || (m.outcome !== 'migrated' && m.outcome !== 'verify_failed')) {
      return answered(false, { answer: 'not_rollbackable', job: jobId, state: m.state, ...(m.state === 'finished' ? { outcome: m.outcome ?? 'done' } : {}) });
    }
    if (!m.original) return answered(false, { answer: 'no_original', job: jobId });
    if (m.relatedJobId) {
      const r = await this.d.records.get(m.relatedJobId);
      if (r && r.state !== 'finished') return { ...answered(false, { answer: 'rollback_running', job: jobId, rollback: r.jobId }), jobId: r.jobId };
      if (r && r.outcome === 'rolled_back') return { ...answered(false, { answer: 'already_rolled_back', job: jobId, rollback: r.jobId }), jobId: r.jobId };
    }
    const seq = await this.d.records.nextSeq('rollback', m.regionId, m.instanceId);
    const rbId = `${jobIdFor('rollback', m.regionId, m.instanceId)}-${seq}`;
    const data: JobData = {
      v: 1, kind: 'rollback', jobId: rbId, regionId: m.regionId, instanceId: m.instanceId, requestedBy: by,
      options: m.options, step: 'rollback_plan', migrationJobId: jobId, eniTagJobId: jobId, nonce: newNonce(),
    };
    const rec = { ...this.newRecord('rollback', rbId, m.regionId, m.instanceId, by, m.options, audience), relatedJobId: jobId };
    const res = await this.d.records.createActive(rec, data);
    if (!res.created) return { ...answered(false, { answer: 'instance_busy', instance: m.instanceId, holder: res.holder ?? '' }), ...(res.holder ? { jobId: res.holder } : {}) };
    await this.d.records.patch(jobId, { relatedJobId: rbId });
    await this.d.queue.add('rollback', data, { ...JOB_OPTIONS, jobId: rbId });
    await this.d.notifier.emit({
      type: 'job.queued', jobId: rbId, at: new Date().toISOString(), kind: 'rollback', instanceId: m.instanceId, regionId: m.regionId,
      requestedBy: { kind: 'user', userId: by },
    });
    return { ...answered(true, { answer: 'rollback_queued', job: jobId, rollback: rbId }), jobId: rbId };
  }
}
