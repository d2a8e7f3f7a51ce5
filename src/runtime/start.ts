// One process of the product: `bot` (Slack front end + outbox delivery), `worker` (migration jobs) or `all`
// (both, sharing one outbox). Every process serves /healthz and /metrics on PORT; a bot also /slack/events and,
// when enabled, /admin/queues. `close()` is the graceful stop sequence.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Engine, WorkerHandle } from '../engine/index.ts';
import { createProductEngine, redisTargetFromConfig } from './compose.ts';
import { createSlackBot, createSlackNotifier, slackBotOptionsFromConfig, type Outbox, type SlackBot } from '../slack/index.ts';
import { createHealth, type Health } from './health.ts';
import { startPlainServer, type CustomRoute, type PlainServer } from './http.ts';
import { jobLogNotifier } from './job-log.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createRedisConnection, type RedisConnection } from '../util/redis-connection.ts';
import { safeRedisUrl } from '../util/redis-urls.ts';

export type RuntimeRole = 'bot' | 'worker' | 'all';

export interface RuntimeOptions {
  log: Logger;
  /** Test knobs. */
  healthSlackCacheMs?: number;
  outboxPollMs?: number;
  /** How long a stopping bot tries to deliver what is queued for Slack (default min(5s, grace)). */
  drainMs?: number;
}

export interface Runtime {
  readonly role: RuntimeRole;
  /** The HTTP port actually bound (PORT=0 picks a free one). */
  readonly port: number;
  readonly mode: 'http' | 'socket' | 'none';
  readonly engine: Engine;
  readonly metrics: Metrics;
  readonly health: Health;
  readonly redis: RedisConnection;
  readonly outbox: Outbox;
  readonly bot?: SlackBot;
  readonly worker?: WorkerHandle;
  /** Stop receiving → let running steps finish or park → drain the Slack outbox → close Redis. Idempotent. */
  close(): Promise<void>;
}

