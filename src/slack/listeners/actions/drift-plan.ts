import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { msg } from '../../../i18n/catalog.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { DEFAULT_OPTIONS } from '../../../domain/inventory.ts';
import { isInstanceId } from '../../../domain/ids.ts';
import type { Audience } from '../../../engine/ports.ts';
import { decodeDriftValue, DRIFT_PLAN_ACTION_ID } from '../../blocks/drift-card.ts';
import type { SlackDeps } from '../deps.ts';
import { registerButton, type Tell } from './button-listener.ts';
import { refusedBecause } from '../../refused-because.ts';
import { code } from '../../mrkdwn.ts';

/**
 * The Plan button of a drift alert: the same as `/natmigrate plan <instance>` typed by the clicker (same
 * requester check), with the dry run posted in the alert's thread. Nothing here changes anything.
 */
async function handleDriftPlanClick(body: BlockAction<ButtonAction>, deps: SlackDeps, tell: Tell, lang: Lang): Promise<{ ok: boolean; jobId?: string }> {
  const t = msg(lang);
  const userId = body.user.id;
  const container = body.container as { channel_id?: string; message_ts?: string };
  const channelId = body.channel?.id ?? container.channel_id ?? '';
  const messageTs = container.message_ts ?? body.message?.ts;
  const value = decodeDriftValue(body.actions[0]?.value);
  if (!value || !isInstanceId(value.instanceId)) {
    await tell(t.invalidButtonQueued());
    return { ok: false };
  }
  if (!(await deps.authz.canRequest(userId))) {
    await tell(t.driftNotAllowed({ requesters: deps.authz.describeRequesters(lang) }));
    return { ok: false };
  }
  const audience: Audience = { channelId, userId, mode: 'preview', ...(messageTs ? { threadTs: messageTs } : {}) };
  let jobId: string;
  try {
    ({ jobId } = await deps.service.preview({ regionId: value.regionId, instanceId: value.instanceId, options: DEFAULT_OPTIONS, requestedBy: userId, audience }));
  } catch (err) {
    await tell(t.notQueued({ what: 'preview', reason: refusedBecause(err, lang) }));
    return { ok: false };
  }
  await deps.outbox.bind(jobId, audience);
  await tell(t.driftPlanQueued({ instance: code(value.instanceId), job: code(jobId) }));
  deps.log.info({ jobId, userId, instanceId: value.instanceId }, 'drift plan click queued a dry run');
  return { ok: true, jobId };
}

export function registerDriftPlan(app: App, deps: SlackDeps): void {
  registerButton(app, deps, { actionId: DRIFT_PLAN_ACTION_ID, what: 'drift plan click', handle: (body, tell, lang) => handleDriftPlanClick(body, deps, tell, lang) });
}
