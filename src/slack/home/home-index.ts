import type { RedisConnection } from '../../util/redis-connection.ts';
import type { MigrationEvent } from '../../domain/events.ts';
import { isBatchJobId } from '../blocks/batch-card.ts';
import type { Delivered } from '../outbox/index.ts';

/**
 * What the App Home needs beyond the engine's records, kept in Redis from the events the outbox delivered: the jobs
 * that finished (newest first), the batches in flight, and per NAT gateway how many instances still egress through a
 * DNAT IP mapping: from the last read of its VPC (a scan), then one less for each migration that ends migrated (one
 * more for each rollback). Plus who looks at their Home tab (refreshed when a job
 * changes) and the id of each person's published view (a click must come from it).
 */

export interface GatewayCount {
  natGatewayId: string;
  vpcId: string;
  regionId: string;
  /** Instances whose egress is a DNAT IP mapping on this gateway. */
  mapped: number;
  /** ISO time of the read. */
  at: string;
}

const FINISHED_KEPT = 100;
/** Home tabs opened within this long are refreshed when a job changes. */
export const VIEWER_TTL_MS = 7 * 24 * 3600_000;

/** Events after which a Home tab shows something else. */
const CHANGES = new Set<MigrationEvent['type']>(['job.queued', 'approval.requested', 'approval.recorded', 'approval.decided', 'finished', 'batch.planned', 'scan.finished', 'cancel.requested']);

export function homeKeys(prefix: string) {
  return {
    finished: `${prefix}:home:finished`,
    batches: `${prefix}:home:batches`,
    gateways: `${prefix}:home:gateways`,
    jobGateway: `${prefix}:home:job-gateway`,
    viewers: `${prefix}:home:viewers`,
    view: (userId: string) => `${prefix}:home:view:${userId}`,
  };
}

export interface HomeIndex {
  /** Record what the delivered event changes; true when Home tabs should be refreshed. */
  observe(d: Delivered): Promise<boolean>;
  finished(limit: number): Promise<string[]>;
  batches(): Promise<string[]>;
  gateways(): Promise<GatewayCount[]>;
  seen(userId: string, nowMs: number): Promise<void>;
  viewers(nowMs: number, limit: number): Promise<string[]>;
  isViewer(userId: string, nowMs: number): Promise<boolean>;
  setView(userId: string, viewId: string): Promise<void>;
  viewOf(userId: string): Promise<string | undefined>;
}

export function createHomeIndex(redis: RedisConnection, prefix: string): HomeIndex {
  const K = homeKeys(prefix);
  return {
    async observe(d) {
      const ev = d.event;
      if (ev.type.startsWith('slack.')) return false;
      const e = ev as MigrationEvent;
      if (isBatchJobId(d.jobId) && e.type !== 'finished') await redis.sadd(K.batches, d.jobId);
      // A migration or rollback moves its gateway's count by one, when the count was read before it happened.
      if (e.type === 'approval.requested' && !e.batch) await redis.hset(K.jobGateway, d.jobId, e.plan.natGatewayId);
      if (e.type === 'finished') {
        // One transaction with the list of finished jobs: a Home read in between would show the job finished and
        // the count from before it.
        const m = redis.multi();
        let writes = false;
        if (e.outcome === 'migrated' || e.outcome === 'rolled_back') {
          const gw = await redis.hget(K.jobGateway, d.jobId);
          const raw = gw ? await redis.hget(K.gateways, gw) : null;
          if (gw && raw) {
            const c = JSON.parse(raw) as GatewayCount;
            if (Date.parse(c.at) < Date.parse(e.at)) {
              c.mapped = Math.max(0, c.mapped + (e.outcome === 'migrated' ? -1 : 1));
              c.at = e.at;
              m.hset(K.gateways, gw, JSON.stringify(c));
            }
          }
          m.hdel(K.jobGateway, d.jobId);
          writes = true;
        }
        if (d.mode === 'thread') {
          m.srem(K.batches, d.jobId).lrem(K.finished, 0, d.jobId).lpush(K.finished, d.jobId).ltrim(K.finished, 0, FINISHED_KEPT - 1);
          writes = true;
        }
        if (writes) await m.exec();
      }
      if (e.type === 'scan.finished') {
        const counts = new Map<string, number>();
        for (const g of new Set(e.scan.rows.map((r) => r.mappingNatGatewayId).filter((x): x is string => Boolean(x)))) counts.set(g, 0);
        if (e.scan.target.startsWith('ngw-')) counts.set(e.scan.target, counts.get(e.scan.target) ?? 0);
        for (const r of e.scan.rows) if (r.needsMigration && r.mappingNatGatewayId) counts.set(r.mappingNatGatewayId, (counts.get(r.mappingNatGatewayId) ?? 0) + 1);
        for (const [natGatewayId, mapped] of counts) {
          const c: GatewayCount = { natGatewayId, vpcId: e.scan.vpcId, regionId: e.scan.regionId, mapped, at: e.at };
          await redis.hset(K.gateways, natGatewayId, JSON.stringify(c));
        }
      }
      return CHANGES.has(e.type);
    },
    finished: (limit) => redis.lrange(K.finished, 0, limit - 1),
    batches: async () => (await redis.smembers(K.batches)).sort(),
    async gateways() {
      const all = await redis.hgetall(K.gateways);
      return Object.values(all).map((v) => JSON.parse(v) as GatewayCount).sort((a, b) => a.natGatewayId.localeCompare(b.natGatewayId));
    },
    async seen(userId, nowMs) {
      await redis.zadd(K.viewers, String(nowMs), userId);
    },
    async viewers(nowMs, limit) {
      await redis.zremrangebyscore(K.viewers, '-inf', String(nowMs - VIEWER_TTL_MS));
      return redis.zrevrange(K.viewers, 0, limit - 1);
    },
    async isViewer(userId, nowMs) {
      const at = await redis.zscore(K.viewers, userId);
      return at !== null && Number(at) > nowMs - VIEWER_TTL_MS;
    },
    async setView(userId, viewId) {
      await redis.set(K.view(userId), viewId, 'PX', VIEWER_TTL_MS * 4);
    },
    async viewOf(userId) {
      return (await redis.get(K.view(userId))) ?? undefined;
    },
  };
}
