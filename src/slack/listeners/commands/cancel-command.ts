import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { threadHint } from './command-replies.ts';
import { esc } from '../../mrkdwn.ts';

/** `/natmigrate cancel <job-id>`: requesters and approvers may cancel; the engine undoes what was done. */
export async function handleCancel(cmd: Extract<Command, { kind: 'cancel' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const allowed = (await deps.authz.canRequest(inv.userId)) || (await deps.authz.isApprover(inv.userId));
  if (!allowed) return ephemeral(msg(inv.lang).cancelNotAllowed({ requesters: deps.authz.describeRequesters(inv.lang), approvers: deps.authz.describeApprovers(inv.lang) }));
  const res = await deps.service.cancel(cmd.jobId, inv.userId);
  return ephemeral(msg(inv.lang).serviceAnswer({ ok: res.ok, message: esc(msg(inv.lang).serviceAnswerText({ answer: res.answer })), hint: res.ok ? await threadHint(deps, cmd.jobId, inv.lang) : '' }));
}
