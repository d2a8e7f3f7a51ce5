import type { Command } from '../../../domain/command.ts';
import type { JobRecord } from '../../../engine/ports.ts';
import { outcomeLabel } from '../../blocks/status-card.ts';
import { ephemeral, type CommandReply, type SlackDeps } from '../deps.ts';

const MAX_SHOWN = 10;

function summarize(r: JobRecord, thread: { channel: string; threadTs: string } | undefined): string {
  const state = r.outcome ? outcomeLabel(r.outcome) : `state \`${r.state}\``;
  const approval = r.approval && !r.approval.decision && !r.outcome
    ? ` · waiting for ${r.approval.requiredApprovals - r.approval.approvals.length} more approval(s) until ${r.approval.expiresAt}`
    : r.approval?.decision ? ` · ${r.approval.decision.decision}${r.approval.decision.by.length ? ` by ${r.approval.decision.by.map((u) => `<@${u}>`).join(', ')}` : ''}` : '';
  const where = thread ? ` · thread in <#${thread.channel}>` : '';
  const err = r.error ? `\n   error \`${r.error.code}\`: ${r.error.message}` : '';
  return `• \`${r.jobId}\` (${r.kind} \`${r.instanceId}\`, requested by <@${r.requestedBy}>, updated ${r.updatedAt}): ${state}${approval}${where}${err}`;
}

/** `/natmigrate status [job-id|instance-id]`: an ephemeral summary straight from the job records. */
export async function handleStatus(cmd: Extract<Command, { kind: 'status' }>, deps: SlackDeps): Promise<CommandReply> {
  const target = cmd.target?.kind === 'job' ? cmd.target.jobId : cmd.target?.instanceId;
  const records = await deps.service.status(target);
  if (!records.length) {
    return ephemeral(target ? `No job found for \`${target}\`.` : 'No active jobs.');
  }
  const shown = records.slice(0, MAX_SHOWN);
  const lines = await Promise.all(shown.map(async (r) => summarize(r, await deps.outbox.thread(r.jobId))));
  const head = target ? `Jobs for \`${target}\`:` : `Active jobs (${records.length}):`;
  const more = records.length > MAX_SHOWN ? `\n…and ${records.length - MAX_SHOWN} more.` : '';
  return ephemeral(`${head}\n${lines.join('\n')}${more}`);
}