/** The problem a person can fix, for errors at start-up (no stack trace). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export { safeRedisUrl };

async function connectRedis(config: Config, log: Logger, timeoutMs = 5_000): Promise<RedisConnection> {
  const url = config.REDIS_URL;
  const redis = createRedisConnection(redisTargetFromConfig(config), 'runtime');
  let lastError = '';
  let warned = 0;
  redis.on('error', (err: Error & { code?: string }) => {
    lastError = err.code ?? err.message;
    // ioredis reconnects by itself; one line per 30 s is enough to tell an operator.
    if (Date.now() - warned > 30_000) {
      warned = Date.now();
      log.warn({ redis: safeRedisUrl(url), err: lastError }, 'redis connection error; reconnecting');
    }
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), timeoutMs); }),
    ]);
  } catch {
    redis.disconnect();
    throw new StartupError(`cannot reach Redis at ${safeRedisUrl(url)}${lastError ? ` (${lastError})` : ''} within ${timeoutMs / 1000}s; check REDIS_URL and that Redis is running`);
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

export async function startRuntime(role: RuntimeRole, config: Config, o: RuntimeOptions): Promise<Runtime> {
  const log = o.log;
  const hasBot = role === 'bot' || role === 'all';
  const hasWorker = role === 'worker' || role === 'all';
  const onError = (err: unknown) => log.debug({ err: err instanceof Error ? err.message : String(err) }, 'metrics/health read failed');

  const redis = await connectRedis(config, log);
  const cleanup: (() => Promise<unknown>)[] = [() => redis.quit().catch(() => {})];
  try {
    const metrics = createMetrics({ onError });
    // Workers only append to the outbox; bot processes deliver it (createSlackBot starts the loop).
    const outbox = createSlackNotifier({
      // outbox.ts still types its handle as Redis; it only runs commands on keys of one slot, which a Cluster routes alike.
      redis: redis as Redis,
      prefix: `${config.NATMIGRATE_QUEUE_PREFIX}:slack`,
      ...(hasBot && config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}),
      ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
      retentionMs: config.NATMIGRATE_RECORD_RETENTION,
      logger: log.child({ component: 'outbox' }),
      observer: metrics.slackObserver,
      ...(o.outboxPollMs ? { pollMs: o.outboxPollMs } : {}),
    });
    const engine = createProductEngine(config, {
      notifier: metrics.notifier(jobLogNotifier(outbox, log)),
      logger: log.child({ component: 'engine' }),
      cloudOverrides: { observers: [metrics.cloudObserver] },
    });
    cleanup.unshift(() => engine.close());
    const queues = engineQueues(engine);
    metrics.setSources({
      queues,
      activeRecords: () => engine.service.status(),
      approval: (jobId) => engine.approvals.current(jobId),
      ...(hasBot ? { outboxPending: () => outbox.pending() } : {}),
    });
    const health = createHealth({
      role, redis, onError,
      ...(hasBot && config.SLACK_BOT_TOKEN ? { slack: { botToken: config.SLACK_BOT_TOKEN, ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}) } } : {}),
      ...(o.healthSlackCacheMs !== undefined ? { slackCacheMs: o.healthSlackCacheMs } : {}),
    });
    const routes: CustomRoute[] = [health.route(), metrics.route(onError)];
    if (hasBot && config.NATMIGRATE_ADMIN_USER && config.NATMIGRATE_ADMIN_PASSWORD) {
      // Loaded only here: Bull Board and Express cost a process ~0.3 s of CPU at start-up, and most run without it.
      const { createAdminRoute } = await import('./admin.ts');
      routes.push(createAdminRoute({
        queues: queues.map((q) => q.queue), user: config.NATMIGRATE_ADMIN_USER, password: config.NATMIGRATE_ADMIN_PASSWORD,
        onDenied: (req) => log.warn({ path: req.url, remote: req.socket.remoteAddress }, 'admin: authentication failed'),
      }));
    }

    let worker: WorkerHandle | undefined;
    if (hasWorker) {
      worker = await engine.startWorker();
      cleanup.unshift(() => worker!.close({ graceMs: 1000 }));
    }

    let bot: SlackBot | undefined;
    let plain: PlainServer | undefined;
    let port: number;
    let mode: Runtime['mode'] = 'none';
    if (hasBot) {
      bot = createSlackBot({
        ...slackBotOptionsFromConfig(config, { service: engine.service, inventory: engine.inventory, redis, logger: log.child({ component: 'slack' }), outbox }),
        customRoutes: routes,
      });
      mode = bot.mode;
      try {
        const started = await bot.start();
        cleanup.unshift(() => bot!.stop());
        if (started.port !== undefined) port = started.port;
        else {
          // Socket Mode: Slack comes over a WebSocket; PORT still serves the operational routes.
          plain = await startPlainServer(routes, config.PORT);
          port = plain.port;
        }
      } catch (err) {
        await outbox.stop().catch(() => {});
        throw portError(err, config.PORT) ?? err;
      }
    } else {
      try {
        plain = await startPlainServer(routes, config.PORT);
      } catch (err) {
        throw portError(err, config.PORT) ?? err;
      }
      port = plain.port;
    }

    const drainMs = o.drainMs ?? Math.min(5000, config.NATMIGRATE_SHUTDOWN_GRACE);
    let closing: Promise<void> | undefined;
    const runtime: Runtime = {
      role, port, mode, engine, metrics, health, redis, outbox,
      ...(bot ? { bot } : {}),
      ...(worker ? { worker } : {}),
      close() {
        closing ??= (async () => {
          // 1. Stop receiving: Slack requests (and the operational routes on the same port), new jobs.
          if (bot) await bot.app.stop().catch((err: unknown) => log.warn({ err: String(err) }, 'stopping the Slack receiver failed'));
          if (plain) await plain.close();
          // 2. Running steps finish, or are interrupted after the grace period and parked for another worker.
          if (worker) {
            const t0 = Date.now();
            await worker.close({ graceMs: config.NATMIGRATE_SHUTDOWN_GRACE });
            log.info({ tookMs: Date.now() - t0 }, 'worker stopped');
          }
          // 3. Deliver what is queued for Slack while we can; the rest stays in Redis for the other bots.
          if (bot) {
            try {
              await outbox.waitIdle({ timeoutMs: drainMs });
            } catch {
              const left = await outbox.pending().catch(() => [] as string[]);
              log.warn({ jobs: left.length, jobIds: left.slice(0, 20) }, 'slack outbox not drained; another bot process (or the next start) delivers the rest');
            }
            await outbox.stop();
          }
          // 4. Queue, engine and Redis connections.
          await engine.close();
          await redis.quit().catch(() => {});
        })();
        return closing;
      },
    };
    log.info({
      role, port, mode, region: config.NATMIGRATE_REGION, queuePrefix: config.NATMIGRATE_QUEUE_PREFIX,
      concurrency: hasWorker ? config.NATMIGRATE_WORKER_CONCURRENCY : undefined,
      admin: routes.length > 2, routes: routes.map((r) => r.path.replace('{/*rest}', '')),
    }, `natmigrate ${role} ready`);
    return runtime;
  } catch (err) {
    for (const c of cleanup) await c().catch(() => {});
    throw err;
  }
}

/** The engine's BullMQ queues: migrations, plus the fleet queue (batches, scans, drift) when the engine has one. */
function engineQueues(engine: Engine): { name: string; queue: Queue }[] {
  const out: { name: string; queue: Queue }[] = [{ name: engine.queue.name, queue: engine.queue as unknown as Queue }];
  const fleet = (engine as unknown as { fleet?: { queue?: Queue } }).fleet?.queue;
  if (fleet) out.push({ name: fleet.name, queue: fleet });
  return out;
}

function portError(err: unknown, port: number): StartupError | undefined {
  const code = (err as { code?: string })?.code;
  if (code === 'EADDRINUSE') return new StartupError(`PORT ${port} is already in use; stop what holds it or set PORT to a free port`);
  if (code === 'EACCES') return new StartupError(`PORT ${port} needs privileges this user does not have; use a port above 1023`);
  return undefined;
}
