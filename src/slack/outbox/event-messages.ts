import type { MigrationEvent } from '../../domain/events.ts';
import { auditReply, previewReply } from '../blocks/audit.ts';
import { rootCard } from '../blocks/batch-card.ts';
import { isSlackNote, type ThreadEvent } from '../thread-events.ts';
import { updateApprovalCard } from './approval-messages.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { opField, readEvents, saveFields, type JobState } from './job-store.ts';
import { uploadLongScan } from './scan-upload.ts';
import { DeliveryStop } from './slack-errors.ts';
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
  const card = rootCard(job.jobId, migrationEvents(await readEvents(ctx, job.jobId, 0, idx)));
  const ts = await postOnce(ctx, job, -1, 0, channelArgs(job), card);
  if (!ts) {
    await ctx.redis.hdel(ctx.keys.meta(job.jobId), opField(-1, 0));
    delete job.raw[opField(-1, 0)];
    throw new DeliveryStop({ kind: 'retry', delayMs: ctx.settings.maxBackoffMs, reason: 'root card rejected' });
  }
  await saveFields(ctx, job, { root: ts, threadTs: job.raw.parentTs ?? ts, card: String(idx + 1) });
  await indexMessage(ctx, channel, ts, { jobId: job.jobId, role: 'root' });
}

export async function deliverThreadEvent(ctx: DeliveryContext, job: JobState, idx: number, ev: ThreadEvent): Promise<void> {
  if (!job.raw.root) await postRootCard(ctx, job, idx);
  const thread = { channel: job.raw.channel!, thread_ts: job.raw.threadTs!, unfurl_links: false, unfurl_media: false };
  await updateApprovalCard(ctx, job, idx, ev, thread);
  const reply = auditReply(ev);
  if (reply) await postOnce(ctx, job, idx, 0, thread, reply);
}

export async function deliverPreviewEvent(ctx: DeliveryContext, job: JobState, idx: number, ev: ThreadEvent): Promise<void> {
  if (isSlackNote(ev)) return;
  const reply = previewReply(ev, job.raw.user);
  if (!reply) return;
  const ts = await postOnce(ctx, job, idx, 0, channelArgs(job), reply);
  if (ev.type === 'scan.finished' && ts) await uploadLongScan(ctx, job, idx, ev, ts);
}

/** Re-render the root card when it shows fewer events than were delivered (`cursor`). */
export async function refreshRootCard(ctx: DeliveryContext, job: JobState, cursor: number): Promise<void> {
  if (job.raw.mode !== 'thread' || !job.raw.root) return;
  if (Number(job.raw.card ?? -1) >= cursor) return;
  const events = migrationEvents(await readEvents(ctx, job.jobId, 0, cursor - 1));
  await send(ctx, job, 'update', { channel: job.raw.channel!, ts: job.raw.root }, rootCard(job.jobId, events));
  await saveFields(ctx, job, { card: String(cursor) });
}
