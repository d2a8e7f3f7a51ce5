import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import { code } from '../../mrkdwn.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { queueReadOnlyJob, requesterRefusal } from './command-replies.ts';

/** `/natmigrate scan <ngw|vpc>`: queue a read-only inventory; a worker posts it to this channel (with a CSV when long). */
export async function handleScan(cmd: Extract<Command, { kind: 'scan' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const scan = deps.service.scan?.bind(deps.service);
  if (!scan) return (await requesterRefusal(deps, inv, 'scan')) ?? ephemeral(msg(inv.lang).scanUnavailable({ target: code(cmd.target) }));
  return queueReadOnlyJob(deps, inv, {
    region: cmd.region,
    what: 'scan',
    start: (regionId, audience) => scan({ regionId, target: cmd.target, requestedBy: inv.userId, audience }),
    queued: (jobId, regionId) => msg(inv.lang).scanQueued({ target: code(cmd.target), region: code(regionId), job: code(jobId) }),
  });
}
