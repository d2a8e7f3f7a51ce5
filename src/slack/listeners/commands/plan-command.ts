import type { Command } from '../../../domain/command.ts';
import type { CommandReply, Invocation, SlackDeps } from '../deps.ts';
import { notAllowedToRequest, queueReadOnlyJob } from './command-replies.ts';

/** `/natmigrate plan <instance-id>`: queue a read-only pre-flight; the plan is posted to the channel when ready. */
export async function handlePlan(cmd: Extract<Command, { kind: 'plan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!(await deps.authz.canRequest(inv.userId))) return notAllowedToRequest(deps, 'plan');
  return queueReadOnlyJob(deps, inv, {
    region: cmd.region,
    what: 'Dry run',
    start: (regionId, audience) => deps.service.preview({ regionId, instanceId: cmd.instanceId, options: cmd.options, requestedBy: inv.userId, audience }),
    queued: (jobId, regionId) => `Dry run of \`${cmd.instanceId}\` in \`${regionId}\` queued (job \`${jobId}\`); the plan will be posted in this channel. Nothing will be changed.`,
  });
}
