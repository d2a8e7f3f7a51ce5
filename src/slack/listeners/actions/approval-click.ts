import type { BlockAction, ButtonAction } from '@slack/bolt';
import { decodeApprovalValue, evaluateApprovalClick, type ApprovalRequest } from '../../../domain/approval-policy.ts';
import type { DecisionResult } from '../../../engine/ports.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * One Approve/Reject click, checked in this order: the button value decodes and matches the card it sits on
 * (else tampered); the job has an open approval; the approval policy (channel, thread, decided, plan hash,
 * expiry, approver, four-eyes, repeat); then the engine's own compare-and-set. Every refusal is told to the
 * clicker (ephemeral) and written to the job's thread through the outbox; only a passing click reaches
 * `approvals.decide`, and nothing here ever touches the cloud.
 */

export type ClickAction = 'approve' | 'reject';

export interface ClickOutcome {
  ok: boolean;
  code: string;
  message: string;
  /** The job whose thread recorded the refusal, when one could be identified. */
  auditedIn?: string;
}

const ENGINE_CODES: Record<Extract<DecisionResult, { ok: false }>['code'], string> = {
  unknown_job: 'UnknownJob',
  not_awaiting: 'NotAwaiting',
  stale_plan: 'StalePlan',
  already_decided: 'AlreadyDecided',
  already_counted: 'AlreadyCounted',
  self_approval: 'SelfApproval',
  expired: 'Expired',
};

export async function handleApprovalClick(
  action: ClickAction,
  body: BlockAction<ButtonAction>,
  deps: SlackDeps,
  tell: (text: string) => Promise<void>,
): Promise<ClickOutcome> {
  const userId = body.user.id;
  const container = body.container as { channel_id?: string; message_ts?: string; thread_ts?: string };
  const channelId = body.channel?.id ?? container.channel_id ?? '';
  const messageTs = container.message_ts ?? body.message?.ts;
  const threadTs = container.thread_ts ?? (body.message?.thread_ts as string | undefined);
  const raw = body.actions[0]?.value;
  const at = deps.now().toISOString();

  const refuse = async (code: string, message: string, jobId?: string): Promise<ClickOutcome> => {
    await tell(`:no_entry_sign: ${message}`).catch((err: unknown) => deps.log.warn({ err: String(err), userId }, 'could not tell the clicker'));
    if (jobId && (await deps.outbox.thread(jobId))) {
      await deps.outbox.note({ type: 'slack.refused_click', jobId, at, userId, action, code, reason: message });
      deps.log.info({ jobId, userId, action, code }, 'approval click refused');
      return { ok: false, code, message, auditedIn: jobId };
    }
    deps.log.warn({ userId, action, code, channelId, messageTs }, 'approval click refused (no job thread to record it in)');
    return { ok: false, code, message };
  };

  const card = channelId && messageTs ? await deps.outbox.lookupMessage(channelId, messageTs) : undefined;
  const value = decodeApprovalValue(raw);
  if (!value) return refuse('Tampered', 'This button carries an invalid value, so the click was ignored; nothing was recorded.', card?.jobId);
  if (card && (card.role !== 'approval' || card.jobId !== value.jobId || card.nonce !== value.nonce || card.planHash !== value.planHash)) {
    // The value does not belong to the card it was clicked on.
    return refuse('Tampered', `This button's value does not match the approval card it was clicked on, so the click was ignored; nothing was recorded.`, card.jobId);
  }

  const thread = await deps.outbox.thread(value.jobId);
  if (!thread) return refuse('UnknownJob', `No approval request for job \`${value.jobId}\` is known here; nothing was recorded.`);
  const record = await deps.service.approvals.current(value.jobId);
  if (!record) return refuse('NotAwaiting', `Job \`${value.jobId}\` is not waiting for an approval; nothing was recorded.`, value.jobId);

  const request: ApprovalRequest = {
    jobId: value.jobId,
    planHash: record.planHash,
    channelId: thread.channel,
    threadTs: thread.threadTs,
    requestedBy: record.requestedBy,
    requiredApprovals: record.requiredApprovals,
    expiresAt: record.expiresAt,
    approvals: record.approvals.map((a) => ({ userId: a.userId, at: a.at })),
  };
  // Clicks count only from an approval card of this job (an older card then fails on its plan hash).
  const cardTs = card?.role === 'approval' && card.jobId === value.jobId ? messageTs : (thread.approval?.ts ?? '(none)');
  if (cardTs) request.messageTs = cardTs;
  if (record.decision) {
    request.decided = { decision: record.decision.decision, by: record.decision.by[record.decision.by.length - 1] ?? 'system', at: record.decision.at };
  }
  const click = {
    userId, channelId, jobId: value.jobId, planHash: value.planHash, action,
    ...(threadTs ? { threadTs } : {}), ...(messageTs ? { messageTs } : {}),
  };
  const verdict = evaluateApprovalClick({ request, click, isApprover: await deps.authz.isApprover(userId), now: deps.now() });
  if (!verdict.ok) return refuse(verdict.reason, verdict.message, value.jobId);

  const res = await deps.service.approvals.decide(value.jobId, { planHash: value.planHash, decision: action, userId });
  if (!res.ok) return refuse(ENGINE_CODES[res.code] ?? res.code, res.message, value.jobId);

  const r = res.record;
  const message = action === 'reject'
    ? `You rejected \`${value.jobId}\`; the staged ENI will be removed and nothing else changes.`
    : res.decided
      ? `You approved \`${value.jobId}\` (${r.approvals.length} of ${r.requiredApprovals}); the cutover starts now. Follow the thread.`
      : `Your approval of \`${value.jobId}\` is recorded (${r.approvals.length} of ${r.requiredApprovals}); ${r.requiredApprovals - r.approvals.length} more approver(s) needed.`;
  await tell(`:white_check_mark: ${message}`).catch(() => undefined);
  deps.log.info({ jobId: value.jobId, userId, action, decided: res.decided }, 'approval click recorded');
  return { ok: true, code: res.decided ? 'Decided' : 'Recorded', message };
}
