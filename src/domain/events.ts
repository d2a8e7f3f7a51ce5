import type { CutoverMethod } from './steps.ts';
import type { DriftReason, EngineSummary, JobOutcome, JobReason, OutcomeText, ReconcileSituation, StepFailureText } from './job-text.ts';
import type { DnatEntry, DnatSpec } from './cloud-types.ts';
import type { Plan, Refusal } from './plan-types.ts';
import type { BatchCounts, BatchItemStatus, BatchPhase, BatchPlan } from './batch-plan.ts';
import type { InventoryRow, InventorySummary } from './inventory.ts';

/** Who did something: a Slack user id, or the bot itself. */
export type Actor = { kind: 'user'; userId: string } | { kind: 'system' };

export type JobKind = 'migrate' | 'rollback' | 'preview' | 'batch';

export type { JobOutcome } from './job-text.ts';

export interface CallEvidence {
  action: string;
  requestId?: string;
  code: string;
}

export interface StepError {
  code: string;
  /** English: the cloud's message, or the engine's own (then `text` has its code and facts). */
  message: string;
  text?: StepFailureText;
  action?: string;
  requestId?: string;
}

export interface SshEvidence {
  ok: boolean;
  host: string;
  port: number;
  banner?: string;
  attempts: number;
  error?: string;
  /** Set when the check was not run (e.g. the new entries do not forward the SSH port); ok is then true. */
  skipped?: string;
}

/** One service port through the public IP: before the cutover (baseline) and after it. */
export interface PortEvidence {
  port: number;
  service?: string;
  process?: string;
  before: boolean;
  /** Absent until the after-probe ran (and for ports that did not answer before: not probed again). */
  after?: boolean;
  /** The requester accepted that it may stop answering (--accept-port): it does not fail verification. */
  accepted?: boolean;
  /** The first bytes the service sent (untrusted guest text; shown escaped and cut). */
  firstBytes?: string;
}

export interface EgressEvidence {
  ok: boolean;
  observedIp?: string;
  expectedIps: string[];
  rawOutput: string;
  invokeId?: string;
  error?: string;
}

/**
 * Everything the engine tells the outside world. The Slack layer turns these into the thread;
 * the engine never knows who listens. Every event carries the job id and when it happened (ISO).
 */
export type MigrationEvent = { jobId: string; at: string } & (
  | { type: 'job.queued'; kind: JobKind; instanceId: string; regionId: string; requestedBy: Actor }
  | { type: 'planned'; plan: Plan }
  | { type: 'refused'; refusal: Refusal }
  | { type: 'step.started'; step: string; title: string }
  | { type: 'step.finished'; step: string; title: string; calls: CallEvidence[]; detail?: Record<string, unknown> }
  | { type: 'approval.requested'; kind: JobKind; plan: Plan; planHash: string; expiresAt: string; requiredApprovals: number; requestedBy: Actor;
      /** For kind 'rollback': what the rollback changes (plan is the migration's plan, planHash is over this). */
      rollback?: RollbackSummary;
      /** For kind 'batch': the whole batch (plan is then its first canary's plan, planHash the batch hash). */
      batch?: BatchPlan }
  | { type: 'approval.recorded'; by: Actor; approvals: number; requiredApprovals: number }
  | { type: 'approval.decided'; decision: 'approved' | 'rejected' | 'expired'; by: Actor[] }
  | { type: 'plan.changed'; previousHash: string; plan: Plan; differences: string[] }
  | { type: 'original.saved'; entry: DnatEntry; restoreRecipe: DnatSpec }
  | { type: 'restored'; entry: DnatEntry; reason: string; reasons?: JobReason[] }
  | { type: 'verified'; ssh: SshEvidence; egress: EgressEvidence; ok: boolean; ports?: PortEvidence[] }
  | { type: 'failed'; step: string; error: StepError }
  | { type: 'cancel.requested'; by: Actor }
  /** `summary`: the English sentence (logs; all an older record has); `text`: its facts, worded per reader. */
  | { type: 'finished'; outcome: JobOutcome; summary: string; text?: EngineSummary }
  /**
   * Reconcile (src/engine/reconcile/) found the job's ENI in a state a person must judge; the thread offers a
   * Restore button (the original mapping back from the ENI's tags, then the ENI removed).
   */
  /** `situation`: the English (logs, older events); `facts`: the same as a code with facts, worded per reader. */
  | { type: 'reconcile.ask'; regionId: string; eniId: string; situation: string; facts?: ReconcileSituation; original: DnatSpec & { forwardEntryId: string } }
  // Fleet work (src/engine/batch.ts, scan.ts, drift.ts); the job id is the batch, scan or drift id.
  /** The one plan of a batch: every entry it deletes, every restore recipe, the refused instances. */
  | { type: 'batch.planned'; batch: BatchPlan }
  /** Instances whose status changed since the last progress event, and the totals after the change. */
  | { type: 'batch.progress'; phase: BatchPhase; changes: { instanceId: string; status: BatchItemStatus }[]; counts: BatchCounts }
  /** One child migration of a batch ended. */
  | { type: 'batch.instance'; instanceId: string; childJobId: string; canary: boolean; outcome: JobOutcome; summary: string; text?: OutcomeText; ports?: PortEvidence[] }
  | { type: 'scan.finished'; scan: ScanResult }
  | { type: 'drift.detected'; drift: DriftAlert }
  /** A cutover (or batch) parked until a change-freeze window ends. */
  | { type: 'window.waiting'; until: string; timeZone: string; windows?: string[] }
);

export interface ScanResult {
  regionId: string;
  /** The NAT gateway or VPC id scanned. */
  target: string;
  vpcId: string;
  summary: InventorySummary;
  /** Every instance of the VPC (see src/domain/inventory.ts for the order). */
  rows: InventoryRow[];
}

/** An instance that (again) egresses from somewhere other than its gateway's SNAT IPs. */
export interface DriftAlert {
  regionId: string;
  natGatewayId: string;
  instanceId: string;
  instanceName?: string;
  /** not-answering: a migrated instance no longer answers SSH on its public IP (the sweep's re-check). */
  kind: 'dnat-ip-mapping' | 'unexpected-egress' | 'not-answering';
  egressIp?: string;
  /** The SNAT IPs it should leave from. */
  expectedIps: string[];
  reason: string;
  /** The same as a code with facts, worded per reader (an older alert has `reason` only). */
  why?: DriftReason;
  /** What makes this drift "the same" on the next sweep (reported once per fingerprint). */
  fingerprint: string;
}

/** What a rollback will do, shown with its approval request. */
export interface RollbackSummary {
  migrationJobId: string;
  /** The entries the migration created, as they are now; they will be deleted. */
  entriesToDelete: DnatEntry[];
  /** The original entry, recreated from this request. */
  restoreRecipe: DnatSpec;
  /** The ENI that will be detached and deleted. */
  eniId?: string;
  /** 'modify': the migration moved its entry in place, so the rollback moves it back (entriesToDelete is that entry). */
  cutover?: CutoverMethod;
}

export type MigrationEventType = MigrationEvent['type'];
