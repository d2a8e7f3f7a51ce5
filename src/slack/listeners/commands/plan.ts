import type { Command } from '../../../domain/command.ts';
import type { Audience } from '../../../engine/ports.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { needsInvite, notAllowedToRequest } from './shared.ts';

/** `/natmigrate plan <instance-id>`: queue a read-only pre-flight; the plan is posted to the channel when ready. */
export async function handlePlan(cmd: Extract<Command, { kind: 'plan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'plan');
  const invite = await needsInvite(deps, inv.channelId);
  if (invite) return invite;
  const regionId = cmd.region ?? deps.defaultRegion;
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId, mode: 'preview' };
  let jobId: string;
  try {
    ({ jobId } = await deps.service.preview({ regionId, instanceId: cmd.instanceId, options: cmd.options, requestedBy: inv.userId, audience }));
  } catch (err) {
    // The service refuses bad input (an unconfigured region…) with a message meant for people.
    return ephemeral(`:warning: Dry run not queued: ${err instanceof Error ? err.message : String(err)}`);
  }
  await deps.outbox.bind(jobId, audience);
  return ephemeral(`Dry run of \`${cmd.instanceId}\` in \`${regionId}\` queued (job \`${jobId}\`); the plan will be posted in this channel. Nothing will be changed.`);
}
