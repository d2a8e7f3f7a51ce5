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

  /** Starts the retention clock again after a sweep. */
  async keep(regionId: string, vpcId: string): Promise<void> {
    await this.redis.pexpire(this.keys.driftFingerprints(regionId, vpcId), this.retentionMs);
  }
}
