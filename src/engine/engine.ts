import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { CloudPort } from '../cloud/cloud-port.ts';
import type { Config } from '../config.ts';
import { RedisApprovals } from './approvals.ts';
import type { JobData } from './job-data.ts';
import { makeKeys, type Keys } from './keys.ts';
import type { Notifier } from './ports.ts';
import { createProcessor, type EngineHooks, type EngineOptions } from './processor.ts';
import { RecordStore } from './records.ts';
import { RedisRateBudget, type RedisRateBudgetOptions } from './redis-rate-budget.ts';
import { EngineService } from './service.ts';
import { TableLocks, sleep } from './table-lock.ts';
import type { PublicEdge } from './verify.ts';
import { createFleet, type Fleet } from './fleet.ts';
import { DEFAULT_FLEET_SETTINGS, type FleetSettings } from './fleet-context.ts';
import { FleetStore } from './fleet-records.ts';
import type { DriftSettings } from './drift.ts';
import { assertPrefixFitsTarget, createRedisConnection, type RedisConnection, type RedisTarget } from '../util/redis-connection.ts';

export const QUEUE_NAME = 'migrations';

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  approvalTtlMs: 30 * 60_000,
  requiredApprovals: 1,
  autoRollback: true,
  egressUrl: 'https://myip.ipip.net',
  verifyTimeoutMs: 120_000,
  verifyIntervalMs: 500,
  recordRetentionMs: 30 * 86_400_000,
  tableLockTtlMs: 30_000,
  tableLockPollMs: 50,
  cancelPollMs: 250,
  waitTimeoutMs: 300_000,
  undoRetries: 5,
  retryBaseMs: 500,
  guestRouteTable: 1001,
};

export interface WorkerSettings {
  concurrency: number;
  /** BullMQ lock of an active job; a dead worker's job is taken over after it lapses. */
  lockDurationMs: number;
  /** Must be the same for every worker of the queue (slack-bolt-bullmq.md §4c). */
  stalledIntervalMs: number;
  /** Stalls (worker deaths) a job survives; kept high because every step is resumable. */
  maxStalledCount: number;
  /** How often this worker re-queues jobs whose queue entry was lost (0 = only at start). */
  reconcileIntervalMs: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  concurrency: 10,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 10,
  reconcileIntervalMs: 60_000,
};

export interface CreateEngineInput {
  /** redis://… URL, ioredis options, or `{ url, cluster: true }` for a Redis Cluster (comma-separated seeds). */
  redis: RedisTarget;
  /** Key prefix of the queue and of every engine key (default '{natmigrate}', a Redis Cluster hash tag). */
  prefix?: string;
  /** The cloud, or one per region. */
  cloud: CloudPort | ((regionId: string) => CloudPort);
  notifier: Notifier;
  options?: Partial<EngineOptions>;
  worker?: Partial<WorkerSettings>;
  logger?: Logger;
  /** Regions submissions may name (default: the cloud's region when one CloudPort is given). */
  regions?: string[];
  /** Fleet worker knobs (batches, scans, drift sweep). */
  fleet?: Partial<FleetSettings>;
  /** The drift sweep; startWorker installs its Job Scheduler (or removes it when unset). */
  drift?: DriftSettings;
}

export interface WorkerHandle {
  readonly worker: Worker<JobData>;
  /**
   * Stops taking jobs and lets running steps finish (or park) for up to `graceMs`; after that, running steps are
   * aborted and their jobs parked for another worker (the journal already names the step to re-run).
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export interface Engine {
  readonly service: EngineService;
  readonly approvals: RedisApprovals;
  readonly queue: Queue<JobData>;
  readonly keys: Keys;
  readonly redis: RedisConnection;
  readonly options: EngineOptions;
  /** Batches, scans and the drift sweep (their own queue; startWorker runs their worker too). */
  readonly fleet: Fleet;
  startWorker(settings?: Partial<WorkerSettings>): Promise<WorkerHandle>;
  close(): Promise<void>;
}

