// The fleet side of the engine: its own BullMQ queue ('fleet') and worker for batches, scans and the drift sweep,
// next to the migrations queue whose steps the batch children use unchanged. The front-door methods here are
// Redis + queue only, like the rest of EngineService.
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { DEFAULT_BATCH_CANARY, DEFAULT_BATCH_CONCURRENCY } from '../../domain/batch-plan.ts';
import { isInstanceId, isNatGatewayId, isVpcId, jobIdFor } from '../../domain/ids.ts';
import { requestCancel } from '../cancel-request.ts';
import { FLEET_QUEUE_NAME, JOB_OPTIONS, SHORT_JOB_OPTIONS } from '../job-options.ts';
import type { DriftSweepSettings } from '../options.ts';
import type { AnswerResult, Audience, BatchRequest, BatchSubmitResult } from '../ports.ts';
import { answered } from '../answers.ts';
import { regionProblemHere } from '../regions.ts';
import { BadRequestError } from '../bad-request.ts';
import { msg } from '../../i18n/catalog.ts';
import { isFleetJobId, type BatchRecord, type FleetRecord, type ScanRecord } from '../store/fleet-records.ts';
import { closeWorker } from '../worker-close.ts';
import { runBatch } from './batch-run.ts';
import { iso, type FleetContext, type FleetJobData } from './context.ts';
import { runDriftSweep, scheduleDriftSweep } from './drift-sweep.ts';
import { runScan } from './inventory-scan.ts';

export interface FleetWorkerHandle {
  readonly worker: Worker<FleetJobData>;
  close(opts?: { graceMs?: number }): Promise<void>;
}

export interface Fleet {
  readonly queue: Queue<FleetJobData>;
  owns(jobId: string): boolean;
  record(jobId: string): Promise<FleetRecord | undefined>;
  audience(jobId: string): Promise<Audience | undefined>;
  scan(input: { regionId: string; target: string; requestedBy: string; audience: Audience }): Promise<{ jobId: string }>;
  /** `hooks.defer`: queueing and the job.queued event after the caller answers (reconcile heals a lost one). */
  submitBatch(input: BatchRequest, hooks?: { defer?: (work: () => Promise<void>) => void }): Promise<BatchSubmitResult>;
  cancel(jobId: string, by: string): Promise<AnswerResult>;
  wake(jobId: string): Promise<boolean>;
  startWorker(opts: { connection: ConnectionOptions; lockDurationMs: number; stalledIntervalMs: number; maxStalledCount: number }): Promise<FleetWorkerHandle>;
  /** Installs or removes the drift sweep's Job Scheduler. */
  scheduleDrift(settings: DriftSweepSettings | undefined): Promise<void>;
  /** Re-queues unfinished batches whose queue entry is gone. */
  reconcile(graceMs?: number): Promise<number>;
  close(): Promise<void>;
}

