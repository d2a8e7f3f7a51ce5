import type { BatchItem, BatchItemStatus, BatchPhase, BatchPlan } from '../../domain/batch-plan.ts';
import type { JobOutcome, MigrationEvent } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { applyHeadEvent, cancelNote, headContext, outcomeLabel, outcomeLine, type CardHead } from './card-common.ts';
import { code, codeWithin, context, esc, escCut, header, section, summaryText, truncate, when, type Block, type SlackMessage } from './format.ts';
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
/** An instance's place in its batch, as the live message words it (also used by `status <batch-id>`). */
export function batchStatusText(s: BatchItemStatus, lang: Lang = 'en'): string {
  return `${ICON[s]} ${msg(lang).batchItemWord({ status: s })}`;
}

/** Instance lines in the live message (at most this many, and this much text); the rest are counted. */
const MAX_ROWS = 90;
const ROWS_TEXT = 6500;

export interface BatchCardState extends CardHead {
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
  return foldBatchMore({ batchId, phase: 'queued', statuses: {}, outcomes: {} }, events);
}

/** Folds further events into a state `foldBatch` made (a left fold: the same as folding them all at once). */
export function foldBatchMore(s: BatchCardState, events: MigrationEvent[]): BatchCardState {
  for (const e of events) applyBatchEvent(s, e);
  return s;
}

function counts(s: BatchCardState): Record<BatchItemStatus, number> {
  const c: Record<BatchItemStatus, number> = { staging: 0, waiting: 0, in_flight: 0, done: 0, failed: 0, untouched: 0 };
  for (const i of s.plan?.items ?? []) c[s.statuses[i.instanceId] ?? 'staging'] += 1;
  return c;
}

function stateLine(s: BatchCardState, lang: Lang): string {
  const m = msg(lang);
  if (s.outcome) return outcomeLine(s.outcome, s, 1500, lang);
  if (!s.plan) return m.batchPlanning();
  const a = s.approval;
  if (a?.status === 'pending') return m.batchWaitingApproval({ n: a.approvals, of: a.required, until: when(a.expiresAt, lang) });
  if (s.windowUntil) return m.batchWaitingWindow({ until: when(s.windowUntil, lang), ...(s.windowTitle ? { title: esc(s.windowTitle.replace(/ · .*$/, '')) } : {}) });
  const canaries = s.plan.items.filter((i) => i.canary).map((i) => code(i.instanceId)).join(', ');
  switch (s.phase) {
    case 'canary': return m.batchCanary({ canaries, count: s.plan.canary });
    case 'rolling': return m.batchRolling({ concurrency: s.plan.concurrency });
    case 'stopping': return m.batchStopping();
    case 'waiting_window': return m.batchWaitingWindow({});
    default: return m.batchStaging({ count: s.plan.items.length });
  }
}

function countsLine(s: BatchCardState, lang: Lang): string {
  const c = counts(s);
  return msg(lang).batchCounts({ done: c.done, inFlight: c.in_flight, waiting: c.waiting + c.staging, failed: c.failed, untouched: c.untouched, skipped: s.plan?.skipped.length ?? 0 });
}

function itemLine(s: BatchCardState, i: BatchItem, lang: Lang): string {
  const st = s.statuses[i.instanceId] ?? 'staging';
  const out = s.outcomes[i.instanceId];
  return msg(lang).batchItemLine({ icon: ICON[st], instance: code(i.instanceId), canary: i.canary, word: msg(lang).batchItemWord({ status: st }), ...(out && st !== 'done' ? { tail: esc(out) } : {}) });
}

