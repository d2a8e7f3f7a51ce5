// Redis for bench and chaos: REDIS_URL (or the default) when it answers, else a private redis-server on a free
// loopback port. Chaos also starts its own AOF-backed server, which it may kill and restart; the shared Redis is
// never restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

// Probing, PATH lookup and free ports are shared with the demo.
import { DEFAULT_REDIS_URL, findOnPath, freePort, redisAnswers } from '../util/private-redis.ts';
export { DEFAULT_REDIS_URL, findOnPath, freePort, redisAnswers };

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  readonly pid: number | undefined;
  /** SIGKILL (a crash: only what the AOF holds survives) or SIGTERM. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and directory (AOF is replayed). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** A private redis-server on a free loopback port, in a temp directory; `appendonly` turns AOF on (fsync always). */
export async function startRedisServer(opts: { appendonly?: boolean; bin?: string } = {}): Promise<RedisServer> {
  const bin = opts.bin ?? findOnPath('redis-server');
  if (!bin) throw new Error('no redis-server on PATH');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'natmigrate-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    ...(opts.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;

  async function launch(): Promise<void> {
    const c = spawn(bin!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    let stderr = '';
    c.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`redis-server exited (${c.exitCode}): ${stderr.trim()}`);
      if (await redisAnswers(url, 300)) {
        // With AOF the server answers LOADING until the file is replayed; wait for a real command to work.
        const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
        r.on('error', () => {});
        try {
          await r.connect();
          await r.dbsize();
          return;
        } catch { /* still loading */ } finally { r.disconnect(); }
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function stop(signal: NodeJS.Signals): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      c.once('exit', () => { clearTimeout(t); resolve(); });
      c.kill(signal);
    });
  }

  await launch();
  return {
    url, port, dir,
    get pid() { return child?.pid; },
    kill: (signal = 'SIGKILL') => stop(signal),
    restart: launch,
    async close() {
      await stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchRedis {
  url: string;
  note?: string;
  close(): Promise<void>;
}

/** REDIS_URL (or the default) if it answers; else a private redis-server; else an error saying what to do. */
export async function obtainRedis(): Promise<BenchRedis> {
  const url = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) return { url, close: async () => {} };
  if (!findOnPath('redis-server')) {
    throw new Error(`nothing answers at ${url} and no redis-server is installed; start Redis 7 (or set REDIS_URL) and run again`);
  }
  const s = await startRedisServer();
  return { url: s.url, note: `nothing answered at ${url}; using a private redis-server on port ${s.port}`, close: () => s.close() };
}

/** Deletes every key under a prefix. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) n += await redis.del(...keys);
  } while (cursor !== '0');
  return n;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
