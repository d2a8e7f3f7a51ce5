import type { RedisConnection } from '../../util/redis-connection.ts';
import type { BatchItemStatus, BatchPhase, BatchPlan } from '../../domain/batch-plan.ts';
import type { JobOutcome, StepError } from '../../domain/events.ts';
import type { EngineSummary, JobReason } from '../../domain/job-text.ts';
import type { InventorySummary } from '../../domain/inventory.ts';
import type { MigrationOptions } from '../../domain/plan-types.ts';
import type { Keys } from './keys.ts';
import type { ApprovalRequest } from '../../domain/approval.ts';
import type { Audience } from '../ports.ts';
import { script } from './lua.ts';

/**
 * Records of fleet jobs (batches, scans, drift sweeps). They live under the same key as job records
 * (`keys.record(id)`, one JSON value per field), so the approval compare-and-set of RedisApprovals works on a
 * batch exactly as on a single job; they are never put in the instance or active-job indexes of RecordStore.
 */

export type FleetKind = 'batch' | 'scan' | 'drift';

interface FleetBase {
  jobId: string;
  kind: FleetKind;
  regionId: string;
  requestedBy: string;
  audience: Audience;
  state: 'queued' | 'running' | 'finished';
  createdAt: string;
  updatedAt: string;
  outcome?: JobOutcome;
  summary?: string;
  /** The summary's facts (src/domain/job-text.ts), worded per reader. */
  summaryText?: EngineSummary;
  error?: StepError;
}

export interface BatchRecord extends FleetBase {
  kind: 'batch';
  targets: string[];
  options: MigrationOptions;
  concurrency?: number;
  canary?: number;
  phase?: BatchPhase;
  plan?: BatchPlan;
  approval?: ApprovalRequest;
  /** Every child job was created and queued. */
  childrenQueued?: boolean;
  /** Instances whose child was released (granted the batch's approval), in release order. */
  released?: string[];
  /** Last statuses told to the thread. */
  statuses?: Record<string, BatchItemStatus>;
  /** Children whose end was told to the thread. */
  reported?: string[];
  /** Children asked to cancel (stop, reject, expiry). */
  cancelSent?: string[];
  /** Why the batch stops (first failure, rejection, cancel). */
  stop?: { reason: string; kind: 'failure' | 'rejected' | 'expired' | 'cancelled'; instanceId?: string; by?: string;
    /** The same reason as a code with facts (worded per reader); `reason` is its English (all an older record has). */
    why?: JobReason };
  windowNotedUntil?: string;
  cancel?: { by: string; at: string };
  /** The approval card went out (approval.requested emitted). */
  approvalAnnounced?: boolean;
  /** The 'finished' event went out (set after the record is final). */
  finishEmitted?: boolean;
}

export interface ScanRecord extends FleetBase {
  kind: 'scan';
  target: string;
  vpcId?: string;
  inventory?: InventorySummary;
}

export interface DriftRecord extends FleetBase {
  kind: 'drift';
  natGatewayId: string;
  lastSweepAt?: string;
}

export type FleetRecord = BatchRecord | ScanRecord | DriftRecord;

const FLEET_ID = /^(batch|scan|drift)-/;
export const isFleetJobId = (id: string): boolean => FLEET_ID.test(id);

// Every field but one, and that field's length (0: absent): a batch's plan is written once and is the bulk of its record.
const allButLua = script(`
local flat = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #flat, 2 do
  if flat[i] ~= ARGV[1] then out[#out + 1] = flat[i]; out[#out + 1] = flat[i + 1] end
end
out[#out + 1] = redis.call('HSTRLEN', KEYS[1], ARGV[1])
return out
`);

/** Plans of batches read in this process, with the length of their JSON text (a changed plan is read again). */
const PLAN_CACHE_SIZE = 16;

function encode(fields: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out.push(k, JSON.stringify(v));
  return out;
}

function decode<T extends FleetRecord>(raw: Record<string, string> | null): T | undefined {
  if (!raw || raw.jobId === undefined) return undefined;
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    try { obj[k] = JSON.parse(v); } catch { /* a field we cannot read is left out */ }
  }
  return FLEET_ID.test(String(obj.jobId)) ? (obj as unknown as T) : undefined;
}

export class FleetStore {
  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly retentionMs: number) {}

  async create(rec: FleetRecord, opts: { active: boolean }): Promise<void> {
    const key = this.keys.record(rec.jobId);
    const m = this.redis.multi().hset(key, ...encode(rec as unknown as Record<string, unknown>));
    if (opts.active) m.zadd(this.keys.fleetActive(), Date.parse(rec.createdAt), rec.jobId);
    else m.pexpire(key, this.retentionMs);
    await m.exec();
  }

  async get<T extends FleetRecord = FleetRecord>(jobId: string): Promise<T | undefined> {
    return decode<T>(await this.redis.hgetall(this.keys.record(jobId)));
  }

  /**
   * A batch's record for its tick: as get(), but its plan (a thousand items, written once) is parsed once per
   * process, not on every tick; read again when its length changed.
   */
  async getBatch(jobId: string): Promise<BatchRecord | undefined> {
    const flat = (await allButLua.run(this.redis, [this.keys.record(jobId)], ['plan'])) as (string | number)[];
    const planLen = Number(flat.pop() ?? 0);
    const raw: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) raw[String(flat[i])] = String(flat[i + 1]);
    const cached = this.plans.get(jobId);
    if (planLen > 0 && cached?.len !== planLen) {
      const text = await this.redis.hget(this.keys.record(jobId), 'plan');
      try {
        if (text !== null) this.remember(jobId, { len: planLen, plan: JSON.parse(text) as BatchPlan });
      } catch { /* a plan we cannot read is left out, as get() does */ }
    }
    const rec = decode<FleetRecord>(raw);
    if (!rec || rec.kind !== 'batch') return undefined;
    const known = this.plans.get(jobId);
    if (planLen > 0 && known?.len === planLen) rec.plan = known.plan;
    return rec;
  }

  private readonly plans = new Map<string, { len: number; plan: BatchPlan }>();

  private remember(jobId: string, entry: { len: number; plan: BatchPlan }): void {
    this.plans.delete(jobId);
    this.plans.set(jobId, entry);
    if (this.plans.size > PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
  }

  async patch(jobId: string, fields: Record<string, unknown>): Promise<void> {
    await this.redis.hset(this.keys.record(jobId), ...encode({ ...fields, updatedAt: new Date().toISOString() }));
  }

  /** Final write: the record starts its retention clock and leaves the active set. */
  async finish(jobId: string, fields: Record<string, unknown>): Promise<void> {
    const key = this.keys.record(jobId);
    await this.redis.multi()
      .hset(key, ...encode({ ...fields, state: 'finished', updatedAt: new Date().toISOString() }))
      .pexpire(key, this.retentionMs)
      .zrem(this.keys.fleetActive(), jobId)
      .exec();
  }

  async activeIds(): Promise<string[]> {
    return this.redis.zrange(this.keys.fleetActive(), '0', '-1');
  }

  async forget(jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.fleetActive(), jobId);
  }
}
