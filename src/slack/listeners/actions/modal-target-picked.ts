import type { App, BlockAction, ExternalSelectAction } from '@slack/bolt';
import { errText } from '../../error-text.ts';
import { startModal, TARGET_ACTION, type ModalMeta } from '../../modal/start-modal.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * A NAT gateway or VPC picked in the start modal (dispatch_action): the modal says it is reading, then lists the
 * target's instances still on a DNAT IP mapping, all pre-selected (views.update, which has no 3-second limit; the
 * click itself is acked at once). What the person already typed (channel, region) is kept.
 */
export function registerModalTargetPicked(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ExternalSelectAction>>({ type: 'block_actions', action_id: TARGET_ACTION }, async ({ ack, body }) => {
    await ack();
    const view = body.view;
    const target = body.actions[0]?.selected_option?.value;
    if (!view || !target) return;
    let meta: ModalMeta = {};
    try { meta = JSON.parse(view.private_metadata ?? '{}') as ModalMeta; } catch { meta = {}; }
    const values = (view.state?.values ?? {}) as Record<string, Record<string, { value?: string | null; selected_conversation?: string | null }>>;
    const region = (values.region?.region?.value ?? '').trim() || meta.region || deps.defaultRegion;
    const channelId = values.channel?.channel?.selected_conversation ?? undefined;
    const lang = await deps.languages.userLanguage(body.user.id);
    const base = { region, target, ...(channelId ? { channelId } : {}) };
    const client = deps.web;
    const update = (instances: Parameters<typeof startModal>[0]['instances']) =>
      client.views.update({ view_id: view.id, view: startModal({ ...base, ...(instances ? { instances } : {}) }, lang) as never });
    try {
      await update('loading');
      if (!deps.inventory) throw new Error('this deployment has no cloud reads for forms');
      await update(await deps.inventory.mappedInstances(region, target));
    } catch (err) {
      deps.log.warn({ userId: body.user.id, target, err: errText(err) }, 'the modal\'s instances could not be read');
      await update({ failed: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    }
  });
}
