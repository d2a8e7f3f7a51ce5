// The hostile-string corpus through every message builder: whatever a cloud name, tag, error, SSH banner, refusal,
// drift difference or summary holds, no live control sequence reaches any field (top-level text, blocks,
// continuations), and every message passes the strict Block Kit validation of the simulated workspace.
import { describe, expect, it } from 'vitest';
import type { MigrationEvent, ScanResult } from '../../src/domain/events.ts';
import type { InventoryRow } from '../../src/domain/inventory.ts';
import { approvalCard, decidedApprovalCard, type ApprovalCardInput } from '../../src/slack/blocks/approval-card.ts';
import { auditReply, previewReply } from '../../src/slack/blocks/audit.ts';
import { batchApprovalBlocks, batchCard, foldBatch, rootCard } from '../../src/slack/blocks/batch-card.ts';
import type { SlackMessage } from '../../src/slack/blocks/format.ts';
import { planCard, refusalCard } from '../../src/slack/blocks/plan-card.ts';
import { scanMessage } from '../../src/slack/blocks/scan-card.ts';
import { validateMessage } from '../../src/slack-sim/block-validation.ts';
import type { ThreadEvent } from '../../src/slack/thread-events.ts';
import { CORPUS, hostileBatch, hostilePlan, messageFaults } from './hostile-strings.ts';
import { LANGS, type Lang } from '../../src/i18n/lang.ts';

const AT = '2026-01-05T10:00:00Z';
const ALICE = { kind: 'user' as const, userId: 'U0ALICE' };
const BOB = { kind: 'user' as const, userId: 'U0BOB' };

function hostileScan(h: string, n: number): ScanResult {
  const rows: InventoryRow[] = Array.from({ length: n }, (_, i) => ({
    instanceId: `${h}${i}`, instanceName: h, status: h, vpcId: h, vSwitchId: h, privateIp: h, egressKind: 'dnat-ip-mapping', egressIp: h,
    egressReason: h, needsMigration: true, mappingEntryIds: [h], mappingNatGatewayId: h, action: i % 2 ? 'refused' : 'migrate',
    ...(i % 2 ? { refusal: { code: 'EniQuotaFull' as const, message: h } } : {}),
  }));
  return {
    regionId: 'cn-hangzhou', target: h, vpcId: h, rows,
    summary: { instances: n, needMigration: n, ready: n / 2, refused: n / 2, byEgress: { 'dnat-ip-mapping': n, snat: 0, 'own-public-ip': 0, none: 0 }, refusals: { [h]: n / 2 } },
  };
}

/** Every event type with `h` in each field that does not come from our code. */
function hostileEvents(h: string, jobId: string): ThreadEvent[] {
  const plan = hostilePlan(h);
  const e = (body: object): ThreadEvent => ({ jobId, at: AT, ...body }) as ThreadEvent;
  const batch = hostileBatch(h, 60);
  return [
    e({ type: 'job.queued', kind: 'migrate', instanceId: h, regionId: h, requestedBy: ALICE }),
    e({ type: 'job.queued', kind: 'batch', instanceId: h, regionId: h, requestedBy: ALICE }),
    e({ type: 'planned', plan }),
    e({ type: 'refused', refusal: { code: h, message: h, details: { [h]: h } } }),
    e({ type: 'step.started', step: h, title: h }),
    e({ type: 'step.finished', step: h, title: h, calls: [{ action: h, code: h, requestId: h }, { action: h, code: h }], detail: { [h]: h, n: [h] } }),
    e({ type: 'approval.recorded', by: BOB, approvals: 1, requiredApprovals: 2 }),
    e({ type: 'approval.decided', decision: 'approved', by: [BOB] }),
    e({ type: 'plan.changed', previousHash: 'cd'.repeat(32), plan, differences: Array.from({ length: 50 }, () => h) }),
    e({ type: 'original.saved', entry: plan.entryToDelete, restoreRecipe: plan.restoreRecipe }),
    e({ type: 'restored', entry: plan.entryToDelete, reason: h }),
    e({ type: 'verified', ok: false, ssh: { ok: false, host: h, port: 22, banner: h, attempts: 3, error: h }, egress: { ok: false, observedIp: h, expectedIps: [h], rawOutput: h, invokeId: h, error: h } }),
    e({ type: 'failed', step: h, error: { code: h, message: h, action: h, requestId: h } }),
    e({ type: 'cancel.requested', by: ALICE }),
    e({ type: 'window.waiting', until: AT, timeZone: h, windows: [h] }),
    e({ type: 'batch.planned', batch }),
    e({ type: 'batch.progress', phase: 'rolling', changes: batch.items.map((i) => ({ instanceId: i.instanceId, status: 'failed' })), counts: {} }),
    e({ type: 'batch.instance', instanceId: h, childJobId: h, canary: true, outcome: 'restored', summary: h }),
    e({ type: 'finished', outcome: 'failed', summary: h }),
    e({ type: 'slack.refused_click', userId: 'U0EVE', action: 'approve', code: h, reason: h }),
    e({ type: 'slack.replay_ignored', userId: 'U0EVE', what: h }),
  ];
}

