import type { Plan, StablePlanFacts } from '../../domain/plan-types.ts';
import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Keys } from './keys.ts';
import { releaseIfHeld, script } from './lua.ts';

// Taken when free or already this run's (then extended); 1 when held by `token` afterwards.
const claimScript = script(`
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

const factsField = (instanceId: string): string => `facts:${instanceId}`;

/** The per-instance plans of a batch, kept out of its record until its children are created with them. */
export class BatchPlanStore {
  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly retentionMs: number) {}

  /** Each instance's plan under its id, and the stable facts its plan was made from under `facts:<id>`. */
  async save(batchId: string, plans: ReadonlyMap<string, Plan>, facts?: ReadonlyMap<string, StablePlanFacts>): Promise<void> {
    if (!plans.size) return;
    const key = this.keys.batchPlans(batchId);
    await this.redis.multi()
      .hset(key, ...[...plans].flatMap(([instanceId, p]) => [instanceId, JSON.stringify(p)]),
        ...[...(facts ?? [])].flatMap(([instanceId, f]) => [factsField(instanceId), JSON.stringify(f)]))
      .pexpire(key, this.retentionMs)
      .exec();
  }

  /**
   * The right to plan the batch, for `ttlMs` (renewed by calling again with the same token). A batch job that BullMQ
   * took for stalled runs again beside the first (its processor is not stopped): two plans at once would each see the
   * other's children as ActiveJob and overwrite each other's plan.
   */
  async claimPlanning(batchId: string, token: string, ttlMs: number): Promise<boolean> {
    return Number(await claimScript.run(this.redis, [this.keys.batchPlanning(batchId)], [token, String(ttlMs)])) === 1;
  }

  async releasePlanning(batchId: string, token: string): Promise<void> {
    await releaseIfHeld.run(this.redis, [this.keys.batchPlanning(batchId)], [token]);
  }

  async get(batchId: string, instanceId: string): Promise<Plan | undefined> {
    const raw = await this.redis.hget(this.keys.batchPlans(batchId), instanceId);
    return raw ? (JSON.parse(raw) as Plan) : undefined;
  }

  /** An instance's plan with the stable facts it was made from (absent when saved without them), in one read. */
  async child(batchId: string, instanceId: string): Promise<{ plan: Plan; facts?: StablePlanFacts } | undefined> {
    const [plan, facts] = await this.redis.hmget(this.keys.batchPlans(batchId), instanceId, factsField(instanceId));
    if (!plan) return undefined;
    return { plan: JSON.parse(plan) as Plan, ...(facts ? { facts: JSON.parse(facts) as StablePlanFacts } : {}) };
  }

  async drop(batchId: string): Promise<void> {
    await this.redis.del(this.keys.batchPlans(batchId));
  }
}
