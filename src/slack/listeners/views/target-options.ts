import type { App } from '@slack/bolt';
import { errText } from '../../error-text.ts';
import { plainText, truncate } from '../../mrkdwn.ts';
import { TARGET_ACTION, type ModalMeta } from '../../modal/start-modal.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * The options of the modal's NAT gateway or VPC select (block_suggestion, answered in the HTTP response): the
 * region's NAT gateways, read from the cloud, and their VPCs, filtered by what the person typed. Slack waits
 * 3 seconds for them (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select),
 * so the cloud read gets 2.5 s; after that the list is empty and typing again asks again.
 */
export const OPTIONS_DEADLINE_MS = 2500;

export function registerTargetOptions(app: App, deps: SlackDeps): void {
  app.options<'block_suggestion'>({ type: 'block_suggestion', action_id: TARGET_ACTION }, async ({ ack, body }) => {
    const b = body as { value?: string; view?: { private_metadata?: string; state?: { values?: Record<string, Record<string, { value?: string | null }>> } } };
    let meta: ModalMeta = {};
    try { meta = JSON.parse(b.view?.private_metadata ?? '{}') as ModalMeta; } catch { meta = {}; }
    const region = (b.view?.state?.values?.region?.region?.value ?? '').trim() || meta.region || deps.defaultRegion;
    const query = (b.value ?? '').trim().toLowerCase();
    if (!deps.inventory) return ack({ options: [] });
    let timer: NodeJS.Timeout | undefined;
    try {
      const gateways = await Promise.race([
        deps.inventory.natGateways(region),
        new Promise<never>((_r, reject) => { timer = setTimeout(() => reject(new Error('the cloud did not answer in time')), OPTIONS_DEADLINE_MS); }),
      ]);
      const opts: { text: { type: 'plain_text'; text: string }; value: string }[] = [];
      for (const g of gateways) opts.push({ text: { type: 'plain_text', text: truncate(plainText(`${g.natGatewayId}${g.name ? ` (${g.name})` : ''} · ${g.vpcId}`), 75) }, value: g.natGatewayId });
      for (const vpc of [...new Set(gateways.map((g) => g.vpcId))]) opts.push({ text: { type: 'plain_text', text: vpc }, value: vpc });
      await ack({ options: opts.filter((o) => !query || o.text.text.toLowerCase().includes(query)).slice(0, 100) });
    } catch (err) {
      deps.log.warn({ region, err: errText(err) }, 'NAT gateway options could not be read');
      await ack({ options: [] });
    } finally {
      clearTimeout(timer);
    }
  });
}
