import type { Command } from '../../../domain/command.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { notAllowedToRequest } from './shared.ts';

/** `/natmigrate scan <ngw|vpc>`: the inventory arrives with the fleet features; until then say so plainly. */
export async function handleScan(cmd: Extract<Command, { kind: 'scan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'scan for');
  return ephemeral(`Scanning \`${cmd.target}\` is not enabled in this deployment yet; nothing was queued. \`/natmigrate plan <instance-id>\` checks one instance.`);
}
