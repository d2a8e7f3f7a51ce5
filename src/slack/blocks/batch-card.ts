import type { BatchItem, BatchItemStatus, BatchPhase, BatchPlan } from '../../domain/batch-plan.ts';
import type { JobOutcome, MigrationEvent } from '../../domain/events.ts';
import { applyHeadEvent, cancelNote, headContext, outcomeLabel, outcomeLine, type CardHead } from './card-common.ts';
import { code, context, esc, escCut, header, section, truncate, when, type Block, type SlackMessage } from './format.ts';
import { continuations, fitMessage, splitBlocks } from './fit.ts';
import { portsSummary, portsTable } from './services-text.ts';
import { batchPlanCsv, batchPlanFileName } from '../../domain/batch-plan-csv.ts';
import { cutoverMethodFor } from '../../domain/plan.ts';
import { foldCard, statusCard } from './status-card.ts';

/**
 * A batch's thread: the root is ONE live message (progress: done / in flight / waiting / failed, and one line per
 * instance), rebuilt from the batch's events by a pure fold and edited in place; the replies are the plan, the
 * approval card, each child's end and the result.
 */

const ICON: Record<BatchItemStatus, string> = { staging: '🛠️', waiting: '⬜', in_flight: '⏳', done: '✅', failed: '❌', untouched: '➖' };
const WORD: Record<BatchItemStatus, string> = {
  staging: 'staging the ENI', waiting: 'waiting', in_flight: 'cutting over / verifying', done: 'migrated', failed: 'not migrated', untouched: 'untouched (staging undone)',
};
/** An instance's place in its batch, as the live message words it (also used by `status <batch-id>`). */
export function batchStatusText(s: BatchItemStatus): string {
  return `${ICON[s]} ${WORD[s]}`;
}

/** Instance lines in the live message (at most this many, and this much text); the rest are counted. */
const MAX_ROWS = 90;
const ROWS_TEXT = 6500;

interface BatchCardState extends CardHead {
  batchId: string;
  targets?: string;
  plan?: BatchPlan;
  phase: BatchPhase | 'queued';
  statuses: Record<string, BatchItemStatus>;
  outcomes: Record<string, JobOutcome>;
  windowUntil?: string;
  windowTitle?: string;
}

export function isBatchJobId(jobId: string): boolean {
  return jobId.startsWith('batch-');
}

/** Apply one event; unknown ones are ignored (a newer engine must not break an older bot). */
function applyBatchEvent(s: BatchCardState, ev: MigrationEvent): BatchCardState {
  applyHeadEvent(s, ev);
  switch (ev.type) {
    case 'job.queued':
      s.targets = ev.instanceId;
      break;
    case 'batch.planned':
      s.plan = ev.batch;
      s.phase = 'staging';
      for (const i of ev.batch.items) s.statuses[i.instanceId] ??= 'staging';
      break;
    case 'batch.progress':
      s.phase = ev.phase;
      for (const c of ev.changes) s.statuses[c.instanceId] = c.status;
      break;
    case 'batch.instance':
      s.outcomes[ev.instanceId] = ev.outcome;
      break;
    case 'step.started':
      if (ev.step === 'await_window') s.windowTitle = ev.title;
      break;
    case 'window.waiting':
      s.windowUntil = ev.until;
      break;
    case 'step.finished':
      if (ev.step === 'await_window') { delete s.windowUntil; delete s.windowTitle; }
      break;
    case 'finished':
      s.phase = 'finished';
      break;
  }
  return s;
}

export function foldBatch(batchId: string, events: MigrationEvent[]): BatchCardState {
  const s: BatchCardState = { batchId, phase: 'queued', statuses: {}, outcomes: {} };
  for (const e of events) applyBatchEvent(s, e);
  return s;
}

