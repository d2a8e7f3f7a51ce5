import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Actor, JobOutcome, MigrationEvent } from '../../domain/events.ts';
import { actor, code, context, esc, escCut, summaryText, when, type Block } from './format.ts';
import type { EngineSummary } from '../../domain/job-text.ts';

/**
 * What the job's status card and the batch card fold and show alike: who queued it, where and when; the approval;
 * a cancel request; how it ended. Each card folds its own fields on top (steps, instances).
 */

/** Where a card's approval stands. */
interface ApprovalProgress {
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  approvals: number;
  required: number;
  expiresAt: string;
  by: Actor[];
}

export interface CardHead {
  regionId?: string;
  requestedBy?: Actor;
  queuedAt?: string;
  approval?: ApprovalProgress;
  cancelRequestedBy?: Actor;
  outcome?: JobOutcome;
  summary?: string;
  summaryFacts?: EngineSummary;
  finishedAt?: string;
}

/** Folds the shared fields of one event into a card (a count or decision without a request before it is ignored). */
export function applyHeadEvent(card: CardHead, ev: MigrationEvent): void {
  switch (ev.type) {
    case 'job.queued':
      card.regionId = ev.regionId;
      card.requestedBy = ev.requestedBy;
      card.queuedAt = ev.at;
      break;
    case 'approval.requested':
      card.approval = { status: 'pending', approvals: 0, required: ev.requiredApprovals, expiresAt: ev.expiresAt, by: [] };
      break;
    case 'approval.recorded':
      if (!card.approval) break;
      card.approval.approvals = ev.approvals;
      card.approval.by.push(ev.by);
      break;
    case 'approval.decided':
      if (!card.approval) break;
      card.approval.status = ev.decision;
      card.approval.by = ev.by;
      break;
    case 'cancel.requested':
      card.cancelRequestedBy = ev.by;
      break;
    case 'finished':
      card.outcome = ev.outcome;
      card.summary = ev.summary;
      if (ev.text) card.summaryFacts = ev.text;
      card.finishedAt = ev.at;
      break;
  }
}

export function outcomeLabel(o: JobOutcome, lang: Lang = 'en'): string {
  return msg(lang).outcomeLabel({ outcome: o }) ?? esc(o);
}

/** The card's state line once it ended: the outcome, when, and the summary (cut to `summaryMax`). */
export function outcomeLine(outcome: JobOutcome, card: CardHead, summaryMax = 2500, lang: Lang = 'en'): string {
  const text = card.summary || card.summaryFacts ? summaryText({ ...(card.summary ? { summary: card.summary } : {}), ...(card.summaryFacts ? { text: card.summaryFacts } : {}) }, lang) : '';
  const summary = text ? `\n${escCut(text, summaryMax)}` : '';
  return `*${outcomeLabel(outcome, lang)}* ${card.finishedAt ? when(card.finishedAt, lang) : ''}${summary}`;
}

/** "job `…` · region `…` · requested by … · when" under the card's header. */
export function headContext(label: 'job' | 'batch', id: string, card: CardHead, lang: Lang = 'en'): Block {
  const m = msg(lang);
  return context([
    label === 'batch' ? m.batchRef({ id: code(id) }) : m.jobRef({ id: code(id) }),
    card.regionId ? m.regionRef({ id: code(card.regionId) }) : '',
    card.requestedBy ? m.requestedByRef({ who: actor(card.requestedBy, lang) }) : '',
    card.queuedAt ? when(card.queuedAt, lang) : '',
  ]);
}

/** Shown while a cancel is pending (not once the job ended). */
export function cancelNote(card: CardHead, lang: Lang = 'en'): string | undefined {
  return card.cancelRequestedBy && !card.outcome ? msg(lang).cancelNote({ by: actor(card.cancelRequestedBy, lang) }) : undefined;
}
