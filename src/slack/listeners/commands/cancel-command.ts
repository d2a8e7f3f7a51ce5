import type { Command } from '../../../domain/command.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { threadHint } from './command-replies.ts';
import { esc } from '../../mrkdwn.ts';

/** `/natmigrate cancel <job-id>`: requesters and approvers may cancel; the engine undoes what was done. */
export async function handleCancel(cmd: Extract<Command, { kind: 'cancel' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const allowed = (await deps.authz.canRequest(inv.userId)) || (await deps.authz.isApprover(inv.userId));
  if (!allowed) return ephemeral(`Only requesters (${deps.authz.describeRequesters()}) and approvers (${deps.authz.describeApprovers()}) may cancel jobs. Nothing was changed.`);
  const res = await deps.service.cancel(cmd.jobId, inv.userId);
  return ephemeral(`${res.ok ? ':octagonal_sign: ' : ''}${esc(res.message)}${res.ok ? await threadHint(deps, cmd.jobId) : ''}`);
}
