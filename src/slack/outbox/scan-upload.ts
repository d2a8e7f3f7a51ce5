import type { MigrationEvent } from '../../domain/events.ts';
import { inventoryCsv } from '../../domain/inventory.ts';
import { scanFileName, SCAN_TABLE_ROWS } from '../blocks/scan-card.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { opField, saveFields, type JobState } from './job-store.ts';
import { classify, DeliveryStop } from './slack-errors.ts';
import { errText } from '../error-text.ts';

/**
 * A scan longer than its message's table also goes out as a CSV file, in the thread of that message. Uploaded
 * once, like postOnce: the file id stands in for the ts (op 1 of the event).
 */
export async function uploadLongScan(
  ctx: DeliveryContext, job: JobState, idx: number, ev: Extract<MigrationEvent, { type: 'scan.finished' }>, messageTs: string,
): Promise<void> {
  if (ev.scan.rows.length <= SCAN_TABLE_ROWS) return;
  const field = opField(idx, 1);
  if (job.raw[field] !== undefined) return;
  await ctx.leases.renew(job.jobId);
  let fileId = '';
  try {
    // files.uploadV2: getUploadURLExternal, the bytes, completeUploadExternal (https://docs.slack.dev/reference/methods/files.getUploadURLExternal).
    const res = await ctx.client.files.uploadV2({
      channel_id: job.raw.channel!, thread_ts: job.raw.parentTs ?? messageTs, filename: scanFileName(ev.scan, job.jobId),
      title: `natmigrate inventory of ${ev.scan.target} (${ev.scan.rows.length} instances)`, content: inventoryCsv(ev.scan.rows),
    }) as { files?: { files?: { id?: string }[] }[] };
    fileId = String(res.files?.[0]?.files?.[0]?.id ?? 'uploaded');
  } catch (err) {
    const f = classify(err, 'post', job.attempt, ctx.settings);
    if (f.kind === 'retry') throw new DeliveryStop(f);
    // A file Slack will not take is not worth blocking the channel for: the message already has the table.
    ctx.log.warn({ jobId: job.jobId, err: errText(err) }, 'slack file upload skipped');
  }
  await saveFields(ctx, job, { [field]: fileId });
}
