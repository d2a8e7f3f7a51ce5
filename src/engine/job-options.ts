// BullMQ names and job options, in one place for every producer (the service, batches, recovery).
import type { JobsOptions } from 'bullmq';

export const QUEUE_NAME = 'migrations';
export const FLEET_QUEUE_NAME = 'fleet';

/** BullMQ keeps nothing after the end (the record is the durable trace), so a finished id is free again. */
export const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
};

/** Plan-only jobs and scans: a failure is reported, not retried for long. */
export const SHORT_JOB_OPTIONS: JobsOptions = { ...JOB_OPTIONS, attempts: 2 };

/**
 * BullMQ priorities of a batch's children (lower runs first; jobs without a priority, single migrations, before
 * any). A woken job goes back to the end of its list, so a child granted its turn would otherwise wait behind every
 * child still queued for its staging: granted children and canaries go first, staging of the rest after them.
 */
export const BATCH_PRIORITY = { turn: 1, staging: 2 } as const;
