import type { Worker } from 'bullmq';
import { sleep } from '../util/sleep.ts';

/**
 * Stops a BullMQ worker taking jobs and lets running ones finish for up to `graceMs`; after that, their AbortSignal
 * fires (cancelAllJobs) and each parks at its current step for another worker (the journal names the step).
 */
export async function closeWorker(worker: Worker, graceMs: number): Promise<void> {
  const closing = worker.close();
  // The grace timer is cancelled as soon as the worker closed, so a clean close does not hold the process.
  const graceTimer = new AbortController();
  const finished = await Promise.race([
    closing.then(() => true),
    sleep(graceMs, graceTimer.signal).then(() => false, () => true),
  ]);
  graceTimer.abort();
  if (!finished) {
    worker.cancelAllJobs('shutdown');
    await closing;
  }
}
