import type { Audience } from '../../engine/ports.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { DeliveryContext } from './delivery-context.ts';
import type { JobState } from './job-store.ts';
import { throwOnExecError } from './keys-and-scripts.ts';
import { errText } from '../error-text.ts';

/** A Redis failure here fails the pass (retried), rather than fix a thread's language wrongly. */
async function channelLanguageOf(ctx: DeliveryContext, channelId: string): Promise<Lang> {
  return ctx.channelLanguage ? ctx.channelLanguage(channelId) : 'en';
}

/**
 * Decide where the job's messages go, once: the audience bound by the Slack layer, else the resolver's answer.
 * 'wait' while neither knows yet; after audienceWaitMs the job is given up on (mode 'none': nothing is posted).
 */
export async function ensureAudience(ctx: DeliveryContext, job: JobState): Promise<'ready' | 'wait'> {
  const { raw, jobId } = job;
  if (raw.mode) return 'ready';
  let aud: Audience | undefined = raw.aud ? (JSON.parse(raw.aud) as Audience) : undefined;
  if (!aud && ctx.resolveAudience) {
    try {
      aud = await ctx.resolveAudience(jobId);
    } catch (err) {
      ctx.log.warn({ jobId, err: errText(err) }, 'audience lookup failed');
    }
  }
  const now = Date.now();
  if (!aud) {
    const first = Number(raw.firstTry ?? now);
    if (!raw.firstTry) await ctx.redis.hset(ctx.keys.meta(jobId), 'firstTry', String(now));
    if (now - first < ctx.settings.audienceWaitMs) return 'wait';
    aud = {};
    ctx.log.warn({ jobId }, 'no audience for job; its events are not posted to Slack');
  }
  const fields: Record<string, string> = { aud: JSON.stringify(aud) };
  if (aud.channelId) {
    fields.mode = aud.mode === 'preview' ? 'preview' : 'thread';
    fields.channel = aud.channelId;
    if (aud.threadTs) fields.parentTs = aud.threadTs;
    if (aud.threadTs && aud.parentJobId && aud.parentJobId !== jobId) fields.parentJob = aud.parentJobId;
    if (aud.userId) fields.user = aud.userId;
    // The thread's language is the channel's when the job is bound, and stays so for the whole thread.
    fields.lang = await channelLanguageOf(ctx, aud.channelId);
  } else {
    fields.mode = 'none';
  }
  await ctx.redis.multi().hset(ctx.keys.meta(jobId), fields).pexpire(ctx.keys.meta(jobId), ctx.settings.retentionMs).exec().then(throwOnExecError);
  Object.assign(raw, fields);
  return 'ready';
}
