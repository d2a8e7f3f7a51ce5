import type { App } from '@slack/bolt';
import type { HomePublisher } from '../../home/home-publisher.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * Someone joins or leaves a conversation the bot is in (member_joined_channel / member_left_channel,
 * https://docs.slack.dev/reference/events/member_joined_channel; the bot receives them only for conversations it is
 * in, the only ones its threads are in): the cached member list (../../visibility.ts) follows at once, and that
 * person's Home tab, if they look at it, is published again (a private channel's jobs appear or disappear). The
 * bot's own joins and leaves drop what was cached about the conversation. Bolt acknowledges the event before this
 * runs, and the publishing is not awaited.
 */
export function registerPeopleMembership(app: App, deps: SlackDeps, home: HomePublisher): void {
  const on = (joined: boolean) => async ({ event, context }: { event: { user?: string; channel?: string }; context: { botUserId?: string } }) => {
    if (!event.channel || !event.user) return;
    if (event.user === context.botUserId) {
      await deps.visibility.forget(event.channel);
      return;
    }
    // In a public channel everyone sees the jobs already: nothing to update, no Home to publish again.
    if (await deps.visibility.knownPublic(event.channel)) return;
    await (joined ? deps.visibility.joined(event.channel, event.user) : deps.visibility.left(event.channel, event.user));
    home.refreshViewer(event.user);
  };
  app.event('member_joined_channel', on(true));
  app.event('member_left_channel', on(false));
}
