import type { Audience } from '../../../engine/ports.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { code, esc } from '../../mrkdwn.ts';

/** `<#C…>` for a channel id of Slack's shape, else the id shown as code (never a live sequence from elsewhere). */
export function channelLink(id: string): string {
  return /^[CGD][A-Z0-9]{2,}$/.test(id) ? `<#${id}>` : code(id);
}

export function notAllowedToRequest(deps: SlackDeps, what: string): CommandReply {
  return ephemeral(`You are not allowed to ${what} migrations: requests are limited to ${deps.authz.describeRequesters()} (NATMIGRATE_REQUESTERS). Nothing was queued.`);
}

/** `<#C…>` link to where a job's thread lives, when known. */
export async function threadHint(deps: SlackDeps, jobId: string): Promise<string> {
  const t = await deps.outbox.thread(jobId);
  return t ? ` — thread in ${channelLink(t.channel)} (message ${code(t.threadTs)})` : '';
}

/** Undefined when the bot can post in the channel, else the answer that says why not and how to fix it. */
export async function needsInvite(deps: SlackDeps, inv: Pick<Invocation, 'channelId' | 'channelName'>): Promise<CommandReply | undefined> {
  const v = await deps.channels.canPost(inv.channelId, inv.channelName);
  if (v.ok) return undefined;
  switch (v.reason) {
    case 'direct_message':
      return ephemeral('natmigrate posts each job\'s thread, with its approval card, in a channel where the approvers can see it, so it does not run jobs from a direct or group message. Run the command in a channel I am a member of; nothing was queued.');
    case 'archived':
      return ephemeral('This channel is archived, so I could not post the job\'s thread here. Run the command in an active channel; nothing was queued.');
    case 'not_visible':
      return ephemeral('I cannot see this conversation (a private channel I am not in, or one my scopes do not cover), so I could not post the job\'s thread here. Invite me (`/invite @natmigrate`) or use another channel; nothing was queued.');
    case 'slack_unavailable':
      return ephemeral('Slack did not tell me in time whether I can post in this channel, so nothing was queued. Try again in a moment.');
    case 'not_member':
      return ephemeral('I am not a member of this channel, so I could not post the job\'s thread here. Invite me first (`/invite @natmigrate`) and run the command again; nothing was queued.');
  }
}

/**
 * Queues a read-only job (a dry run, a scan) whose thread goes to the invoking channel: the bot must be able to
 * post there, a refusal by the service is told to the user, and the job is bound to the channel before we answer.
 */
export async function queueReadOnlyJob(deps: SlackDeps, inv: Invocation, o: {
  region: string | undefined;
  /** How the refusal names the job ("Dry run", "Scan"). */
  what: string;
  start: (regionId: string, audience: Audience) => Promise<{ jobId: string }>;
  queued: (jobId: string, regionId: string) => string;
}): Promise<CommandReply> {
  const invite = await needsInvite(deps, inv);
  if (invite) return invite;
  const regionId = o.region ?? deps.defaultRegion;
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId, mode: 'preview' };
  let jobId: string;
  try {
    ({ jobId } = await o.start(regionId, audience));
  } catch (err) {
    // The service refuses bad input (an unconfigured region…) with a message meant for people.
    return ephemeral(`:warning: ${o.what} not queued: ${esc(err instanceof Error ? err.message : String(err))}`);
  }
  await deps.outbox.bind(jobId, audience);
  return ephemeral(o.queued(jobId, regionId));
}
