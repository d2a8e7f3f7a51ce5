// Redis for the demo: the one REDIS_URL names if it answers; else a private, throw-away redis-server on a free
// loopback port (no persistence) when one is installed; else a clear message on how to get Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface DemoRedis {
  url: string;
  /** Set when the demo started its own redis-server. */
  privatePort?: number;
  /** Stops the private server, if any. */
  close(): Promise<void>;
}

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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Start `redis-server` on a free loopback port, without persistence; resolves once it answers PING. */
export async function startPrivateRedis(bin: string): Promise<DemoRedis> {
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new DemoSetupError(`could not start ${bin}: ${e.message}`)));
    child.once('exit', (code) => reject(new DemoSetupError(`${bin} exited (code ${code}) before answering${stderr ? `:\n${stderr.trim()}` : ''}`)));
  });
  spawnError.catch(() => {}); // only raced below; an exit after start-up is not an error
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  try {
    for (;;) {
      if (await Promise.race([redisAnswers(url, 500), spawnError])) break;
      if (Date.now() > deadline) throw new DemoSetupError(`${bin} did not answer on port ${port} within 5 s`);
      await Promise.race([new Promise((r) => setTimeout(r, 50)), spawnError]);
    }
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { url, privatePort: port, close: () => stopChild(child) };
}

/** REDIS_URL if it answers, else a private redis-server, else DemoSetupError with instructions. */
export async function obtainRedis(url: string, onNote: (s: string) => void): Promise<DemoRedis> {
  if (await redisAnswers(url)) return { url, close: async () => {} };
  const bin = findOnPath('redis-server');
  if (!bin) throw new DemoSetupError(howToGetRedis(url));
  onNote(`nothing answered at ${url}; starting a private ${bin} (no persistence, stopped at the end)`);
  return startPrivateRedis(bin);
}

/** Delete every key under the demo's prefix. */
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
