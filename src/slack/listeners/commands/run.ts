import type { Command } from '../../../domain/command.ts';
import type { Audience } from '../../../engine/ports.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { needsInvite, notAllowedToRequest } from './shared.ts';

/** `/natmigrate run <ids…>`: one job per instance, each with its own thread in this channel. */
export async function handleRun(cmd: Extract<Command, { kind: 'run' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'run');
  const invite = await needsInvite(deps, inv.channelId);
  if (invite) return invite;
  const regionId = cmd.region ?? deps.defaultRegion;
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId };
  const results = await deps.service.submit({ regionId, instanceIds: cmd.instanceIds, options: cmd.options, requestedBy: inv.userId, audience });
  const lines: string[] = [];
  for (const r of results) {
    if (r.status === 'queued') {
      await deps.outbox.bind(r.jobId, audience);
      lines.push(`• \`${r.instanceId}\`: queued as \`${r.jobId}\`; follow its thread in this channel.`);
    } else if (r.status === 'already_active') {
      lines.push(`• \`${r.instanceId}\`: already has an active job \`${r.jobId}\`; nothing new was queued.`);
    } else {
      lines.push(`• \`${r.instanceId}\`: not queued: ${r.message}`);
    }
  }
  const queued = results.filter((r) => r.status === 'queued').length;
  return ephemeral(`${queued} of ${results.length} migration${results.length === 1 ? '' : 's'} queued in \`${regionId}\`:\n${lines.join('\n')}`);
}

/** `/natmigrate run --all <ngw|vpc>`: fleet batches come with the batch runner (not in this deployment yet). */
export async function handleBatch(cmd: Extract<Command, { kind: 'batch' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'run');
  return ephemeral(`Batch migrations (\`run --all ${cmd.targets.join(' ')}\`) are not enabled in this deployment yet; nothing was queued. Use \`/natmigrate scan\` to list instances, then \`/natmigrate run <instance-id> …\`.`);
}
