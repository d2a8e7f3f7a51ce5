// The step list of a job, as pure data: order, titles, phases and what each step does to the cloud.
// The engine journals the name of the next step in the BullMQ job (and the record); after a crash, the job
// re-runs that step, so every step is idempotent given the journal. Which step follows which: transitions.ts.

/** Where a job is, as `status` shows it. */
export type JobState =
  | 'queued' | 'planning' | 'staging' | 'awaiting_approval' | 'waiting_window' | 'cutover' | 'verifying'
  | 'restoring' | 'rolling_back' | 'unstaging' | 'finished';

export type StepName =
  // pre-flight and staging (nothing destructive)
  | 'plan'
  | 'create_eni'
  | 'attach_eni'
  | 'wait_eni_in_use'
  | 'configure_guest'
  // the gate
  | 'request_approval'
  | 'await_approval'
  | 'recheck_plan'
  | 'await_window'
  // --allow-stop: the family takes a secondary ENI only while Stopped; after the approval: stop, attach, start
  | 'stop_instance'
  | 'wait_instance_stopped'
  | 'start_instance'
  | 'wait_instance_running'
  // cutover (forward-table writes, under the per-table lock)
  | 'save_original'
  | 'modify_entry'
  | 'wait_entry_modified'
  | 'delete_entry'
  | 'wait_entry_gone'
  | 'create_entry'
  | 'wait_entry_available'
  | 'verify'
  // restore (after a failure or cancel past the delete) and rollback share these
  | 'rollback_plan'
  | 'restore_modify_back'
  | 'restore_delete_new'
  | 'restore_wait_new_gone'
  | 'restore_create_original'
  | 'restore_wait_original'
  // undo staging
  | 'detach_eni'
  | 'wait_eni_detached'
  | 'delete_eni'
  | 'wait_eni_gone'
  | 'verify_original'
  | 'finish';

/**
 * Where a step sits, which decides what a failure or a cancel does there:
 * - preflight: nothing exists yet → finish.
 * - stage: an ENI may exist, the mapping is untouched → unstage.
 * - cutover: the original entry may be gone → restore it, then unstage.
 * - restore / unstage / final: already undoing → a failure is reported, cancel is ignored.
 */
export type StepPhase = 'preflight' | 'stage' | 'gate' | 'cutover' | 'restore' | 'unstage' | 'final';

export interface StepInfo {
  name: StepName;
  title: string;
  phase: StepPhase;
  /** The record state while this step is current. */
  state: JobState;
  /** Writes to (or waits on) a forward table: runs holding the per-table lock. */
  tableLock: boolean;
  /** Makes a cloud write (a crash "during" it, after the call and before the journal moves on, is possible). */
  writes: boolean;
  /** Contains a wait on an asynchronous cloud state (a crash "during the wait" is possible). */
  waits: boolean;
  /** Parks the job (delayed, no worker slot) instead of running. */
  parks: boolean;
  /** Has no step.started/step.finished events of its own (a park/wake or the terminal bookkeeping). */
  silent: boolean;
}

const S = (name: StepName, title: string, phase: StepPhase, state: JobState,
  o: Partial<Omit<StepInfo, 'name' | 'title' | 'phase' | 'state'>> = {}): StepInfo => ({
  name, title, phase, state,
  tableLock: o.tableLock ?? false,
  writes: o.writes ?? false,
  waits: o.waits ?? false,
  parks: o.parks ?? false,
  silent: o.silent ?? false,
});

