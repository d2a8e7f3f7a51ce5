import { createHash } from 'node:crypto';
import type { MigrationEvent } from '../../domain/events.ts';
import type { SlackMessage } from '../blocks/format.ts';
import { auditReply, previewReply } from '../blocks/audit.ts';
import { batchCard, foldBatch, foldBatchMore, isBatchJobId, rootCard, type BatchCardState } from '../blocks/batch-card.ts';
import { isSlackNote, type ThreadEvent } from '../thread-events.ts';
import { updateApprovalCard } from './approval-messages.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { jobLang, opField, opPrefix, readEvents, saveFields, type JobState } from './job-store.ts';
import { canMerge, mergeReplies, touchesApproval } from './merged-replies.ts';
import { deliverExtras } from './message-extras.ts';
import { DeliveryStop, MergedPostRefused } from './slack-errors.ts';
import { indexMessage, postOnce, send } from './slack-send.ts';

/**
 * Which messages one event becomes. A job in a thread: the root status card first (posted once, then re-rendered
 * from the events delivered), the approval card kept in step, and one audit reply per event. A preview (dry run,
 * scan, drift alert): one message in the channel, or in the thread it was asked from.
 */

const migrationEvents = (events: ThreadEvent[]): MigrationEvent[] => events.filter((e): e is MigrationEvent => !isSlackNote(e));

/** Where a top-level message of the job goes: the channel, or the thread the job was bound to. */
function channelArgs(job: JobState): Record<string, unknown> {
  const args: Record<string, unknown> = { channel: job.raw.channel!, unfurl_links: false, unfurl_media: false };
  if (job.raw.parentTs) args.thread_ts = job.raw.parentTs;
  return args;
}

/** The root status card, posted once before the first reply; it then shows events 0..idx. */
async function postRootCard(ctx: DeliveryContext, job: JobState, idx: number): Promise<void> {
  const channel = job.raw.channel!;
  const card = rootCard(job.jobId, migrationEvents(await readEvents(ctx, job.jobId, 0, idx)), jobLang(job));
  const ts = await postOnce(ctx, job, -1, 0, channelArgs(job), card);
  if (!ts) {
    // Slack refused the thread's first message for good (it was counted and alerted): the job has no thread
    // here, and the rest of its messages are not tried one by one (mode 'failed' delivers nothing).
    await saveFields(ctx, job, { mode: 'failed' });
    return;
  }
  await saveFields(ctx, job, { root: ts, threadTs: job.raw.parentTs ?? ts, card: String(idx + 1), cardHash: cardHash(card), cardAt: String(Date.now()) });
  await indexMessage(ctx, channel, ts, { jobId: job.jobId, role: 'root' });
}

/**
 * Deliver the thread messages of event `idx` (evs[0]) and, when the next waiting events are plain audit replies,
 * theirs in the same post (merged-replies.ts). Returns how many events were delivered. The span is saved when the
 * post is attempted, so a re-run after a crash merges exactly the same events again (or finds them posted).
 */
export async function deliverThreadEvents(ctx: DeliveryContext, job: JobState, idx: number, evs: ThreadEvent[]): Promise<number> {
  const ev = evs[0]!;
  if (!job.raw.root) await postRootCard(ctx, job, idx);
  if (job.raw.mode !== 'thread') return 1;
  const thread = { channel: job.raw.channel!, thread_ts: job.raw.threadTs!, unfurl_links: false, unfurl_media: false };
  await updateApprovalCard(ctx, job, idx, ev, thread);
  const reply = auditReply(ev, jobLang(job));
  if (!reply) return 1;
  const spanField = `${opPrefix(idx)}span`;
  // Recorded with an attempt (or as 1 once Slack refused the merged post): a re-run delivers exactly that span.
  const saved = job.raw[spanField];
  const fixed = Number(saved ?? 0);
  // A message that did not fit one post goes alone, followed by its continuations and file.
  const oversized = (m: SlackMessage) => (m.continuations?.length ?? 0) > 0 || m.file !== undefined;
  if (job.raw[opField(idx, 0)] !== undefined) {
    if (oversized(reply)) await deliverExtras(ctx, job, idx, reply, thread.channel, thread.thread_ts);
    return Math.max(1, fixed);
  }
  const parts = [reply];
  let span = 1;
  if (saved !== undefined) {
    for (const e of fixed > 1 ? await readEvents(ctx, job.jobId, idx + 1, idx + fixed - 1) : []) {
      const r = auditReply(e, jobLang(job));
      if (r) parts.push(r);
    }
    span = fixed;
  } else {
    // As many replies as canMerge allows: events without a reply of their own (a batch's progress, which only its
    // card shows) go along in the span without taking a reply's place.
    for (const next of ctx.settings.mergeReplies && !oversized(reply) ? evs.slice(1) : []) {
      if (touchesApproval(next)) break;
      const r = auditReply(next, jobLang(job));
      if (r && (oversized(r) || !canMerge([...parts, r]))) break;
      if (r) parts.push(r);
      span += 1;
    }
  }
  // The span is recorded with the attempt, right before Slack is called.
  let ts: string | undefined;
  try {
    ts = await postOnce(ctx, job, idx, 0, thread, mergeReplies(parts), span > 1 ? { [spanField]: String(span) } : {});
  } catch (err) {
    if (!(err instanceof MergedPostRefused)) throw err;
    // Its minimal form would keep only the first lines: this event's reply goes alone (with its own fallbacks), and
    // the replies after it in the next posts.
    ctx.log.warn({ jobId: job.jobId, idx, span, reason: err.reason }, 'slack refused a merged post; posting its replies apart');
    await saveFields(ctx, job, { [spanField]: '1' });
    span = 1;
    ts = await postOnce(ctx, job, idx, 0, thread, reply);
  }
  if (ts && oversized(reply)) await deliverExtras(ctx, job, idx, reply, thread.channel, thread.thread_ts);
  return span;
}

