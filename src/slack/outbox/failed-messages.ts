import { code } from '../blocks/format.ts';
import { errText } from '../error-text.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { jobLang, saveFields, type JobState } from './job-store.ts';
import { msg } from '../../i18n/catalog.ts';

/**
 * A message Slack refused for good (after its minimal form, when one could help): it is counted, logged, and the
 * job's thread (else its channel) gets one short alert per reason, unless the refusal says the bot cannot post
 * there at all. Delivery then moves on to the next message.
 */

/** Refusals that say nothing can be posted in this conversation: an alert there would be refused too. */
const CONVERSATION_CLOSED = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'missing_scope', 'restricted_action', 'restricted_action_read_only_channel', 'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel', 'team_access_not_granted']);

export async function messageFailed(ctx: DeliveryContext, job: JobState, o: { op: 'post' | 'update'; reason: string; form: 'minimal' | 'none' }): Promise<void> {
  ctx.observer?.messageFailed({ reason: o.reason, op: o.op, form: o.form });
  ctx.log.error({ jobId: job.jobId, op: o.op, reason: o.reason, form: o.form }, o.form === 'minimal' ? 'slack refused a message; its minimal form was posted' : 'slack refused a message; it is skipped');
  const channel = job.raw.channel;
  const reason = o.reason.split(';')[0]!;
  const field = `alert:${reason}`;
  if (!channel || CONVERSATION_CLOSED.has(reason) || job.raw[field]) return;
  await saveFields(ctx, job, { [field]: '1' });
  const text = msg(jobLang(job)).slackRefusedAlert({ job: code(job.jobId), reason: code(reason), minimal: o.form === 'minimal', command: code(`/natmigrate status ${job.jobId}`) });
  try {
    await ctx.client.chat.postMessage({ channel, text, ...(job.raw.threadTs ? { thread_ts: job.raw.threadTs } : {}), unfurl_links: false, unfurl_media: false });
  } catch (err) {
    ctx.log.warn({ jobId: job.jobId, err: errText(err) }, 'slack alert about a refused message not posted');
  }
}
