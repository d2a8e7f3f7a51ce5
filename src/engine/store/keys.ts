// Redis key names of the engine. Every key starts with the queue prefix (default '{natmigrate}', a hash tag),
// so on a Redis Cluster they all live in one slot and the multi-key Lua scripts stay legal.

export interface Keys {
  readonly prefix: string;
  record(jobId: string): string;
  /** ZSET of job ids of one instance, scored by creation time. */
  byInstance(instanceId: string): string;
  /** ZSET of unfinished job ids, scored by creation time. */
  activeJobs(): string;
  /** The job currently holding an instance (SET NX). */
  activeFor(regionId: string, instanceId: string): string;
  /** Per-instance counter that makes job ids unique across runs. */
  seq(kind: string, regionId: string, instanceId: string): string;
  cancel(jobId: string): string;
  tableLock(forwardTableId: string): string;
  /** Fencing counter of one job: INCR on every takeover (src/engine/store/fencing.ts). */
  fence(jobId: string): string;
  rate(name: string): string;
  events(): string;
  /** ZSET of unfinished fleet jobs (batches), scored by creation time. */
  fleetActive(): string;
  /** HASH instance id → plan of a batch, until its children are created. */
  batchPlans(batchId: string): string;
  batchPlanning(batchId: string): string;
  /** HASH instance id → fingerprint of the drift last reported, per region and VPC. */
  driftFingerprints(regionId: string, vpcId: string): string;
}

export function makeKeys(prefix: string): Keys {
  const p = `${prefix}:nm`;
  return {
    prefix: p,
    record: (jobId) => `${p}:rec:${jobId}`,
    byInstance: (instanceId) => `${p}:inst:${instanceId}`,
    activeJobs: () => `${p}:active-jobs`,
    activeFor: (regionId, instanceId) => `${p}:active:${regionId}:${instanceId}`,
    seq: (kind, regionId, instanceId) => `${p}:seq:${kind}:${regionId}:${instanceId}`,
    cancel: (jobId) => `${p}:cancel:${jobId}`,
    tableLock: (forwardTableId) => `${p}:lock:table:${forwardTableId}`,
    fence: (jobId) => `${p}:fence:${jobId}`,
    rate: (name) => `${p}:rate:${name}`,
    events: () => `${p}:events`,
    fleetActive: () => `${p}:fleet:active`,
    batchPlans: (batchId) => `${p}:fleet:plans:${batchId}`,
    batchPlanning: (batchId) => `${p}:fleet:planning:${batchId}`,
    driftFingerprints: (regionId, vpcId) => `${p}:drift:fp:${regionId}:${vpcId}`,
  };
}