function counts(s: BatchCardState): Record<BatchItemStatus, number> {
  const c: Record<BatchItemStatus, number> = { staging: 0, waiting: 0, in_flight: 0, done: 0, failed: 0, untouched: 0 };
  for (const i of s.plan?.items ?? []) c[s.statuses[i.instanceId] ?? 'staging'] += 1;
  return c;
}

function stateLine(s: BatchCardState): string {
  if (s.outcome) return outcomeLine(s.outcome, s, 1500);
  if (!s.plan) return '*Planning*: reading the VPC (every instance, DNAT and SNAT entry)…';
  const a = s.approval;
  if (a?.status === 'pending') {
    return `*Waiting for approval* (${a.approvals} of ${a.required}) until ${when(a.expiresAt)}; meanwhile every instance's ENI is staged (nothing destructive).`;
  }
  if (s.windowUntil) return `*Waiting for the change window* until ${when(s.windowUntil)}${s.windowTitle ? ` — ${esc(s.windowTitle.replace(/ · .*$/, ''))}` : ''}`;
  const canaries = s.plan.items.filter((i) => i.canary).map((i) => code(i.instanceId)).join(', ');
  switch (s.phase) {
    case 'canary': return `*Canary*: ${canaries} cut${s.plan.canary === 1 ? 's' : ''} over alone; the rest waits until it verifies.`;
    case 'rolling': return `*Rolling*: the canary verified; the rest goes at most ${s.plan.concurrency} at a time (forward-table writes one by one).`;
    case 'stopping': return '*Stopping*: nothing more is released; cutovers in flight finish or restore, the rest is unstaged.';
    case 'waiting_window': return '*Waiting for the change window*';
    default: return `*Staging* ${s.plan.items.length} instance${s.plan.items.length === 1 ? '' : 's'}`;
  }
}

function countsLine(s: BatchCardState): string {
  const c = counts(s);
  const parts = [
    `✅ done ${c.done}`, `⏳ in flight ${c.in_flight}`, `⬜ waiting ${c.waiting + c.staging}`, `❌ failed ${c.failed}`,
  ];
  if (c.untouched) parts.push(`➖ untouched ${c.untouched}`);
  if (s.plan?.skipped.length) parts.push(`🚫 skipped ${s.plan.skipped.length}`);
  return parts.join(' · ');
}

function itemLine(s: BatchCardState, i: BatchItem): string {
  const st = s.statuses[i.instanceId] ?? 'staging';
  const out = s.outcomes[i.instanceId];
  const tail = out && st !== 'done' ? ` (${esc(out)})` : '';
  return `${ICON[st]} ${code(i.instanceId)}${i.canary ? ' *canary*' : ''} — ${WORD[st]}${tail}`;
}

/** The live root message of a batch's thread. */
export function batchCard(s: BatchCardState): SlackMessage {
  const items = s.plan?.items ?? [];
  const blocks: Block[] = [
    header(`NAT batch · ${s.targets ?? s.batchId}${items.length ? ` · ${items.length} instance${items.length === 1 ? '' : 's'}` : ''}`),
    headContext('batch', s.batchId, s),
    section(stateLine(s)),
  ];
  if (items.length) {
    blocks.push(section(`*Progress*: ${countsLine(s)}`));
    const lines: string[] = [];
    let used = 0;
    for (const i of items.slice(0, MAX_ROWS)) {
      const l = itemLine(s, i);
      if (used + l.length > ROWS_TEXT) break;
      lines.push(l);
      used += l.length + 1;
    }
    blocks.push(...packed(lines));
    if (items.length > lines.length) blocks.push(context([`…and ${items.length - lines.length} more instances (counted above; each one's end is in the thread)`]));
  }
  const cancel = cancelNote(s);
  if (cancel) blocks.push(section(cancel));
  const knobs = s.plan ? [`plan hash ${code(s.plan.hash.slice(0, 12))}`, `canary ${s.plan.canary}`, `concurrency ${s.plan.concurrency}`] : [];
  blocks.push(context([...knobs, 'Audit log in this thread ↓']));
  const c = counts(s);
  const text = s.outcome
    ? `NAT batch ${esc(s.batchId)}: ${outcomeLabel(s.outcome)}`
    : `NAT batch ${esc(s.batchId)}: done ${c.done}, in flight ${c.in_flight}, waiting ${c.waiting + c.staging}, failed ${c.failed}`;
  return fitMessage({ text: text.replace(/:[a-z_]+:\s*/g, ''), blocks });
}

