import type { Command } from '../../../domain/command.ts';
import { isInstanceId } from '../../../domain/ids.ts';
import type { BatchStatus, JobRecord } from '../../../engine/ports.ts';
import { batchStatusText, isBatchJobId } from '../../blocks/batch-card.ts';
import { outcomeLabel } from '../../blocks/card-common.ts';
import { ephemeral, type CommandReply, type SlackDeps } from '../deps.ts';
import { code, esc, escCut } from '../../mrkdwn.ts';
import { mention } from '../../blocks/format.ts';
import { channelLink } from './command-replies.ts';

const MAX_SHOWN = 10;
/** Instance lines of a batch; an ephemeral reply has to stay readable (the thread's live message has them all). */
const MAX_BATCH_ITEMS = 20;
const MAX_SKIPPED = 20;

type Thread = { channel: string; threadTs: string } | undefined;

function approvalText(a: JobRecord['approval'], finished: boolean): string {
  if (a && !a.decision && !finished) return ` · waiting for ${a.requiredApprovals - a.approvals.length} more approval(s) until ${esc(a.expiresAt)}`;
  if (a?.decision) return ` · ${esc(a.decision.decision)}${a.decision.by.length ? ` by ${a.decision.by.map(mention).join(', ')}` : ''}`;
  return '';
}

const whereText = (thread: Thread) => (thread ? ` · thread in ${channelLink(thread.channel)}` : '');

function summarize(r: JobRecord, thread: Thread): string {
  const state = r.outcome ? outcomeLabel(r.outcome) : `state ${code(r.state)}`;
  const err = r.error ? `\n   error ${code(r.error.code)}: ${escCut(r.error.message, 300)}` : '';
  return `• ${code(r.jobId)} (${esc(r.kind)} ${code(r.instanceId)}, requested by ${mention(r.requestedBy)}, updated ${esc(r.updatedAt)}): ${state}${approvalText(r.approval, Boolean(r.outcome))}${whereText(thread)}${err}`;
}

function summarizeBatch(b: BatchStatus, thread: Thread): string {
  const state = b.outcome ? outcomeLabel(b.outcome) : b.state === 'queued' ? 'state `queued`' : `phase ${code(b.phase ?? b.state)}`;
  const cancel = b.cancel && !b.outcome ? ` · cancel requested by ${mention(b.cancel.by)}` : '';
  const knobs = b.planHash ? `\nPlan hash ${code(b.planHash.slice(0, 12))} · canary ${b.canary ?? '–'} · concurrency ${b.concurrency ?? '–'}` : '\nNot planned yet.';
  const counts = new Map<string, number>();
  for (const i of b.items) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  const tally = b.items.length ? ` · ${b.items.length} instance${b.items.length === 1 ? '' : 's'}: ${[...counts].map(([s, n]) => `${esc(s)} ${n}`).join(', ')}` : '';
  const items = b.items.slice(0, MAX_BATCH_ITEMS).map((i) => {
    const child = i.outcome ? outcomeLabel(i.outcome) : i.state ? `state ${code(i.state)}` : 'no job record';
    return `• ${code(i.instanceId)}${i.canary ? ' *canary*' : ''} — ${batchStatusText(i.status)} · ${code(i.childJobId)}: ${child}`;
  });
  if (b.items.length > MAX_BATCH_ITEMS) items.push(`…and ${b.items.length - MAX_BATCH_ITEMS} more instances (each one's end is in the batch's thread).`);
  const more = b.skipped.length > MAX_SKIPPED ? ` and ${b.skipped.length - MAX_SKIPPED} more` : '';
  const skipped = b.skipped.length ? `\nSkipped by the pre-flight: ${b.skipped.slice(0, MAX_SKIPPED).map((s) => `${code(s.instanceId)} (${code(s.code)})`).join(', ')}${more}` : '';
  const summary = b.summary ? `\n${escCut(b.summary, 1000)}` : '';
  return `Batch ${code(b.batchId)} (${code(batchCommandText(b.targets))} in ${code(b.regionId)}, requested by ${mention(b.requestedBy)}, updated ${esc(b.updatedAt)}): `
    + `${state}${approvalText(b.approval, Boolean(b.outcome))}${cancel}${whereText(thread)}${tally}${knobs}${items.length ? `\n${items.join('\n')}` : ''}${skipped}${summary}`;
}

/** `/natmigrate status [job-id|instance-id]`: an ephemeral summary straight from the job records. */
export async function handleStatus(cmd: Extract<Command, { kind: 'status' }>, deps: SlackDeps): Promise<CommandReply> {
  const target = cmd.target?.kind === 'job' ? cmd.target.jobId : cmd.target?.instanceId;
  if (target && isBatchJobId(target) && deps.service.batchStatus) {
    const b = await deps.service.batchStatus(target);
    return ephemeral(b ? summarizeBatch(b, await deps.outbox.thread(b.batchId)) : `No job found for ${code(target)}.`);
  }
  const records = await deps.service.status(target);
  if (!records.length) {
    return ephemeral(target ? `No job found for ${code(target)}.` : 'No active jobs.');
  }
  const shown = records.slice(0, MAX_SHOWN);
  const lines = await Promise.all(shown.map(async (r) => summarize(r, await deps.outbox.thread(r.jobId))));
  const head = target ? `Jobs for ${code(target)}:` : `Active jobs (${records.length}):`;
  const more = records.length > MAX_SHOWN ? `\n…and ${records.length - MAX_SHOWN} more.` : '';
  return ephemeral(`${head}\n${lines.join('\n')}${more}`);
}

/** The command a batch came from: `run --all` for gateways and VPCs, `run` with the ids for instances. */
function batchCommandText(targets: readonly string[]): string {
  const shown = targets.length > 6 ? `${targets.slice(0, 5).join(' ')} … (${targets.length} ids)` : targets.join(' ');
  return targets.every(isInstanceId) ? `run ${shown}` : `run --all ${shown}`;
}
