import type { SlackDeps } from '../listeners/deps.ts';

/**
 * A DM from the bot to one person: conversations.open (im:write) finds or opens the IM, chat.postMessage posts in it
 * (https://docs.slack.dev/reference/methods/conversations.open).
 */
export async function sendDirectMessage(deps: Pick<SlackDeps, 'web'>, userId: string, text: string): Promise<void> {
  const client = deps.web;
  const im = await client.conversations.open({ users: userId });
  const channel = (im.channel as { id?: string } | undefined)?.id;
  if (!channel) throw new Error(`conversations.open gave no channel for ${userId}`);
  await client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false });
}
