import type { Actor, JobKind, JobOutcome, MigrationEvent } from '../../domain/events.ts';
import { MIGRATION_PATH, ROLLBACK_PATH, STEPS, isStepName, type StepName } from '../../domain/steps.ts';
import { actor, code, context, esc, header, section, truncate, when, type SlackMessage } from './format.ts';

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

export interface CardState {
  jobId: string;
  kind: JobKind;
  instanceId?: string;
  regionId?: string;
  requestedBy?: Actor;
  queuedAt?: string;
  rows: Row[];
  approval?: ApprovalProgress;
  verified?: boolean;
  restored?: boolean;
  cancelRequestedBy?: Actor;
  outcome?: JobOutcome;
  summary?: string;
  finishedAt?: string;
  lastAt?: string;
}

/** Where a card's approval stands (the job card and the batch card fold it the same way). */
export interface ApprovalProgress {
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  approvals: number;
  required: number;
  expiresAt: string;
  by: Actor[];
}

type ApprovalEvent = Extract<MigrationEvent, { type: 'approval.requested' | 'approval.recorded' | 'approval.decided' }>;

/** Folds one approval event into a card's state; a count or decision without a request before it is ignored. */
export function applyApprovalEvent(card: { approval?: ApprovalProgress }, ev: ApprovalEvent): void {
  if (ev.type === 'approval.requested') {
    card.approval = { status: 'pending', approvals: 0, required: ev.requiredApprovals, expiresAt: ev.expiresAt, by: [] };
  } else if (card.approval && ev.type === 'approval.recorded') {
    card.approval.approvals = ev.approvals;
    card.approval.by.push(ev.by);
  } else if (card.approval && ev.type === 'approval.decided') {
    card.approval.status = ev.decision;
    card.approval.by = ev.by;
  }
}

const ICON: Record<RowStatus, string> = { pending: '⬜', running: '⏳', done: '✅', failed: '❌', skipped: '➖' };

function skeleton(kind: JobKind, configureGuest: boolean): Row[] {
  const path: StepName[] = kind === 'rollback' ? ROLLBACK_PATH : kind === 'preview' ? ['plan'] : MIGRATION_PATH;
  return path
    .filter((s) => !STEPS[s].silent && (s !== 'configure_guest' || configureGuest))
    .map((s) => ({ step: s, title: STEPS[s].title, status: 'pending' as const }));
}

function rowFor(state: CardState, step: string, title: string): Row {
  let row = state.rows.find((r) => r.step === step);
  if (!row) {
    // Steps off the happy path (restore, unstage) are appended where they happen, before the unstarted ones.
    row = { step, title, status: 'pending' };
    const firstPending = state.rows.findIndex((r) => r.status === 'pending');
    if (firstPending < 0) state.rows.push(row);
    else state.rows.splice(firstPending, 0, row);
  }
  return row;
}

export function initialCard(jobId: string, kind: JobKind = 'migrate'): CardState {
  return { jobId, kind, rows: skeleton(kind, false) };
}

/** Apply one event (unknown event types are ignored, so newer engines do not break older bots). */
export function applyEvent(state: CardState, ev: MigrationEvent): CardState {
  state.lastAt = ev.at;
  switch (ev.type) {
    case 'job.queued':
      if (ev.kind !== state.kind) {
        state.kind = ev.kind;
        state.rows = skeleton(ev.kind, false);
      }
      state.instanceId = ev.instanceId;
      state.regionId = ev.regionId;
      state.requestedBy = ev.requestedBy;
      state.queuedAt = ev.at;
      break;
    case 'planned':
      state.instanceId ??= ev.plan.instanceId;
      state.regionId ??= ev.plan.regionId;
      if (ev.plan.options.configureGuest && !state.rows.some((r) => r.step === 'configure_guest')) {
        const i = state.rows.findIndex((r) => r.step === 'request_approval');
        state.rows.splice(i < 0 ? state.rows.length : i, 0, { step: 'configure_guest', title: STEPS.configure_guest.title, status: 'pending' });
      }
      break;
    case 'refused': {
      const row = rowFor(state, 'plan', STEPS.plan.title);
      row.status = 'failed';
      row.at = ev.at;
      break;
    }
    case 'step.started': {
      const row = rowFor(state, ev.step, ev.title);
      row.status = 'running';
      row.title = ev.title;
      row.at = ev.at;
      break;
    }
    case 'step.finished': {
      const row = rowFor(state, ev.step, ev.title);
      // The change-window row ends with its own words ("window open"), not the waiting note.
      if (ev.step === 'await_window') row.title = ev.title;
      row.status = 'done';
      row.at = ev.at;
      break;
    }
    case 'failed': {
      const title = isStepName(ev.step) ? STEPS[ev.step as StepName].title : ev.step;
      const row = rowFor(state, ev.step, title);
      row.status = 'failed';
      row.at = ev.at;
      break;
    }
    case 'approval.requested':
    case 'approval.recorded':
    case 'approval.decided':
      applyApprovalEvent(state, ev);
      break;
    case 'plan.drifted':
      state.approval = undefined;
      break;
    case 'verified':
      state.verified = ev.ok;
      break;
    case 'restored':
      state.restored = true;
      break;
    case 'cancel.requested':
      state.cancelRequestedBy = ev.by;
      break;
    case 'finished':
      state.outcome = ev.outcome;
      state.summary = ev.summary;
      state.finishedAt = ev.at;
      for (const r of state.rows) {
        if (r.status === 'pending') r.status = 'skipped';
        if (r.status === 'running') r.status = ev.outcome === 'migrated' || ev.outcome === 'rolled_back' ? 'done' : 'failed';
      }
      break;
  }
  return state;
}