/** The thread root for any job: the batch card for batches, the step checklist otherwise. */
export function rootCard(jobId: string, events: MigrationEvent[]): SlackMessage {
  return isBatchJobId(jobId) ? batchCard(foldBatch(jobId, events)) : statusCard(foldCard(jobId, events));
}

// ── replies ─────────────────────────────────────────────────────────────────

/** Continuation replies a plan may take; a longer plan goes out whole as a file in the thread instead. */
const MAX_PLAN_CONTINUATIONS = 3;

function recipeText(i: BatchItem): string {
  const r = i.restoreRecipe;
  return `${r.forwardTableId} ${r.externalIp}:${r.externalPort} → ${r.internalIp}:${r.internalPort} ${r.ipProtocol}${r.forwardEntryName ? ` name=${r.forwardEntryName}` : ''}`;
}

function batchItemLine(i: BatchItem, inPlace: boolean): string {
  const e = i.entryToDelete;
  const change = inPlace ? 'move in place' : 'delete';
  const restore = inPlace ? 'move back to' : 'CreateForwardEntry';
  return truncate(`• ${code(i.instanceId)}${i.canary ? ' *canary*' : ''}: ${change} ${code(e.forwardEntryId)} (${code(`${e.externalIp} → ${e.internalIp}`)}); restore = ${restore} ${code(recipeText(i))}; egress after: ${i.expectedEgressIps.map((ip) => code(ip)).join(' or ')}`, 900);
}

/** Every port: each IP mapping moves to its ENI in place (ModifyForwardEntry); a port list deletes and re-creates. */
const movesInPlace = (plan: BatchPlan): boolean => cutoverMethodFor(plan.options.ports) === 'modify';