export const STEPS: Record<StepName, StepInfo> = {
  plan: S('plan', 'Pre-flight plan (read-only)', 'preflight', 'planning'),
  create_eni: S('create_eni', 'Create the secondary ENI', 'stage', 'staging', { writes: true }),
  attach_eni: S('attach_eni', 'Attach the ENI to the instance', 'stage', 'staging', { writes: true }),
  wait_eni_in_use: S('wait_eni_in_use', 'Wait for the ENI to be InUse', 'stage', 'staging', { waits: true }),
  configure_guest: S('configure_guest', 'Configure the secondary NIC in the guest (routing, persistent; Windows: network profile)', 'stage', 'staging', { waits: true }),
  request_approval: S('request_approval', 'Request approval', 'gate', 'awaiting_approval'),
  await_approval: S('await_approval', 'Wait for the approval decision', 'gate', 'awaiting_approval', { parks: true, silent: true }),
  recheck_plan: S('recheck_plan', 'Re-read live state and compare with the approved plan', 'gate', 'awaiting_approval'),
  await_window: S('await_window', 'Wait for the change window', 'gate', 'waiting_window', { parks: true, silent: true }),
  stop_instance: S('stop_instance', 'Stop the instance (StopInstance, KeepCharging) to attach the ENI', 'stage', 'staging', { writes: true }),
  wait_instance_stopped: S('wait_instance_stopped', 'Wait for the instance to be Stopped', 'stage', 'staging', { waits: true }),
  start_instance: S('start_instance', 'Start the instance again (StartInstance)', 'stage', 'staging', { writes: true }),
  wait_instance_running: S('wait_instance_running', 'Wait for the instance to be Running', 'stage', 'staging', { waits: true }),
  // Reads and journals only (no forward-table write): it runs before the table lock is taken, so jobs queued for the
  // table have it done by their turn; the write that follows re-reads the entry when this read is no longer fresh.
  save_original: S('save_original', 'Save the original DNAT entry and its restore recipe', 'stage', 'cutover'),
  modify_entry: S('modify_entry', 'Move the DNAT IP mapping to the ENI in place (ModifyForwardEntry)', 'cutover', 'cutover', { writes: true, tableLock: true }),
  wait_entry_modified: S('wait_entry_modified', 'Wait until the DNAT IP mapping is Available on the ENI', 'cutover', 'cutover', { tableLock: true, waits: true }),
  delete_entry: S('delete_entry', 'Delete the DNAT IP mapping', 'cutover', 'cutover', { writes: true, tableLock: true }),
  wait_entry_gone: S('wait_entry_gone', 'Wait until the DNAT IP mapping is gone', 'cutover', 'cutover', { tableLock: true, waits: true }),
  create_entry: S('create_entry', 'Create the DNAT entry to the ENI', 'cutover', 'cutover', { writes: true, tableLock: true }),
  wait_entry_available: S('wait_entry_available', 'Wait for the new DNAT entry to be Available', 'cutover', 'cutover', { tableLock: true, waits: true }),
  verify: S('verify', 'Verify: SSH (or RDP) through the EIP and egress IP', 'cutover', 'verifying', { waits: true }),
  rollback_plan: S('rollback_plan', 'Read the migration to roll back and the live state', 'preflight', 'planning'),
  restore_modify_back: S('restore_modify_back', 'Move the DNAT IP mapping back to the primary IP in place', 'restore', 'restoring', { writes: true, tableLock: true, waits: true }),
  restore_delete_new: S('restore_delete_new', 'Delete the new DNAT entries', 'restore', 'restoring', { writes: true, tableLock: true }),
  restore_wait_new_gone: S('restore_wait_new_gone', 'Wait until the new DNAT entries are gone', 'restore', 'restoring', { tableLock: true, waits: true }),
  restore_create_original: S('restore_create_original', 'Recreate the original DNAT IP mapping from the restore recipe', 'restore', 'restoring', { writes: true, tableLock: true, waits: true }),
  restore_wait_original: S('restore_wait_original', 'Wait for the original DNAT IP mapping to be Available', 'restore', 'restoring', { tableLock: true, waits: true }),
  detach_eni: S('detach_eni', 'Detach the ENI', 'unstage', 'unstaging', { writes: true }),
  wait_eni_detached: S('wait_eni_detached', 'Wait for the ENI to be Available', 'unstage', 'unstaging', { waits: true }),
  delete_eni: S('delete_eni', 'Delete the ENI', 'unstage', 'unstaging', { writes: true }),
  wait_eni_gone: S('wait_eni_gone', 'Wait until the ENI is gone', 'unstage', 'unstaging', { waits: true }),
  verify_original: S('verify_original', 'Verify the original path: SSH banner and egress through the EIP', 'final', 'verifying', { waits: true }),
  finish: S('finish', 'Finish', 'final', 'finished', { silent: true }),
};

/** The step of a read-only job that is not a migration step: a scan's one step (a dry run runs `plan`). */
export type ReadOnlyStepName = 'scan';
/** Every step name a job's record, events or failure reason can carry. */
export type RecordStepName = StepName | ReadOnlyStepName;
export const RECORD_STEP_NAMES: readonly RecordStepName[] = [...(Object.keys(STEPS) as StepName[]), 'scan'];

/**
 * How the cutover moves the public IP to the ENI. 'modify': ModifyForwardEntry changes the IP mapping's InternalIp
 * in place (one asynchronous operation; the EIP is never unmapped; restoring is the same call backwards).
 * 'recreate': delete the IP mapping, then create the new entries (port lists, and the fallback when Modify is refused).
 */
