// Every step of every path, by name: what the run loop calls. One file per step group under steps/.
import type { StepName } from '../../domain/steps.ts';
import type { StepHandler } from './step-context.ts';
import { awaitApproval, awaitWindow, requestApproval } from './steps/gate-steps.ts';
import { createEntry, deleteEntry, saveOriginal, waitEntryAvailable, waitEntryGone } from './steps/cutover-steps.ts';
import { modifyEntry, restoreModifyBack, waitEntryModified } from './steps/modify-steps.ts';
import { plan, recheckPlan } from './steps/plan-steps.ts';
import { startInstance, stopInstance, waitInstanceRunning, waitInstanceStopped } from './steps/power-steps.ts';
import { restoreCreateOriginal, restoreDeleteNew, restoreWaitNewGone, restoreWaitOriginal } from './steps/restore-steps.ts';
import { recheckRollback, rollbackPlan } from './steps/rollback-steps.ts';
import { attachEni, configureGuest, createEni, waitEniInUse } from './steps/stage-steps.ts';
import { deleteEni, detachEni, waitEniDetached, waitEniGone } from './steps/unstage-steps.ts';
import { verify, verifyOriginal } from './steps/verify-steps.ts';

export const STEP_HANDLERS: Record<StepName, StepHandler> = {
  plan,
  create_eni: createEni,
  attach_eni: attachEni,
  wait_eni_in_use: waitEniInUse,
  configure_guest: configureGuest,
  request_approval: requestApproval,
  await_approval: awaitApproval,
  // A rollback's approval binds to the live state it changes, a migration's to its plan.
  recheck_plan: (s) => (s.j.kind === 'rollback' ? recheckRollback(s) : recheckPlan(s)),
  await_window: awaitWindow,
  stop_instance: stopInstance,
  wait_instance_stopped: waitInstanceStopped,
  start_instance: startInstance,
  wait_instance_running: waitInstanceRunning,
  save_original: saveOriginal,
  modify_entry: modifyEntry,
  wait_entry_modified: waitEntryModified,
  delete_entry: deleteEntry,
  wait_entry_gone: waitEntryGone,
  create_entry: createEntry,
  wait_entry_available: waitEntryAvailable,
  verify,
  rollback_plan: rollbackPlan,
  restore_modify_back: restoreModifyBack,
  restore_delete_new: restoreDeleteNew,
  restore_wait_new_gone: restoreWaitNewGone,
  restore_create_original: restoreCreateOriginal,
  restore_wait_original: restoreWaitOriginal,
  detach_eni: detachEni,
  wait_eni_detached: waitEniDetached,
  delete_eni: deleteEni,
  wait_eni_gone: waitEniGone,
  verify_original: verifyOriginal,
  finish: async () => ({ outcome: 'done' }),
};
