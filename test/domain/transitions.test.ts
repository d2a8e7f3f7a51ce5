import { describe, expect, it } from 'vitest';
import { MIGRATION_PATH, MIGRATION_PATHS, RESTORE_PATH, RESTORE_PATHS, ROLLBACK_PATH, ROLLBACK_PATHS, STEPS, UNSTAGE_PATH, type StepName } from '../../src/domain/steps.ts';
import { cancelApplies, nextStep, routeCancel, routeFailure, type JobFacts, type StepOutcome } from '../../src/domain/transitions.ts';

const MIGRATE: JobFacts = { kind: 'migrate', configureGuest: true, changeWindows: true, autoRollback: true, restage: false, cutover: 'recreate' };
const MODIFY: JobFacts = { ...MIGRATE, cutover: 'modify' };
const ROLLBACK: JobFacts = { ...MIGRATE, kind: 'rollback' };
const facts = (p: Partial<JobFacts> = {}): JobFacts => ({ ...MIGRATE, ...p });

/** Follows the table from `from` taking `outcomes[step]` (default 'done'), until finish. */
function walk(from: StepName, f: JobFacts, outcomes: Partial<Record<StepName, StepOutcome>> = {}): StepName[] {
  const path: StepName[] = [from];
  let step = from;
  let cur = f;
  while (step !== 'finish' && path.length < 60) {
    const t = nextStep(step, outcomes[step] ?? 'done', cur);
    if (t.pendingOutcome) cur = { ...cur, pendingOutcome: t.pendingOutcome };
    if (t.restage) cur = { ...cur, restage: true };
    if (t.newStagingRound) cur = { ...cur, restage: false };
    step = t.next;
    path.push(step);
  }
  return path;
}

describe('the paths the table walks are the documented ones', () => {
  it('migration, with every gate open', () => {
    expect(walk('plan', MIGRATE, { await_approval: 'approved', recheck_plan: 'unchanged', verify: 'verified' })).toEqual(MIGRATION_PATH);
  });
  it('restore after a failed verification, then unstage', () => {
    const p = walk('plan', MIGRATE, { await_approval: 'approved', recheck_plan: 'unchanged', verify: 'not_verified' });
    expect(p.slice(p.indexOf('verify') + 1)).toEqual(RESTORE_PATH);
  });
  it('the in-place path: migration, restore after a failed verification, rollback', () => {
    expect(walk('plan', MODIFY, { await_approval: 'approved', recheck_plan: 'unchanged', verify: 'verified' })).toEqual(MIGRATION_PATHS.modify);
    const p = walk('plan', MODIFY, { await_approval: 'approved', recheck_plan: 'unchanged', verify: 'not_verified' });
    expect(p.slice(p.indexOf('verify') + 1)).toEqual(RESTORE_PATHS.modify);
    expect(walk('rollback_plan', { ...MODIFY, kind: 'rollback' }, { await_approval: 'approved', recheck_plan: 'unchanged', verify_original: 'verified' }))
      .toEqual(ROLLBACK_PATHS.modify);
    expect(p).not.toContain('delete_entry');
  });
  it('a refused modify falls back to delete and re-create, and then restores that way', () => {
    const p = walk('plan', MODIFY, { await_approval: 'approved', recheck_plan: 'unchanged', modify_entry: 'modify_refused', verify: 'verified' });
    expect(p.slice(p.indexOf('modify_entry') + 1)).toEqual(['delete_entry', 'wait_entry_gone', 'create_entry', 'wait_entry_available', 'verify', 'finish']);
  });
  it('unstage after a rejection; a rollback', () => {
    const p = walk('plan', MIGRATE, { await_approval: 'rejected' });
    expect(p.slice(p.indexOf('await_approval') + 1)).toEqual(UNSTAGE_PATH);
    expect(walk('rollback_plan', ROLLBACK, { await_approval: 'approved', recheck_plan: 'unchanged', verify_original: 'verified' })).toEqual(ROLLBACK_PATH);
  });
});

