import type { Command } from '../../../domain/command.ts';
import { isInstanceId } from '../../../domain/ids.ts';
import type { BatchStatus, JobRecord } from '../../../engine/ports.ts';
import { batchStatusText, isBatchJobId } from '../../blocks/batch-card.ts';
import { outcomeLabel } from '../../blocks/card-common.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import type { Lang } from '../../../i18n/lang.ts';
import { inTimeZone } from '../../../i18n/time.ts';
import { msg } from '../../../i18n/catalog.ts';
import { code, esc, escCut } from '../../mrkdwn.ts';
import { mention, stepErrorText, summaryText } from '../../blocks/format.ts';
import { channelLink } from './command-replies.ts';

const MAX_SHOWN = 10;
/** Instance lines of a batch; an ephemeral reply has to stay readable (the thread's live message has them all). */
const MAX_BATCH_ITEMS = 20;
const MAX_SKIPPED = 20;

type Thread = { channel: string; threadTs: string } | undefined;

function approvalText(a: JobRecord['approval'], finished: boolean, lang: Lang): string {
  const m = msg(lang);
  if (a && !a.decision && !finished) return m.statusWaiting({ n: a.requiredApprovals - a.approvals.length, until: esc(a.expiresAt) });
  if (a?.decision) return m.statusDecided({ decision: esc(a.decision.decision), by: a.decision.by.map(mention).join(', ') });
  return '';
}

const whereText = (thread: Thread, lang: Lang) => (thread ? msg(lang).statusWhere({ channel: channelLink(thread.channel) }) : '');

function summarize(r: JobRecord, thread: Thread, lang: Lang): string {
  const m = msg(lang);
  const state = r.outcome ? outcomeLabel(r.outcome, lang) : m.statusState({ state: code(r.state) });
  const err = r.error ? m.statusError({ code: code(r.error.code), message: escCut(stepErrorText(r.error, lang), 300) }) : '';
  return m.statusJobLine({
    job: code(r.jobId), kind: esc(r.kind), instance: code(r.instanceId), by: mention(r.requestedBy), updated: esc(r.updatedAt), state,
    rest: `${approvalText(r.approval, Boolean(r.outcome), lang)}${whereText(thread, lang)}${err}`,
  });
}

function summarizeBatch(b: BatchStatus, thread: Thread, lang: Lang): string {
  const m = msg(lang);
  const state = b.outcome ? outcomeLabel(b.outcome, lang) : b.state === 'queued' ? m.statusState({ state: '`queued`' }) : m.statusPhase({ phase: code(b.phase ?? b.state) });
  const cancel = b.cancel && !b.outcome ? m.statusBatchCancel({ by: mention(b.cancel.by) }) : '';
  const knobs = b.planHash ? m.statusBatchKnobs({ hash: code(b.planHash.slice(0, 12)), canary: String(b.canary ?? '–'), concurrency: String(b.concurrency ?? '–') }) : m.statusBatchNotPlanned();
  const counts = new Map<string, number>();
  for (const i of b.items) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  const tally = b.items.length ? m.statusBatchTally({ count: b.items.length, tally: [...counts].map(([s, n]) => `${esc(s)} ${n}`).join(', ') }) : '';
  const items = b.items.slice(0, MAX_BATCH_ITEMS).map((i) => {
    const child = i.outcome ? outcomeLabel(i.outcome, lang) : i.state ? m.statusState({ state: code(i.state) }) : m.statusNoRecord();
    return m.statusBatchItem({ instance: code(i.instanceId), canary: i.canary, status: batchStatusText(i.status, lang), child: code(i.childJobId), state: child });
  });
  if (b.items.length > MAX_BATCH_ITEMS) items.push(m.statusBatchMore({ n: b.items.length - MAX_BATCH_ITEMS }));
  const skipped = b.skipped.length
    ? m.statusBatchSkipped({ list: b.skipped.slice(0, MAX_SKIPPED).map((s) => `${code(s.instanceId)} (${code(s.code)})`).join(', '), more: Math.max(0, b.skipped.length - MAX_SKIPPED) })
    : '';
  const said = b.summary || b.summaryText ? summaryText({ ...(b.summary ? { summary: b.summary } : {}), ...(b.summaryText ? { text: b.summaryText } : {}) }, lang) : '';
  const summary = said ? `\n${escCut(said, 1000)}` : '';
  return m.statusBatchHead({ batch: code(b.batchId), command: code(batchCommandText(b.targets)), region: code(b.regionId), by: mention(b.requestedBy), updated: esc(b.updatedAt) })
    + `${state}${approvalText(b.approval, Boolean(b.outcome), lang)}${cancel}${whereText(thread, lang)}${tally}${knobs}${items.length ? `\n${items.join('\n')}` : ''}${skipped}${summary}`;
}

