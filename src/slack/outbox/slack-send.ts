import { LIMITS, truncate, type SlackMessage } from '../blocks/format.ts';
import type { SlackWebClient } from '../web-call.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { opField, saveFields, type JobState } from './job-store.ts';
import type { MessageRef } from './public-types.ts';
import { classify, DeliveryStop } from './slack-errors.ts';
import { errText } from '../error-text.ts';

/** Posting and editing one message for a job, with the fallbacks Slack's answers call for. */

type Args = Record<string, unknown>;

async function call(client: SlackWebClient, method: 'postMessage' | 'update', args: Args): Promise<{ ts: string }> {
  const res = method === 'postMessage'
    ? await client.chat.postMessage(args as unknown as Parameters<SlackWebClient['chat']['postMessage']>[0])
    : await client.chat.update(args as unknown as Parameters<SlackWebClient['chat']['update']>[0]);
  return { ts: String(res.ts ?? '') };
}

/**
 * One Slack call with the fallbacks that do not need a retry (a gone thread root: post to the channel; rejected
 * blocks: text only); a retryable failure stops this job's pass. Undefined when the message was skipped.
 */
export async function send(ctx: DeliveryContext, job: JobState, op: 'post' | 'update', args: Args, msg: SlackMessage): Promise<string | undefined> {
  await ctx.leases.renew(job.jobId);
  const method = op === 'post' ? 'postMessage' : 'update';
  const withBody: Args = msg.blocks ? { ...args, text: msg.text, blocks: msg.blocks } : { ...args, text: msg.text };
  const failure = (err: unknown) => classify(err, op, job.attempt, ctx.settings);
  try {
    return (await call(ctx.client, method, withBody)).ts;
  } catch (err) {
    let f = failure(err);
    if (f.kind === 'unthreaded') {
      const { thread_ts: _drop, ...rest } = withBody;
      try {
        return (await call(ctx.client, 'postMessage', rest)).ts;
      } catch (err2) {
        f = failure(err2);
      }
    }
    if (f.kind === 'plain') {
      // Blocks rejected: the audit must still land, as plain text.
      ctx.log.warn({ jobId: job.jobId, err: errText(err) }, 'slack rejected blocks; sending text only');
      try {
        return (await call(ctx.client, method, { ...args, text: truncate(msg.text, LIMITS.fallbackText), blocks: [] })).ts;
      } catch (err2) {
        f = failure(err2);
        if (f.kind === 'plain') f = { kind: 'skip', reason: 'text rejected too' };
      }
    }
    if (f.kind === 'skip') {
      ctx.log.warn({ jobId: job.jobId, op, reason: f.reason }, 'slack message skipped');
      return undefined;
    }
    if (f.kind === 'retry') throw new DeliveryStop(f);
    throw new DeliveryStop({ kind: 'retry', delayMs: 1000, reason: 'unexpected' });
  }
}

/** Post once per (event, op): the stored ts makes a re-run after a crash skip what already went out. */
export async function postOnce(ctx: DeliveryContext, job: JobState, idx: number, n: number, args: Args, msg: SlackMessage): Promise<string | undefined> {
  const done = job.raw[opField(idx, n)];
  if (done !== undefined) return done || undefined;
  const ts = await send(ctx, job, 'post', args, msg);
  await saveFields(ctx, job, { [opField(idx, n)]: ts ?? '' });
  return ts;
}

/** Remember which job (and card) a posted message belongs to, for the clicks on it. */
export async function indexMessage(ctx: DeliveryContext, channel: string, ts: string, ref: MessageRef): Promise<void> {
  await ctx.redis.set(ctx.keys.msg(channel, ts), JSON.stringify(ref), 'PX', ctx.settings.retentionMs);
}
