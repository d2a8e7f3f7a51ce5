import type { CutoverMethod } from '../domain/steps.ts';
import type { ApprovalClick, ApprovalRefusalCode, ApprovalRequest } from '../domain/approval.ts';
import type { MigrationEvent, JobOutcome, CallEvidence, StepError, Actor, SshEvidence, EgressEvidence, PortEvidence } from '../domain/events.ts';
import type { MigrationOptions, Plan, PlanResult, Refusal } from '../domain/plan-types.ts';
import type { DnatSpec } from '../domain/cloud-types.ts';
import type { IdProblem } from '../domain/ids.ts';
import type { RequestProblem } from '../domain/request-problem.ts';
import type { EngineSummary, OutcomeText, ReadOnlyText, ServiceAnswer } from '../domain/job-text.ts';
import type { BatchItemStatus, BatchPhase, BatchSkip } from '../domain/batch-plan.ts';

/**
 * The two small ports where the engine meets the outside world, and the service facade the
 * front ends (Slack listeners, the demo, the CLI) call. The engine never imports Slack;
 * the Slack layer never calls Alibaba.
 */

/** Events out of the engine. Implementations must be durable and quick (append to a Redis outbox). */
export interface Notifier {
  emit(event: MigrationEvent): Promise<void>;
  /**
   * Where the job's thread is now, as an audience (`{ channelId, threadTs }` for Slack), when the front end knows:
   * the engine writes it into the ENI's tags (the cloud journal) so a job whose record Redis lost can still be
   * reported in its own thread.
   */
  threadOf?(jobId: string): Promise<Audience | undefined>;
  /** Point a job's messages at this audience (first binding wins): reconcile does it from the ENI's tags. */
  bindAudience?(jobId: string, audience: Audience): Promise<void>;
}

/** A notifier wrapper keeps the optional methods of the one it wraps. */
export function passThrough(inner: Notifier): Pick<Notifier, 'threadOf' | 'bindAudience'> {
  return {
    ...(inner.threadOf ? { threadOf: (jobId: string) => inner.threadOf!(jobId) } : {}),
    ...(inner.bindAudience ? { bindAudience: (jobId: string, a: Audience) => inner.bindAudience!(jobId, a) } : {}),
  };
}

/**
 * Where the events of a job should be shown, as an opaque bag the front end chose at submit time
 * (the Slack layer stores `{ channelId }`; the engine only stores and returns it).
 */
export type Audience = Record<string, string>;

export type { JobState } from '../domain/steps.ts';
import type { JobState } from '../domain/steps.ts';

export interface StepRecord {
  step: string;
  title: string;
  startedAt: string;
  finishedAt?: string;
  calls: CallEvidence[];
  detail?: Record<string, unknown>;
  error?: StepError;
}

/** The job's record: what `status` shows, kept after completion for the configured retention. */
export interface JobRecord {
  jobId: string;
  /** 'preview' records exist so a front end can find the audience of a plan-only job. */
  kind: 'migrate' | 'rollback' | 'preview';
  regionId: string;
  instanceId: string;
  requestedBy: string;
  audience: Audience;
  options: MigrationOptions;
  state: JobState;
  outcome?: JobOutcome;
  createdAt: string;
  updatedAt: string;
  plan?: Plan;
  refusal?: Refusal;
  /** The full original DNAT entry, saved before it was deleted, and the request that recreates it. */
  original?: { entry: Plan['entryToDelete']; restoreRecipe: DnatSpec; savedAt: string };
  eniId?: string;
  newEntryIds?: string[];
  /** Set when the cutover did not go the plan's way (a refused modify fell back to delete and re-create). */
  cutover?: CutoverMethod;
  approval?: ApprovalRequest;
  steps: StepRecord[];
  error?: StepError;
  /** For a rollback job: the migration it undoes. For a migration: its rollback job, if any. */
  relatedJobId?: string;
  /** For a job that is part of a batch. */
  batchId?: string;
  /** The English summary (logs, CLI; all an older record has). */
  summary?: string;
  /** The summary's facts (src/domain/job-text.ts), worded in the reader's language by the catalog. */
  outcomeText?: OutcomeText;
  /** A dry run's summary facts when it made a plan (no outcome then). */
  summaryText?: ReadOnlyText;
  /** Who asked to cancel, and when (the job reacts at its next step boundary or wait). */
  cancel?: { by: string; at: string };
  /** Verification evidence of the last verify step (migration) or of the original path (rollback). */
  verification?: { ssh: SshEvidence; egress: EgressEvidence; ok: boolean; at: string; ports?: PortEvidence[] };
}

