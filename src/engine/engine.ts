// Wiring of the engine: the two queues, the stores, the service front ends call, and workers on demand.
// Everything it needs comes in as typed values (runtime/compose.ts maps the configuration onto them).
import { Queue, Worker } from 'bullmq';
import pino, { type Logger } from 'pino';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { assertPrefixFitsTarget, createRedisConnection, type RedisConnection, type RedisTarget } from '../util/redis-connection.ts';
import { createFleet, type Fleet } from './fleet/fleet.ts';
import type { JobData } from './job-data.ts';
import { QUEUE_NAME } from './job-options.ts';
import { createMigrationProcessor } from './migration/processor.ts';
import {
  DEFAULT_ENGINE_OPTIONS, DEFAULT_FLEET_SETTINGS, DEFAULT_WORKER_SETTINGS, definedOnly,
  type DriftSweepSettings, type EngineOptions, type FleetSettings, type WorkerSettings,
} from './options.ts';
import type { InventoryPort, Notifier } from './ports.ts';
import { EngineService } from './service.ts';
import { RedisApprovals } from './store/approvals.ts';
import { BatchPlanStore } from './store/batch-plans.ts';
import { CancelFlags } from './store/cancel-flags.ts';
import { DriftFingerprints } from './store/drift-fingerprints.ts';
import { FleetStore } from './store/fleet-records.ts';
import { makeKeys, type Keys } from './store/keys.ts';
import { RecordStore } from './store/records.ts';
import { TableLocks } from './store/table-lock.ts';
import { Fencing } from './store/fencing.ts';
import { closeWorker } from './worker-close.ts';
import { deploymentTag } from '../domain/cloud-journal.ts';
import { reconcileEni, reconcileRegion, type CloudReconcileDeps, type ReconcileReport } from './reconcile/cloud-reconcile.ts';
import { createInventoryReads } from './fleet/inventory-reads.ts';

export interface CreateEngineInput {
  /** redis://… URL, ioredis options, or `{ url, cluster: true }` for a Redis Cluster (comma-separated seeds). */
  redis: RedisTarget;
  /** Key prefix of the queues and of every engine key (default '{natmigrate}', a Redis Cluster hash tag). */
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
  drift?: DriftSweepSettings;
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
  /** Read-only cloud reads for forms (the Slack modal). */
  readonly inventory: InventoryPort;
  /** One reconcile pass over the natmigrate-tagged ENIs of a region (default: every region this engine serves). */
  reconcileCloud(regionId?: string): Promise<ReconcileReport[]>;
  /** A person's Restore: the original mapping back from the ENI's tags, then the ENI removed (unless a job owns it). */
  restoreFromCloud(regionId: string, eniId: string, by?: string): Promise<ReconcileReport>;
  close(): Promise<void>;
}

function cloudResolver(cloud: CreateEngineInput['cloud']): (regionId: string) => CloudPort {
  if (typeof cloud === 'function') return cloud;
  return (regionId) => {
    if (regionId !== cloud.regionId) throw new Error(`no cloud for region ${regionId} (configured: ${cloud.regionId})`);
    return cloud;
  };
}

