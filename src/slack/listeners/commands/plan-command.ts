import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import { code } from '../../mrkdwn.ts';
import type { CommandReply, Invocation, SlackDeps } from '../deps.ts';
import { queueReadOnlyJob } from './command-replies.ts';

/** `/natmigrate plan <instance-id>`: queue a read-only pre-flight; the plan is posted to the channel when ready. */
export async function handlePlan(cmd: Extract<Command, { kind: 'plan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  return queueReadOnlyJob(deps, inv, {
    region: cmd.region,
    what: 'preview',
    start: (regionId, audience) => deps.service.preview({ regionId, instanceId: cmd.instanceId, options: cmd.options, requestedBy: inv.userId, audience }),
    queued: (jobId, regionId) => msg(inv.lang).planQueued({ instance: code(cmd.instanceId), region: code(regionId), job: code(jobId) }),
  });
}
