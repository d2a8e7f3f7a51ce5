// Which step follows which: the migration, rollback, restore and unstage paths as one pure function of the step
// that ran, what it found, and a few facts of the job. The engine's steps only report what happened; every
// routing decision (and the outcome the job will end with) is made here, where a table test covers it.
import type { JobOutcome } from './events.ts';
import { RESTORE_START, STEPS, type CutoverMethod, type StepName } from './steps.ts';

/** What a step found. Most steps have one way to go on ('done'); the gates and checks have more. */
export type StepOutcome =
  | 'done'
  /** plan, recheck_plan: the pre-flight refuses (nothing to cut over). */
  | 'refused'
  /** await_approval: no request bound to the current hash (ask again). */
  | 'not_requested'
  | 'approved' | 'rejected' | 'expired'
  /** recheck_plan: the live state still matches the approved plan. */
  | 'unchanged'
  /** recheck_plan: it changed; ask again. */
  | 'plan_changed'
  /** recheck_plan: it changed in a way the staged ENI no longer fits: unstage, stage again, ask again. */
  | 'eni_spec_changed'
  /** verify, verify_original. */
  | 'verified' | 'not_verified'
  /** restore_delete_new, restore_modify_back: the original entry was never touched (cancelled or failed before the save). */
  | 'untouched'
  /** modify_entry: the API refused to modify the entry in place (the entry is unchanged): delete and re-create instead. */
  | 'modify_refused'
  /** restore_modify_back: the entry to move back is gone; restore by re-creating it. */
  | 'entry_gone'
  /** detach_eni: no ENI of ours exists. */
  | 'nothing_staged';

export interface JobFacts {
  kind: 'migrate' | 'rollback';
  configureGuest: boolean;
  /** Change-freeze windows are configured: an approved cutover first waits for the window. */
  changeWindows: boolean;
  /** Restore automatically when verification fails. */
  autoRollback: boolean;
  /** A plan change needs another ENI: after unstaging, stage a fresh one. */
  restage: boolean;
  /** The outcome already decided (the job is on an undo path towards it). */
  pendingOutcome?: JobOutcome;
  /** How the cutover moves (or moved) the mapping; decides the cutover and restore steps. */
  cutover: CutoverMethod;
  /** --allow-stop on a family that attaches only while Stopped: stop → attach → start, after the approval. */
  stopToAttach?: boolean;
  /** This job asked the instance to stop and has not yet seen it Running again: every way out starts it first. */
  poweredDown?: boolean;
}

export interface Transition {
  next: StepName;
  /** The outcome the job will end with, when this transition decides it. */
  pendingOutcome?: JobOutcome;
  /** A plan change needs another ENI: remember to stage a fresh one once this one is removed. */
  restage?: boolean;
  /** The fresh staging round starts now (forget the removed ENI; new ClientTokens). */
  newStagingRound?: boolean;
}

/** After the unstage path: stage again (plan change), check the original path (rollback), or finish. */
function afterUnstage(f: JobFacts): Transition {
  if (f.restage && !f.pendingOutcome) return { next: 'create_eni', newStagingRound: true };
  return { next: f.kind === 'rollback' && f.pendingOutcome !== 'failed' ? 'verify_original' : 'finish' };
}

/** After the gate (and the change window): the cutover, or first the stop that lets the ENI attach. */
const afterGate = (f: JobFacts): StepName => (f.stopToAttach ? 'stop_instance' : 'save_original');

/** The steps during which an instance this job stopped may still be down. */
const POWER_STEPS: ReadonlySet<StepName> = new Set(['stop_instance', 'wait_instance_stopped', 'attach_eni', 'wait_eni_in_use', 'start_instance', 'wait_instance_running']);
const STARTING: ReadonlySet<StepName> = new Set(['start_instance', 'wait_instance_running']);

const unexpected = (step: StepName, outcome: StepOutcome) => new Error(`step ${step} cannot end '${outcome}'`);

