import { DelayedError, type Job, type Queue } from 'bullmq';
import type { RedisConnection } from '../util/redis-connection.ts';
import type { Logger } from 'pino';
import type { CloudPort } from '../cloud/cloud-port.ts';
import type { MigrationOptions } from '../domain/plan-types.ts';
import type { RedisApprovals } from './approvals.ts';
import type { FleetStore } from './fleet-records.ts';
import type { JobData } from './job-data.ts';
import type { Keys } from './keys.ts';
import type { Notifier } from './ports.ts';
import type { EngineOptions } from './processor.ts';
import type { RecordStore } from './records.ts';

/** Knobs of the fleet worker (batches, scans, drift sweeps). */
export interface FleetSettings {
  /** Fleet jobs one worker runs at once (a batch holds a slot only while it ticks). */
  concurrency: number;
  /** How often a running batch looks at its children (ms). */
  batchPollMs: number;
  /** New drift alerts posted per sweep and VPC; the rest follow on the next sweeps. */
  driftMaxAlerts: number;
}

export const DEFAULT_FLEET_SETTINGS: FleetSettings = { concurrency: 4, batchPollMs: 1000, driftMaxAlerts: 20 };

/** Job data of the fleet queue. No secrets: BullMQ stores it in clear text. */
export type FleetJobData =
  | { v: 1; kind: 'scan'; jobId: string }
  | { v: 1; kind: 'batch'; jobId: string }
  | { v: 1; kind: 'drift'; regionId: string; natGatewayIds: string[]; channelId: string };

export interface FleetContext {
  redis: RedisConnection;
  keys: Keys;
  records: RecordStore;
  store: FleetStore;
  approvals: RedisApprovals;
  notifier: Notifier;
  cloudFor(regionId: string): CloudPort;
  opts: EngineOptions;
  settings: FleetSettings;
  log: Logger;
  /** The migrations queue, where a batch's child jobs run. */
  migrations: Queue<JobData>;
  cancelJob(jobId: string, by: string): Promise<unknown>;
  wakeJob(jobId: string): Promise<void>;
}

export const DEFAULT_BATCH_OPTIONS: MigrationOptions = { ports: { kind: 'all' }, configureGuest: false };

export const iso = (ms = Date.now()): string => new Date(ms).toISOString();

/**
 * Parks a fleet job until `until` without holding a worker slot (moveToDelayed), like the step machine does;
 * `shouldWake` closes the race with a decision that arrived while the job was still active.
 */
export async function parkJob(job: Job, token: string | undefined, until: number, shouldWake: () => Promise<boolean>): Promise<never> {
  if (!token) throw new Error('cannot park a fleet job without its lock token');
  await job.moveToDelayed(Math.max(until, Date.now() + 1), token);
  if (await shouldWake().catch(() => false)) await job.promote().catch(() => {});
  throw new DelayedError();
}
