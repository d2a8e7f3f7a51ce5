import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decodeReconcileValue, RECONCILE_RESTORE_ACTION_ID } from '../../blocks/reconcile-card.ts';
import { code, esc } from '../../mrkdwn.ts';
import { mention } from '../../blocks/format.ts';
import type { SlackDeps } from '../deps.ts';
import { registerButton, type Tell } from './button-listener.ts';

/**
 * The Restore button of a reconcile question (src/slack/blocks/reconcile-card.ts): an approver asks for the
 * original mapping back from the ENI's tags. The decision is recorded in the job's thread before anything changes.
 */
async function handleRestoreClick(body: BlockAction<ButtonAction>, deps: SlackDeps, tell: Tell): Promise<{ ok: boolean }> {
  const userId = body.user.id;
  const value = decodeReconcileValue(body.actions[0]?.value);
  if (!value) {
    await tell(':no_entry_sign: This button carries an invalid value; nothing was changed.');
    return { ok: false };
  }
  if (!(await deps.authz.isApprover(userId))) {
    await tell(`:no_entry_sign: Only approvers may restore: ${deps.authz.describeApprovers()} (NATMIGRATE_APPROVERS). Nothing was changed.`);
    return { ok: false };
  }
  if (!deps.service.restoreFromCloud) {
    await tell(':no_entry_sign: This deployment cannot restore from the cloud journal here; run `natmigrate reconcile --restore` instead.');
    return { ok: false };
  }
  // The decision is recorded in the job's thread first: nothing destructive without it.
  await deps.outbox.note({ type: 'slack.restore_asked', jobId: value.jobId, at: new Date().toISOString(), userId, eniId: value.eniId });
  await tell(`:hourglass_flowing_sand: Restore of ${code(value.eniId)} asked for by ${mention(userId)}: restoring the original mapping from the ENI's tags…`);
  const r = await deps.service.restoreFromCloud(value.regionId, value.eniId, userId);
  await tell(r.ok ? `:white_check_mark: ${esc(r.message)}; the job's thread has the details.` : `:warning: Not restored: ${esc(r.message)}`);
  deps.log.info({ userId, eniId: value.eniId, ok: r.ok }, 'reconcile restore click');
  return { ok: r.ok };
}

export function registerReconcileRestore(app: App, deps: SlackDeps): void {
  registerButton(app, deps, { actionId: RECONCILE_RESTORE_ACTION_ID, what: 'reconcile restore click', handle: (body, tell) => handleRestoreClick(body, deps, tell) });
}
