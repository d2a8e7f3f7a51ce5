import type { Actor, JobKind, RollbackSummary } from '../../domain/events.ts';
import type { Plan } from '../../domain/plan-types.ts';
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

function changeBlocks(input: ApprovalCardInput): Block[] {
  if (input.batch) return batchApprovalBlocks(input.batch);
  if (input.kind !== 'rollback') return planBlocks(input.plan);
  // A rollback removes the new entries and recreates the original from its recipe.
  const rb = input.rollback;
  const toDelete = rb?.entriesToDelete.length
    ? truncate(rb.entriesToDelete.map((e) => `• ${dnatEntryText(e)}`).join('\n'), 2000)
    : `the DNAT ${input.plan.newEntries.length === 1 ? 'entry' : 'entries'} the migration created`;
  // A migration that moved the entry in place is undone by moving it back (rollbackPlan: the record's method).
  const inPlace = rb?.cutover === 'modify';
  return [
    section(`*Rollback* of the migration of ${code(input.plan.instanceId)}${rb ? ` (job ${code(rb.migrationJobId)})` : ''}.`),
    inPlace
      ? section(`*DNAT entry to move back in place* (ModifyForwardEntry)\n${toDelete}`)
      : section(`*DNAT ${rb && rb.entriesToDelete.length === 1 ? 'entry' : 'entries'} to delete*\n${toDelete}`),
    section(`*Original IP mapping to ${inPlace ? 'restore' : 'recreate'}*\n${codeBlock(restoreRecipeText(rb?.restoreRecipe ?? input.plan.restoreRecipe))}`),
    section(`*ENI to detach and delete*: ${rb?.eniId ? code(rb.eniId) : 'the one the migration created'}`),
  ];
}

function titleOf(input: ApprovalCardInput): string {
  if (input.batch) return `Approval needed: batch of ${input.batch.items.length} on ${truncate(input.batch.targets.join(', '), 80)}`;
  return input.kind === 'rollback' ? `Approval needed: roll back ${input.plan.instanceId}` : `Approval needed: migrate ${input.plan.instanceId}`;
}

function requestLine(input: ApprovalCardInput): string {
  const n = input.requiredApprovals;
  return (
    `Requested by ${actor(input.requestedBy)} ${when(input.requestedAt)}. ` +
    `Needs ${n} distinct approver${n === 1 ? '' : 's'} (not the requester); expires ${when(input.expiresAt)}.`
  );
}

function approvalsLine(input: ApprovalCardInput): string | undefined {
  const a = input.approvals ?? [];
  if (!a.length) return undefined;
  return `Approvals so far (${a.length} of ${input.requiredApprovals}): ${a.map((x) => `${actor(x.by)} ${when(x.at)}`).join(', ')}`;
}

/** --allow-stop: said first, in words nobody can miss, because it is an outage of its own. */
export function stopNotice(plan: Plan): string | undefined {
  if (!plan.stopToAttach) return undefined;
  return `:warning: *The instance will be stopped and started.* ${code(plan.instanceId)} takes a second ENI only while Stopped (--allow-stop): after the approval it is stopped (StopInstance, KeepCharging), the ENI is attached, and it is started again before the cutover. It answers nothing while it is down.`;
}

/** The card while a decision is pending: plan summary + Approve/Reject. */
export function approvalCard(input: ApprovalCardInput): SlackMessage {
  const e = input.plan.entryToDelete;
  const stop = input.kind !== 'rollback' && !input.batch ? stopNotice(input.plan) : undefined;
  const blocks: Block[] = [header(`🔐 ${titleOf(input)}`), ...(stop ? [section(stop)] : []), section(requestLine(input)), ...changeBlocks(input)];
  const so = approvalsLine(input);
  if (so) blocks.push(section(so));
  blocks.push({
    type: 'actions',
    block_id: APPROVAL_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        text: { type: 'plain_text', text: 'Approve', emoji: false },
        style: 'primary',
        value: input.value,
        confirm: {
          title: { type: 'plain_text', text: 'Approve this change?' },
          text: { type: 'mrkdwn', text: truncate((stop ? 'The instance will be STOPPED and STARTED. ' : '') + (input.batch ? `This deletes ${input.batch.items.length} DNAT IP mapping${input.batch.items.length === 1 ? '' : 's'} (canary first) and moves each EIP to a new ENI.` : input.kind !== 'rollback' ? `This deletes DNAT entry ${esc(e.forwardEntryId)} (${esc(`${e.externalIp} → ${e.internalIp}`)}) and moves the EIP to a new ENI.` : `This removes the new DNAT entries and recreates ${esc(e.forwardEntryId)}'s mapping.`), 300) },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      { type: 'button', action_id: REJECT_ACTION_ID, text: { type: 'plain_text', text: 'Reject', emoji: false }, style: 'danger', value: input.value },
    ],
  });
  blocks.push(context([`job ${code(input.jobId)}`, `plan hash ${code(input.planHash.slice(0, 12))}`]));
  // The card is small at any batch size: counts and the first few, never the whole list (the plan reply has it).
  return fitMessage({
    text: input.batch
      ? `${esc(titleOf(input))}: deletes ${input.batch.items.length} DNAT IP mapping${input.batch.items.length === 1 ? '' : 's'}. Approve or Reject in the thread.`
      : `${esc(titleOf(input))}: ${stop ? 'STOPS AND STARTS the instance, ' : ''}deletes ${esc(`${e.forwardEntryId} (${e.externalIp} → ${e.internalIp})`)}. Approve or Reject in the thread.`,
    blocks,
  });
}

function outcomeText(o: ApprovalOutcome): string {
  switch (o.decision) {
    case 'approved':
      return `:white_check_mark: *Approved* by ${actors(o.by)} ${when(o.at)}`;
    case 'rejected':
      return `:x: *Rejected* by ${actors(o.by)} ${when(o.at)}`;
    case 'expired':
      return `:hourglass: *Expired* ${when(o.at)}: nobody decided in time`;
    case 'superseded':
      return `:arrows_counterclockwise: *Superseded* ${when(o.at)}: ${escCut(o.reason, 500)}`;
  }
}

/** The same card after the decision: the buttons are replaced by who decided and when. */
export function decidedApprovalCard(input: ApprovalCardInput, outcome: ApprovalOutcome): SlackMessage {
  const blocks: Block[] = [header(`🔐 ${titleOf(input).replace('Approval needed: ', 'Approval: ')}`), section(requestLine(input)), ...changeBlocks(input)];
  const so = approvalsLine(input);
  if (so && outcome.decision !== 'approved') blocks.push(section(so));
  blocks.push(section(outcomeText(outcome)));
  blocks.push(context([`job ${code(input.jobId)}`, `plan hash ${code(input.planHash.slice(0, 12))}`]));
  return fitMessage({ text: `${esc(titleOf(input))}: ${outcome.decision}`, blocks });
}