describe('nextStep', () => {
  it.each([
    ['plan', 'refused', MIGRATE, 'finish', 'refused'],
    ['plan', 'done', MIGRATE, 'create_eni', undefined],
    ['wait_eni_in_use', 'done', facts({ configureGuest: false }), 'request_approval', undefined],
    ['wait_eni_in_use', 'done', MIGRATE, 'configure_guest', undefined],
    ['await_approval', 'not_requested', MIGRATE, 'request_approval', undefined],
    ['await_approval', 'approved', MIGRATE, 'recheck_plan', undefined],
    ['await_approval', 'rejected', MIGRATE, 'detach_eni', 'rejected'],
    ['await_approval', 'expired', MIGRATE, 'detach_eni', 'expired'],
    ['await_approval', 'rejected', ROLLBACK, 'finish', 'rejected'],
    ['recheck_plan', 'unchanged', MIGRATE, 'await_window', undefined],
    ['recheck_plan', 'unchanged', facts({ changeWindows: false }), 'save_original', undefined],
    ['recheck_plan', 'unchanged', ROLLBACK, 'restore_delete_new', undefined],
    ['recheck_plan', 'plan_changed', MIGRATE, 'request_approval', undefined],
    ['recheck_plan', 'refused', MIGRATE, 'detach_eni', 'refused'],
    ['verify', 'verified', MIGRATE, 'finish', 'migrated'],
    ['verify', 'not_verified', MIGRATE, 'restore_delete_new', 'restored'],
    ['verify', 'not_verified', facts({ autoRollback: false }), 'finish', 'verify_failed'],
    ['restore_delete_new', 'untouched', MIGRATE, 'detach_eni', undefined],
    ['detach_eni', 'nothing_staged', MIGRATE, 'finish', undefined],
    ['detach_eni', 'nothing_staged', ROLLBACK, 'verify_original', undefined],
    ['wait_eni_gone', 'done', facts({ kind: 'rollback', pendingOutcome: 'failed' }), 'finish', undefined],
    ['verify_original', 'verified', ROLLBACK, 'finish', 'rolled_back'],
    ['verify_original', 'not_verified', ROLLBACK, 'finish', 'failed'],
    ['save_original', 'done', MODIFY, 'modify_entry', undefined],
    ['save_original', 'done', MIGRATE, 'delete_entry', undefined],
    ['modify_entry', 'done', MODIFY, 'wait_entry_modified', undefined],
    ['modify_entry', 'modify_refused', MODIFY, 'delete_entry', undefined],
    ['wait_entry_modified', 'done', MODIFY, 'verify', undefined],
    ['verify', 'not_verified', MODIFY, 'restore_modify_back', 'restored'],
    ['recheck_plan', 'unchanged', { ...MODIFY, kind: 'rollback' }, 'restore_modify_back', undefined],
    ['restore_modify_back', 'done', MODIFY, 'restore_wait_original', undefined],
    ['restore_modify_back', 'untouched', MODIFY, 'detach_eni', undefined],
    ['restore_modify_back', 'entry_gone', MODIFY, 'restore_delete_new', undefined],
  ] as const)('%s --%s--> %s', (step, outcome, f, next, pending) => {
    const t = nextStep(step, outcome, f);
    expect(t.next).toBe(next);
    expect(t.pendingOutcome).toBe(pending);
  });

  it('a plan change that needs another ENI unstages, stages a fresh one, and asks again', () => {
    expect(nextStep('recheck_plan', 'eni_spec_changed', MIGRATE)).toEqual({ next: 'detach_eni', restage: true });
    expect(nextStep('wait_eni_gone', 'done', facts({ restage: true }))).toEqual({ next: 'create_eni', newStagingRound: true });
    // ...unless the job is already on its way out.
    expect(nextStep('wait_eni_gone', 'done', facts({ restage: true, pendingOutcome: 'cancelled' }))).toEqual({ next: 'finish' });
  });

  it('refuses an outcome a step cannot have', () => {
    expect(() => nextStep('await_approval', 'verified', MIGRATE)).toThrow(/cannot end 'verified'/);
    expect(() => nextStep('recheck_plan', 'approved', MIGRATE)).toThrow();
  });
});