/** Lines packed into sections of at most 2,900 characters each. */
function packed(lines: string[]): Block[] {
  const out: Block[] = [];
  let cur = '';
  for (const l of lines) {
    if (cur && cur.length + l.length + 1 > 2900) {
      out.push(section(cur));
      cur = '';
    }
    cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(section(cur));
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The one plan of the batch: every DNAT entry it deletes and every restore recipe; the skipped instances. What does
 * not fit one message follows in numbered continuation replies, or, for a long plan, as one CSV file in the thread.
 */
export function batchPlanReply(plan: BatchPlan, at: string): SlackMessage {
  const canaries = plan.items.filter((i) => i.canary).map((i) => code(i.instanceId)).join(', ') || 'none';
  const atRisk = plan.skipped.filter((s) => s.code === 'ServiceAtRisk').length;
  const head = `:clipboard: ${when(at)} *Batch plan* for ${plan.targets.map((t) => code(t)).join(', ')}: ${plural(plan.items.length, 'instance')} to migrate, ${plan.skipped.length} skipped${atRisk ? ` (${plural(atRisk, 'instance')} with services at risk)` : ''}. Canary first: ${truncate(canaries, 600)}; then at most ${plan.concurrency} at a time. The first failed verification stops the batch and restores that instance.`;
  const skipped = plan.skipped.map((s) => `• ${code(s.instanceId)} ${code(s.code)}: ${escCut(s.message, 300)}`);
  const body = [...packed(plan.items.map((i) => batchItemLine(i, movesInPlace(plan)))), ...(skipped.length ? [section('*Skipped by the pre-flight (left alone)*'), ...packed(skipped)] : [])];
  const tail = context([`batch ${code(plan.batchId)}`, `plan hash ${code(plan.hash.slice(0, 12))}`]);
  const text = `Batch plan: ${plural(plan.items.length, 'instance')} to migrate, ${plan.skipped.length} skipped (batch ${esc(plan.batchId)})`;
  const { first, rest } = splitBlocks([section(head)], body, [tail]);
  if (!rest.length) return fitMessage({ text, blocks: first });
  const title = `Batch plan ${esc(plan.batchId)}`;
  if (rest.length <= MAX_PLAN_CONTINUATIONS) {
    const note = context([`Continued in the next ${plural(rest.length, 'reply', 'replies')} (${rest.length + 1} messages in all).`]);
    return fitMessage({ text, blocks: [...first.slice(0, -1), note, tail], continuations: continuations(title, rest) });
  }
  const file = batchPlanFileName(plan);
  const note = context([`The whole plan (${plural(plan.items.length, 'instance')}, ${plan.skipped.length} skipped) is too long for messages: it is in the file ${code(file)} in this thread; its first instances are above.`]);
  return fitMessage({
    text, blocks: [...first.slice(0, -1), note, tail],
    file: { filename: file, title: `natmigrate batch plan ${plan.batchId} (${plan.items.length} instances)`, content: batchPlanCsv(plan) },
  });
}

/** What the approval card shows for a batch, at any size: counts and the first ten (the plan reply has them all). */
export function batchApprovalBlocks(plan: BatchPlan): Block[] {
  const shown = plan.items.slice(0, 10).map((i) => batchItemLine(i, movesInPlace(plan)));
  const more = plan.items.length > shown.length ? `\n…and ${plan.items.length - shown.length} more, listed in the batch plan above.` : '';
  const canaries = plan.items.filter((i) => i.canary).map((i) => code(i.instanceId)).join(', ');
  const skipped = plan.skipped.slice(0, 20).map((s) => `${code(s.instanceId)} (${code(s.code)})`).join(', ');
  return [
    section(`*One approval for the whole batch*: ${plural(plan.items.length, 'DNAT IP mapping')} ${movesInPlace(plan) ? 'moved in place (ModifyForwardEntry; falls back to delete and re-create if refused)' : 'deleted and re-created'} to a new ENI of ${plan.items.length === 1 ? 'its instance' : 'each instance'}; canary first (${truncate(canaries, 600)}), then at most ${plan.concurrency} at a time. The first failed verification stops the batch; that instance is restored and the rest are left untouched.`),
    section(`${truncate(shown.join('\n'), 2800)}${more}`),
    ...(plan.skipped.length ? [section(`Skipped by the pre-flight: ${truncate(skipped, 1500)}${plan.skipped.length > 20 ? ` and ${plan.skipped.length - 20} more` : ''}`)] : []),
  ];
}

export function batchInstanceReply(ev: Extract<MigrationEvent, { type: 'batch.instance' }>): SlackMessage {
  const ok = ev.outcome === 'migrated';
  const icon = ok ? ':white_check_mark:' : ev.outcome === 'cancelled' ? ':heavy_minus_sign:' : ':x:';
  const outcome = outcomeLabel(ev.outcome).replace(/^:[a-z_]+:\s*/, '');
  return fitMessage({
    text: `${esc(ev.instanceId)}${ev.canary ? ' (canary)' : ''}: ${outcome}. ${esc(ev.summary)}`,
    blocks: [
      section(`${icon} ${when(ev.at)} ${code(ev.instanceId)}${ev.canary ? ' *(canary)*' : ''}: *${outcome}*\n${escCut(ev.summary, 1500)}`),
      ...(ev.ports?.length ? [section(`*Service ports* through the public IP: ${portsSummary(ev.ports)}\n${portsTable(ev.ports)}`)] : []),
      context([`job ${code(ev.childJobId)}`, `${code(`/natmigrate status ${ev.childJobId}`)} shows its steps and RequestIds`]),
    ],
  });
}
