import { ephemeral, type CommandReply, type SlackDeps } from '../deps.ts';

export function notAllowedToRequest(deps: SlackDeps, what: string): CommandReply {
  return ephemeral(`You are not allowed to ${what} migrations: requests are limited to ${deps.authz.describeRequesters()} (NATMIGRATE_REQUESTERS). Nothing was queued.`);
}

/** `<#C…>` link to where a job's thread lives, when known. */
export async function threadHint(deps: SlackDeps, jobId: string): Promise<string> {
  const t = await deps.outbox.thread(jobId);
  return t ? ` — thread in <#${t.channel}> (message ${t.threadTs})` : '';
}

/** Undefined when the bot can post in the channel, else the answer that says how to fix it. */
export async function needsInvite(deps: SlackDeps, channelId: string): Promise<CommandReply | undefined> {
  if (await deps.channels.botCanPost(channelId)) return undefined;
  return ephemeral('I am not a member of this channel, so I could not post the job\'s thread here. Invite me first (`/invite @natmigrate`) and run the command again; nothing was queued.');
}
