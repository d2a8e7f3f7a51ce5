import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decodeApprovalValue } from '../../../domain/approval-button.ts';
import { msg } from '../../../i18n/catalog.ts';
import { errorRef, errText } from '../../error-text.ts';
import { HOME_APPROVE_ACTION, HOME_NONCE, HOME_REJECT_ACTION } from '../../home/home-view.ts';
import type { HomePublisher } from '../../home/home-publisher.ts';
import { code, esc } from '../../mrkdwn.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * Approve and Reject on a person's Home tab. Slack only places the click: it must come from the Home view we
 * published for this very person (a Home tab is seen by its owner only). What it does is the engine's one approval
 * rule (src/domain/approval.ts) inside the store's compare-and-set, exactly as for the thread's card: not awaiting,
 * already decided, stale plan, expired, not an approver, self-approval, counted twice. A refusal is recorded in the
 * job's thread like a refused click on the card, and told to the clicker at the top of their refreshed Home tab.
 */

type ClickAction = 'approve' | 'reject';

export async function handleHomeApprovalClick(action: ClickAction, body: BlockAction<ButtonAction>, deps: SlackDeps, home: HomePublisher): Promise<{ ok: boolean; code: string }> {
  const userId = body.user.id;
  const en = msg('en');
  const t = msg(await deps.languages.userLanguage(userId));
  const view = body.view as { id?: string; type?: string } | undefined;
  const value = decodeApprovalValue(body.actions[0]?.value);
  const at = deps.now().toISOString();

  // As for the card: `reason` is the English sentence the thread's note keeps (rendered there in the thread's
  // language by its code); the clicker reads it in their own language at the top of their Home tab.
  const refuse = async (refusal: string, reason: string, jobId?: string) => {
    if (jobId && (await deps.outbox.thread(jobId))) {
      await deps.outbox.note({ type: 'slack.refused_click', jobId, at, userId, action, code: refusal, reason });
    }
    deps.log.info({ jobId, userId, action, code: refusal }, 'home approval click refused');
    await home.publish(userId, t.clickRefused({ code: refusal, job: code(jobId ?? value?.jobId ?? ''), reason: esc(reason) }));
    return { ok: false, code: refusal };
  };

  if (!value || value.nonce !== HOME_NONCE) return refuse('Tampered', en.homeTampered());
  const published = await home.index.viewOf(userId);
  if (view?.type !== 'home' || !view.id || view.id !== published) return refuse('WrongView', en.homeWrongView({ job: code(value.jobId) }), value.jobId);

  const res = await deps.service.approvals.decide(value.jobId, {
    planHash: value.planHash, decision: action, userId, isApprover: await deps.authz.isApprover(userId),
  });
  if (!res.ok) return refuse(res.code, res.message, value.jobId);
  const job = code(value.jobId);
  const notice = action === 'reject'
    ? t.homeClickRejected({ job })
    : res.decided ? t.homeClickApproved({ job }) : t.homeClickRecorded({ job, votes: res.request.approvals.length, required: res.request.requiredApprovals });
  deps.log.info({ jobId: value.jobId, userId, action, decided: res.decided }, 'home approval click recorded');
  await home.publish(userId, notice);
  return { ok: true, code: res.decided ? 'Decided' : 'Recorded' };
}

export function registerHomeApprovalButtons(app: App, deps: SlackDeps, home: HomePublisher): void {
  for (const [action, actionId] of [['approve', HOME_APPROVE_ACTION], ['reject', HOME_REJECT_ACTION]] as const) {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionId }, async ({ ack, body }) => {
      await ack();
      await handleHomeApprovalClick(action, body, deps, home).catch((err: unknown) => {
        const ref = errorRef();
        deps.log.error({ ref, err: errText(err), userId: body.user.id }, `home ${action} click failed`);
      });
    });
  }
}
