import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RELEASE_LEASE, RENEW_LEASE, type OutboxKeys } from './keys-and-scripts.ts';
import { DeliveryStop } from './slack-errors.ts';

/**
 * One deliverer per thread, across every bot process: a job is delivered only under its lease, and a rollback
 * that posts into its migration's thread also holds the migration's lease while it delivers.
 */
export class JobLeases {
  private readonly owner = randomBytes(8).toString('hex');
  /** jobId → the lease key of the parent job whose thread it posts into. */
  private readonly threadLeases = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: OutboxKeys,
    private readonly leaseMs: number,
  ) {}

  /** False when another deliverer holds the job. */
  async acquire(jobId: string): Promise<boolean> {
    return (await this.redis.set(this.keys.lease(jobId), this.owner, 'PX', this.leaseMs, 'NX')) === 'OK';
  }

  async release(jobId: string): Promise<void> {
    await this.redis.eval(RELEASE_LEASE, 1, this.keys.lease(jobId), this.owner);
  }

  /** Also take the lease of the job whose thread `jobId` posts into; false while someone delivers that thread. */
  async acquireThread(jobId: string, parentJobId: string): Promise<boolean> {
    const key = this.keys.lease(parentJobId);
    if ((await this.redis.set(key, this.owner, 'PX', this.leaseMs, 'NX')) !== 'OK') return false;
    this.threadLeases.set(jobId, key);
    return true;
  }

  async releaseThread(jobId: string): Promise<void> {
    const key = this.threadLeases.get(jobId);
    if (!key) return;
    this.threadLeases.delete(jobId);
    await this.redis.eval(RELEASE_LEASE, 1, key, this.owner);
  }

  /** Extend every lease the job's delivery holds, before each Slack call; a lost one stops the pass. */
  async renew(jobId: string): Promise<void> {
    for (const key of [this.keys.lease(jobId), this.threadLeases.get(jobId)]) {
      if (!key) continue;
      const ok = await this.redis.eval(RENEW_LEASE, 1, key, this.owner, this.leaseMs);
      if (ok !== 1) throw new DeliveryStop({ kind: 'lease_lost', delayMs: 0, reason: 'lease lost' });
    }
  }
}
