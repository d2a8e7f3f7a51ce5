// Jobs whose BullMQ entry was lost (an add that never happened, a job failed beyond its retries, a Redis that
// dropped the queue's keys but not ours) are re-queued from the journal kept in their record.
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { JobData } from './job-data.ts';
import { JOB_OPTIONS } from './job-options.ts';
import type { JobRecord, Notifier } from './ports.ts';
import type { RecordStore } from './store/records.ts';
import type { OutcomeText } from '../domain/job-text.ts';
import { msg } from '../i18n/catalog.ts';

export interface RecoveryDeps {
  records: RecordStore;
  queue: Queue<JobData>;
  notifier: Notifier;
  log: Logger;
  /** A job is re-queued at most this often before it is given up as 'failed'. */
  maxRecoveries: number;
}

export const newNonce = (): string => randomBytes(6).toString('hex');

/** Re-adds a job whose record is unfinished but whose BullMQ entry is gone. */
export async function requeueIfLost(d: RecoveryDeps, record: JobRecord, journal: JobData | undefined, graceMs = 10_000): Promise<boolean> {
  if (record.state === 'finished' || record.kind === 'preview') return false;
  if (Date.now() - Date.parse(record.updatedAt) < graceMs) return false;
  if (await d.queue.getJob(record.jobId)) return false;
  const data: JobData = journal ?? {
    v: 1, kind: record.kind, jobId: record.jobId, regionId: record.regionId, instanceId: record.instanceId,
    requestedBy: record.requestedBy, options: record.options, step: record.kind === 'rollback' ? 'rollback_plan' : 'plan', nonce: newNonce(),
    ...(record.kind === 'rollback' && record.relatedJobId ? { migrationJobId: record.relatedJobId, eniTagJobId: record.relatedJobId } : {}),
  };
  const recoveries = (data.recoveries ?? 0) + 1;
  if (recoveries > d.maxRecoveries) {
    d.log.error({ jobId: record.jobId, step: data.step }, 'job lost too many times; giving up');
    const text: OutcomeText = { outcome: 'failed', lost: { step: data.step, times: recoveries - 1 } };
    const summary = msg('en').outcomeText({ text });
    await d.notifier.emit({ type: 'finished', jobId: record.jobId, at: new Date().toISOString(), outcome: 'failed', summary, text });
    await d.records.finish(record.jobId, record.regionId, record.instanceId, { outcome: 'failed', summary, outcomeText: text });
    return false;
  }
  d.log.warn({ jobId: record.jobId, step: data.step, recoveries }, 're-queueing a job whose queue entry was lost');
  await d.queue.add(data.kind, { ...data, recoveries }, { ...JOB_OPTIONS, jobId: record.jobId });
  await d.records.patch(record.jobId, { journal: { ...data, recoveries } });
  return true;
}

/** Re-queues every unfinished job whose BullMQ entry is gone. Safe to run from every worker. */
export async function requeueLostJobs(d: RecoveryDeps, graceMs = 10_000): Promise<number> {
  let n = 0;
  for (const id of await d.records.activeIds()) {
    const rec = await d.records.getWithJournal(id);
    if (!rec) { await d.records.forgetActive(id); continue; }
    if (await requeueIfLost(d, rec.record, rec.journal, graceMs)) n++;
  }
  return n;
}
