// The one worker process of the harnesses (bench, chaos and the crash test): the product's worker
// (createProductEngine: the Alibaba adapter on the Redis rate budget, configured from the environment like
// `natmigrate worker`), plus what a harness needs:
//   NATMIGRATE_BENCH_WORKER  JSON {engine?: Partial<EngineOptions>, worker?: Partial<WorkerSettings>,
//                            cloud?: {timeouts?, retry?, waiter?}, eventsKey: string, crashAt?: "<step>:<point>",
//                            hold?: boolean, pauseAt?: "<step>:<point>", armedFor?: "<instance id>",
//                            arms?: [{instance, crashAt?, pauseAt?}]}
// `crashAt` SIGKILLs this process at that point of the first job that reaches it (a power cut); `hold`
// loads everything, prints "worker loaded <pid>" and starts taking jobs only on SIGUSR2 (a warm stand-by).
// `pauseAt` SIGSTOPs this process at that point of the first job that reaches it (a long GC, a VM live migration):
// it prints "pause <point>" first and "woke <point>" once a SIGCONT lets it run on. `armedFor`: only a job of that
// instance trips `crashAt` or `pauseAt` (the process first finishes other jobs unharmed). `arms`: several such points,
// each for the jobs of its instance (a woken worker runs on to its next one). Every event it emits carries
// `emittedBy: <pid>`, so a harness can tell which process posted what.
// Prints "worker ready <pid>" once it takes jobs; SIGTERM shuts it down gracefully. NATMIGRATE_BENCH_MEMLOG=1 prints
// its memory every 5 s on stderr. Started by harness-worker.ts, in a heap-tuned worker thread like `natmigrate worker`.
import { writeSync } from 'node:fs';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { AlibabaCloudOptions } from '../cloud/alibaba/index.ts';
import { loadConfig } from '../config.ts';
import type { MigrationEvent } from '../domain/events.ts';
import { parseJobId } from '../domain/ids.ts';
import { RedisListNotifier } from '../engine/notifiers.ts';
import type { EngineHooks, EngineOptions, WorkerSettings } from '../engine/options.ts';
import { createProductEngine } from '../runtime/compose.ts';

export interface BenchWorkerConfig {
  engine?: Partial<EngineOptions>;
  worker?: Partial<WorkerSettings>;
  cloud?: Pick<AlibabaCloudOptions, 'timeouts' | 'retry' | 'waiter'>;
  eventsKey: string;
  crashAt?: string;
  pauseAt?: string;
  /** Only a job of this instance trips crashAt or pauseAt. */
  armedFor?: string;
  /** Points for the jobs of one instance each; with crashAt/pauseAt, one more. */
  arms?: Arm[];
  hold?: boolean;
}

/** A point armed for the jobs of `instance` (of any job when undefined). */
export interface Arm { instance?: string; crashAt?: string; pauseAt?: string }

export async function runHarnessWorker(): Promise<void> {
  const env = process.env;
  const cfg = JSON.parse(env.NATMIGRATE_BENCH_WORKER ?? '{}') as BenchWorkerConfig;
  const loaded = loadConfig(env, 'worker');
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`config: ${p}\n`);
    process.exit(2);
  }
  const config = loaded.config;

  const arms: Arm[] = [...(cfg.arms ?? [])];
  if (cfg.crashAt || cfg.pauseAt) arms.push({ ...(cfg.armedFor !== undefined ? { instance: cfg.armedFor } : {}), ...(cfg.crashAt ? { crashAt: cfg.crashAt } : {}), ...(cfg.pauseAt ? { pauseAt: cfg.pauseAt } : {}) });
  // A pause point stops the process once (the first job of its instance that reaches it).
  const pausedOnce = new Set<Arm>();
  const hooks: EngineHooks | undefined = arms.length
    ? {
      point(step, where, jobId) {
        const here = `${step}:${where}`;
        const instance = parseJobId(jobId)?.instanceId;
        const arm = arms.find((a) => (a.instance === undefined || a.instance === instance) && ((a.pauseAt === here && !pausedOnce.has(a)) || a.crashAt === here));
        if (!arm) return;
        if (arm.pauseAt === here) {
          pausedOnce.add(arm);
          // Stops the whole process right here, synchronously (every thread): no timer, lock renewal or in-flight
          // callback runs until SIGCONT.
          writeSync(1, `pause ${here}\n`);
          process.kill(process.pid, 'SIGSTOP');
          // From the worker thread the stop may land a moment after kill() returns: hold this thread (synchronously,
          // nothing else of it runs) until it surely has, so the step does not go on to its fence check before it.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
          writeSync(1, `woke ${here}\n`);
          return;
        }
        // Synchronous write, then an uncatchable kill: nothing after this line runs, like a power cut.
        writeSync(1, `crash ${here}\n`);
        process.kill(process.pid, 'SIGKILL');
        // From the worker thread the kill may land a moment after kill() returns: this thread waits for it here.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
      },
    }
    : undefined;

  const log = pino({ level: config.LOG_LEVEL, name: 'natmigrate-bench-worker' }, pino.destination({ dest: 2, sync: true }));
  const eventsRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  eventsRedis.on('error', () => {});
  const listNotifier = new RedisListNotifier(eventsRedis, cfg.eventsKey);
  const notifier = { emit: (e: MigrationEvent) => listNotifier.emit({ ...e, emittedBy: process.pid } as unknown as MigrationEvent) };
  const engine = createProductEngine(config, {
    notifier, logger: log, ...(hooks ? { hooks } : {}),
    worker: { reconcileIntervalMs: 5_000, ...(cfg.worker ?? {}) },
    options: cfg.engine ?? {},
    cloudOverrides: cfg.cloud ?? {},
  });

  let handle: Awaited<ReturnType<typeof engine.startWorker>> | undefined;
  if (cfg.hold) {
    let start: (() => void) | undefined;
    // Pausing closes the BullMQ worker (its running jobs finish first) and resuming starts a new one in this warm
    // process: a resumed BullMQ Worker may first sit out a blocking fetch of up to 10 s before it sees a job that
    // stalled meanwhile, which made every take-over wait for it; a new Worker fetches at once.
    let closed = false;
    let chain = Promise.resolve();
    const serially = (f: () => Promise<void>) => { chain = chain.then(f, f); };
    // Installed for the whole life of the process: a signal without a handler would kill it.
    process.on('SIGUSR2', () => {
      if (!handle) { start?.(); return; }
      serially(async () => {
        if (!closed) return;
        handle = await engine.startWorker();
        closed = false;
        writeSync(1, 'worker resumed\n');
      });
    });
    process.on('SIGUSR1', () => {
      serially(async () => {
        if (!handle || closed) return;
        await handle.close({ graceMs: 60_000 });
        closed = true;
        writeSync(1, 'worker paused\n');
      });
    });
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
