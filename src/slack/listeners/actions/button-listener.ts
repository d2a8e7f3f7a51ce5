import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { msg } from '../../../i18n/catalog.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { errorRef, errText } from '../../error-text.ts';
import type { SlackDeps } from '../deps.ts';

/** Answers the clicker only (an ephemeral reply through the click's response_url). */
export type Tell = (text: string) => Promise<void>;

/**
 * A button listener: ack at once (Slack wants the ack within 3 s,
 * https://docs.slack.dev/interactivity/handling-user-interaction), then run the handler, which answers through
 * `tell`. A handler that throws is logged with a reference that the clicker is shown.
 */
export function registerButton(app: App, deps: SlackDeps, o: {
  actionId: string;
  /** Names the click in the log ("approve click"). */
  what: string;
  /** The failure message the clicker sees asks them to check the thread first. */
  checkThread?: boolean;
  /** `lang`: the clicker's language (their Slack locale). */
  handle: (body: BlockAction<ButtonAction>, tell: Tell, lang: Lang) => Promise<unknown>;
}): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: o.actionId }, async ({ ack, body, respond }) => {
    await ack();
    const tell: Tell = async (text) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    };
    const lang = await deps.languages.userLanguage(body.user.id);
    await o.handle(body, tell, lang).catch(async (err: unknown) => {
      const ref = errorRef();
      deps.log.error({ ref, err: errText(err), userId: body.user.id }, `${o.what} failed`);
      await tell(msg(lang).clickFailed({ ref, checkThread: o.checkThread ?? false })).catch(() => undefined);
    });
  });
}