export function nextStep(step: StepName, outcome: StepOutcome, f: JobFacts): Transition {
  const rollback = f.kind === 'rollback';
  switch (step) {
    case 'plan':
      return outcome === 'refused' ? { next: 'finish', pendingOutcome: 'refused' } : { next: 'create_eni' };
    case 'create_eni': return { next: f.stopToAttach ? 'request_approval' : 'attach_eni' };
    case 'attach_eni': return { next: 'wait_eni_in_use' };
    case 'wait_eni_in_use':
      if (f.stopToAttach) return { next: 'start_instance' };
      return { next: f.configureGuest ? 'configure_guest' : 'request_approval' };
    case 'configure_guest': return { next: f.stopToAttach ? 'save_original' : 'request_approval' };
    case 'stop_instance': return { next: 'wait_instance_stopped' };
    case 'wait_instance_stopped': return { next: 'attach_eni' };
    case 'start_instance': return { next: 'wait_instance_running' };
    case 'wait_instance_running':
      // Started again on a way out (failure or cancel while stopped): now remove the ENI.
      if (f.pendingOutcome) return { next: 'detach_eni' };
      return { next: f.configureGuest ? 'configure_guest' : 'save_original' };
    case 'rollback_plan': return { next: 'request_approval' };
    case 'request_approval': return { next: 'await_approval' };
    case 'await_approval':
      switch (outcome) {
        case 'not_requested': return { next: 'request_approval' };
        case 'approved': return { next: 'recheck_plan' };
        case 'rejected':
        case 'expired':
          return { next: rollback ? 'finish' : 'detach_eni', pendingOutcome: outcome };
        default: throw unexpected(step, outcome);
      }
    case 'recheck_plan':
      switch (outcome) {
        case 'unchanged':
          if (rollback) return { next: RESTORE_START[f.cutover] };
          return { next: f.changeWindows ? 'await_window' : afterGate(f) };
        case 'plan_changed': return { next: 'request_approval' };
        case 'eni_spec_changed': return { next: 'detach_eni', restage: true };
        case 'refused': return { next: 'detach_eni', pendingOutcome: 'refused' };
        default: throw unexpected(step, outcome);
      }
    case 'await_window': return { next: afterGate(f) };
    case 'save_original': return { next: f.cutover === 'modify' ? 'modify_entry' : 'delete_entry' };
    case 'modify_entry': return { next: outcome === 'modify_refused' ? 'delete_entry' : 'wait_entry_modified' };
    case 'wait_entry_modified': return { next: 'verify' };
    case 'delete_entry': return { next: 'wait_entry_gone' };
    case 'wait_entry_gone': return { next: 'create_entry' };
    case 'create_entry': return { next: 'wait_entry_available' };
    case 'wait_entry_available': return { next: 'verify' };
    case 'verify':
      if (outcome === 'verified') return { next: 'finish', pendingOutcome: 'migrated' };
      return f.autoRollback ? { next: RESTORE_START[f.cutover], pendingOutcome: 'restored' } : { next: 'finish', pendingOutcome: 'verify_failed' };
    case 'restore_modify_back':
      if (outcome === 'untouched') return { next: 'detach_eni' };
      return { next: outcome === 'entry_gone' ? 'restore_delete_new' : 'restore_wait_original' };
    case 'restore_delete_new': return { next: outcome === 'untouched' ? 'detach_eni' : 'restore_wait_new_gone' };
    case 'restore_wait_new_gone': return { next: 'restore_create_original' };
    case 'restore_create_original': return { next: 'restore_wait_original' };
    case 'restore_wait_original': return { next: 'detach_eni' };
    case 'detach_eni': return outcome === 'nothing_staged' ? afterUnstage(f) : { next: 'wait_eni_detached' };
    case 'wait_eni_detached': return { next: 'delete_eni' };
    case 'delete_eni': return { next: 'wait_eni_gone' };
    case 'wait_eni_gone': return afterUnstage(f);
    case 'verify_original':
      return { next: 'finish', pendingOutcome: outcome === 'verified' ? 'rolled_back' : 'failed' };
    case 'finish': return { next: 'finish' };
  }
}

