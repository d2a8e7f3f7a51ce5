import { Redis } from 'ioredis';
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
}): Engine & { budgetRedis?: Redis } {
  let budgetRedis: Redis | undefined;
  let cloud = deps.cloud;
  if (!cloud) {
    budgetRedis = new Redis(c.REDIS_URL, { maxRetriesPerRequest: null });
    const rateBudget = new RedisRateBudget(budgetRedis, makeKeys(c.NATMIGRATE_QUEUE_PREFIX), { ratePerSec: c.NATMIGRATE_API_RATE });
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
    redis: c.REDIS_URL,
    prefix: c.NATMIGRATE_QUEUE_PREFIX,
    cloud,
    notifier: deps.notifier,
    options: {
      ...engineOptionsFromConfig(c, { ...(gate ? { cutoverGate: gate } : {}), ...(deps.hooks ? { hooks: deps.hooks } : {}) }),
      ...(deps.options ?? {}),
    },
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
