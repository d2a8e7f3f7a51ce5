// --allow-stop (issue 15): a family that takes a secondary ENI only while Stopped is stopped, attached and started
// again after the approval; every way out while it may be down starts it first. Pure table tests.
import { describe, expect, it } from 'vitest';
import { STOP_ATTACH_PATH, type StepName } from '../../src/domain/steps.ts';
import { nextStep, routeCancel, routeFailure, type JobFacts, type StepOutcome } from '../../src/domain/transitions.ts';

const STOP: JobFacts = { kind: 'migrate', configureGuest: true, changeWindows: true, autoRollback: true, restage: false, cutover: 'modify', stopToAttach: true };
const DOWN: JobFacts = { ...STOP, poweredDown: true };
const f = (p: Partial<JobFacts> = {}): JobFacts => ({ ...STOP, ...p });

function walk(from: StepName, facts: JobFacts, outcomes: Partial<Record<StepName, StepOutcome>> = {}): StepName[] {
  const path: StepName[] = [from];
  let step = from;
  let cur = facts;
  while (step !== 'finish' && path.length < 60) {
    const t = nextStep(step, outcomes[step] ?? 'done', cur);
    if (t.pendingOutcome) cur = { ...cur, pendingOutcome: t.pendingOutcome };
    step = t.next;
    path.push(step);
  }
  return path;
}

const GATE_OPEN = { await_approval: 'approved', recheck_plan: 'unchanged', verify: 'verified' } as const;

describe('the stop → attach → start path', () => {
  it('creates the ENI before the approval and attaches it only after, between the stop and the start', () => {
    const p = walk('plan', STOP, GATE_OPEN);
    expect(p).toEqual(STOP_ATTACH_PATH);
    expect(p.indexOf('attach_eni')).toBeGreaterThan(p.indexOf('await_approval'));
    expect(p.indexOf('stop_instance')).toBeGreaterThan(p.indexOf('recheck_plan'));
    expect(p.indexOf('wait_instance_running')).toBeLessThan(p.indexOf('save_original'));
  });

  it('without a change window or --configure-guest', () => {
    const p = walk('plan', f({ changeWindows: false, configureGuest: false }), GATE_OPEN);
    expect(p).toEqual(STOP_ATTACH_PATH.filter((s) => s !== 'await_window' && s !== 'configure_guest'));
  });

  it('a rejection unstages the unattached ENI and never stops anything', () => {
    const p = walk('plan', STOP, { await_approval: 'rejected' });
    expect(p).not.toContain('stop_instance');
    expect(p).not.toContain('attach_eni');
    expect(p.slice(-5)).toEqual(['detach_eni', 'wait_eni_detached', 'delete_eni', 'wait_eni_gone', 'finish']);
  });

  it('a job without --allow-stop keeps its old path', () => {
    const p = walk('plan', f({ stopToAttach: false }), GATE_OPEN);
    expect(p).not.toContain('stop_instance');
    expect(p.indexOf('attach_eni')).toBeLessThan(p.indexOf('request_approval'));
  });

  it.each([
    ['create_eni', STOP, 'request_approval'],
    ['recheck_plan', f({ changeWindows: false }), 'stop_instance'],
    ['await_window', STOP, 'stop_instance'],
    ['stop_instance', DOWN, 'wait_instance_stopped'],
    ['wait_instance_stopped', DOWN, 'attach_eni'],
    ['wait_eni_in_use', DOWN, 'start_instance'],
    ['start_instance', DOWN, 'wait_instance_running'],
    ['wait_instance_running', STOP, 'configure_guest'],
    ['wait_instance_running', f({ configureGuest: false }), 'save_original'],
    ['configure_guest', STOP, 'save_original'],
    // Started again on a way out: then the ENI goes.
    ['wait_instance_running', f({ pendingOutcome: 'failed' }), 'detach_eni'],
    ['wait_instance_running', f({ pendingOutcome: 'cancelled' }), 'detach_eni'],
  ] as const)('%s → %s', (step, facts, next) => {
    const outcome: StepOutcome = step === 'recheck_plan' ? 'unchanged' : 'done';
    expect(nextStep(step, outcome, facts).next).toBe(next);
  });
});

describe('never left stopped', () => {
  it.each(['stop_instance', 'wait_instance_stopped', 'attach_eni', 'wait_eni_in_use'] as const)('a failure of %s while down starts the instance first', (step) => {
    expect(routeFailure(step, DOWN, { attempt: 1, maxAttempts: 3, retryable: true })).toEqual({ retry: false, next: 'start_instance', pendingOutcome: 'failed' });
    expect(routeFailure(step, DOWN, { attempt: 1, maxAttempts: 3, retryable: false })).toEqual({ retry: false, next: 'start_instance', pendingOutcome: 'failed' });
    // A transient error is first tried again, like any step before the cutover.
    expect(routeFailure(step, DOWN, { attempt: 1, maxAttempts: 3, retryable: true, transient: true })).toEqual({ retry: true });
    expect(routeFailure(step, DOWN, { attempt: 4, maxAttempts: 3, retryable: true, transient: true })).toMatchObject({ next: 'start_instance' });
  });

  it.each(['start_instance', 'wait_instance_running'] as const)('%s is tried again, even when not retryable, before giving up', (step) => {
    expect(routeFailure(step, DOWN, { attempt: 1, maxAttempts: 3, retryable: false })).toEqual({ retry: true });
    expect(routeFailure(step, DOWN, { attempt: 5, maxAttempts: 3, retryable: true })).toEqual({ retry: true });
    expect(routeFailure(step, DOWN, { attempt: 6, maxAttempts: 3, retryable: true })).toEqual({ retry: false, next: 'finish', pendingOutcome: 'failed' });
  });

  it('once the instance is Running again, failures route as before (unstage or restore)', () => {
    expect(routeFailure('configure_guest', STOP, { attempt: 1, maxAttempts: 3, retryable: true })).toEqual({ retry: false, next: 'detach_eni', pendingOutcome: 'failed' });
    expect(routeFailure('attach_eni', STOP, { attempt: 1, maxAttempts: 3, retryable: true })).toEqual({ retry: false, next: 'detach_eni', pendingOutcome: 'failed' });
    expect(routeFailure('verify', STOP, { attempt: 1, maxAttempts: 3, retryable: true })).toMatchObject({ next: 'restore_modify_back', pendingOutcome: 'restored' });
  });

  it('a failure on the way out keeps the cancel as the outcome', () => {
    expect(routeFailure('wait_instance_stopped', f({ poweredDown: true, pendingOutcome: 'cancelled' }), { attempt: 1, maxAttempts: 3, retryable: true }))
      .toEqual({ retry: false, next: 'start_instance', pendingOutcome: 'cancelled' });
  });

  it.each([
    ['stop_instance', 'start_instance'], ['wait_instance_stopped', 'start_instance'], ['attach_eni', 'start_instance'],
    ['wait_eni_in_use', 'start_instance'], ['start_instance', 'start_instance'], ['wait_instance_running', 'wait_instance_running'],
  ] as const)('a cancel at %s while down → %s', (step, next) => {
    expect(routeCancel(step, 'migrate', 'modify', true)).toEqual({ next, pendingOutcome: 'cancelled' });
  });

  it('a cancel when the instance is up routes as before', () => {
    expect(routeCancel('attach_eni', 'migrate', 'modify', false)).toEqual({ next: 'detach_eni', pendingOutcome: 'cancelled' });
    expect(routeCancel('modify_entry', 'migrate', 'modify', true)).toEqual({ next: 'restore_modify_back', pendingOutcome: 'cancelled' });
  });
});
