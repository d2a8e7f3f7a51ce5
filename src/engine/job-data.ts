import type { StablePlanFacts } from '../domain/plan-types.ts';
import type { DnatEntry, DnatSpec } from '../domain/cloud-types.ts';
import type { JobOutcome, PortEvidence, RollbackSummary, StepError } from '../domain/events.ts';
import type { MigrationOptions, Plan } from '../domain/plan-types.ts';
import type { CutoverMethod, StepName } from '../domain/steps.ts';
import type { JobReason } from '../domain/job-text.ts';

/**
 * The journal: BullMQ job data, rewritten after every step together with the record's copy (records.ts writeJournal).
 * A worker that picks the job up after a crash starts at `step` with exactly these facts.
 * No secrets here: BullMQ stores job data in clear text.
 */
export interface JobData {
  v: 1;
  kind: 'migrate' | 'rollback' | 'preview';
  jobId: string;
  regionId: string;
  instanceId: string;
  requestedBy: string;
  options: MigrationOptions;
  /** The next step to run. */
  step: StepName;
  /**
   * Random per job, mixed into every ClientToken: a job id can repeat (another deployment with its own prefix,
   * a Redis that lost its counters) and the cloud must never mistake a new job's write for an old one's.
   */
  nonce?: string;

  plan?: Plan;
  /** What the plan read that cannot change (gateways' tables, vSwitches' CIDRs): the gate's recheck reuses it. */
  planFacts?: StablePlanFacts;
  /** The value of the natmigrate:job tag on the ENI (the migration's id, also for its rollback). */
  eniTagJobId?: string;
  eniId?: string;
  /**
   * When this job's latest writes went out or were answered (wall-clock ms, per write key of StepContext.wrote), so a
   * run resumed on another worker knows a read may still predate them (read-lag.ts). Pruned once older than
   * writeVisibleWithinMs.
   */
  wroteAt?: Record<string, number>;
  /** The ClientToken label of a CreateNetworkInterface already sent (written before it goes out): a resumed create_eni looks for its ENI first. */
  eniCreateSent?: string;
  eniIp?: string;
  eniMac?: string;
  original?: { entry: DnatEntry; restoreRecipe: DnatSpec; savedAt: string };
  /** The service ports probed through the public IP right before the cutover, and whether each answered. */
  portBaseline?: PortEvidence[];
  newEntryIds?: string[];
  restoredEntryId?: string;
  /**
   * --allow-stop: this job asked the instance to stop (set before the StopInstance call) and has not seen it Running
   * again since; while set, every way out starts the instance first (transitions.ts).
   */
  poweredDown?: boolean;
  /** Set when the cutover method differs from the plan's (a refused modify fell back to delete and re-create). */
  cutover?: CutoverMethod;

  /** Hash the current approval request is bound to. */
  approvalHash?: string;
  /** Times the live state changed from the plan at the gate (each asks again). */
  planChanges?: number;
  /** A plan change needs another ENI: unstage, then stage again (round `stageRound`) before asking again. */
  restage?: boolean;
  stageRound?: number;
  /** Change-window time already announced (so a resumed job does not announce it again). */
  windowNotedUntil?: string;

  /** What the job ends with once the undo path (if any) is done. */
  pendingOutcome?: JobOutcome;
  /** Why the job is restoring / unstaging, as codes (src/domain/job-text.ts; the catalog words them). */
  reasons?: JobReason[];
  /** The same in English (logs; and what a journal written before `reasons` has). */
  reason?: string;
  error?: StepError;
  cancelHandled?: boolean;
  /** Per-step retry counts on the undo paths. */
  retries?: Partial<Record<StepName, number>>;

  /** Rollback: the migration it undoes and the approved view of what it will change. */
  migrationJobId?: string;
  rollback?: RollbackSummary & { hash: string };

  /** The 'finished' event went out (set after the record is final). */
  finishEmitted?: boolean;

  /** Fencing token of the run that last wrote this journal (src/engine/store/fencing.ts). */
  fenceToken?: number;

  /** Times this job was re-queued from its record after BullMQ lost or failed it. */
  recoveries?: number;

  /** Set on a batch's child migration: its approval is granted by that batch (src/engine/fleet/batch-run.ts). */
  batchId?: string;
}
