import type { Notifier } from './ports.ts';
import type { CancelFlags } from './store/cancel-flags.ts';
import type { RecordStore } from './store/records.ts';

/**
 * Records a cancel request of a job or batch: the flag it watches, the record field `status` shows, and the
 * thread's note. False when someone asked before (nothing written). The caller wakes the job.
 */
export async function requestCancel(d: { cancels: CancelFlags; records: RecordStore; notifier: Notifier }, jobId: string, by: string): Promise<boolean> {
  const at = new Date().toISOString();
  if (!(await d.cancels.request(jobId, by, at))) return false;
  // Job and fleet records share one key layout, so this field write serves both.
  await d.records.patch(jobId, { cancel: { by, at } });
  await d.notifier.emit({ type: 'cancel.requested', jobId, at, by: { kind: 'user', userId: by } });
  return true;
}
