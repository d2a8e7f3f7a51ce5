import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { msg } from '../../../i18n/catalog.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { decodeApprovalValue } from '../../../domain/approval-button.ts';
import { checkClickLocation } from '../../click-location.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../blocks/approval-card.ts';
import type { SlackDeps } from '../deps.ts';
import { registerButton, type Tell } from './button-listener.ts';

/**
 * One Approve/Reject click, checked in this order: the button value decodes and matches the card it sits on
 * (else tampered); the job has an open approval; the click comes from the job's card in its thread; then the
 * engine's approval rule inside its compare-and-set (decided, plan hash, expiry, approver, four-eyes, repeat). Every refusal is told to the
 * clicker (ephemeral) and written to the job's thread through the outbox; only a passing click reaches
 * `approvals.decide`, and nothing here ever touches the cloud.
 */

type ClickAction = 'approve' | 'reject';

interface ClickOutcome {
  ok: boolean;
  code: string;
  message: string;
  /** The job whose thread recorded the refusal, when one could be identified. */
  auditedIn?: string;
}

export async function handleApprovalClick(
  action: ClickAction,
  body: BlockAction<ButtonAction>,
  deps: SlackDeps,
  tell: Tell,
  lang: Lang = 'en',
): Promise<ClickOutcome> {
  const en = msg('en');
  const t = msg(lang);
  const userId = body.user.id;
  const container = body.container as { channel_id?: string; message_ts?: string; thread_ts?: string };
  const channelId = body.channel?.id ?? container.channel_id ?? '';
  const messageTs = container.message_ts ?? body.message?.ts;
  const threadTs = container.thread_ts ?? (body.message?.thread_ts as string | undefined);
  const raw = body.actions[0]?.value;
  const at = deps.now().toISOString();
  const value = decodeApprovalValue(raw);

  // `message` is the English sentence the thread's note keeps; the clicker is told in their own language.
  const refuse = async (code: string, message: string, jobId?: string): Promise<ClickOutcome> => {
    await tell(t.clickRefused({ code, job: `\`${jobId ?? value?.jobId ?? ''}\``, reason: message })).catch((err: unknown) => deps.log.warn({ err: String(err), userId }, 'could not tell the clicker'));
    if (jobId && (await deps.outbox.thread(jobId))) {
      await deps.outbox.note({ type: 'slack.refused_click', jobId, at, userId, action, code, reason: message });
      deps.log.info({ jobId, userId, action, code }, 'approval click refused');
      return { ok: false, code, message, auditedIn: jobId };
    }
    deps.log.warn({ userId, action, code, channelId, messageTs }, 'approval click refused (no job thread to record it in)');
    return { ok: false, code, message };
  };

  const card = channelId && messageTs ? await deps.outbox.lookupMessage(channelId, messageTs) : undefined;
  if (!value) return refuse('Tampered', en.clickTampered(), card?.jobId);
  if (card && (card.role !== 'approval' || card.jobId !== value.jobId || card.nonce !== value.nonce || card.planHash !== value.planHash)) {
    // The value does not belong to the card it was clicked on.
    return refuse('Tampered', en.clickTamperedCard(), card.jobId);
  }

  const thread = await deps.outbox.thread(value.jobId);
  if (!thread) return refuse('UnknownJob', en.clickUnknownJob({ job: `\`${value.jobId}\`` }));
  const record = await deps.service.approvals.current(value.jobId);
  if (!record) return refuse('NotAwaiting', en.clickNotAwaiting({ job: `\`${value.jobId}\`` }), value.jobId);

  // Clicks count only from an approval card of this job (an older card then fails on its plan hash).
  const cardTs = card?.role === 'approval' && card.jobId === value.jobId ? messageTs : (thread.approval?.ts ?? '(none)');
  const misplaced = checkClickLocation(
    { channelId, ...(threadTs ? { threadTs } : {}), ...(messageTs ? { messageTs } : {}) },
    { jobId: value.jobId, channelId: thread.channel, threadTs: thread.threadTs, ...(cardTs ? { cardTs } : {}) },
  );
  if (misplaced) return refuse(misplaced.code, misplaced.message, value.jobId);

  const res = await deps.service.approvals.decide(value.jobId, {
    planHash: value.planHash, decision: action, userId, isApprover: await deps.authz.isApprover(userId),
  });
  if (!res.ok) return refuse(res.code, res.message, value.jobId);

  const r = res.request;
  const said = (m: typeof t) => {
    const p = { job: `\`${value.jobId}\``, n: r.approvals.length, of: r.requiredApprovals };
    return action === 'reject' ? m.clickRejected(p) : res.decided ? m.clickApproved(p) : m.clickRecorded(p);
  };
  const message = said(en).replace(/^:white_check_mark: /, '');
  await tell(said(t)).catch(() => undefined);
  deps.log.info({ jobId: value.jobId, userId, action, decided: res.decided }, 'approval click recorded');
  return { ok: true, code: res.decided ? 'Decided' : 'Recorded', message };
}

/** The Approve and Reject buttons of an approval card: the same checks, one decision each. */
export function registerApprovalButtons(app: App, deps: SlackDeps): void {
  for (const [action, actionId] of [['approve', APPROVE_ACTION_ID], ['reject', REJECT_ACTION_ID]] as const) {
    registerButton(app, deps, {
      actionId,
      what: `${action} click`,
      checkThread: true,
      handle: (body, tell, lang) => handleApprovalClick(action, body, deps, tell, lang),
    });
  }
}
