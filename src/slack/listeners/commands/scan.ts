import type { Command } from '../../../domain/command.ts';
import type { Audience } from '../../../engine/ports.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { needsInvite, notAllowedToRequest } from './shared.ts';

/** `/natmigrate scan <ngw|vpc>`: queue a read-only inventory; a worker posts it to this channel (with a CSV when long). */
export async function handleScan(cmd: Extract<Command, { kind: 'scan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'scan for');
  if (!deps.service.scan) return ephemeral(`Scanning \`${cmd.target}\` is not available in this deployment; nothing was queued. \`/natmigrate plan <instance-id>\` checks one instance.`);
  const invite = await needsInvite(deps, inv.channelId);
  if (invite) return invite;
  const regionId = cmd.region ?? deps.defaultRegion;
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId, mode: 'preview' };
  let jobId: string;
  try {
    ({ jobId } = await deps.service.scan({ regionId, target: cmd.target, requestedBy: inv.userId, audience }));
  } catch (err) {
    return ephemeral(`:warning: Scan not queued: ${err instanceof Error ? err.message : String(err)}`);
  }
  await deps.outbox.bind(jobId, audience);
  return ephemeral(`Scan of \`${cmd.target}\` in \`${regionId}\` queued (job \`${jobId}\`): every instance, DNAT and SNAT entry is read once and the inventory is posted in this channel. Nothing will be changed.`);
}
