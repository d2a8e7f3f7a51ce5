import { describe, expect, it } from 'vitest';
import { approvalCard, decidedApprovalCard, APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../src/slack/blocks/approval-card.ts';
import { planCard, refusalCard } from '../../src/slack/blocks/plan-card.ts';
import { foldCard, statusCard } from '../../src/slack/blocks/status-card.ts';
import { auditReply } from '../../src/slack/blocks/audit.ts';
import { esc } from '../../src/slack/blocks/format.ts';
import { decodeApprovalValue, encodeApprovalValue } from '../../src/domain/approval-button.ts';
import { renderMessage } from '../../src/slack-sim/render.ts';
import { ev, samplePlan } from './fixtures.ts';

const plan = samplePlan();
const value = encodeApprovalValue({ jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa', planHash: plan.hash, nonce: 'n0nce' });
const input = {
  jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa', kind: 'migrate' as const, plan, planHash: plan.hash,
  expiresAt: '2026-01-05T10:30:00Z', requiredApprovals: 2, requestedBy: { kind: 'user' as const, userId: 'U0ALICE' },
  requestedAt: '2026-01-05T10:00:00Z', value,
};

type B = Record<string, unknown> & { type: string };

describe('Block Kit builders', () => {
  it('the approval card has exactly the buttons Approve and Reject, bound to the job and plan hash', () => {
    const card = approvalCard(input);
    const actions = (card.blocks as B[]).find((b) => b.type === 'actions') as unknown as { elements: { text: { text: string }; action_id: string; value: string; style: string }[] };
    expect(actions.elements.map((e) => e.text.text)).toEqual(['Approve', 'Reject']);
    expect(actions.elements.map((e) => e.action_id)).toEqual([APPROVE_ACTION_ID, REJECT_ACTION_ID]);
    expect(actions.elements.map((e) => e.style)).toEqual(['primary', 'danger']);
    for (const e of actions.elements) expect(decodeApprovalValue(e.value)).toEqual({ jobId: input.jobId, planHash: plan.hash, nonce: 'n0nce' });
    const shown = renderMessage(card);
    // The exact DNAT entry to delete, every field.
    for (const f of ['fwd-bp1ddddddddddddddddd', 'ftb-bp1ttttttttttttttttt', '47.96.1.10:Any', '10.0.1.10:Any', 'Any', 'web-1-map']) expect(shown).toContain(f);
    expect(shown).toContain('Needs 2 distinct approvers');
  });

  it('the plan and the approval card name the cutover method; a rollback of an in-place migration moves the entry back', () => {
    expect(renderMessage(approvalCard(input))).toContain('modify the entry in place');
    const listed = samplePlan({ cutover: 'recreate', options: { ports: { kind: 'list', ports: [22] }, configureGuest: false } });
    const shownList = renderMessage(planCard(listed, { jobId: 'j' }));
    expect(shownList).toContain('delete and re-create');
    expect(shownList).toContain('DNAT entry to delete');
    expect(shownList).not.toContain('modify the entry in place');
    const entry = { ...plan.entryToDelete, internalIp: '10.0.1.99' };
    const rollback = (cutover?: 'modify') => renderMessage(approvalCard({
      ...input, kind: 'rollback', rollback: { migrationJobId: 'm-1', entriesToDelete: [entry], restoreRecipe: plan.restoreRecipe, ...(cutover ? { cutover } : {}) },
    }));
    expect(rollback('modify')).toContain('DNAT entry to move back in place');
    expect(rollback()).toContain('DNAT entry to delete');
  });

  it('after the decision the buttons are replaced by who decided and when', () => {
    const card = decidedApprovalCard(input, { decision: 'approved', by: [{ kind: 'user', userId: 'U0BOB' }, { kind: 'user', userId: 'U0DAVE' }], at: '2026-01-05T10:05:00Z' });
    expect((card.blocks as B[]).some((b) => b.type === 'actions')).toBe(false);
    expect(renderMessage(card)).toContain('*Approved* by @U0BOB, @U0DAVE Jan 5, 2026, 10:05:00 UTC');
    const rejected = decidedApprovalCard(input, { decision: 'rejected', by: [{ kind: 'user', userId: 'U0BOB' }], at: '2026-01-05T10:05:00Z' });
    expect(renderMessage(rejected)).toContain('*Rejected* by @U0BOB');
    expect(renderMessage(decidedApprovalCard(input, { decision: 'expired', at: '2026-01-05T10:30:00Z' }))).toContain('*Expired*');
  });

  it('escapes user-controlled text so it cannot mention @channel or forge links', () => {
    const evil = samplePlan({ instanceName: '<!channel> <https://evil.example|click>', warnings: ['<@U0BOB> & more'] });
    const shown = JSON.stringify(planCard(evil, { jobId: 'j' }).blocks);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
    expect(shown).toContain('&lt;!channel&gt;');
    expect(esc('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('stays inside Slack limits with huge inputs', () => {
    const big = samplePlan({ warnings: Array.from({ length: 200 }, (_, i) => `warning ${i} ${'x'.repeat(100)}`) });
    for (const msg of [planCard(big, { jobId: 'j' }), approvalCard({ ...input, plan: big }), refusalCard({ code: 'NoSnatCoverage', message: 'y'.repeat(10_000), details: { a: 'z'.repeat(10_000) } }, { jobId: 'j' })]) {
      expect(msg.blocks!.length).toBeLessThanOrEqual(50);
      for (const b of msg.blocks as B[]) {
        const text = (b.text as { text?: string } | undefined)?.text;
        if (text) expect(text.length).toBeLessThanOrEqual(b.type === 'header' ? 150 : 3000);
      }
      expect(msg.text.length).toBeLessThanOrEqual(3900);
    }
  });

  it('the status card is a pure fold of the events: a checklist updated in place', () => {
    const j = 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa';
    const events = [
      ev(j, { type: 'job.queued', kind: 'migrate', instanceId: plan.instanceId, regionId: 'cn-hangzhou', requestedBy: { kind: 'user', userId: 'U0ALICE' } }),
      ev(j, { type: 'step.started', step: 'plan', title: 'Pre-flight plan (read-only)' }),
      ev(j, { type: 'step.finished', step: 'plan', title: 'Pre-flight plan (read-only)', calls: [] }),
      ev(j, { type: 'step.started', step: 'create_eni', title: 'Create the secondary ENI' }),
    ];
    const shown = renderMessage(statusCard(foldCard(j, events)));
    expect(shown).toMatch(/✅ Pre-flight plan/);
    expect(shown).toMatch(/⏳ Create the secondary ENI/);
    expect(shown).toMatch(/⬜ Delete the DNAT IP mapping/);
    const done = renderMessage(statusCard(foldCard(j, [...events, ev(j, { type: 'failed', step: 'create_eni', error: { code: 'QuotaExceeded', message: 'no' } }), ev(j, { type: 'finished', outcome: 'failed', summary: 'could not create the ENI' })])));
    expect(done).toMatch(/❌ Create the secondary ENI/);
    expect(done).not.toMatch(/⬜/);
    expect(done).toContain('Failed: needs attention');
  });

  it('every event type has an audit line with its time (approval requests are cards of their own)', () => {
    const j = 'x';
    const lines = [
      auditReply(ev(j, { type: 'cancel.requested', by: { kind: 'user', userId: 'U0BOB' } })),
      auditReply(ev(j, { type: 'failed', step: 'delete_entry', error: { code: 'Forbidden.RAM', message: 'denied', action: 'DeleteForwardEntry', requestId: 'RQ-9' } })),
      auditReply(ev(j, { type: 'restored', entry: plan.entryToDelete, reason: 'verification failed' })),
      auditReply({ type: 'slack.refused_click', jobId: j, at: '2026-01-05T10:00:00Z', userId: 'U0EVE', action: 'approve', code: 'NotApprover', reason: 'not an approver' }),
    ];
    for (const l of lines) expect(renderMessage(l!)).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} UTC/);
    expect(renderMessage(lines[1]!)).toContain('RQ-9');
    expect(renderMessage(lines[3]!)).toContain('@U0EVE clicked *Approve* — refused (`NotApprover`)');
  });
});

describe('the reconcile question', () => {
  it('shows the situation and the original mapping, escaped, with a Restore button bound to the region, ENI and job', async () => {
    const { reconcileAskMessage, decodeReconcileValue, RECONCILE_RESTORE_ACTION_ID } = await import('../../src/slack/blocks/reconcile-card.ts');
    const msg = reconcileAskMessage({
      type: 'reconcile.ask', jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-3', at: '2026-01-05T10:00:00Z', regionId: 'cn-hangzhou', eniId: 'eni-bp1eeeeeeeeeeeeeeeee',
      situation: 'EIP 47.96.1.10 maps to 10.0.1.99 (fwd-x) <!channel>',
      original: { forwardEntryId: 'fwd-1', forwardTableId: 'ftb-1', externalIp: '47.96.1.10', internalIp: '10.0.1.10', externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any' },
    });
    const actions = (msg.blocks as B[]).find((b) => b.type === 'actions') as unknown as { elements: { text: { text: string }; action_id: string; value: string }[] };
    expect(actions.elements.map((e) => [e.text.text, e.action_id])).toEqual([['Restore', RECONCILE_RESTORE_ACTION_ID]]);
    expect(decodeReconcileValue(actions.elements[0]!.value)).toEqual({ regionId: 'cn-hangzhou', eniId: 'eni-bp1eeeeeeeeeeeeeeeee', jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-3' });
    const shown = renderMessage(msg);
    for (const f of ['10.0.1.99', 'ftb-1', '47.96.1.10', '10.0.1.10']) expect(shown).toContain(f);
    expect(JSON.stringify(msg.blocks)).not.toContain('<!channel>');
    expect(decodeReconcileValue('{"v":1,"r":"cn-hangzhou","e":"eni-1"}')).toBeUndefined();
    const { validateMessage } = await import('../../src/slack-sim/block-validation.ts');
    expect(validateMessage(msg)).toBeUndefined();
  });
  it('words the situation from its facts in the reader\'s language; an older event shows its English as data', async () => {
    const { reconcileAskMessage } = await import('../../src/slack/blocks/reconcile-card.ts');
    const ev = {
      type: 'reconcile.ask' as const, jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-3', at: '2026-01-05T10:00:00Z', regionId: 'cn-hangzhou', eniId: 'eni-bp1eeeeeeeeeeeeeeeee',
      situation: 'EIP 47.96.1.10 maps both to the ENI and to the original 10.0.1.10',
      original: { forwardEntryId: 'fwd-1', forwardTableId: 'ftb-1', externalIp: '47.96.1.10', internalIp: '10.0.1.10', externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any' },
    };
    const ja = renderMessage(reconcileAskMessage({ ...ev, facts: { code: 'maps_both', eip: '47.96.1.10', originalIp: '10.0.1.10' } }, 'ja'));
    expect(ja).toContain('EIP 47.96.1.10 はENIと元の 10.0.1.10 の両方にマッピングされています');
    expect(ja).not.toContain('maps both');
    expect(renderMessage(reconcileAskMessage(ev, 'ja'))).toContain('maps both to the ENI');
  });
});
