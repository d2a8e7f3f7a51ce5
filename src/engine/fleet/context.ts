import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { CloudPort } from '../../cloud/cloud-port.ts';
import type { JobData } from '../job-data.ts';
import type { EngineOptions, FleetSettings } from '../options.ts';
import type { Notifier } from '../ports.ts';
import type { RedisApprovals } from '../store/approvals.ts';
import type { BatchPlanStore } from '../store/batch-plans.ts';
import type { CancelFlags } from '../store/cancel-flags.ts';
import type { DriftFingerprints } from '../store/drift-fingerprints.ts';
import type { FleetStore } from '../store/fleet-records.ts';
import type { RecordStore } from '../store/records.ts';

/** Job data of the fleet queue. No secrets: BullMQ stores it in clear text. */
export type FleetJobData =
  | { v: 1; kind: 'scan'; jobId: string }
  | { v: 1; kind: 'batch'; jobId: string }
  | { v: 1; kind: 'drift'; regionId: string; natGatewayIds: string[]; channelId: string };

/** What batches, scans and the drift sweep work with: stores, the cloud, and the migrations queue. */
export interface FleetContext {
  records: RecordStore;
  store: FleetStore;
  batchPlans: BatchPlanStore;
  fingerprints: DriftFingerprints;
  approvals: RedisApprovals;
  cancels: CancelFlags;
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

export const iso = (ms = Date.now()): string => new Date(ms).toISOString();
