// Redis for tools that must run anywhere (the demo, benchmarks): the one a URL names if it answers; else a private,
// throw-away redis-server on a free loopback port (no persistence) when one is installed; else a clear error.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { stopChild } from './stop-child.ts';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ObtainedRedis {
  url: string;
  /** Set when a private redis-server was started. */
  privatePort?: number;
  /** Stops the private server, if any; a shared Redis is left alone. */
  close(): Promise<void>;
}

/** No Redis to be had, or the private one would not start; `message` is meant for people. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** PING with short timeouts and no retries: true when a Redis answers at `url`. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null,
  });
  r.on('error', () => {}); // a refused connection is an answer here, not a crash
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Start `redis-server` on a free loopback port, without persistence; resolves once it answers PING. */
export async function startPrivateRedis(bin: string): Promise<ObtainedRedis> {
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new RedisUnavailableError(`could not start ${bin}: ${e.message}`)));
    child.once('exit', (code) => reject(new RedisUnavailableError(`${bin} exited (code ${code}) before answering${stderr ? `:\n${stderr.trim()}` : ''}`)));
  });
  spawnError.catch(() => {}); // only raced below; an exit after start-up is not an error
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  try {
    for (;;) {
      if (await Promise.race([redisAnswers(url, 500), spawnError])) break;
      if (Date.now() > deadline) throw new RedisUnavailableError(`${bin} did not answer on port ${port} within 5 s`);
      await Promise.race([new Promise((r) => setTimeout(r, 50)), spawnError]);
    }
  } catch (e) {
    await stopChild(child, { graceMs: 3000 });
    throw e;
  }
  return { url, privatePort: port, close: () => stopChild(child, { graceMs: 3000 }) };
}

export interface ObtainRedisOptions {
  /** Default: REDIS_URL, else redis://127.0.0.1:6379. */
  url?: string;
  /** Told when a private server is about to be started (and why). */
  onNote?: (note: string) => void;
  /** The wording of that note (the demo's is in its language); default English. */
  startingNote?: (p: { url: string; bin: string }) => string;
  /** The error message when nothing answers and no redis-server is installed (say how to get Redis). */
  howToGetRedis?: (url: string) => string;
}

/** The Redis at `url` if it answers, else a private redis-server, else RedisUnavailableError. */
export async function connectOrStartRedis(opts: ObtainRedisOptions = {}): Promise<ObtainedRedis> {
  const url = opts.url ?? (process.env.REDIS_URL || DEFAULT_REDIS_URL);
  if (await redisAnswers(url)) return { url, close: async () => {} };
  const bin = findOnPath('redis-server');
  if (!bin) {
    throw new RedisUnavailableError(opts.howToGetRedis?.(url)
      ?? `nothing answers at ${url} and no redis-server is installed; start Redis 7 (or set REDIS_URL) and run again`);
  }
  opts.onNote?.(opts.startingNote?.({ url, bin })
    ?? `nothing answered at ${url}; starting a private ${bin} (no persistence, stopped at the end)`);
  return startPrivateRedis(bin);
}

/** Delete every key under a prefix (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) n += await redis.del(...keys);
  } while (cursor !== '0');
  return n;
}
