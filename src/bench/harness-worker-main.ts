// The one worker process of the harnesses (bench, chaos and the crash test): the product's worker
// (createProductEngine: the Alibaba adapter on the Redis rate budget, configured from the environment like
// `natmigrate worker`), plus what a harness needs:
//   NATMIGRATE_BENCH_WORKER  JSON {engine?: Partial<EngineOptions>, worker?: Partial<WorkerSettings>,
//                            cloud?: {timeouts?, retry?, waiter?}, eventsKey: string, crashAt?: "<step>:<point>",
//                            hold?: boolean}
// `crashAt` SIGKILLs this process at that point of the first job that reaches it (a power cut); `hold`
// loads everything, prints "worker loaded <pid>" and starts taking jobs only on SIGUSR2 (a warm stand-by).
// Prints "worker ready <pid>" once it takes jobs; SIGTERM shuts it down gracefully. NATMIGRATE_BENCH_MEMLOG=1 prints
// its memory every 5 s on stderr. Started by harness-worker.ts, in a heap-tuned worker thread like `natmigrate worker`.
import { writeSync } from 'node:fs';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { AlibabaCloudOptions } from '../cloud/alibaba/index.ts';
import { loadConfig } from '../config.ts';
import { RedisListNotifier } from '../engine/notifiers.ts';
import type { EngineHooks, EngineOptions, WorkerSettings } from '../engine/options.ts';
import { createProductEngine } from '../runtime/compose.ts';

export interface BenchWorkerConfig {
  engine?: Partial<EngineOptions>;
  worker?: Partial<WorkerSettings>;
  cloud?: Pick<AlibabaCloudOptions, 'timeouts' | 'retry' | 'waiter'>;
  eventsKey: string;
  crashAt?: string;
  hold?: boolean;
}

export async function runHarnessWorker(): Promise<void> {
  const env = process.env;
  const cfg = JSON.parse(env.NATMIGRATE_BENCH_WORKER ?? '{}') as BenchWorkerConfig;
  const loaded = loadConfig(env, 'worker');
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`config: ${p}\n`);
    process.exit(2);
  }
  const config = loaded.config;

  const hooks: EngineHooks | undefined = cfg.crashAt
    ? {
      point(step, where) {
        if (`${step}:${where}` !== cfg.crashAt) return;
        // Synchronous write, then an uncatchable kill: nothing after this line runs, like a power cut.
        writeSync(1, `crash ${cfg.crashAt}\n`);
        process.kill(process.pid, 'SIGKILL');
      },
    }
    : undefined;

  const log = pino({ level: config.LOG_LEVEL, name: 'natmigrate-bench-worker' }, pino.destination({ dest: 2, sync: true }));
  const eventsRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  eventsRedis.on('error', () => {});
  const notifier = new RedisListNotifier(eventsRedis, cfg.eventsKey);
  const engine = createProductEngine(config, {
    notifier, logger: log, ...(hooks ? { hooks } : {}),
    worker: { reconcileIntervalMs: 5_000, ...(cfg.worker ?? {}) },
    options: cfg.engine ?? {},
    cloudOverrides: cfg.cloud ?? {},
  });

  let handle: Awaited<ReturnType<typeof engine.startWorker>> | undefined;
  if (cfg.hold) {
    let start: (() => void) | undefined;
    // Installed for the whole life of the process: a signal without a handler would kill it.
    process.on('SIGUSR2', () => {
      if (!handle) { start?.(); return; }
      handle.worker.resume();
      writeSync(1, 'worker resumed\n');
    });
    process.on('SIGUSR1', () => { void handle?.worker.pause().then(() => writeSync(1, 'worker paused\n')); });
    const started = new Promise<void>((resolve) => { start = resolve; });
    writeSync(1, `worker loaded ${process.pid}\n`);
    await started;
  }
  if (env.NATMIGRATE_BENCH_MEMLOG) {
    setInterval(() => {
      const m = process.memoryUsage();
      process.stderr.write(`mem rss=${(m.rss / 1e6).toFixed(0)} heapUsed=${(m.heapUsed / 1e6).toFixed(0)} heapTotal=${(m.heapTotal / 1e6).toFixed(0)} ext=${(m.external / 1e6).toFixed(0)}\n`);
    }, 5000).unref();
  }
  handle = await engine.startWorker();
  writeSync(1, `worker ready ${process.pid}\n`);

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await handle?.close({ graceMs: 5_000 });
    await engine.close();
    await eventsRedis.quit().catch(() => {});
    process.exit(0);
  }
  process.on('SIGTERM', () => { void stop(); });
  process.on('SIGINT', () => { void stop(); });
}
