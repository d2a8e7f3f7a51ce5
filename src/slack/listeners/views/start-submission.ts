import type { App } from '@slack/bolt';
import { msg } from '../../../i18n/catalog.ts';
import { errText } from '../../error-text.ts';
import { code, plain } from '../../mrkdwn.ts';
import { readSubmission } from '../../modal/modal-submission.ts';
import { B, START_MODAL_CALLBACK } from '../../modal/start-modal.ts';
import { routeCommand } from '../commands/index.ts';
import { needsInvite, notAllowedToRequest } from '../commands/command-replies.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * The start modal submitted (view_submission): read as the command it stands for, checked by the same parser, and
 * refused inline (`response_action: errors`, https://docs.slack.dev/surfaces/modals#displaying_errors) when the
 * parser, the requester check or the channel check says no. Otherwise the modal closes and the command goes through
 * the slash command's own router and handlers (routeCommand: `run` or `run --all`, with the same submission,
 * claims and thread binding); its answer reaches the person as an ephemeral message in the chosen channel.
 */
export function registerStartSubmission(app: App, deps: SlackDeps): void {
  app.view(START_MODAL_CALLBACK, async ({ ack, body, view }) => {
    const userId = body.user.id;
    // The ack must not wait on users.info: a person not known yet is answered in the default language this once.
    const lang = (await deps.languages.cachedUserLanguage(userId)) ?? deps.languages.defaultLanguage;
    const sub = readSubmission(view.state.values as never, view.private_metadata, lang);
    if (!sub.ok) return ack({ response_action: 'errors', errors: sub.errors });
    // Both checks at once: each is bounded (a cold group read 2 s, the channel check 2.5 s), so the answer stays inside 3 s.
    const [allowed, invite] = await Promise.all([deps.authz.canRequest(userId), needsInvite(deps, { channelId: sub.channelId, lang })]);
    if (!allowed) return ack({ response_action: 'errors', errors: { [B.instances]: plain(notAllowedToRequest(deps, { lang }, 'run').text) } });
    if (invite) return ack({ response_action: 'errors', errors: { [B.channel]: plain(invite.text).slice(0, 2000) } });
    await ack();
    const later: (() => Promise<unknown>)[] = [];
    try {
      const reply = await routeCommand({ userId, channelId: sub.channelId, text: sub.text, lang, defer: (w) => { later.push(w); } }, deps);
      for (const w of later) await w();
      const client = deps.web;
      await client.chat.postEphemeral({ channel: sub.channelId, user: userId, text: msg(lang).modalQueuedFrom({ command: code(`/natmigrate ${sub.text}`), reply: reply.text }) });
      deps.log.info({ userId, channelId: sub.channelId, command: sub.text }, 'migration started from the modal');
    } catch (err) {
      deps.log.error({ userId, err: errText(err) }, 'the start modal\'s command failed');
    }
  });
}
