import { DelayedError, type Job } from 'bullmq';

/**
 * Parks a job until `until` (epoch ms) without holding a worker slot: moveToDelayed, then DelayedError (the step-job
 * pattern of BullMQ's docs, "Process step jobs"). A decision that arrived while the job was still active could not
 * promote it, so `shouldWake` is asked once the job is delayed and the job promotes itself if it is due.
 */
export async function parkJob(job: Job, token: string | undefined, until: number, shouldWake: () => Promise<boolean>,
  afterMove?: () => Promise<void>): Promise<never> {
  if (!token) throw new Error(`cannot park job ${job.id} without its lock token`);
  await job.moveToDelayed(Math.max(until, Date.now() + 1), token);
  await afterMove?.();
  if (await shouldWake().catch(() => false)) await job.promote().catch(() => {});
  throw new DelayedError();
}
