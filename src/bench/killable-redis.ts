// The Redis chaos kills: a private redis-server with AOF on, which it SIGKILLs and restarts on the same port and
// directory. (Bench and chaos otherwise use util/private-redis.ts: REDIS_URL, or a throw-away private server.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

import { findOnPath, freePort, redisAnswers } from '../util/private-redis.ts';
import { stopChild } from '../util/stop-child.ts';

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

  const stop = (signal: NodeJS.Signals) => (child ? stopChild(child, { signal }) : Promise.resolve());

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
