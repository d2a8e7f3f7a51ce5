// Redis for the demo: the one REDIS_URL names if it answers; else a private, throw-away redis-server on a free
// loopback port (no persistence) when one is installed; else a clear message on how to get Redis. The mechanics
// live in util/private-redis.ts (the benchmarks want the same); what is demo-specific stays here.
import { connectOrStartRedis, RedisUnavailableError, type ObtainedRedis } from '../util/private-redis.ts';
import { msg } from '../i18n/catalog.ts';
import type { Lang } from '../i18n/lang.ts';

export { DEFAULT_REDIS_URL, deleteKeys, findOnPath, freePort, redisAnswers, startPrivateRedis } from '../util/private-redis.ts';

export type DemoRedis = ObtainedRedis;

/** Why the demo cannot run; `message` is printed as is. */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}

/** REDIS_URL if it answers, else a private redis-server, else DemoSetupError with instructions (in `lang`). */
export async function obtainRedis(url: string, onNote: (s: string) => void, lang: Lang = 'en'): Promise<DemoRedis> {
  const t = msg(lang);
  try {
    return await connectOrStartRedis({ url, onNote, startingNote: t.progRedisStarting, howToGetRedis: (u) => t.demoNeedsRedis({ url: u }) });
  } catch (e) {
    // The demo reports its set-up problems as DemoSetupError (printed as is, no stack).
    throw e instanceof RedisUnavailableError ? new DemoSetupError(e.message) : e;
  }
}