describe('failures and cancels', () => {
  it.each([
    ['plan', MIGRATE, 'finish', 'failed'],
    ['attach_eni', MIGRATE, 'detach_eni', 'failed'],
    ['recheck_plan', ROLLBACK, 'finish', 'failed'],
    ['save_original', MIGRATE, 'detach_eni', 'failed'],
    ['delete_entry', MIGRATE, 'restore_delete_new', 'restored'],
    ['verify', MIGRATE, 'restore_delete_new', 'restored'],
    ['create_entry', facts({ pendingOutcome: 'cancelled' }), 'restore_delete_new', 'cancelled'],
    ['modify_entry', MODIFY, 'restore_modify_back', 'restored'],
    ['wait_entry_modified', { ...MODIFY, pendingOutcome: 'cancelled' }, 'restore_modify_back', 'cancelled'],
  ] as const)('a failure of %s goes to %s (%s)', (step, f, next, pending) => {
    expect(routeFailure(step, f, { attempt: 1, maxAttempts: 5, retryable: true })).toEqual({ retry: false, next, pendingOutcome: pending });
  });

  it('a transient cloud error before and during the cutover runs the step again, then routes as usual', () => {
    for (const step of ['plan', 'create_eni', 'save_original', 'delete_entry', 'create_entry', 'modify_entry'] as const) {
      const f = step === 'modify_entry' ? MODIFY : MIGRATE;
      expect(routeFailure(step, f, { attempt: 5, maxAttempts: 5, retryable: true, transient: true })).toEqual({ retry: true });
      expect(routeFailure(step, f, { attempt: 6, maxAttempts: 5, retryable: true, transient: true })).toMatchObject({ retry: false });
    }
    // Verification failing is not transient: it restores at once.
    expect(routeFailure('verify', MIGRATE, { attempt: 1, maxAttempts: 5, retryable: true, transient: false })).toMatchObject({ retry: false, next: 'restore_delete_new' });
  });

  it('the undo paths retry, then give up; a conflict is not retried', () => {
    for (const step of [...RESTORE_PATH, ...RESTORE_PATHS.modify, ...UNSTAGE_PATH].filter((s) => s !== 'finish')) {
      expect(routeFailure(step, MIGRATE, { attempt: 5, maxAttempts: 5, retryable: true })).toEqual({ retry: true });
      expect(routeFailure(step, MIGRATE, { attempt: 6, maxAttempts: 5, retryable: true })).toEqual({ retry: false, next: 'finish', pendingOutcome: 'failed' });
      expect(routeFailure(step, MIGRATE, { attempt: 1, maxAttempts: 5, retryable: false })).toMatchObject({ retry: false, next: 'finish' });
    }
  });

  it('a cancel applies before the undo paths only, once; a rollback only before its changes', () => {
    const where = (kind: 'migrate' | 'rollback') => (Object.keys(STEPS) as StepName[]).filter((s) => cancelApplies(s, kind, false));
    expect(where('migrate').every((s) => ['preflight', 'stage', 'gate', 'cutover'].includes(STEPS[s].phase))).toBe(true);
    expect(where('migrate')).toContain('wait_entry_available');
    expect(where('rollback')).not.toContain('restore_delete_new');
    expect(cancelApplies('plan', 'migrate', true)).toBe(false);
  });

  it.each([
    ['plan', 'migrate', 'finish'], ['attach_eni', 'migrate', 'detach_eni'], ['await_approval', 'migrate', 'detach_eni'],
    ['create_entry', 'migrate', 'restore_delete_new'], ['await_approval', 'rollback', 'finish'],
  ] as const)('cancel at %s (%s) → %s', (step, kind, next) => {
    expect(routeCancel(step, kind, 'recreate')).toEqual({ next, pendingOutcome: 'cancelled' });
  });

  it.each([
    ['modify_entry', 'restore_modify_back'], ['wait_entry_modified', 'restore_modify_back'], ['attach_eni', 'detach_eni'],
  ] as const)('cancel at %s on the in-place path → %s', (step, next) => {
    expect(routeCancel(step, 'migrate', 'modify')).toEqual({ next, pendingOutcome: 'cancelled' });
  });
});