export function createEngine(input: CreateEngineInput): Engine {
  const prefix = input.prefix ?? '{natmigrate}';
  const options: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...stripUndefined(input.options ?? {}) };
  const baseWorker: WorkerSettings = { ...DEFAULT_WORKER_SETTINGS, ...stripUndefined(input.worker ?? {}) };
  const log = input.logger ?? pino({ level: 'info', name: 'natmigrate-engine' });
  assertPrefixFitsTarget(input.redis, prefix);
  const keys = makeKeys(prefix);
  const redis = createRedisConnection(input.redis, 'engine');
  // BullMQ never closes a connection it was handed, so the engine keeps it and quits it in close().
  const queueConnection = createRedisConnection(input.redis, 'queue');
  const queue = new Queue<JobData>(QUEUE_NAME, { connection: queueConnection, prefix });
  const records = new RecordStore(redis, keys, options.recordRetentionMs);
  const cloudFor = typeof input.cloud === 'function'
    ? input.cloud
    : ((c: CloudPort) => (regionId: string) => {
      if (regionId !== c.regionId) throw new Error(`no cloud for region ${regionId} (configured: ${c.regionId})`);
      return c;
    })(input.cloud);
  const regions = input.regions ?? (typeof input.cloud === 'function' ? undefined : [input.cloud.regionId]);

  let service: EngineService;
  const approvals = new RedisApprovals(records, input.notifier, (jobId) => service.wake(jobId));
  const fleetConnection = createRedisConnection(input.redis, 'fleet-queue');
  const fleet = createFleet({
    redis, keys, records, store: new FleetStore(redis, keys, options.recordRetentionMs), approvals, notifier: input.notifier, cloudFor,
    opts: options, settings: { ...DEFAULT_FLEET_SETTINGS, ...stripUndefined(input.fleet ?? {}) }, log, migrations: queue,
    cancelJob: (jobId, by) => service.cancel(jobId, by), wakeJob: (jobId) => service.wake(jobId),
  }, { connection: fleetConnection, prefix, ...(regions ? { regions } : {}) });
  service = new EngineService({
    redis, keys, records, approvals, queue, notifier: input.notifier, log, regions,
    retentionMs: options.recordRetentionMs, maxRecoveries: 3, fleet,
  });
  const locks = new TableLocks(redis, keys, { ttlMs: options.tableLockTtlMs, pollMs: options.tableLockPollMs });
  // processor.ts still types its handle as Redis; it only GETs single keys, which a Cluster routes the same way.
  const processor = createProcessor({ redis: redis as Redis, keys, records, approvals, locks, notifier: input.notifier, cloudFor, opts: options, log });

  const workers = new Set<WorkerHandle>();

  async function startWorker(settings: Partial<WorkerSettings> = {}): Promise<WorkerHandle> {
    const s: WorkerSettings = { ...baseWorker, ...stripUndefined(settings) };
    const conn = createRedisConnection(input.redis, 'worker');
    const worker = new Worker<JobData>(QUEUE_NAME, processor, {
      connection: conn, prefix, concurrency: s.concurrency, lockDuration: s.lockDurationMs,
      stalledInterval: s.stalledIntervalMs, maxStalledCount: s.maxStalledCount,
    });
    worker.on('error', (e) => log.error({ err: e }, 'worker error'));
    worker.on('failed', (job, e) => log.warn({ jobId: job?.id, err: e }, 'job attempt failed; BullMQ retries it from its journal'));
    await worker.waitUntilReady();
    // The fleet worker rides along, so every process that runs migrations also runs batches and sweeps.
    const fleetConn = createRedisConnection(input.redis, 'fleet-worker');
    const fleetWorker = await fleet.startWorker({
      connection: fleetConn, lockDurationMs: s.lockDurationMs, stalledIntervalMs: s.stalledIntervalMs, maxStalledCount: s.maxStalledCount,
    });
    await fleet.scheduleDrift(input.drift).catch((e: unknown) => log.warn({ err: e }, 'could not install the drift sweep scheduler'));

    const reconcile = () => service.reconcile().catch((e) => log.warn({ err: e }, 'reconcile failed'));
    void reconcile();
    const timer = s.reconcileIntervalMs > 0 ? setInterval(reconcile, s.reconcileIntervalMs) : undefined;
    timer?.unref();

    const handle: WorkerHandle = {
      worker,
      async close(opts = {}) {
        if (timer) clearInterval(timer);
        const grace = opts.graceMs ?? 30_000;
        const closing = worker.close();
        // The grace timer is cancelled as soon as the worker closed, so a clean close does not hold the process.
        const graceTimer = new AbortController();
        const finished = await Promise.race([
          closing.then(() => true),
          sleep(grace, graceTimer.signal).then(() => false, () => true),
        ]);
        graceTimer.abort();
        if (!finished) {
          // Aborts waits; the processor parks each job at its current step for another worker.
          worker.cancelAllJobs('shutdown');
          await closing;
        }
        await fleetWorker.close({ graceMs: grace });
        await conn.quit().catch(() => {});
        await fleetConn.quit().catch(() => {});
        workers.delete(handle);
      },
    };
    workers.add(handle);
    return handle;
  }

  return {
    service, approvals, queue, keys, redis, options, fleet,
    startWorker,
    async close() {
      for (const w of [...workers]) await w.close();
      await fleet.close();
      await fleetConnection.quit().catch(() => {});
      await queue.close();
      await queueConnection.quit().catch(() => {});
      await redis.quit().catch(() => {});
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** host:port of NATMIGRATE_PUBLIC_EDGE. */
export function parsePublicEdge(s: string | undefined): PublicEdge | undefined {
  if (!s) return undefined;
  const m = /^([^:/]+):(\d{1,5})$/.exec(s.trim());
  if (!m) throw new Error(`NATMIGRATE_PUBLIC_EDGE must be host:port, not ${s}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Engine options from the validated configuration (the one place Config names meet the engine). */
export function engineOptionsFromConfig(c: Config, extra: { cutoverGate?: (now: Date) => Date | undefined; hooks?: EngineHooks } = {}): Partial<EngineOptions> {
  return {
    approvalTtlMs: c.NATMIGRATE_APPROVAL_TTL,
    requiredApprovals: c.NATMIGRATE_MIN_APPROVALS,
    autoRollback: c.NATMIGRATE_AUTO_ROLLBACK,
    egressUrl: c.NATMIGRATE_EGRESS_URL,
    verifyTimeoutMs: c.NATMIGRATE_VERIFY_TIMEOUT,
    recordRetentionMs: c.NATMIGRATE_RECORD_RETENTION,
    publicEdge: parsePublicEdge(c.NATMIGRATE_PUBLIC_EDGE),
    ...(extra.cutoverGate ? { cutoverGate: extra.cutoverGate } : {}),
    ...(extra.hooks ? { hooks: extra.hooks } : {}),
  };
}

export function workerSettingsFromConfig(c: Config): Partial<WorkerSettings> {
  return { concurrency: c.NATMIGRATE_WORKER_CONCURRENCY };
}

/** The fleet-wide API budget for the Alibaba adapter (pass it as its rateBudget). */
export function createRedisRateBudget(redis: RedisConnection, prefix: string, opts: RedisRateBudgetOptions): RedisRateBudget {
  return new RedisRateBudget(redis, makeKeys(prefix), opts);
}