/** Every message the builders make when `h` is in every field from outside (hashes are our own sha256). */
function allMessages(h: string, lang: Lang = 'en'): [string, SlackMessage][] {
  const plan = hostilePlan(h);
  const jobId = `migrate-cn-hangzhou-${h}`;
  const events = hostileEvents(h, jobId);
  const input: ApprovalCardInput = {
    jobId, kind: 'migrate', plan, planHash: 'ab'.repeat(32), expiresAt: AT, requiredApprovals: 2, requestedBy: ALICE, requestedAt: AT, value: 'v1:x:y:z',
    approvals: [{ by: BOB, at: AT }],
  };
  const rollback = { ...input, kind: 'rollback' as const, rollback: { migrationJobId: h, entriesToDelete: [plan.entryToDelete, plan.entryToDelete], restoreRecipe: plan.restoreRecipe, eniId: h } };
  const batchInput = { ...input, kind: 'batch' as const, batch: hostileBatch(h, 1000) };
  const out: [string, SlackMessage][] = [
    ['plan card', planCard(plan, { jobId, requestedBy: 'U0ALICE', at: AT, dryRun: true }, lang)],
    ['refusal card', refusalCard({ code: 'NoSnatCoverage', message: h, details: { [h]: h } }, { jobId, instanceId: h, requestedBy: 'U0ALICE', at: AT }, lang)],
    ['approval card', approvalCard(input, lang)],
    ['rollback approval card', approvalCard(rollback, lang)],
    ['batch approval card', approvalCard(batchInput, lang)],
    ['decided approval card', decidedApprovalCard(input, { decision: 'superseded', at: AT, reason: h }, lang)],
    ['decided batch approval card', decidedApprovalCard(batchInput, { decision: 'approved', by: [BOB], at: AT }, lang)],
    ['status card', rootCard(jobId, events.filter((x): x is MigrationEvent => !x.type.startsWith('slack.')), lang)],
    ['batch card', batchCard(foldBatch(`batch-${h}`, events.filter((x): x is MigrationEvent => !x.type.startsWith('slack.'))), lang)],
    ['scan message', scanMessage(`scan-${h}`, hostileScan(h, 1000), AT, 'U0ALICE', lang)],
  ];
  for (const ev of events) {
    const m = auditReply(ev, lang);
    if (m) out.push([`audit ${ev.type}`, m]);
  }
  for (const ev of [...events, { jobId: `scan-${h}`, at: AT, type: 'scan.finished', scan: hostileScan(h, 60) } as MigrationEvent,
    { jobId, at: AT, type: 'drift.detected', drift: { regionId: h, natGatewayId: h, instanceId: h, instanceName: h, kind: 'dnat-ip-mapping', egressIp: h, expectedIps: [h], reason: h, fingerprint: h } } as MigrationEvent]) {
    if (ev.type.startsWith('slack.')) continue;
    const m = previewReply(ev as MigrationEvent, 'U0ALICE', lang);
    if (m) out.push([`preview ${ev.type}`, m]);
  }
  return out;
}

describe('the hostile-string corpus through every message builder', () => {
  // Every builder in every language: the Japanese sentences carry the same hostile parameters, within the same limits.
  it.each(CORPUS.flatMap(([name, h]) => LANGS.map((lang) => [name, lang, h] as const)))('%s (%s): no live control sequence in any field, and every message passes the strict validation', (_name, lang, h) => {
    const messages = allMessages(h, lang);
    expect(messages.length).toBeGreaterThan(30);
    const faults = messages.flatMap(([what, msg]) => [
      ...messageFaults(msg).map((f) => `${what}: ${f}`),
      ...[msg, ...(msg.continuations ?? [])].flatMap((m, i) => { const bad = validateMessage(m); return bad ? [`${what} #${i}: ${bad}`] : []; }),
    ]);
    expect(faults).toEqual([]);
  });

  it('the batch approval card does not grow with the batch: 10 or 1,000 instances, the same size', () => {
    const size = (n: number) => JSON.stringify(batchApprovalBlocks(hostileBatch('i-bp1aaaaaaaaaaaaaaaaa', n, 0))).length;
    expect(size(1000)).toBeLessThan(size(10) + 100);
  });

  it('escaping shows the hostile text as it was written, and a cut never splits an entity or a pair', () => {
    const msg = refusalCard({ code: 'NoSnatCoverage', message: `${'&'.repeat(2000)}🚀<!channel>` }, { jobId: 'j' });
    const text = (msg.blocks![0] as { text: { text: string } }).text.text;
    expect(text).toMatch(/(&amp;)+…$/);
    expect(messageFaults(msg)).toEqual([]);
  });
});
