import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { REJECT_ACTION_ID } from '../../blocks/approval-card.ts';
import type { SlackDeps } from '../deps.ts';
import { handleApprovalClick } from './approval-click.ts';

/** The Reject button: ack at once, then check and record the click. */
export function registerReject(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: REJECT_ACTION_ID }, async ({ ack, body, respond }) => {
    await ack();
    const tell = async (text: string) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    };
    await handleApprovalClick('reject', body, deps, tell).catch(async (err: unknown) => {
      const ref = Math.random().toString(36).slice(2, 10);
      deps.log.error({ ref, err: err instanceof Error ? err.message : String(err), userId: body.user.id }, 'reject click failed');
      await tell(`:rotating_light: natmigrate could not process this click (reference \`${ref}\`); check the thread before clicking again.`).catch(() => undefined);
    });
  });
}
