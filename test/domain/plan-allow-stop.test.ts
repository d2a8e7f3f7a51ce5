// --allow-stop in the pre-flight (issue 15): without it a stop-to-attach family is refused before any change, with
// it the plan says loudly that the instance will be stopped and started, and that is part of what is approved.
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/domain/plan.ts';
import { planDifferences } from '../../src/domain/plan-hash.ts';
import { parseCommand } from '../../src/domain/command.ts';
import { ctx, makeInput } from './fixtures.ts';
import { msg } from '../../src/i18n/catalog.ts';
import type { PlanWarningEntry } from '../../src/domain/plan-warning.ts';

/** The plan's warnings as the engine's English (the catalog's rendering of their codes). */
const warningText = (ws: readonly PlanWarningEntry[]): string => ws.map((w) => msg('en').planWarning({ w })).join('\n');

const t5 = 'ecs.t5-lc1m1.small';

describe('--allow-stop', () => {
  it.each([t5, 'ecs.n4.large', 'ecs.s6-c1m2.large', 'ecs.e-c1m1.large'])('%s without it: AttachRequiresStop names --allow-stop', (type) => {
    const r = buildPlan(makeInput((i) => { i.instance!.instanceType = type; }), ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.code).toBe('AttachRequiresStop');
    expect(r.refusal.message).toMatch(/only while Stopped; natmigrate stops a running instance only when asked: run again with --allow-stop/);
  });

  it('with it: a plan that stops and starts, first among the warnings, in the hash', () => {
    const r = buildPlan(makeInput((i) => { i.instance!.instanceType = t5; i.options.allowStop = true; }), ctx);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.plan.stopToAttach).toBe(true);
    expect(r.plan.options.allowStop).toBe(true);
    expect(warningText(r.plan.warnings.slice(0, 1))).toMatch(/after the approval it will be STOPPED \(StopInstance, KeepCharging\), the ENI attached, and STARTED again/);
    const g7 = buildPlan(makeInput((i) => { i.options.allowStop = true; }), ctx);
    if (!g7.ok) throw new Error(g7.refusal.message);
    expect(g7.plan.stopToAttach).toBeUndefined();
    expect(planDifferences(g7.plan, r.plan)).toContain('stop and start the instance: (none) → true');
  });

  it('a Stopped instance is still InstanceNotRunning (the flag stops, it does not start from cold)', () => {
    const r = buildPlan(makeInput((i) => { i.instance!.instanceType = t5; i.instance!.status = 'Stopped'; i.options.allowStop = true; }), ctx);
    expect(!r.ok && r.refusal.code).toBe('InstanceNotRunning');
  });

  it('the parser takes it on plan and run, and nowhere else', () => {
    const run = parseCommand('run i-bp1aaaaaaaaaaaaaaaaa --allow-stop');
    expect(run).toMatchObject({ ok: true, command: { options: { allowStop: true } } });
    expect(parseCommand('plan i-bp1aaaaaaaaaaaaaaaaa --allow-stop')).toMatchObject({ ok: true, command: { options: { allowStop: true } } });
    const plain = parseCommand('run i-bp1aaaaaaaaaaaaaaaaa');
    expect(plain.ok && 'options' in plain.command && plain.command.options.allowStop).toBeFalsy();
    expect(parseCommand('status --allow-stop')).toMatchObject({ ok: false });
  });
});
