// The composition root: the one place the validated configuration is mapped onto the typed options of the
// adapters and the engine. Nothing below runtime/ reads the environment or the Config type.
import type { Logger } from 'pino';
import { createAlibabaCloud, type AlibabaCloudOptions } from '../cloud/alibaba/index.ts';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { PriorityBudget } from '../cloud/priority-budget.ts';
import type { Config } from '../config.ts';
import { freezeStatus, parseFreezeWindows } from '../domain/freeze-windows.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { DEFAULT_EXPECTED_LATENCIES, type DriftSweepSettings, type EngineHooks, type EngineOptions, type PublicEdge, type WorkerSettings } from '../engine/options.ts';
import type { Notifier } from '../engine/ports.ts';
import { RedisRateBudget } from '../engine/store/api-rate-budget.ts';
import { makeKeys } from '../engine/store/keys.ts';
import { createRedisConnection, type RedisConnection, type RedisUrlTarget } from '../util/redis-connection.ts';

export function redisTargetFromConfig(c: Pick<Config, 'REDIS_URL' | 'NATMIGRATE_REDIS_CLUSTER'>): RedisUrlTarget {
  return { url: c.REDIS_URL, cluster: c.NATMIGRATE_REDIS_CLUSTER };
}

/** host:port of NATMIGRATE_PUBLIC_EDGE (the schema checked the shape). */
function parsePublicEdge(s: string | undefined): PublicEdge | undefined {
  if (!s) return undefined;
  const m = /^([^:/]+):(\d{1,5})$/.exec(s.trim());
  if (!m) throw new Error(`NATMIGRATE_PUBLIC_EDGE must be host:port, not ${s}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** The change-freeze gate from NATMIGRATE_FREEZE_WINDOWS / NATMIGRATE_TIMEZONE (undefined when none are set). */
export function cutoverGateFromConfig(c: Pick<Config, 'NATMIGRATE_FREEZE_WINDOWS' | 'NATMIGRATE_TIMEZONE'>): ((now: Date) => Date | undefined) | undefined {
  if (!c.NATMIGRATE_FREEZE_WINDOWS.trim()) return undefined;
  const parsed = parseFreezeWindows(c.NATMIGRATE_FREEZE_WINDOWS, c.NATMIGRATE_TIMEZONE);
  if (!parsed.ok) throw new Error(`NATMIGRATE_FREEZE_WINDOWS: ${parsed.errors.join('; ')}`);
  const windows = parsed.windows;
  return (now) => {
    const s = freezeStatus(windows, now, c.NATMIGRATE_TIMEZONE);
    return s.frozen ? s.until : undefined;
  };
}

/** The drift sweep, on when gateways and a channel are configured (the schema checked both). */
export function driftSweepFromConfig(c: Config): DriftSweepSettings | undefined {
  if (!c.NATMIGRATE_DRIFT_NAT_GATEWAYS.length || !c.NATMIGRATE_DRIFT_CHANNEL) return undefined;
  return {
    intervalMs: c.NATMIGRATE_DRIFT_INTERVAL, natGatewayIds: [...new Set(c.NATMIGRATE_DRIFT_NAT_GATEWAYS)],
    channelId: c.NATMIGRATE_DRIFT_CHANNEL, regionId: c.NATMIGRATE_REGION,
  };
}

/**
 * The Alibaba adapter's options. Credentials: the keys when configured, else the default chain of
 * @alicloud/credentials (OIDC role, profile file, ECS RAM role, credentials URI).
 */
export function cloudOptionsFromConfig(c: Config): AlibabaCloudOptions {
  const id = c.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const secret = c.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const token = c.ALIBABA_CLOUD_SECURITY_TOKEN;
  return {
    regionId: c.NATMIGRATE_REGION,
    ...(c.NATMIGRATE_ECS_ENDPOINT ? { ecsEndpoint: c.NATMIGRATE_ECS_ENDPOINT } : {}),
    ...(c.NATMIGRATE_VPC_ENDPOINT ? { vpcEndpoint: c.NATMIGRATE_VPC_ENDPOINT } : {}),
    protocol: c.NATMIGRATE_CLOUD_PROTOCOL,
    credentials: id && secret ? { accessKeyId: id, accessKeySecret: secret, ...(token ? { securityToken: token } : {}) } : 'default-chain',
  };
}

/** Engine options from the configuration. */
export function engineOptionsFromConfig(c: Config): Partial<EngineOptions> {
  const gate = cutoverGateFromConfig(c);
  return {
    approvalTtlMs: c.NATMIGRATE_APPROVAL_TTL,
    requiredApprovals: c.NATMIGRATE_MIN_APPROVALS,
    autoRollback: c.NATMIGRATE_AUTO_ROLLBACK,
    egressUrl: c.NATMIGRATE_EGRESS_URL,
    verifyTimeoutMs: c.NATMIGRATE_VERIFY_TIMEOUT,
    recordRetentionMs: c.NATMIGRATE_RECORD_RETENTION,
    publicEdge: parsePublicEdge(c.NATMIGRATE_PUBLIC_EDGE),
    // Each wait's first read when the change is typically done: one read per wait, not five (README, "calls").
    ...(c.NATMIGRATE_POLL_SCHEDULE === 'typical' ? { expectedMs: { ...DEFAULT_EXPECTED_LATENCIES } } : {}),
    // The zone only words the "waiting for the change window until …" note.
    ...(gate ? { cutoverGate: gate, cutoverTimeZone: c.NATMIGRATE_TIMEZONE } : {}),
  };
}

function workerSettingsFromConfig(c: Config): Partial<WorkerSettings> {
  return { concurrency: c.NATMIGRATE_WORKER_CONCURRENCY };
}

export interface ProductEngineDeps {
  notifier: Notifier;
  logger?: Logger;
  hooks?: EngineHooks;
  worker?: Partial<WorkerSettings>;
  /** Overrides on top of the Config mapping (tests, harnesses). */
  options?: Partial<EngineOptions>;
  /** Adapter options on top of the Config mapping (observers; a faster waiter schedule in harnesses). */
  cloudOverrides?: Partial<AlibabaCloudOptions>;
  /** Replaces the adapter (tests, tools). */
  cloud?: CloudPort;
}

/**
 * The engine as the product runs it: the Alibaba adapter drawing from the Redis-backed rate budget shared by every
 * worker (in front of it, this process's calls queue by priority: cutover first), and the options from Config.
 */
export function createProductEngine(c: Config, deps: ProductEngineDeps): Engine & { budgetRedis?: RedisConnection } {
  let budgetRedis: RedisConnection | undefined;
  let cloud = deps.cloud;
  if (!cloud) {
    budgetRedis = createRedisConnection(redisTargetFromConfig(c), 'rate-budget');
    const rateBudget = new PriorityBudget(new RedisRateBudget(budgetRedis, makeKeys(c.NATMIGRATE_QUEUE_PREFIX), { ratePerSec: c.NATMIGRATE_API_RATE }));
    cloud = createAlibabaCloud({ ...cloudOptionsFromConfig(c), ...(deps.cloudOverrides ?? {}), rateBudget });
  }
  const drift = driftSweepFromConfig(c);
  const engine = createEngine({
    redis: redisTargetFromConfig(c),
    prefix: c.NATMIGRATE_QUEUE_PREFIX,
    cloud,
    notifier: deps.notifier,
    options: { ...engineOptionsFromConfig(c), ...(deps.hooks ? { hooks: deps.hooks } : {}), ...(deps.options ?? {}) },
    ...(drift ? { drift } : {}),
    worker: { ...workerSettingsFromConfig(c), ...(deps.worker ?? {}) },
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  if (!budgetRedis) return engine;
  const close = engine.close.bind(engine);
  const budget = budgetRedis;
  return Object.assign(engine, {
    budgetRedis,
    async close() {
      await close();
      await budget.quit().catch(() => {});
    },
  });
}