export async function deliverPreviewEvent(ctx: DeliveryContext, job: JobState, idx: number, ev: ThreadEvent): Promise<void> {
  if (isSlackNote(ev)) return;
  const reply = previewReply(ev, job.raw.user, jobLang(job));
  if (!reply) return;
  const ts = await postOnce(ctx, job, idx, 0, channelArgs(job), reply);
  if (!ts) return;
  await deliverExtras(ctx, job, idx, reply, job.raw.channel!, job.raw.parentTs ?? ts);
}

/**
 * A batch's events 0..cursor-1 folded into its card state. The event list only grows, so the fold of the last pass
 * goes on from where it stopped: a batch of a thousand has thousands of events, and its card is re-rendered on every
 * pass (reading and folding them all each time cost more than the rest of the delivery).
 */
const batchFolds = new WeakMap<DeliveryContext, Map<string, { n: number; state: BatchCardState }>>();
const MAX_FOLDS = 32;

async function foldedBatch(ctx: DeliveryContext, jobId: string, cursor: number): Promise<BatchCardState> {
  let folds = batchFolds.get(ctx);
  if (!folds) batchFolds.set(ctx, (folds = new Map()));
  const prev = folds.get(jobId);
  const from = prev && prev.n <= cursor ? prev.n : 0;
  const more = migrationEvents(from < cursor ? await readEvents(ctx, jobId, from, cursor - 1) : []);
  const state = from > 0 ? foldBatchMore(prev!.state, more) : foldBatch(jobId, more);
  folds.delete(jobId);
  folds.set(jobId, { n: cursor, state });
  if (folds.size > MAX_FOLDS) folds.delete(folds.keys().next().value!);
  return state;
}

const cardHash = (m: SlackMessage): string => createHash('sha256').update(JSON.stringify(m)).digest('hex').slice(0, 16);

/**
 * Re-render the root card when it shows fewer events than were delivered (`cursor`). Edits are coalesced: a card
 * that would look the same is not edited, and a card is edited at most once per cardEditMs (the job is due again
 * when the interval is over, with whatever happened meanwhile in one edit).
 */
export async function refreshRootCard(ctx: DeliveryContext, job: JobState, cursor: number): Promise<void> {
  if (job.raw.mode !== 'thread' || !job.raw.root) return;
  if (Number(job.raw.card ?? -1) >= cursor) return;
  const card = isBatchJobId(job.jobId)
    ? batchCard(await foldedBatch(ctx, job.jobId, cursor), jobLang(job))
    : rootCard(job.jobId, migrationEvents(await readEvents(ctx, job.jobId, 0, cursor - 1)), jobLang(job));
  const hash = cardHash(card);
  if (hash !== job.raw.cardHash) {
    const wait = Number(job.raw.cardAt ?? 0) + ctx.settings.cardEditMs - Date.now();
    if (wait > 0) throw new DeliveryStop({ kind: 'paced', delayMs: wait, reason: 'status card edit coalesced' });
    await send(ctx, job, 'update', { channel: job.raw.channel!, ts: job.raw.root }, card);
  }
  await saveFields(ctx, job, { card: String(cursor), cardHash: hash, cardAt: hash !== job.raw.cardHash ? String(Date.now()) : (job.raw.cardAt ?? '0') });
}
