// The one place natmigrate opens Redis connections: one endpoint (`new Redis(url)`), or with
// NATMIGRATE_REDIS_CLUSTER a cluster-aware client seeded from the comma-separated nodes of REDIS_URL.
// Every key of a deployment carries the prefix's hash tag, so on a cluster they all live in one slot and
// MULTI, pipelines and the Lua scripts (ours and BullMQ's) run unchanged.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { hasHashTag, redisSeedUrls } from './redis-urls.ts';

/** A connection of either kind; BullMQ and the stores only use commands both clients have. */
export type RedisConnection = Redis | Cluster;

/** REDIS_URL plus the cluster switch, as in Config. */
export interface RedisUrlTarget {
  url: string;
  /** Seed a Redis Cluster client from the URL's nodes instead of one endpoint. */
  cluster?: boolean;
}

/** Where Redis is: a URL (one endpoint), ioredis options (one endpoint; tests), or URL + cluster switch. */
export type RedisTarget = string | RedisOptions | RedisUrlTarget;

/** What a connection is for; shows as its CLIENT SETNAME (`natmigrate:<purpose>`) in CLIENT LIST. */
export type RedisPurpose =
  | 'engine' | 'queue' | 'worker' | 'fleet-queue' | 'fleet-worker' | 'rate-budget' | 'runtime' | 'events';

function isClusterTarget(target: RedisTarget): boolean {
  return typeof target === 'object' && 'url' in target && target.cluster === true;
}

/** Throws when `prefix` would spread keys over several slots of a cluster (CROSSSLOT in every script). */
export function assertPrefixFitsTarget(target: RedisTarget, prefix: string): void {
  if (isClusterTarget(target) && !hasHashTag(prefix)) {
    throw new Error(`queue prefix '${prefix}' has no {…} hash tag; on a Redis Cluster it needs one (e.g. {natmigrate})`);
  }
}

export function createRedisConnection(target: RedisTarget, purpose: RedisPurpose): RedisConnection {
  // BullMQ requires maxRetriesPerRequest null on its connections; our own commands also wait out a reconnect
  // instead of failing a step after N retries.
  const base = { maxRetriesPerRequest: null, connectionName: `natmigrate:${purpose}` } satisfies RedisOptions;
  if (typeof target === 'string') return new Redis(target, base);
  if (!('url' in target)) return new Redis({ ...target, ...base });
  if (!target.cluster) return new Redis(target.url, base);

  const seeds = redisSeedUrls(target.url).map((s) => new URL(s));
  const first = seeds[0];
  if (!first) throw new Error('REDIS_URL names no Redis Cluster seed node');
  // Credentials and TLS apply to every node, including the ones discovered through CLUSTER SLOTS.
  const redisOptions: RedisOptions = {
    ...base,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const nodes = seeds.map((u) => ({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port ? Number(u.port) : 6379 }));
  return new Cluster(nodes, { redisOptions });
}