/** `/natmigrate status [job-id|instance-id]`: an ephemeral summary straight from the job records. */
export async function handleStatus(cmd: Extract<Command, { kind: 'status' }>, inv: Pick<Invocation, 'lang' | 'tz' | 'userId' | 'channelId' | 'defer'>, deps: SlackDeps): Promise<CommandReply> {
  const lang = inv.lang;
  const m = msg(lang);
  const target = cmd.target?.kind === 'job' ? cmd.target.jobId : cmd.target?.instanceId;
  if (target && isBatchJobId(target) && deps.service.batchStatus) {
    const b = await deps.service.batchStatus(target);
    const thread = b ? await deps.outbox.thread(b.batchId) : undefined;
    const seen = b && (b.requestedBy === inv.userId || thread?.channel === inv.channelId || (await deps.visibility.cachedCanSeeChannel(inv.userId, thread?.channel)));
    if (b && seen === undefined && thread) {
      if (inv.defer) inv.defer(() => deps.visibility.canSeeChannel(inv.userId, thread.channel));
      return ephemeral(m.statusChecking());
    }
    // Only this person reads the answer: its times are in their own zone.
    return ephemeral(b && seen ? inTimeZone(inv.tz, () => summarizeBatch(b, thread, lang)) : m.statusNoJob({ target: code(target) }));
  }
  const all = await deps.service.status(target);
  const threads = new Map(await Promise.all(all.map(async (r) => [r.jobId, await deps.outbox.thread(r.jobId)] as const)));
  // Asked from anywhere: only the jobs this person may see (a private channel's to its members).
  const { records, unchecked } = await visibleToInvoker(all, threads, inv, deps);
  if (!records.length && !unchecked.length) {
    return ephemeral(target ? m.statusNoJob({ target: code(target) }) : m.statusNoActive());
  }
  const shown = records.slice(0, MAX_SHOWN);
  const lines = inTimeZone(inv.tz, () => shown.map((r) => summarize(r, threads.get(r.jobId), lang)));
  const head = target ? m.statusJobsFor({ target: code(target) }) : m.statusActive({ n: records.length });
  const more = records.length > MAX_SHOWN ? m.statusMore({ n: records.length - MAX_SHOWN }) : '';
  const later = unchecked.length ? m.statusUnchecked({ n: unchecked.length }) : '';
  return ephemeral(`${head}${lines.length ? `\n${lines.join('\n')}` : ''}${more}${later}`);
}

/**
 * The jobs the invoker requested, is asked to approve, or whose thread is in this channel or a conversation they may see (from
 * Redis only: the answer is the ack). Conversations the cache does not know yet are read after the ack, and
 * counted in the answer without a word of what is in them.
 */
async function visibleToInvoker(all: JobRecord[], threads: Map<string, Thread>, inv: Pick<Invocation, 'userId' | 'channelId' | 'defer'>, deps: SlackDeps) {
  const isApprover = await deps.authz.isApprover(inv.userId);
  const records: JobRecord[] = [];
  const unchecked = new Set<string>();
  const pending = new Set<JobRecord>();
  for (const r of all) {
    const asked = isApprover && r.state === 'awaiting_approval' && Boolean(r.approval && !r.approval.decision);
    // A batch's child has no thread of its own: it lives in its batch's.
    const channel = threads.get(r.jobId)?.channel ?? (r.batchId ? (await deps.outbox.thread(r.batchId))?.channel : undefined);
    const verdict = r.requestedBy === inv.userId || asked || channel === inv.channelId || (await deps.visibility.cachedCanSeeChannel(inv.userId, channel));
    if (verdict) records.push(r);
    else if (verdict === undefined && channel) {
      unchecked.add(channel);
      pending.add(r);
    }
  }
  const warm = () => Promise.all([...unchecked].map((c) => deps.visibility.canSeeChannel(inv.userId, c)));
  if (unchecked.size && inv.defer) inv.defer(warm);
  return { records, unchecked: all.filter((r) => pending.has(r)) };
}

/** The command a batch came from: `run --all` for gateways and VPCs, `run` with the ids for instances. */
function batchCommandText(targets: readonly string[]): string {
  const shown = targets.length > 6 ? `${targets.slice(0, 5).join(' ')} … (${targets.length} ids)` : targets.join(' ');
  return targets.every(isInstanceId) ? `run ${shown}` : `run --all ${shown}`;
}