export function createFleet(ctx: FleetContext, conn: { connection: ConnectionOptions; prefix: string; regions?: string[] }): Fleet {
  const queue = new Queue<FleetJobData>(FLEET_QUEUE_NAME, { connection: conn.connection, prefix: conn.prefix });

  const processor = async (job: Job<FleetJobData>, token?: string): Promise<unknown> => {
    switch (job.data.kind) {
      case 'scan': return runScan(ctx, job.data.jobId);
      case 'batch': return runBatch(ctx, job, token);
      case 'drift': return runDriftSweep(ctx, job.data);
    }
  };

  const fleet: Fleet = {
    queue,
    owns: isFleetJobId,
    record: (jobId) => ctx.store.get(jobId),
    async audience(jobId) {
      if (!isFleetJobId(jobId)) return undefined;
      return (await ctx.store.get(jobId))?.audience;
    },

    async scan(input) {
      const bad = regionProblemHere(input.regionId, conn.regions);
      if (bad) throw new BadRequestError(bad);
      if (!isNatGatewayId(input.target) && !isVpcId(input.target)) throw new BadRequestError({ problem: 'not_scan_target', shown: input.target });
      const seq = await ctx.records.nextSeq('scan', input.regionId, input.target);
      const jobId = `${jobIdFor('scan', input.regionId, input.target)}-${seq}`;
      const now = iso();
      const rec: ScanRecord = {
        jobId, kind: 'scan', regionId: input.regionId, target: input.target, requestedBy: input.requestedBy, audience: input.audience,
        state: 'queued', createdAt: now, updatedAt: now,
      };
      await ctx.store.create(rec, { active: false });
      await queue.add('scan', { v: 1, kind: 'scan', jobId }, { ...SHORT_JOB_OPTIONS, jobId });
      return { jobId };
    },

    async submitBatch(input, hooks = {}) {
      const bad = regionProblemHere(input.regionId, conn.regions);
      if (bad) return { ok: false, message: msg('en').idProblemText({ problem: bad }), problem: bad };
      const targets = [...new Set(input.targets)];
      const wrong = targets.filter((t) => !isNatGatewayId(t) && !isVpcId(t) && !isInstanceId(t));
      if (!targets.length || wrong.length) {
        const problem = { problem: 'not_batch_targets', shown: wrong } as const;
        return { ok: false, message: msg('en').requestProblemText({ problem }), problem };
      }
      const seq = await ctx.records.nextSeq('batch', input.regionId, targets[0]!);
      const jobId = `${jobIdFor('batch', input.regionId, targets[0]!)}-${seq}`;
      const now = iso();
      const rec: BatchRecord = {
        jobId, kind: 'batch', regionId: input.regionId, targets, options: input.options, requestedBy: input.requestedBy, audience: input.audience,
        concurrency: input.concurrency ?? DEFAULT_BATCH_CONCURRENCY, canary: input.canary ?? DEFAULT_BATCH_CANARY,
        state: 'queued', phase: 'staging', createdAt: now, updatedAt: now,
      };
      await ctx.store.create(rec, { active: true });
      const enqueue = async () => {
        await queue.add('batch', { v: 1, kind: 'batch', jobId }, { ...JOB_OPTIONS, jobId });
        await ctx.notifier.emit({
          type: 'job.queued', jobId, at: now, kind: 'batch', instanceId: targets.join(', '), regionId: input.regionId,
          requestedBy: { kind: 'user', userId: input.requestedBy },
        });
      };
      if (hooks.defer) hooks.defer(enqueue); else await enqueue();
      return { ok: true, batchId: jobId };
    },

    async cancel(jobId, by) {
      const rec = await ctx.store.get(jobId);
      if (!rec) return answered(false, { answer: 'no_job', job: jobId });
      if (rec.kind !== 'batch') return answered(false, { answer: 'not_cancellable', job: jobId, kind: rec.kind });
      if (rec.state === 'finished') return answered(false, { answer: 'already_finished', job: jobId, ...(rec.outcome ? { outcome: rec.outcome } : {}), batch: true });
      if (!(await requestCancel(ctx, jobId, by))) return answered(true, { answer: 'already_cancelling', job: jobId });
      await fleet.wake(jobId);
      return answered(true, { answer: 'cancelling_batch', job: jobId });
    },

    async wake(jobId) {
      const job = await queue.getJob(jobId);
      if (!job) return false;
      await job.promote().catch(() => {});
      return true;
    },

    async startWorker(o) {
      const worker = new Worker<FleetJobData>(FLEET_QUEUE_NAME, processor, {
        connection: o.connection, prefix: conn.prefix, concurrency: ctx.settings.concurrency, lockDuration: o.lockDurationMs,
        stalledInterval: o.stalledIntervalMs, maxStalledCount: o.maxStalledCount,
      });
      worker.on('error', (e) => ctx.log.error({ err: e }, 'fleet worker error'));
      worker.on('failed', (job, e) => ctx.log.warn({ jobId: job?.id, err: e }, 'fleet job attempt failed'));
      await worker.waitUntilReady();
      void fleet.reconcile().catch((e: unknown) => ctx.log.warn({ err: e }, 'fleet reconcile failed'));
      return { worker, close: (c = {}) => closeWorker(worker, c.graceMs ?? 30_000) };
    },

    scheduleDrift: (settings) => scheduleDriftSweep(queue, settings),

    async reconcile(graceMs = 10_000) {
      let n = 0;
      for (const id of await ctx.store.activeIds()) {
        const rec = await ctx.store.get(id);
        if (!rec || rec.state === 'finished') { await ctx.store.forget(id); continue; }
        if (Date.now() - Date.parse(rec.updatedAt) < graceMs) continue;
        if (await queue.getJob(id)) continue;
        ctx.log.warn({ jobId: id }, 're-queueing a batch whose queue entry was lost');
        await queue.add(rec.kind, { v: 1, kind: 'batch', jobId: id }, { ...JOB_OPTIONS, jobId: id });
        n++;
      }
      return n;
    },

    async close() {
      await queue.close();
    },
  };
  return fleet;
}