export type SubmitResult =
  | { instanceId: string; status: 'queued'; jobId: string }
  | { instanceId: string; status: 'already_active'; jobId: string }
  /** `problem`: what is wrong (the region or the id), worded per reader; `message` is its English. */
  | { instanceId: string; status: 'invalid'; message: string; problem?: IdProblem };

export type DecisionResult =
  | { ok: true; request: ApprovalRequest; decided: boolean; approvals: number; requiredApprovals: number; remaining: number }
  | { ok: false; code: ApprovalRefusalCode | 'UnknownJob'; message: string };

/**
 * Decisions into the engine, by the one rule of src/domain/approval.ts. The caller says whether the clicker is an
 * approver (it knows the user groups); where a click may come from is the caller's business.
 */
export interface ApprovalsPort {
  current(jobId: string): Promise<ApprovalRequest | undefined>;
  decide(jobId: string, click: ApprovalClick): Promise<DecisionResult>;
}

/** What front ends call. Every method is quick (Redis + queue only); the work happens in workers. */
export interface MigrationService {
  readonly approvals: ApprovalsPort;
  /** Queue a read-only pre-flight; its result arrives as a `planned` or `refused` event to the audience. */
  preview(input: { regionId: string; instanceId: string; options: MigrationOptions; requestedBy: string; audience: Audience }): Promise<{ jobId: string }>;
  /**
   * Queue one migration per instance. An instance with an active job is not queued again. With `hooks.defer`, it
   * resolves once each job is claimed and recorded, handing the queueing over unstarted (answer first, then run it).
   */
  submit(input: { regionId: string; instanceIds: string[]; options: MigrationOptions; requestedBy: string; audience: Audience },
    hooks?: { defer?: (work: () => Promise<void>) => void; requestKey?: { key: string; ttlMs: number } }): Promise<SubmitResult[]>;
  /** True when submit honours `hooks.requestKey` (a replayed request throws instead of writing anything). */
  readonly dedupesSubmissions?: boolean;
  /** Job by id, or the latest jobs of an instance, or (no target) the active jobs. */
  status(target?: string): Promise<JobRecord[]>;
  cancel(jobId: string, by: string): Promise<AnswerResult>;
  /** Queue a rollback (it asks for approval like a migration). */
  rollback(jobId: string, by: string, audience: Audience): Promise<AnswerResult & { jobId?: string }>;

  // Fleet work (optional: front ends check before offering it).
  /** Queue a read-only inventory of a NAT gateway's or VPC's instances; it arrives as a `scan.finished` event. */
  scan?(input: { regionId: string; target: string; requestedBy: string; audience: Audience }): Promise<{ jobId: string }>;
  /**
   * Queue one batch over every IP-mapped instance of the targets: one plan, one approval, canary first. With
   * `hooks.defer`, the record is written before this resolves and queueing it (and its job.queued event) is handed
   * over unawaited, as submit does.
   */
  submitBatch?(input: BatchRequest, hooks?: { defer?: (work: () => Promise<void>) => void }): Promise<BatchSubmitResult>;
  /** Where a fleet job's events go (batch, scan, drift ids), from its record; undefined for other ids. */
  fleetAudience?(jobId: string): Promise<Audience | undefined>;
  /** A batch and where each of its instances stands; undefined for an unknown batch or another kind of id. */
  batchStatus?(batchId: string): Promise<BatchStatus | undefined>;
  /** A scan's record (for its report); undefined for an unknown scan or another kind of id. */
  scanStatus?(scanId: string): Promise<ScanStatus | undefined>;
  /**
   * A person's Restore of what reconcile asked about: the original mapping back from the ENI's tags, then the ENI
   * removed (refused while a job owns the instance). Resolves with what happened, for the clicker.
   */
  restoreFromCloud?(regionId: string, eniId: string, by: string): Promise<{ ok: boolean; message: string; answer?: ServiceAnswer }>;
}

