import type { SlackFile, SlackMessage } from '../blocks/format.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { opField, saveFields, type JobState } from './job-store.ts';
import { classify, DeliveryStop } from './slack-errors.ts';
import { postOnce } from './slack-send.ts';
import { errText } from '../error-text.ts';

/**
 * What travels with a message that did not fit one post: its numbered continuation replies and one file, both in the
 * message's thread, each sent once (ops 2.. of the event, after the message itself and the approval-card edit).
 */
export async function deliverExtras(ctx: DeliveryContext, job: JobState, idx: number, msg: SlackMessage, channel: string, threadTs: string): Promise<void> {
  const thread = { channel, thread_ts: threadTs, unfurl_links: false, unfurl_media: false };
  const more = msg.continuations ?? [];
  for (const [k, c] of more.entries()) await postOnce(ctx, job, idx, 2 + k, thread, c);
  if (msg.file) await uploadOnce(ctx, job, idx, 2 + more.length, channel, threadTs, msg.file);
}

/** Uploads a file into a thread once, like postOnce: the file id stands in for the ts of op `n`. */
async function uploadOnce(ctx: DeliveryContext, job: JobState, idx: number, n: number, channel: string, threadTs: string, file: SlackFile): Promise<void> {
  const field = opField(idx, n);
  if (job.raw[field] !== undefined) return;
  await ctx.leases.renew(job.jobId);
  let fileId = '';
  try {
    // files.uploadV2: getUploadURLExternal, the bytes, completeUploadExternal (https://docs.slack.dev/reference/methods/files.getUploadURLExternal).
    const res = await ctx.client.files.uploadV2({
      channel_id: channel, thread_ts: threadTs, filename: file.filename, title: file.title, content: file.content,
    }) as { files?: { files?: { id?: string }[] }[] };
    fileId = String(res.files?.[0]?.files?.[0]?.id ?? 'uploaded');
  } catch (err) {
    const f = classify(err, 'post', job.attempt, ctx.settings);
    if (f.kind === 'retry') throw new DeliveryStop(f);
    // A file Slack will not take is not worth blocking the channel for: the message already says what it holds.
    ctx.log.warn({ jobId: job.jobId, err: errText(err) }, 'slack file upload skipped');
  }
  await saveFields(ctx, job, { [field]: fileId });
}
