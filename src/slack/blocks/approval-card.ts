import type { Actor, JobKind, RollbackSummary } from '../../domain/events.ts';
import type { Plan } from '../../domain/plan-types.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { actor, actors, code, codeBlock, context, dnatEntryText, esc, escCut, header, restoreRecipeText, section, truncate, when, type Block, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';
import { planBlocks } from './plan-card.ts';
import type { BatchPlan } from '../../domain/batch-plan.ts';
import { batchApprovalBlocks } from './batch-card.ts';

/** The approval request in the job's thread: the exact change, and buttons labelled exactly Approve and Reject. */

export const APPROVE_ACTION_ID = 'natmigrate_approve';
export const REJECT_ACTION_ID = 'natmigrate_reject';
export const APPROVAL_BLOCK_ID = 'natmigrate_approval';

export interface ApprovalCardInput {
  jobId: string;
  kind: JobKind;
  plan: Plan;
  planHash: string;
  expiresAt: string;
  requiredApprovals: number;
  requestedBy: Actor;
  requestedAt: string;
  /** The encoded button value ({jobId, planHash, nonce}). */
  value: string;
  /** Approvals counted so far (M-of-N). */
  approvals?: { by: Actor; at: string }[];
  /** For a rollback: what it deletes and recreates. */
  rollback?: RollbackSummary;
  /** For a batch: the whole batch (planHash is its batch hash). */
  batch?: BatchPlan;
}

export type ApprovalOutcome =
  | { decision: 'approved' | 'rejected'; by: Actor[]; at: string }
  | { decision: 'expired'; at: string }
  | { decision: 'superseded'; at: string; reason: string };

function changeBlocks(input: ApprovalCardInput, lang: Lang): Block[] {
  const m = msg(lang);
  if (input.batch) return batchApprovalBlocks(input.batch, lang);
  if (input.kind !== 'rollback') return planBlocks(input.plan, lang);
  // A rollback removes the new entries and recreates the original from its recipe.
  const rb = input.rollback;
  const toDelete = rb?.entriesToDelete.length
    ? truncate(rb.entriesToDelete.map((e) => `• ${dnatEntryText(e, lang)}`).join('\n'), 2000)
    : m.rollbackCreatedEntries({ count: input.plan.newEntries.length });
  // A migration that moved the entry in place is undone by moving it back (rollbackPlan: the record's method).
  const inPlace = rb?.cutover === 'modify';
  return [
    section(m.rollbackWhat({ instance: code(input.plan.instanceId), ...(rb ? { job: code(rb.migrationJobId) } : {}) })),
    inPlace
      ? section(m.rollbackMoveBack({ entries: toDelete }))
      : section(m.rollbackDelete({ count: rb?.entriesToDelete.length ?? input.plan.newEntries.length, entries: toDelete })),
    section(m.rollbackOriginal({ inPlace, recipe: codeBlock(restoreRecipeText(rb?.restoreRecipe ?? input.plan.restoreRecipe)) })),
    section(m.rollbackEni(rb?.eniId ? { eni: code(rb.eniId) } : {})),
  ];
}

function titleOf(input: ApprovalCardInput, lang: Lang, decided = false): string {
  const kind = input.batch ? 'batch' : input.kind === 'rollback' ? 'rollback' : 'migrate';
  const target = input.batch ? truncate(input.batch.targets.join(', '), 80) : input.plan.instanceId;
  return msg(lang).approvalTitle({ kind, target, count: input.batch?.items.length ?? 1, decided });
}

function requestLine(input: ApprovalCardInput, lang: Lang): string {
  return msg(lang).approvalRequestLine({ by: actor(input.requestedBy, lang), at: when(input.requestedAt, lang), n: input.requiredApprovals, expires: when(input.expiresAt, lang) });
}

function approvalsLine(input: ApprovalCardInput, lang: Lang): string | undefined {
  const a = input.approvals ?? [];
  if (!a.length) return undefined;
  const m = msg(lang);
  return m.approvalsSoFar({ n: a.length, of: input.requiredApprovals, list: a.map((x) => `${actor(x.by, lang)} ${when(x.at, lang)}`).join(m.listJoin()) });
}

