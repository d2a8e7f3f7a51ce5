import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Keys } from './keys.ts';

/** What the drift sweep last reported per instance (one hash per region and VPC), so each drift is told once. */
export class DriftFingerprints {
  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly retentionMs: number) {}

  known(regionId: string, vpcId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.driftFingerprints(regionId, vpcId));
  }

  async forget(regionId: string, vpcId: string, instanceIds: string[]): Promise<void> {
    if (instanceIds.length) await this.redis.hdel(this.keys.driftFingerprints(regionId, vpcId), ...instanceIds);
  }

  async remember(regionId: string, vpcId: string, instanceId: string, fingerprint: string): Promise<void> {
    await this.redis.hset(this.keys.driftFingerprints(regionId, vpcId), instanceId, fingerprint);
  }

  /**
   * One sweep per region at a time: a sweep whose SSH re-checks take longer than the interval would otherwise overlap
   * the next one, and both would report the same new drift. Returns the release, or undefined when another sweep runs.
   */
  async lockSweep(regionId: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = `${this.keys.driftFingerprints(regionId, 'sweep')}:lock`;
    const token = `${process.pid}-${Date.now()}-${Math.random()}`;
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    return async () => {
      if ((await this.redis.get(key)) === token) await this.redis.del(key);
    };
  }

  /** Starts the retention clock again after a sweep. */
  async keep(regionId: string, vpcId: string): Promise<void> {
    await this.redis.pexpire(this.keys.driftFingerprints(regionId, vpcId), this.retentionMs);
  }
}
