import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.ts';

/**
 * The bot hears at once when it joins or leaves a conversation (member_joined_channel / member_left_channel,
 * https://docs.slack.dev/reference/events/member_joined_channel), so `run` works right after an `/invite` instead of
 * being refused until the cached "not a member" runs out, and a removal is noticed before the next thread is promised.
 * Only the bot's own membership matters; other people joining change nothing.
 */
export function registerBotMembership(app: App, deps: SlackDeps): void {
  const onMembership = async ({ event, context }: { event: { user?: string; channel?: string }; context: { botUserId?: string } }) => {
    if (!event.channel || !context.botUserId || event.user !== context.botUserId) return;
    deps.channels.forget(event.channel);
    deps.log.info({ channelId: event.channel }, 'bot membership changed; channel check forgotten');
  };
  app.event('member_joined_channel', onMembership);
  app.event('member_left_channel', onMembership);
}