/** The live root message of a batch's thread. */
export function batchCard(s: BatchCardState, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const items = s.plan?.items ?? [];
  const blocks: Block[] = [
    header(m.batchHeader({ target: s.targets ?? s.batchId, count: items.length })),
    headContext('batch', s.batchId, s, lang),
    section(stateLine(s, lang)),
  ];
  if (items.length) {
    blocks.push(section(m.batchProgress({ counts: countsLine(s, lang) })));
    const lines: string[] = [];
    let used = 0;
    for (const i of items.slice(0, MAX_ROWS)) {
      const l = itemLine(s, i, lang);
      if (used + l.length > ROWS_TEXT) break;
      lines.push(l);
      used += l.length + 1;
    }
    blocks.push(...packed(lines));
    if (items.length > lines.length) blocks.push(context([m.batchMoreRows({ n: items.length - lines.length })]));
  }
  const cancel = cancelNote(s, lang);
  if (cancel) blocks.push(section(cancel));
  const knobs = s.plan ? [m.planHashRef({ hash: code(s.plan.hash.slice(0, 12)) }), m.canaryRef({ n: s.plan.canary }), m.concurrencyRef({ n: s.plan.concurrency })] : [];
  blocks.push(context([...knobs, m.auditBelow()]));
  const c = counts(s);
  const text = s.outcome
    ? m.batchTextOutcome({ id: esc(s.batchId), outcome: outcomeLabel(s.outcome, lang) })
    : m.batchTextProgress({ id: esc(s.batchId), done: c.done, inFlight: c.in_flight, waiting: c.waiting + c.staging, failed: c.failed });
  return fitMessage({ text: text.replace(/:[a-z_]+:\s*/g, ''), blocks });
}

/** The thread root for any job: the batch card for batches, the step checklist otherwise. */
export function rootCard(jobId: string, events: MigrationEvent[], lang: Lang = 'en'): SlackMessage {
  return isBatchJobId(jobId) ? batchCard(foldBatch(jobId, events), lang) : statusCard(foldCard(jobId, events, lang), lang);
}

// ── replies ─────────────────────────────────────────────────────────────────

/** Continuation replies a plan may take; a longer plan goes out whole as a file in the thread instead. */
const MAX_PLAN_CONTINUATIONS = 3;

function recipeText(i: BatchItem): string {
  const r = i.restoreRecipe;
  return `${r.forwardTableId} ${r.externalIp}:${r.externalPort} → ${r.internalIp}:${r.internalPort} ${r.ipProtocol}${r.forwardEntryName ? ` name=${r.forwardEntryName}` : ''}`;
}

const ITEM_LINE_MAX = 900;

