import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { msg } from '../../../i18n/catalog.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { decodeReconcileValue, RECONCILE_RESTORE_ACTION_ID } from '../../blocks/reconcile-card.ts';
import { code, esc } from '../../mrkdwn.ts';
import { mention } from '../../blocks/format.ts';
import type { SlackDeps } from '../deps.ts';
import { registerButton, type Tell } from './button-listener.ts';

/**
 * The Restore button of a reconcile question (src/slack/blocks/reconcile-card.ts): an approver asks for the
 * original mapping back from the ENI's tags. The decision is recorded in the job's thread before anything changes.
 */
async function handleRestoreClick(body: BlockAction<ButtonAction>, deps: SlackDeps, tell: Tell, lang: Lang): Promise<{ ok: boolean }> {
  const t = msg(lang);
  const userId = body.user.id;
  const value = decodeReconcileValue(body.actions[0]?.value);
  if (!value) {
    await tell(t.invalidButtonChanged());
    return { ok: false };
  }
  if (!(await deps.authz.isApprover(userId))) {
    await tell(t.restoreApproversOnly({ approvers: deps.authz.describeApprovers(lang) }));
    return { ok: false };
  }
  if (!deps.service.restoreFromCloud) {
    await tell(t.restoreUnavailable());
    return { ok: false };
  }
  // The decision is recorded in the job's thread first: nothing destructive without it.
  await deps.outbox.note({ type: 'slack.restore_asked', jobId: value.jobId, at: new Date().toISOString(), userId, eniId: value.eniId });
  await tell(t.restoreStarted({ eni: code(value.eniId), user: mention(userId) }));
  const r = await deps.service.restoreFromCloud(value.regionId, value.eniId, userId);
  // Worded in the reader's language from the answer's facts; a service without them gives its English as data.
  const said = esc(r.answer ? t.serviceAnswerText({ answer: r.answer }) : r.message);
  await tell(r.ok ? t.restoreDone({ message: said }) : t.restoreFailed({ message: said }));
  deps.log.info({ userId, eniId: value.eniId, ok: r.ok }, 'reconcile restore click');
  return { ok: r.ok };
}

export function registerReconcileRestore(app: App, deps: SlackDeps): void {
  registerButton(app, deps, { actionId: RECONCILE_RESTORE_ACTION_ID, what: 'reconcile restore click', handle: (body, tell, lang) => handleRestoreClick(body, deps, tell, lang) });
}
