// Redis for the demo: the one REDIS_URL names if it answers; else a private, throw-away redis-server on a free
// loopback port (no persistence) when one is installed; else a clear message on how to get Redis. The mechanics
// live in util/private-redis.ts (the benchmarks want the same); what is demo-specific stays here.
import { connectOrStartRedis, RedisUnavailableError, type ObtainedRedis } from '../util/private-redis.ts';

export { DEFAULT_REDIS_URL, deleteKeys, findOnPath, freePort, redisAnswers, startPrivateRedis } from '../util/private-redis.ts';

export type DemoRedis = ObtainedRedis;

/** Why the demo cannot run; `message` is printed as is. */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}

export function howToGetRedis(url: string): string {
  return [
    `natmigrate demo needs Redis 7 and nothing answered at ${url}, and no redis-server is installed to start a private one.`,
    'Get one of these, then run `npm run demo` again:',
    '  • install it:            sudo apt-get install -y redis-server     (macOS: brew install redis)',
    '  • or run it in Docker:   docker run -d --name natmigrate-redis -p 6379:6379 redis:7',
    '  • or point the demo at one you have:   REDIS_URL=redis://host:6379 npm run demo',
  ].join('\n');
}

/** REDIS_URL if it answers, else a private redis-server, else DemoSetupError with instructions. */
export async function obtainRedis(url: string, onNote: (s: string) => void, startingNote?: (p: { url: string; bin: string }) => string): Promise<DemoRedis> {
  try {
    return await connectOrStartRedis({ url, onNote, howToGetRedis, ...(startingNote ? { startingNote } : {}) });
  } catch (e) {
    // The demo reports its set-up problems as DemoSetupError (printed as is, no stack).
    throw e instanceof RedisUnavailableError ? new DemoSetupError(e.message) : e;
  }
}
