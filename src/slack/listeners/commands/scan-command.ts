import type { Command } from '../../../domain/command.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { notAllowedToRequest, queueReadOnlyJob } from './command-replies.ts';

/** `/natmigrate scan <ngw|vpc>`: queue a read-only inventory; a worker posts it to this channel (with a CSV when long). */
export async function handleScan(cmd: Extract<Command, { kind: 'scan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'scan for');
  const scan = deps.service.scan?.bind(deps.service);
  if (!scan) return ephemeral(`Scanning \`${cmd.target}\` is not available in this deployment; nothing was queued. \`/natmigrate plan <instance-id>\` checks one instance.`);
  return queueReadOnlyJob(deps, inv, {
    region: cmd.region,
    what: 'Scan',
    start: (regionId, audience) => scan({ regionId, target: cmd.target, requestedBy: inv.userId, audience }),
    queued: (jobId, regionId) => `Scan of \`${cmd.target}\` in \`${regionId}\` queued (job \`${jobId}\`): every instance, DNAT and SNAT entry is read once and the inventory is posted in this channel. Nothing will be changed.`,
  });
}