export function foldCard(jobId: string, events: MigrationEvent[]): CardState {
  const first = events.find((e) => e.type === 'job.queued');
  const state = initialCard(jobId, first && first.type === 'job.queued' ? first.kind : 'migrate');
  for (const e of events) applyEvent(state, e);
  return state;
}

const OUTCOME: Record<JobOutcome, string> = {
  migrated: ':white_check_mark: Migrated and verified',
  verify_failed: ':warning: Cut over, but verification failed (not rolled back)',
  refused: ':no_entry: Refused by the pre-flight; nothing changed',
  rejected: ':x: Rejected; staging undone',
  expired: ':hourglass: Approval expired; staging undone',
  cancelled: ':octagonal_sign: Cancelled',
  restored: ':leftwards_arrow_with_hook: Original mapping restored',
  rolled_back: ':leftwards_arrow_with_hook: Rolled back',
  failed: ':rotating_light: Failed: needs attention (see the thread)',
};

export function outcomeLabel(o: JobOutcome): string {
  return OUTCOME[o] ?? esc(o);
}

function stateLine(s: CardState): string {
  if (s.outcome) return `*${outcomeLabel(s.outcome)}* ${s.finishedAt ? when(s.finishedAt) : ''}${s.summary ? `\n${esc(s.summary)}` : ''}`;
  const a = s.approval;
  if (a?.status === 'pending') return `*Waiting for approval* (${a.approvals} of ${a.required}) until ${when(a.expiresAt)}`;
  const running = s.rows.find((r) => r.status === 'running');
  if (running) return `*In progress:* ${esc(running.title)}`;
  return s.rows.some((r) => r.status !== 'pending') ? '*In progress*' : '*Queued*';
}

export function statusCard(s: CardState): SlackMessage {
  const what = s.kind === 'rollback' ? 'Rollback' : s.kind === 'preview' ? 'Dry run' : 'NAT migration';
  const target = s.instanceId ?? s.jobId;
  const rows = s.rows
    .filter((r) => !(s.outcome && r.status === 'skipped'))
    .map((r) => {
      let extra = '';
      if (r.step === 'request_approval' && s.approval && s.approval.status !== 'pending') {
        extra = ` — ${s.approval.status} by ${s.approval.by.map(actor).join(', ') || 'nobody'}`;
      }
      if (r.step === 'verify' && s.verified !== undefined) extra = s.verified ? ' — SSH and egress OK' : ' — failed';
      return `${ICON[r.status]} ${esc(r.title)}${extra}${r.at && r.status !== 'pending' ? ` · ${when(r.at)}` : ''}`;
    });
  const notes: string[] = [];
  if (s.cancelRequestedBy && !s.outcome) notes.push(`:octagonal_sign: Cancel requested by ${actor(s.cancelRequestedBy)}`);
  if (s.restored) notes.push(':leftwards_arrow_with_hook: The original DNAT mapping was restored');
  return {
    text: truncate(`${what} of ${target}: ${s.outcome ? outcomeLabel(s.outcome) : stateLine(s).replace(/\*/g, '')}`, 3000),
    blocks: [
      header(`${what} · ${target}`),
      context([
        `job ${code(s.jobId)}`,
        s.regionId ? `region ${code(s.regionId)}` : '',
        s.requestedBy ? `requested by ${actor(s.requestedBy)}` : '',
        s.queuedAt ? when(s.queuedAt) : '',
      ]),
      section(stateLine(s)),
      section(rows.join('\n') || '—'),
      ...(notes.length ? [section(notes.join('\n'))] : []),
      context(['Audit log in this thread ↓']),
    ],
  };
}
