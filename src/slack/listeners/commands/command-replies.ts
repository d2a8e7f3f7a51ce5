import type { Audience } from '../../../engine/ports.ts';
import { msg } from '../../../i18n/catalog.ts';
import { refusedBecause } from '../../refused-because.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import type { PostVerdict } from '../../channels.ts';
import { code } from '../../mrkdwn.ts';
import { LATE } from '../../ack-budget.ts';

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
export async function needsInvite(deps: SlackDeps, inv: Pick<Invocation, 'channelId' | 'channelName' | 'lang' | 'budget'>): Promise<CommandReply | undefined> {
  const p = deps.channels.canPost(inv.channelId, inv.channelName);
  const v = inv.budget ? await inv.budget.within(p) : await p;
  // Not known in time: the same refusal as a conversations.info that failed (fail closed, ack on time).
  return inviteReply(v === LATE ? { ok: false, reason: 'slack_unavailable' } : v, inv.lang);
}

function inviteReply(v: PostVerdict, lang: Invocation['lang']): CommandReply | undefined {
  if (v.ok) return undefined;
  const m = msg(lang);
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

/** Whether the person may request; undefined when Slack did not say in time. */
export async function mayRequest(deps: SlackDeps, inv: Pick<Invocation, 'userId' | 'budget'>): Promise<boolean | undefined> {
  if (!inv.budget) return deps.authz.canRequest(inv.userId);
  // Inside a budget the group read is bounded by it, not by authz's own shorter wait for a group never read.
  const v = await inv.budget.within(deps.authz.requesterVerdict(inv.userId));
  return v === LATE ? undefined : v;
}

/** Undefined when the person may request, else the refusal (also when Slack did not say in time). */
export async function requesterRefusal(deps: SlackDeps, inv: Invocation, what: 'run' | 'plan' | 'scan' | 'rollback'): Promise<CommandReply | undefined> {
  const allowed = await mayRequest(deps, inv);
  if (allowed === undefined) return ephemeral(msg(inv.lang).slackTooSlow());
  return allowed ? undefined : notAllowedToRequest(deps, inv, what);
}

/**
 * Before a request is queued: may this person request, and can the bot post its thread here? Both may ask Slack,
 * so they run together inside the ack budget. Undefined when both say yes, else the refusal (who first).
 */
export async function requestChecks(deps: SlackDeps, inv: Invocation, what: 'run' | 'plan' | 'scan'): Promise<CommandReply | undefined> {
  const [who, where] = await Promise.all([requesterRefusal(deps, inv, what), needsInvite(deps, inv)]);
  return who ?? where;
}

/**
 * Queues a read-only job (a dry run, a scan) whose thread goes to the invoking channel: the person must be allowed
 * to request and the bot able to post there, a refusal by the service is told to the user, and the job is bound to
 * the channel right after the answer (the answer needs only its id).
 */
export async function queueReadOnlyJob(deps: SlackDeps, inv: Invocation, o: {
  region: string | undefined;
  /** How the refusal names the job. */
  what: 'preview' | 'scan';
  start: (regionId: string, audience: Audience) => Promise<{ jobId: string }>;
  queued: (jobId: string, regionId: string) => string;
}): Promise<CommandReply> {
  const refusal = await requestChecks(deps, inv, o.what === 'preview' ? 'plan' : 'scan');
  if (refusal) return refusal;
  const regionId = o.region ?? deps.defaultRegion;
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId, mode: 'preview' };
  let jobId: string;
  try {
    ({ jobId } = await o.start(regionId, audience));
  } catch (err) {
    // The service refuses bad input (an unconfigured region…) with a message meant for people.
    return ephemeral(msg(inv.lang).notQueued({ what: o.what, reason: refusedBecause(err, inv.lang) }));
  }
  await bindAfterAck(deps, inv, jobId, audience);
  return ephemeral(o.queued(jobId, regionId));
}

/** The job's thread is bound to this channel after the answer when the listener can defer work, else now. */
export async function bindAfterAck(deps: SlackDeps, inv: Pick<Invocation, 'defer'>, jobId: string, audience: Audience): Promise<void> {
  const bind = () => deps.outbox.bind(jobId, audience);
  if (inv.defer) inv.defer(bind); else await bind();
}
