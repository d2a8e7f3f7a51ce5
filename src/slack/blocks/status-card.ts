import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import type { JobKind, MigrationEvent } from '../../domain/events.ts';
import { MIGRATION_PATH, ROLLBACK_PATH, STEPS, isStepName, type StepName } from '../../domain/steps.ts';
import { applyHeadEvent, cancelNote, headContext, outcomeLabel, outcomeLine, type CardHead } from './card-common.ts';
import { portsSummary } from './services-text.ts';
import { actors, context, esc, escCut, header, section, when, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';

/**
 * The thread's root: one live checklist, rebuilt from the job's events (a pure fold, so a restarted bot renders
 * exactly what it rendered before) and updated in place with chat.update.
 */

type RowStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

interface Row {
  step: string;
  title: string;
  status: RowStatus;
  at?: string;
}

interface CardState extends CardHead {
  jobId: string;
  kind: JobKind;
  instanceId?: string;
  rows: Row[];
  verified?: boolean;
  /** "3 of 3 service ports answer", once verification probed them. */
  portsLine?: string;
  restored?: boolean;
  lastAt?: string;
}

const ICON: Record<RowStatus, string> = { pending: '⬜', running: '⏳', done: '✅', failed: '❌', skipped: '➖' };

function skeleton(kind: JobKind, configureGuest: boolean): Row[] {
  const path: StepName[] = kind === 'rollback' ? ROLLBACK_PATH : kind === 'preview' ? ['plan'] : MIGRATION_PATH;
  return path
    .filter((s) => !STEPS[s].silent && (s !== 'configure_guest' || configureGuest))
    .map((s) => ({ step: s, title: STEPS[s].title, status: 'pending' as const }));
}

/** Set a step's row to `status` as of `at`. */
function markRow(state: CardState, step: string, title: string, status: RowStatus, at: string): Row {
  let row = state.rows.find((r) => r.step === step);
  if (!row) {
    // Steps off the happy path (restore, unstage) are appended where they happen, before the unstarted ones.
    row = { step, title, status: 'pending' };
    const firstPending = state.rows.findIndex((r) => r.status === 'pending');
    if (firstPending < 0) state.rows.push(row);
    else state.rows.splice(firstPending, 0, row);
  }
  row.status = status;
  row.at = at;
  return row;
}

function initialCard(jobId: string, kind: JobKind = 'migrate'): CardState {
  return { jobId, kind, rows: skeleton(kind, false) };
}

/** Apply one event (unknown event types are ignored, so newer engines do not break older bots). */
function applyEvent(state: CardState, ev: MigrationEvent, lang: Lang): CardState {
  state.lastAt = ev.at;
  applyHeadEvent(state, ev);
  switch (ev.type) {
    case 'job.queued':
      if (ev.kind !== state.kind) {
        state.kind = ev.kind;
        state.rows = skeleton(ev.kind, false);
      }
      state.instanceId = ev.instanceId;
      break;
    case 'planned':
      state.instanceId ??= ev.plan.instanceId;
      state.regionId ??= ev.plan.regionId;
      if (ev.plan.options.configureGuest && !state.rows.some((r) => r.step === 'configure_guest')) {
        const i = state.rows.findIndex((r) => r.step === 'request_approval');
        state.rows.splice(i < 0 ? state.rows.length : i, 0, { step: 'configure_guest', title: STEPS.configure_guest.title, status: 'pending' });
      }
      break;
    case 'refused':
      markRow(state, 'plan', STEPS.plan.title, 'failed', ev.at);
      break;
    case 'step.started':
      markRow(state, ev.step, ev.title, 'running', ev.at).title = ev.title;
      break;
    case 'step.finished': {
      const row = markRow(state, ev.step, ev.title, 'done', ev.at);
      // The change-window row ends with its own words ("window open"), not the waiting note.
      if (ev.step === 'await_window') row.title = ev.title;
      break;
    }
    case 'failed':
      markRow(state, ev.step, isStepName(ev.step) ? STEPS[ev.step as StepName].title : ev.step, 'failed', ev.at);
      break;
    case 'plan.changed':
      state.approval = undefined;
      break;
    case 'verified':
      state.verified = ev.ok;
      if (ev.ports?.length) state.portsLine = portsSummary(ev.ports, lang);
      break;
    case 'restored':
      state.restored = true;
      break;
    case 'finished':
      for (const r of state.rows) {
        if (r.status === 'pending') r.status = 'skipped';
        if (r.status === 'running') r.status = ev.outcome === 'migrated' || ev.outcome === 'rolled_back' ? 'done' : 'failed';
      }
      break;
  }
  return state;
}

export function foldCard(jobId: string, events: MigrationEvent[], lang: Lang = 'en'): CardState {
  const first = events.find((e) => e.type === 'job.queued');
  const state = initialCard(jobId, first && first.type === 'job.queued' ? first.kind : 'migrate');
  for (const e of events) applyEvent(state, e, lang);
  return state;
}

function stateLine(s: CardState, lang: Lang): string {
  const m = msg(lang);
  if (s.outcome) return outcomeLine(s.outcome, s, 2500, lang);
  const a = s.approval;
  if (a?.status === 'pending') return m.waitingForApproval({ n: a.approvals, of: a.required, until: when(a.expiresAt, lang) });
  const running = s.rows.find((r) => r.status === 'running');
  if (running) return m.inProgressStep({ step: escCut(m.stepTitle({ step: running.step, title: running.title }), 300) });
  return s.rows.some((r) => r.status !== 'pending') ? m.inProgress() : m.queued();
}

export function statusCard(s: CardState, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const what = m.jobWhat({ kind: s.kind });
  const target = s.instanceId ?? s.jobId;
  const rows = s.rows
    .filter((r) => !(s.outcome && r.status === 'skipped'))
    .map((r) => {
      let extra = '';
      if (r.step === 'request_approval' && s.approval && s.approval.status !== 'pending') {
        extra = m.approvalRowDecided({ decision: s.approval.status, by: actors(s.approval.by, lang) });
      }
      if (r.step === 'verify' && s.verified !== undefined) extra = m.verifyRow({ ok: s.verified, ...(s.portsLine ? { ports: s.portsLine } : {}) });
      return `${ICON[r.status]} ${escCut(m.stepTitle({ step: r.step, title: r.title }), 300)}${extra}${r.at && r.status !== 'pending' ? ` · ${when(r.at, lang)}` : ''}`;
    });
  const notes: string[] = [];
  const cancel = cancelNote(s, lang);
  if (cancel) notes.push(cancel);
  if (s.restored) notes.push(m.mappingRestoredNote());
  return fitMessage({
    text: m.cardFallback({ what, target: esc(target), state: s.outcome ? outcomeLabel(s.outcome, lang) : stateLine(s, lang).replace(/\*/g, '') }),
    blocks: [
      header(m.cardHeader({ what, target })),
      headContext('job', s.jobId, s, lang),
      section(stateLine(s, lang)),
      section(rows.join('\n') || '—'),
      ...(notes.length ? [section(notes.join('\n'))] : []),
      context([m.auditBelow()]),
    ],
  });
}
