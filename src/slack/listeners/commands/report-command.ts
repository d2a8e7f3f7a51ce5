import type { Command } from '../../../domain/command.ts';
import { parseJobId } from '../../../domain/ids.ts';
import { msg } from '../../../i18n/catalog.ts';
import { isBatchJobId } from '../../blocks/batch-card.ts';
import { errorRef, errText } from '../../error-text.ts';
import { code } from '../../mrkdwn.ts';
import { reportFiles } from '../../report/report-files.ts';
import type { ReportRecord } from '../../report/audit-rows.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { channelLink, needsInvite } from './command-replies.ts';

/**
 * `/natmigrate report <job-id|batch-id>`: the job's audit (for a batch: every child's) as a CSV and a Markdown file
 * uploaded to this channel, in the channel's language — only in the channel of the job's thread, so a report never
 * carries a thread's contents into a channel whose members could not read it. Reading the records is Redis only; the answer goes first and
 * the upload (files.uploadV2: getUploadURLExternal, the bytes, completeUploadExternal, as the batch plan's file
 * goes out) right after it.
 */
export async function handleReport(cmd: Extract<Command, { kind: 'report' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const t = msg(inv.lang);
  const id = cmd.jobId;
  const invite = await needsInvite(deps, inv);
  if (invite) return invite;
  const found = await loadReport(id, deps);
  if (!found) return ephemeral(t.reportUnknown({ id: code(id) }));
  // The audit goes only where its thread already is: asking from another channel must not copy it there.
  const thread = await deps.outbox.thread(id);
  if (thread && thread.channel !== inv.channelId) return ephemeral(t.reportElsewhere({ id: code(id), channel: channelLink(thread.channel) }));
  const lang = await deps.languages.channelLanguage(inv.channelId);
  const client = deps.web;
  const upload = async () => {
    const { files, rows } = reportFiles({ id, records: found.records, ...(found.batch ? { batch: found.batch } : {}), generatedAt: deps.now() }, lang);
    try {
      await client.files.uploadV2({
        channel_id: inv.channelId,
        initial_comment: msg(lang).reportComment({ id: code(id), rows }),
        file_uploads: files.map((f) => ({ filename: f.filename, title: f.title, content: f.content })),
      });
      deps.log.info({ userId: inv.userId, jobId: id, rows }, 'audit report uploaded');
    } catch (err) {
      const ref = errorRef();
      deps.log.error({ ref, jobId: id, err: errText(err) }, 'audit report upload failed');
      await client.chat.postEphemeral({ channel: inv.channelId, user: inv.userId, text: t.reportUploadFailed({ id: code(id), ref: code(ref) }) }).catch(() => undefined);
    }
  };
  if (inv.defer) inv.defer(upload);
  else await upload();
  return ephemeral(t.reportUploading({ id: code(id) }));
}

/** The records of a job, of a scan, or of every child of a batch; undefined when the id is unknown. */
async function loadReport(id: string, deps: SlackDeps): Promise<{ records: ReportRecord[]; batch?: { instances: number } } | undefined> {
  if (parseJobId(id)?.kind === 'scan') {
    const s = await deps.service.scanStatus?.(id);
    if (!s) return undefined;
    const { scanId, target, ...rest } = s;
    return { records: [{ ...rest, jobId: scanId, kind: 'scan', instanceId: target, steps: [] }] };
  }
  if (isBatchJobId(id)) {
    const b = await deps.service.batchStatus?.(id);
    if (!b) return undefined;
    const records: ReportRecord[] = [];
    for (const item of b.items) {
      const [r] = await deps.service.status(item.childJobId);
      if (r && r.jobId === item.childJobId) records.push(r);
    }
    return { records, batch: { instances: b.items.length } };
  }
  const rec = (await deps.service.status(id)).find((r) => r.jobId === id);
  return rec ? { records: [rec] } : undefined;
}