/** --allow-stop: said first, in words nobody can miss, because it is an outage of its own. */
export function stopNotice(plan: Plan, lang: Lang): string | undefined {
  if (!plan.stopToAttach) return undefined;
  return msg(lang).approvalStopNotice({ instance: code(plan.instanceId) });
}

/** The card while a decision is pending: plan summary + Approve/Reject. */
export function approvalCard(input: ApprovalCardInput, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const e = input.plan.entryToDelete;
  const title = titleOf(input, lang);
  const stop = input.kind !== 'rollback' && !input.batch ? stopNotice(input.plan, lang) : undefined;
  const blocks: Block[] = [header(`🔐 ${title}`), ...(stop ? [section(stop)] : []), section(requestLine(input, lang)), ...changeBlocks(input, lang)];
  const so = approvalsLine(input, lang);
  if (so) blocks.push(section(so));
  const confirm = input.batch
    ? m.approveConfirmBatch({ count: input.batch.items.length })
    : input.kind !== 'rollback'
      ? m.approveConfirmMigrate({ entry: esc(e.forwardEntryId), from: esc(e.externalIp), to: esc(e.internalIp) })
      : m.approveConfirmRollback({ entry: esc(e.forwardEntryId) });
  blocks.push({
    type: 'actions',
    block_id: APPROVAL_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        text: { type: 'plain_text', text: m.approveButton(), emoji: false },
        style: 'primary',
        value: input.value,
        confirm: {
          title: { type: 'plain_text', text: m.approveConfirmTitle() },
          text: { type: 'mrkdwn', text: truncate((stop ? m.approveConfirmStop() : '') + confirm, 300) },
          confirm: { type: 'plain_text', text: m.approveButton() },
          deny: { type: 'plain_text', text: m.cancelButton() },
        },
      },
      { type: 'button', action_id: REJECT_ACTION_ID, text: { type: 'plain_text', text: m.rejectButton(), emoji: false }, style: 'danger', value: input.value },
    ],
  });
  blocks.push(context([m.jobRef({ id: code(input.jobId) }), m.planHashRef({ hash: code(input.planHash.slice(0, 12)) })]));
  // The card is small at any batch size: counts and the first few, never the whole list (the plan reply has it).
  return fitMessage({
    text: input.batch
      ? m.approvalTextBatch({ title: esc(title), count: input.batch.items.length })
      : m.approvalText({ title: esc(title), stop: Boolean(stop), entry: esc(e.forwardEntryId), from: esc(e.externalIp), to: esc(e.internalIp) }),
    blocks,
  });
}

function outcomeText(o: ApprovalOutcome, lang: Lang): string {
  const m = msg(lang);
  switch (o.decision) {
    case 'approved':
      return m.approvalOutcomeApproved({ by: actors(o.by, lang), at: when(o.at, lang) });
    case 'rejected':
      return m.approvalOutcomeRejected({ by: actors(o.by, lang), at: when(o.at, lang) });
    case 'expired':
      return m.approvalOutcomeExpired({ at: when(o.at, lang) });
    case 'superseded':
      return m.approvalOutcomeSuperseded({ at: when(o.at, lang), reason: escCut(o.reason, 500) });
  }
}

/** The same card after the decision: the buttons are replaced by who decided and when. */
export function decidedApprovalCard(input: ApprovalCardInput, outcome: ApprovalOutcome, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const blocks: Block[] = [header(`🔐 ${titleOf(input, lang, true)}`), section(requestLine(input, lang)), ...changeBlocks(input, lang)];
  const so = approvalsLine(input, lang);
  if (so && outcome.decision !== 'approved') blocks.push(section(so));
  blocks.push(section(outcomeText(outcome, lang)));
  blocks.push(context([m.jobRef({ id: code(input.jobId) }), m.planHashRef({ hash: code(input.planHash.slice(0, 12)) })]));
  return fitMessage({ text: m.decidedText({ title: esc(titleOf(input, lang)), decision: outcome.decision }), blocks });
}