function batchItemLine(i: BatchItem, inPlace: boolean, lang: Lang): string {
  const e = i.entryToDelete;
  // Each value as code, escaped only as far as the line's cut can show it.
  const c = (s: string) => codeWithin(s, ITEM_LINE_MAX);
  return truncate(msg(lang).batchPlanLine({
    instance: c(i.instanceId), canary: i.canary, inPlace, entry: c(e.forwardEntryId), mapping: c(`${e.externalIp} → ${e.internalIp}`),
    recipe: c(recipeText(i)), egress: i.expectedEgressIps.map(c).join(msg(lang).orWord()),
  }), ITEM_LINE_MAX);
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

/**
 * The one plan of the batch: every DNAT entry it deletes and every restore recipe; the skipped instances. What does
 * not fit one message follows in numbered continuation replies, or, for a long plan, as one CSV file in the thread.
 */
export function batchPlanReply(plan: BatchPlan, at: string, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const canaries = plan.items.filter((i) => i.canary).map((i) => code(i.instanceId)).join(', ') || m.noneWordBatch();
  const atRisk = plan.skipped.filter((s) => s.code === 'ServiceAtRisk').length;
  const head = m.batchPlanHead({
    at: when(at, lang), targets: plan.targets.map((t) => code(t)).join(', '), count: plan.items.length, skipped: plan.skipped.length, atRisk,
    canaries: truncate(canaries, 600), concurrency: plan.concurrency,
  });
  // A language that explains refusal codes says it in its own words; English shows the engine's sentence.
  const skipped = plan.skipped.map((s) => `• ${code(s.instanceId)} ${code(s.code)}: ${escCut(m.refusalExplain({ code: s.code }) || s.message, 300)}`);
  const body = [...packed(plan.items.map((i) => batchItemLine(i, movesInPlace(plan), lang))), ...(skipped.length ? [section(m.batchSkippedTitle()), ...packed(skipped)] : [])];
  const tail = context([m.batchRef({ id: code(plan.batchId) }), m.planHashRef({ hash: code(plan.hash.slice(0, 12)) })]);
  const text = m.batchPlanText({ count: plan.items.length, skipped: plan.skipped.length, id: esc(plan.batchId) });
  const { first, rest } = splitBlocks([section(head)], body, [tail]);
  if (!rest.length) return fitMessage({ text, blocks: first });
  const title = m.batchPlanTitle({ id: esc(plan.batchId) });
  if (rest.length <= MAX_PLAN_CONTINUATIONS) {
    const note = context([m.batchPlanContinued({ rest: rest.length })]);
    return fitMessage({ text, blocks: [...first.slice(0, -1), note, tail], continuations: continuations(title, rest, lang) });
  }
  const file = batchPlanFileName(plan);
  const note = context([m.batchPlanInFile({ count: plan.items.length, skipped: plan.skipped.length, file: code(file) })]);
  return fitMessage({
    text, blocks: [...first.slice(0, -1), note, tail],
    file: { filename: file, title: m.batchPlanFileTitle({ id: plan.batchId, count: plan.items.length }), content: batchPlanCsv(plan) },
  });
}

/** What the approval card shows for a batch, at any size: counts and the first ten (the plan reply has them all). */
export function batchApprovalBlocks(plan: BatchPlan, lang: Lang = 'en'): Block[] {
  const m = msg(lang);
  const shown = plan.items.slice(0, 10).map((i) => batchItemLine(i, movesInPlace(plan), lang));
  const more = plan.items.length > shown.length ? m.batchApprovalMore({ n: plan.items.length - shown.length }) : '';
  const canaries = plan.items.filter((i) => i.canary).map((i) => code(i.instanceId)).join(', ');
  const skipped = plan.skipped.slice(0, 20).map((s) => `${code(s.instanceId)} (${code(s.code)})`).join(', ');
  return [
    section(m.batchApprovalOne({ count: plan.items.length, inPlace: movesInPlace(plan), canaries: truncate(canaries, 600), concurrency: plan.concurrency })),
    section(`${truncate(shown.join('\n'), 2800)}${more}`),
    ...(plan.skipped.length ? [section(m.batchApprovalSkipped({ list: truncate(skipped, 1500), more: Math.max(0, plan.skipped.length - 20) }))] : []),
  ];
}

export function batchInstanceReply(ev: Extract<MigrationEvent, { type: 'batch.instance' }>, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const ok = ev.outcome === 'migrated';
  const icon = ok ? ':white_check_mark:' : ev.outcome === 'cancelled' ? ':heavy_minus_sign:' : ':x:';
  const outcome = outcomeLabel(ev.outcome, lang).replace(/^:[a-z_]+:\s*/, '');
  const line = m.batchInstanceLine({ icon, at: when(ev.at, lang), instance: code(ev.instanceId), canary: ev.canary, outcome, summary: escCut(summaryText(ev, lang), 1500) });
  const job = m.jobRef({ id: code(ev.childJobId) });
  return fitMessage({
    text: m.batchInstanceText({ instance: esc(ev.instanceId), canary: ev.canary, outcome, summary: esc(summaryText(ev, lang)) }),
    blocks: [
      section(line),
      ...(ev.ports?.length ? [section(m.batchInstancePorts({ summary: portsSummary(ev.ports, lang), table: portsTable(ev.ports, lang) }))] : []),
      context([job, m.statusShowsSteps({ command: code(`/natmigrate status ${ev.childJobId}`) })]),
    ],
    // A thousand-instance batch ends a thousand of these: as lines of a list, a post carries three times as many, so
    // the thread is shorter and drains at Slack's pace of a post a second in a third of the time. A line with its
    // service-port table keeps its own blocks.
    ...(ev.ports?.length ? {} : { entry: { line: `${line} · ${job}`, note: m.statusShowsEachJob({ command: code('/natmigrate status') }) } }),
  });
}
