import type { Lang } from '../../i18n/lang.ts';
import { errText } from '../error-text.ts';
import type { SlackDeps } from '../listeners/deps.ts';
import { startModal } from './start-modal.ts';

/**
 * views.open with the trigger_id of a slash command or shortcut: the trigger is good for 3 seconds and one use
 * (https://docs.slack.dev/interactivity/handling-user-interaction#modal_responses), so the listener acks first and
 * this opens the modal right away, with nothing read from the cloud (its selects load their options later).
 */
export async function openStartModal(deps: SlackDeps, o: { triggerId: string; userId: string; channelId?: string; lang?: Lang }): Promise<void> {
  // Never wait on users.info here: the trigger is running out. A person not known yet gets the default language once.
  const lang = o.lang ?? (await deps.languages.cachedUserLanguage(o.userId)) ?? deps.languages.defaultLanguage;
  const view = startModal({ region: deps.defaultRegion, ...(o.channelId ? { channelId: o.channelId } : {}) }, lang);
  const client = deps.web;
  try {
    await client.views.open({ trigger_id: o.triggerId, view: view as never });
  } catch (err) {
    deps.log.warn({ userId: o.userId, err: errText(err) }, 'the start modal could not be opened');
  }
}
