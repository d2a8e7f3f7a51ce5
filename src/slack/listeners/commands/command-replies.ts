import type { Audience } from '../../../engine/ports.ts';
import { msg } from '../../../i18n/catalog.ts';
import { refusedBecause } from '../../refused-because.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { code } from '../../mrkdwn.ts';

/** `<#C…>` for a channel id of Slack's shape, else the id shown as code (never a live sequence from elsewhere). */
export function channelLink(id: string): string {
  return /^[CGD][A-Z0-9]{2,}$/.test(id) ? `<#${id}>` : code(id);
}

export function notAllowedToRequest(deps: SlackDeps, inv: Pick<Invocation, 'lang'>, what: 'run' | 'plan' | 'scan' | 'rollback'): CommandReply {
  return ephemeral(msg(inv.lang).notAllowedToRequest({ what, requesters: deps.authz.describeRequesters(inv.lang) }));
}

/** `<#C…>` link to where a job's thread lives, when known. */
export async function threadHint(deps: SlackDeps, jobId: string, lang: Invocation['lang']): Promise<string> {
  const t = await deps.outbox.thread(jobId);
  return t ? msg(lang).threadHint({ channel: channelLink(t.channel), ts: code(t.threadTs) }) : '';
}

/** Undefined when the bot can post in the channel, else the answer that says why not and how to fix it. */
export async function needsInvite(deps: SlackDeps, inv: Pick<Invocation, 'channelId' | 'channelName' | 'lang'>): Promise<CommandReply | undefined> {
  const v = await deps.channels.canPost(inv.channelId, inv.channelName);
  if (v.ok) return undefined;
  const m = msg(inv.lang);
  switch (v.reason) {
    case 'direct_message':
      return ephemeral(m.inviteDirect());
    case 'archived':
      return ephemeral(m.inviteArchived());
    case 'not_visible':
      return ephemeral(m.inviteNotVisible());
    case 'slack_unavailable':
      return ephemeral(m.inviteSlackUnavailable());
    case 'not_member':
      return ephemeral(m.inviteNotMember());
  }
}

/**
 * Queues a read-only job (a dry run, a scan) whose thread goes to the invoking channel: the bot must be able to
 * post there, a refusal by the service is told to the user, and the job is bound to the channel before we answer.
 */
export async function queueReadOnlyJob(deps: SlackDeps, inv: Invocation, o: {
  region: string | undefined;
  /** How the refusal names the job. */
  what: 'preview' | 'scan';
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
    return ephemeral(msg(inv.lang).notQueued({ what: o.what, reason: refusedBecause(err, inv.lang) }));
  }
  await deps.outbox.bind(jobId, audience);
  return ephemeral(o.queued(jobId, regionId));
}
