import { createRedisConnection, redisTargetFromConfig, type RedisConnection } from '../util/redis-connection.ts';
import type { Logger } from 'pino';
import { cloudOptionsFromEnv, createAlibabaCloud, type AlibabaCloudOptions } from '../cloud/alibaba/index.ts';
import type { CloudPort } from '../cloud/cloud-port.ts';
import type { Config } from '../config.ts';
import { freezeStatus, parseFreezeWindows } from '../domain/freeze-windows.ts';
import { createEngine, engineOptionsFromConfig, workerSettingsFromConfig, type Engine, type WorkerSettings } from './engine.ts';
import { makeKeys } from './keys.ts';
import type { Notifier } from './ports.ts';
import type { EngineHooks, EngineOptions } from './processor.ts';
import { RedisRateBudget } from './redis-rate-budget.ts';
import { PriorityBudget } from '../cloud/priority-budget.ts';
import { driftSettingsFrom } from './drift.ts';

/** The change-freeze gate from NATMIGRATE_FREEZE_WINDOWS / NATMIGRATE_TIMEZONE (undefined when none are set). */
export function cutoverGateFromConfig(c: Config): ((now: Date) => Date | undefined) | undefined {
  if (!c.NATMIGRATE_FREEZE_WINDOWS.trim()) return undefined;
  const parsed = parseFreezeWindows(c.NATMIGRATE_FREEZE_WINDOWS, c.NATMIGRATE_TIMEZONE);
  if (!parsed.ok) throw new Error(`NATMIGRATE_FREEZE_WINDOWS: ${parsed.errors.join('; ')}`);
  const windows = parsed.windows;
  return (now) => {
    const s = freezeStatus(windows, now, c.NATMIGRATE_TIMEZONE);
    return s.frozen ? s.until : undefined;
  };
}

/**
 * The engine as the product runs it: the Alibaba adapter (endpoints and credentials from the environment, region
 * and endpoints from Config) drawing from the Redis-backed rate budget shared by every worker, and the options
 * mapped from Config. `cloud` replaces the adapter (tests, tools).
 */
export function createEngineFromConfig(c: Config, deps: {
  notifier: Notifier;
  env?: Record<string, string | undefined>;
  cloud?: CloudPort;
  logger?: Logger;
  hooks?: EngineHooks;
  worker?: Partial<WorkerSettings>;
  /** Overrides on top of the Config mapping. */
  options?: Partial<EngineOptions>;
  /** Adapter options on top of the environment's (e.g. a faster waiter schedule in tests). */
  cloudOverrides?: Partial<AlibabaCloudOptions>;
}): Engine & { budgetRedis?: RedisConnection } {
  let budgetRedis: RedisConnection | undefined;
  let cloud = deps.cloud;
  if (!cloud) {
    budgetRedis = createRedisConnection(redisTargetFromConfig(c), 'rate-budget');
    // Shared across workers in Redis; in front of it, this process's calls queue by priority (cutover first).
    const rateBudget = new PriorityBudget(new RedisRateBudget(budgetRedis, makeKeys(c.NATMIGRATE_QUEUE_PREFIX), { ratePerSec: c.NATMIGRATE_API_RATE }));
    const fromEnv = cloudOptionsFromEnv(deps.env ?? process.env);
    cloud = createAlibabaCloud({
      ...fromEnv,
      regionId: c.NATMIGRATE_REGION,
      ...(c.NATMIGRATE_ECS_ENDPOINT ? { ecsEndpoint: c.NATMIGRATE_ECS_ENDPOINT } : {}),
      ...(c.NATMIGRATE_VPC_ENDPOINT ? { vpcEndpoint: c.NATMIGRATE_VPC_ENDPOINT } : {}),
      protocol: c.NATMIGRATE_CLOUD_PROTOCOL,
      ...(deps.cloudOverrides ?? {}),
      rateBudget,
    });
  }
  const gate = cutoverGateFromConfig(c);
  const engine = createEngine({
    redis: redisTargetFromConfig(c),
    prefix: c.NATMIGRATE_QUEUE_PREFIX,
    cloud,
    notifier: deps.notifier,
    options: {
      ...engineOptionsFromConfig(c, { ...(gate ? { cutoverGate: gate } : {}), ...(deps.hooks ? { hooks: deps.hooks } : {}) }),
      // The zone only words the "waiting for the change window until …" note.
      ...(gate ? { cutoverTimeZone: c.NATMIGRATE_TIMEZONE } : {}),
      ...(deps.options ?? {}),
    },
    // NATMIGRATE_DRIFT_* are read from Config when it has them, else from the raw environment.
    ...((): { drift?: NonNullable<ReturnType<typeof driftSettingsFrom>> } => {
      const drift = driftSettingsFrom({ ...(deps.env ?? process.env), ...(c as unknown as Record<string, unknown>) }, c.NATMIGRATE_REGION);
      return drift ? { drift } : {};
    })(),
    worker: { ...workerSettingsFromConfig(c), ...(deps.worker ?? {}) },
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  if (!budgetRedis) return engine;
  const close = engine.close.bind(engine);
  return Object.assign(engine, {
    budgetRedis,
    async close() {
      await close();
      await budgetRedis!.quit().catch(() => {});
    },
  });
}