/** What a failed step leads to: an undo path, or (on the undo paths themselves) another try of the same step. */
export type FailureRoute = { retry: true } | ({ retry: false } & Transition);

/**
 * Before the delete nothing but staging exists: unstage, 'failed'. From the delete on, the original mapping may be
 * gone: restore it first ('restored', or 'cancelled' when a cancel is what led there). On the undo paths a step is
 * tried again (`attempt` of `maxAttempts`) unless retrying cannot help, then the job gives up as 'failed'.
 */
export function routeFailure(
  step: StepName, f: JobFacts, o: { attempt: number; maxAttempts: number; retryable: boolean; transient?: boolean },
): FailureRoute {
  const phase = STEPS[step].phase;
  // A transient cloud error (busy, 5xx, throttled) that outlasted one call's retries is not a reason to give up or to
  // restore: every step is idempotent (it resumes after a crash the same way), so it runs again, like terraform's
  // retry-until-timeout. Only after maxAttempts does the failure route as usual.
  if (o.transient && o.attempt <= o.maxAttempts && ['preflight', 'stage', 'gate', 'cutover'].includes(phase)) return { retry: true };
  // The instance is (or may be) stopped by this job: it is started again before anything else; the start itself is
  // tried again and again (an instance left stopped is an outage), then reported.
  if (f.poweredDown && POWER_STEPS.has(step)) {
    if (!STARTING.has(step)) return { retry: false, next: 'start_instance', pendingOutcome: f.pendingOutcome === 'cancelled' ? 'cancelled' : 'failed' };
    if (o.attempt <= Math.max(o.maxAttempts, 5)) return { retry: true };
    return { retry: false, next: 'finish', pendingOutcome: 'failed' };
  }
  switch (phase) {
    case 'preflight': return { retry: false, next: 'finish', pendingOutcome: 'failed' };
    case 'stage':
    case 'gate':
      return { retry: false, next: f.kind === 'rollback' ? 'finish' : 'detach_eni', pendingOutcome: 'failed' };
    case 'cutover':
      return { retry: false, next: RESTORE_START[f.cutover], pendingOutcome: f.pendingOutcome === 'cancelled' ? 'cancelled' : 'restored' };
    default:
      if (o.retryable && o.attempt <= o.maxAttempts) return { retry: true };
      return { retry: false, next: 'finish', pendingOutcome: 'failed' };
  }
}

/** A cancel means something only before the undo paths start (a rollback: only before its changes), and once. */
export function cancelApplies(step: StepName, kind: 'migrate' | 'rollback', alreadyHandled: boolean): boolean {
  if (alreadyHandled) return false;
  const phase = STEPS[step].phase;
  if (kind === 'rollback') return phase === 'preflight' || phase === 'gate';
  return phase === 'preflight' || phase === 'stage' || phase === 'gate' || phase === 'cutover';
}

/**
 * Where a cancel sends the job: nothing made yet → finish; cutover started → restore; else unstage; an instance this
 * job stopped is started first (a start under way goes on).
 */
export function routeCancel(step: StepName, kind: 'migrate' | 'rollback', cutover: CutoverMethod, poweredDown = false): Transition {
  if (poweredDown && POWER_STEPS.has(step)) return { next: STARTING.has(step) ? step : 'start_instance', pendingOutcome: 'cancelled' };
  const phase = STEPS[step].phase;
  const next: StepName = kind === 'rollback' || phase === 'preflight' ? 'finish' : phase === 'cutover' ? RESTORE_START[cutover] : 'detach_eni';
  return { next, pendingOutcome: 'cancelled' };
}