export type CutoverMethod = 'modify' | 'recreate';

const STAGE_AND_GATE: StepName[] = [
  'plan', 'create_eni', 'attach_eni', 'wait_eni_in_use', 'configure_guest', 'request_approval', 'await_approval',
  'recheck_plan', 'await_window', 'save_original',
];
const UNSTAGE_STEPS: StepName[] = ['detach_eni', 'wait_eni_detached', 'delete_eni', 'wait_eni_gone'];

/** The order a successful migration runs in (configure_guest only when asked for), per cutover method. */
export const MIGRATION_PATHS: Record<CutoverMethod, StepName[]> = {
  modify: [...STAGE_AND_GATE, 'modify_entry', 'wait_entry_modified', 'verify', 'finish'],
  recreate: [...STAGE_AND_GATE, 'delete_entry', 'wait_entry_gone', 'create_entry', 'wait_entry_available', 'verify', 'finish'],
};
export const MIGRATION_PATH = MIGRATION_PATHS.recreate;

/**
 * A migration whose instance family attaches a secondary ENI only while Stopped (--allow-stop): the ENI is created
 * before the approval, and attached only after it, between a stop and a start.
 */
export const STOP_ATTACH_PATH: StepName[] = [
  'plan', 'create_eni', 'request_approval', 'await_approval', 'recheck_plan', 'await_window',
  'stop_instance', 'wait_instance_stopped', 'attach_eni', 'wait_eni_in_use', 'start_instance', 'wait_instance_running',
  'configure_guest', 'save_original', 'modify_entry', 'wait_entry_modified', 'verify', 'finish',
];

/** The first step of the restore (after a failure or cancel past the save), per cutover method. */
export const RESTORE_START: Record<CutoverMethod, StepName> = { modify: 'restore_modify_back', recreate: 'restore_delete_new' };

const RESTORE_STEPS: Record<CutoverMethod, StepName[]> = {
  modify: ['restore_modify_back', 'restore_wait_original'],
  recreate: ['restore_delete_new', 'restore_wait_new_gone', 'restore_create_original', 'restore_wait_original'],
};

/** Restoring the original mapping, then removing the ENI (after a failure or cancel past the save). */
export const RESTORE_PATHS: Record<CutoverMethod, StepName[]> = {
  modify: [...RESTORE_STEPS.modify, ...UNSTAGE_STEPS, 'finish'],
  recreate: [...RESTORE_STEPS.recreate, ...UNSTAGE_STEPS, 'finish'],
};
export const RESTORE_PATH = RESTORE_PATHS.recreate;

/** Removing the staged ENI (rejected, expired, cancelled or failed before the delete). */
export const UNSTAGE_PATH: StepName[] = [...UNSTAGE_STEPS, 'finish'];

/** A rollback job: approval, then the restore path of the migration's cutover method, then a check of the original path. */
export const ROLLBACK_PATHS: Record<CutoverMethod, StepName[]> = {
  modify: ['rollback_plan', 'request_approval', 'await_approval', 'recheck_plan', ...RESTORE_STEPS.modify, ...UNSTAGE_STEPS, 'verify_original', 'finish'],
  recreate: ['rollback_plan', 'request_approval', 'await_approval', 'recheck_plan', ...RESTORE_STEPS.recreate, ...UNSTAGE_STEPS, 'verify_original', 'finish'],
};
export const ROLLBACK_PATH = ROLLBACK_PATHS.recreate;

export function isStepName(s: unknown): s is StepName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(STEPS, s);
}

/** Record state of a step; rollback jobs show their restore steps as 'rolling_back'. */
export function stateOf(step: StepName, kind: 'migrate' | 'rollback' | 'preview'): JobState {
  const s = STEPS[step].state;
  return kind === 'rollback' && s === 'restoring' ? 'rolling_back' : s;
}

/**
 * The places a worker can die that the crash test drives: before the first step, after every step (the
 * journal already names the next one), and in the middle of each write or wait ('during': the cloud call was
 * made or the wait started, the journal not yet advanced).
 */
export type CrashPoint = `${StepName}:${'before' | 'during' | 'after'}`;

export function crashPointsOf(path: StepName[]): CrashPoint[] {
  const out: CrashPoint[] = [];
  const first = path[0];
  if (first) out.push(`${first}:before`);
  for (const s of path) {
    if (s === 'finish') continue;
    if (STEPS[s].waits || STEPS[s].writes || STEPS[s].parks) out.push(`${s}:during`);
    out.push(`${s}:after`);
  }
  return out;
}
