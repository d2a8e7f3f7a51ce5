import type { Plan } from '../../domain/plan-types.ts';
import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Keys } from './keys.ts';

/** The per-instance plans of a batch, kept out of its record until its children are created with them. */
export class BatchPlanStore {
  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly retentionMs: number) {}

  async save(batchId: string, plans: ReadonlyMap<string, Plan>): Promise<void> {
    if (!plans.size) return;
    const key = this.keys.batchPlans(batchId);
    await this.redis.multi()
      .hset(key, ...[...plans].flatMap(([instanceId, p]) => [instanceId, JSON.stringify(p)]))
      .pexpire(key, this.retentionMs)
      .exec();
  }

  async get(batchId: string, instanceId: string): Promise<Plan | undefined> {
    const raw = await this.redis.hget(this.keys.batchPlans(batchId), instanceId);
    return raw ? (JSON.parse(raw) as Plan) : undefined;
  }

  async drop(batchId: string): Promise<void> {
    await this.redis.del(this.keys.batchPlans(batchId));
  }
}
