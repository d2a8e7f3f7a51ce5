import type { App } from '@slack/bolt';
import { openStartModal } from '../../modal/open-start-modal.ts';
import { START_SHORTCUT_CALLBACK } from '../../modal/start-modal.ts';
import type { SlackDeps } from '../deps.ts';

/** The global shortcut "Start a NAT migration": the same modal as `/natmigrate` with no arguments. */
export function registerStartShortcut(app: App, deps: SlackDeps): void {
  app.shortcut(START_SHORTCUT_CALLBACK, async ({ ack, shortcut }) => {
    await ack();
    await openStartModal(deps, { triggerId: shortcut.trigger_id, userId: shortcut.user.id });
  });
}