/** An instance still egressing through a DNAT IP mapping, as a form lists it. */
export interface MappedInstance {
  instanceId: string;
  name?: string;
  privateIp: string;
  /** The EIP its mapping publishes (its egress IP now). */
  eip?: string;
  natGatewayId?: string;
  /** The planner would migrate it; else `refusal` says why not. */
  ready: boolean;
  refusal?: string;
}

/** Read-only cloud reads for forms (engine/fleet/inventory-reads.ts); they take a few cloud calls each. */
export interface InventoryPort {
  natGateways(regionId: string): Promise<{ natGatewayId: string; vpcId: string; name?: string }[]>;
  /** The IP-mapped instances of a NAT gateway or VPC. */
  mappedInstances(regionId: string, target: string): Promise<MappedInstance[]>;
}

/** A scan as its report reads it: who asked, when, and what it found (or why it failed). */
export interface ScanStatus {
  scanId: string;
  regionId: string;
  /** The NAT gateway or VPC scanned. */
  target: string;
  requestedBy: string;
  state: 'queued' | 'running' | 'finished';
  outcome?: JobOutcome;
  summary?: string;
  summaryText?: EngineSummary;
  error?: StepError;
  createdAt: string;
  updatedAt: string;
}

/** What `status <batch-id>` shows: the batch record plus each child's own state, read when asked. */
export interface BatchStatus {
  batchId: string;
  regionId: string;
  targets: string[];
  requestedBy: string;
  state: 'queued' | 'running' | 'finished';
  phase?: BatchPhase;
  outcome?: JobOutcome;
  summary?: string;
  summaryText?: EngineSummary;
  createdAt: string;
  updatedAt: string;
  approval?: ApprovalRequest;
  /** Known once planned. */
  planHash?: string;
  concurrency?: number;
  canary?: number;
  items: {
    instanceId: string;
    childJobId: string;
    canary: boolean;
    /** As the batch last reported it ('staging' until its first report). */
    status: BatchItemStatus;
    /** The child job's own record, now (absent when it was never created). */
    state?: JobState;
    outcome?: JobOutcome;
  }[];
  skipped: BatchSkip[];
  cancel?: { by: string; at: string };
}

export interface BatchRequest {
  regionId: string;
  /** NAT gateway, VPC or instance ids (an instance id names that instance only). */
  targets: string[];
  options: MigrationOptions;
  /** Children in flight at once after the canaries (default 4). */
  concurrency?: number;
  /** How many instances go first, alone (default 1). */
  canary?: number;
  requestedBy: string;
  audience: Audience;
}

/** `problem`: why the batch was refused, worded per reader; `message` is its English. */
export type BatchSubmitResult = { ok: true; batchId: string } | { ok: false; message: string; problem?: RequestProblem };

/** An event as a job emits it: the engine adds the job id and the time. */
export type EventBody = MigrationEvent extends infer E ? (E extends unknown ? Omit<E, 'jobId' | 'at'> : never) : never;

export type { Actor, ApprovalRequest, PlanResult };

/** The service's answer to cancel or rollback: its code and facts, and their English (logs, CLI). */
export interface AnswerResult { ok: boolean; message: string; answer: ServiceAnswer }
