import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { mayRequest, threadHint } from './command-replies.ts';
import { esc } from '../../mrkdwn.ts';
import { LATE } from '../../ack-budget.ts';

/**
 * Whether the person may cancel: both lists asked together (one after the other, each may wait on a user group read:
 * two slow reads put the ack past Slack's 3 s). Undefined when Slack did not say in time and neither list is known to
 * hold the person.
 */
async function requesterOrApprover(inv: Invocation, deps: SlackDeps): Promise<boolean | undefined> {
  const approver = deps.authz.isApprover(inv.userId);
  const [requester, approves] = await Promise.all([mayRequest(deps, inv), inv.budget ? inv.budget.within(approver) : approver]);
  if (requester === true || approves === true) return true;
  return requester === undefined || approves === LATE ? undefined : false;
}

/** `/natmigrate cancel <job-id>`: requesters and approvers may cancel; the engine undoes what was done. */
export async function handleCancel(cmd: Extract<Command, { kind: 'cancel' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const allowed = await requesterOrApprover(inv, deps);
  if (allowed === undefined) return ephemeral(msg(inv.lang).slackTooSlow());
  if (!allowed) return ephemeral(msg(inv.lang).cancelNotAllowed({ requesters: deps.authz.describeRequesters(inv.lang), approvers: deps.authz.describeApprovers(inv.lang) }));
  const res = await deps.service.cancel(cmd.jobId, inv.userId);
  return ephemeral(msg(inv.lang).serviceAnswer({ ok: res.ok, message: esc(msg(inv.lang).serviceAnswerText({ answer: res.answer })), hint: res.ok ? await threadHint(deps, cmd.jobId, inv.lang) : '' }));
}
