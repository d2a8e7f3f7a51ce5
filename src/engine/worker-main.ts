// A worker process: `node --import tsx src/engine/worker-main.ts`, configured by the environment like the real
// worker (REDIS_URL, NATMIGRATE_*, the cloud endpoint and ALIBABA_CLOUD_* variables). Used by the crash test and
// usable on its own; events go to a Redis list (no Slack here).
//
// TEST HOOKS (read only here, never by the product):
//   NATMIGRATE_TEST_CRASH_AT=<step>:<before|during|after>   SIGKILL this process at that point of the first job
//                                                          that reaches it (see EngineHooks in processor.ts)
//   NATMIGRATE_TEST_LOCK_MS, NATMIGRATE_TEST_STALLED_MS     BullMQ lockDuration / stalledInterval (short in tests)
//   NATMIGRATE_TEST_TABLE_LOCK_MS                          forward-table lock TTL
//   NATMIGRATE_TEST_EVENTS_KEY                             Redis list the events go to (default <prefix>:nm:events)
//   NATMIGRATE_TEST_POLL_MS                                first poll gap of the cloud waiters (sandbox latencies are tiny)
//   NATMIGRATE_TEST_HOLD=1                                 load everything, print "worker loaded", start taking jobs
//                                                          only on SIGUSR2 (a warm stand-by for the crashed worker);
//                                                          then SIGUSR1 pauses it ("worker paused") and SIGUSR2 resumes it

import { writeSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { createEngineFromConfig } from './from-config.ts';
import { makeKeys } from './keys.ts';
import { RedisListNotifier } from './notifiers.ts';
import type { EngineHooks } from './processor.ts';
import { createRedisConnection, redisTargetFromConfig } from '../util/redis-connection.ts';

const env = process.env;
const loaded = loadConfig(env, 'worker');
if (!loaded.ok) {
  for (const p of loaded.problems) process.stderr.write(`config: ${p}\n`);
  process.exit(2);
}
const config = loaded.config;
const num = (v: string | undefined): number | undefined => (v && /^\d+$/.test(v) ? Number(v) : undefined);

const crashAt = env.NATMIGRATE_TEST_CRASH_AT;
const hooks: EngineHooks | undefined = crashAt
  ? {
    point(step, where) {
      if (`${step}:${where}` !== crashAt) return;
      // Synchronous write, then an uncatchable kill: nothing after this line runs, exactly like a power cut.
      writeSync(1, `crash ${crashAt}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  }
  : undefined;

const log = pino({ level: config.LOG_LEVEL, name: 'natmigrate-worker' }, pino.destination(2));
const eventsRedis = createRedisConnection(redisTargetFromConfig(config), 'events');
const notifier = new RedisListNotifier(eventsRedis, env.NATMIGRATE_TEST_EVENTS_KEY || makeKeys(config.NATMIGRATE_QUEUE_PREFIX).events());

const engine = createEngineFromConfig(config, {
  notifier, env, logger: log, ...(hooks ? { hooks } : {}),
  worker: {
    ...(num(env.NATMIGRATE_TEST_LOCK_MS) ? { lockDurationMs: num(env.NATMIGRATE_TEST_LOCK_MS) } : {}),
    ...(num(env.NATMIGRATE_TEST_STALLED_MS) ? { stalledIntervalMs: num(env.NATMIGRATE_TEST_STALLED_MS) } : {}),
    reconcileIntervalMs: 5_000,
  },
  options: {
    ...(num(env.NATMIGRATE_TEST_TABLE_LOCK_MS) ? { tableLockTtlMs: num(env.NATMIGRATE_TEST_TABLE_LOCK_MS)! } : {}),
    ...(num(env.NATMIGRATE_TEST_POLL_MS) ? { verifyIntervalMs: num(env.NATMIGRATE_TEST_POLL_MS)! * 5, cancelPollMs: num(env.NATMIGRATE_TEST_POLL_MS)!, retryBaseMs: 50 } : {}),
  },
  cloudOverrides: num(env.NATMIGRATE_TEST_POLL_MS)
    ? { waiter: { initialMs: num(env.NATMIGRATE_TEST_POLL_MS)!, factor: 1.5, maxMs: num(env.NATMIGRATE_TEST_POLL_MS)! * 5 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 } }
    : {},
});

let handle: Awaited<ReturnType<typeof engine.startWorker>> | undefined;
if (env.NATMIGRATE_TEST_HOLD === '1') {
  let start: (() => void) | undefined;
  // Handlers stay installed for the whole life of the process: a signal without one would kill it.
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
handle = await engine.startWorker();
writeSync(1, `worker ready ${process.pid}\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: running steps finish or park');
  await handle?.close({ graceMs: 10_000 });
  await engine.close();
  await eventsRedis.quit().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', () => { void stop('SIGTERM'); });
process.on('SIGINT', () => { void stop('SIGINT'); });