export function createEngine(input: CreateEngineInput): Engine {
  const prefix = input.prefix ?? '{natmigrate}';
  const options: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...definedOnly(input.options ?? {}) };
  const baseWorker: WorkerSettings = { ...DEFAULT_WORKER_SETTINGS, ...definedOnly(input.worker ?? {}) };
  const log = input.logger ?? pino({ level: 'info', name: 'natmigrate-engine' });
  assertPrefixFitsTarget(input.redis, prefix);
  const keys = makeKeys(prefix);
  const redis = createRedisConnection(input.redis, 'engine');
  // BullMQ never closes a connection it was handed, so the engine keeps it and quits it in close().
  const queueConnection = createRedisConnection(input.redis, 'queue');
  const queue = new Queue<JobData>(QUEUE_NAME, { connection: queueConnection, prefix });
  const retention = options.recordRetentionMs;
  const records = new RecordStore(redis, keys, retention);
  const cancels = new CancelFlags(redis, keys, retention);
  const cloudFor = cloudResolver(input.cloud);
  const regions = input.regions ?? (typeof input.cloud === 'function' ? undefined : [input.cloud.regionId]);

  // The service wakes parked jobs; the approvals store wakes them through it once a decision is recorded.
  let service: EngineService | undefined;
  const approvals = new RedisApprovals(records, input.notifier, (jobId) => service!.wake(jobId), options.clock);
  const fleetConnection = createRedisConnection(input.redis, 'fleet-queue');
  const fleet = createFleet({
    records, store: new FleetStore(redis, keys, retention), batchPlans: new BatchPlanStore(redis, keys, retention),
    fingerprints: new DriftFingerprints(redis, keys, retention), approvals, cancels, notifier: input.notifier, cloudFor,
    opts: options, settings: { ...DEFAULT_FLEET_SETTINGS, ...definedOnly(input.fleet ?? {}) }, log, migrations: queue,
    cancelJob: (jobId, by) => service!.cancel(jobId, by), wakeJob: (jobId) => service!.wake(jobId),
  }, { connection: fleetConnection, prefix, ...(regions ? { regions } : {}) });
  service = new EngineService({
    records, approvals, cancels, queue, notifier: input.notifier, log, regions, maxRecoveries: 3, fleet,
    cloudRestore: (regionId, eniId, by) => restoreFromCloud(regionId, eniId, by),
  });
  const locks = new TableLocks(redis, keys, { ttlMs: options.tableLockTtlMs, pollMs: options.tableLockPollMs });
  const fencing = new Fencing(redis, keys);
  const deployment = deploymentTag(prefix);
  const reconcileDeps: CloudReconcileDeps = { records, locks, fencing, deployment, notifier: input.notifier, cloudFor, opts: options, log };
  const servedRegions = regions ?? [];
  async function reconcileCloud(regionId?: string): Promise<ReconcileReport[]> {
    const out: ReconcileReport[] = [];
    for (const r of regionId ? [regionId] : servedRegions) out.push(...await reconcileRegion(reconcileDeps, r));
    return out;
  }
  async function restoreFromCloud(regionId: string, eniId: string, by = 'natmigrate reconcile --restore'): Promise<ReconcileReport> {
    const eni = (await cloudFor(regionId).listNetworkInterfaces({ networkInterfaceIds: [eniId] }))[0];
    if (!eni) return { eniId, action: 'skipped', why: `ENI ${eniId} does not exist (any more)`, eniGone: true };
    return reconcileEni(reconcileDeps, regionId, eni, { restore: true, by });
  }
  const processor = createMigrationProcessor({
    records, approvals, locks, fencing, deployment, cancels, notifier: input.notifier, cloudFor, opts: options, log, wakeBatch: (id) => fleet.wake(id),
  });

  const workers = new Set<WorkerHandle>();

  async function startWorker(settings: Partial<WorkerSettings> = {}): Promise<WorkerHandle> {
    const s: WorkerSettings = { ...baseWorker, ...definedOnly(settings) };
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

    const reconcile = () => service!.reconcile().catch((e) => log.warn({ err: e }, 'reconcile failed'));
    void reconcile();
    const timer = s.reconcileIntervalMs > 0 ? setInterval(reconcile, s.reconcileIntervalMs) : undefined;
    timer?.unref();
    // The cloud as the journal of last resort: jobs Redis forgot are found by their ENIs' tags (cloud-reconcile.ts).
    let cloudBusy = false;
    const cloudPass = async () => {
      if (cloudBusy) return;
      cloudBusy = true;
      try { await reconcileCloud(); } catch (e) { log.warn({ err: e }, 'cloud reconcile failed'); } finally { cloudBusy = false; }
    };
    if (s.cloudReconcileIntervalMs >= 0) void cloudPass();
    const cloudTimer = s.cloudReconcileIntervalMs > 0 ? setInterval(() => { void cloudPass(); }, s.cloudReconcileIntervalMs) : undefined;
    cloudTimer?.unref();

    const handle: WorkerHandle = {
      worker,
      async close(opts = {}) {
        if (timer) clearInterval(timer);
        if (cloudTimer) clearInterval(cloudTimer);
        const grace = opts.graceMs ?? 30_000;
        await closeWorker(worker, grace);
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
    startWorker, reconcileCloud, restoreFromCloud, inventory: createInventoryReads(cloudFor),
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
