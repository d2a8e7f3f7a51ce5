import type { SlackMessage } from '../blocks/format.ts';
import type { SlackWebClient } from '../web-call.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { messageFailed } from './failed-messages.ts';
import { jobLang, opField, saveFields, type JobState } from './job-store.ts';
import { hasApprovalButtons, minimalForm } from './minimal-form.ts';
import { pace } from './pacing.ts';
import { findPosted, outboxMetadata } from './posted-lookup.ts';
import type { MessageRef } from './public-types.ts';
import { classify, DeliveryStop, MergedPostRefused, type Failure } from './slack-errors.ts';

/** Posting and editing one message for a job, with the fallbacks Slack's answers call for. */

type Args = Record<string, unknown>;

/** How long after its timeout a request may still be acted on by Slack (unconfirmed; generous). */
const LANDING_GRACE_MS = 2000;

/** Records that a post is about to reach Slack (and forgets it when Slack surely did not take it). */
interface AttemptMarker {
  mark(): Promise<void>;
  clear(): Promise<void>;
  /** Slack answered the attempt (with an error): it cannot land later. */
  answered(): Promise<void>;
}

async function call(client: SlackWebClient, method: 'postMessage' | 'update', args: Args): Promise<{ ts: string }> {
  const res = method === 'postMessage'
    ? await client.chat.postMessage(args as unknown as Parameters<SlackWebClient['chat']['postMessage']>[0])
    : await client.chat.update(args as unknown as Parameters<SlackWebClient['chat']['update']>[0]);
  return { ts: String(res.ts ?? '') };
}

/**
 * One paced Slack call with the fallbacks that need no retry: a gone thread root (post to the channel), a refused
 * shape or size (post the minimal form once; for a merged post, MergedPostRefused), a permanent refusal (the message
 * is marked failed, the pass goes on). A transient failure stops this job's pass; a 429 also pauses that method in
 * that channel for its Retry-After. Undefined when the message was skipped or failed.
 */
export async function send(ctx: DeliveryContext, job: JobState, op: 'post' | 'update', args: Args, msg: SlackMessage, attempt?: AttemptMarker): Promise<string | undefined> {
  await ctx.leases.renew(job.jobId);
  const method = op === 'post' ? 'postMessage' : 'update';
  const channel = String(args.channel);
  await pace(ctx, op, channel, job.urgent === true || hasApprovalButtons(msg));
  await attempt?.mark();
  const withBody: Args = msg.blocks ? { ...args, text: msg.text, blocks: msg.blocks } : { ...args, text: msg.text };
  const failure = (err: unknown) => classify(err, op, job.attempt, ctx.settings);
  let f: Failure;
  try {
    return (await call(ctx.client, method, withBody)).ts;
  } catch (err) {
    f = failure(err);
  }
  if (f.kind === 'unthreaded') {
    const { thread_ts: _drop, ...rest } = withBody;
    try {
      return (await call(ctx.client, 'postMessage', rest)).ts;
    } catch (err) {
      f = failure(err);
    }
  }
  if (f.kind === 'reshape' && (msg.merged ?? 1) > 1) {
    // Slack answered with a refusal: the post did not land, and its parts go out apart (the caller's fallback).
    await attempt?.clear();
    throw new MergedPostRefused(f.reason);
  }
  if (f.kind === 'reshape') {
    const first = f.reason;
    ctx.log.warn({ jobId: job.jobId, op, reason: first }, 'slack refused a message; sending its minimal form');
    try {
      const ts = (await call(ctx.client, method, { ...args, ...minimalForm(msg, jobLang(job)) })).ts;
      await messageFailed(ctx, job, { op, reason: first, form: 'minimal' });
      return ts;
    } catch (err) {
      f = failure(err);
      if (f.kind === 'reshape') f = { kind: 'permanent', reason: `${first}; minimal form: ${f.reason}` };
    }
  }
  switch (f.kind) {
    case 'skip':
      ctx.log.warn({ jobId: job.jobId, op, reason: f.reason }, 'slack message skipped');
      return undefined;
    case 'permanent':
      await messageFailed(ctx, job, { op, reason: f.reason, form: 'none' });
      return undefined;
    case 'retry':
      // Slack surely did not act: the next attempt needs no look-up first. Slack answered: no need to wait either.
      if (!f.uncertain) await attempt?.clear();
      else if (f.uncertain === 'answered') await attempt?.answered();
      if (f.pause === 'method') {
        ctx.observer?.rateLimited({ method: `chat.${method}` });
        await ctx.redis.set(ctx.keys.pauseFor(`chat.${method}`, channel), '1', 'PX', Math.max(1, Math.round(f.delayMs)));
      }
      throw new DeliveryStop(f);
    default:
      throw new DeliveryStop({ kind: 'retry', delayMs: 1000, reason: 'unexpected' });
  }
}

/**
 * Post once per (event, op): the stored ts makes a re-run after a crash skip what already went out, and a post
 * whose answer was lost is looked up in Slack (by the outbox id in its metadata) before it is tried again.
 * `withAttempt`: fields saved with the first attempt (what a re-run must reproduce).
 */
export async function postOnce(ctx: DeliveryContext, job: JobState, idx: number, n: number, args: Args, msg: SlackMessage, withAttempt: Record<string, string> = {}): Promise<string | undefined> {
  const field = opField(idx, n);
  const done = job.raw[field];
  if (done !== undefined) return done || undefined;
  const id = `${job.jobId}/${idx}/${n}`;
  const firstField = `${field}:try`;
  const lastField = `${field}:last`;
  const first = job.raw[firstField];
  if (first) {
    // An earlier attempt may still land (a request Slack got before we gave up on it): look only once it cannot.
    const last = Number(job.raw[lastField] ?? first);
    const wait = last === 0 ? 0 : last + ctx.settings.requestTimeoutMs + LANDING_GRACE_MS - Date.now();
    if (wait > 0) throw new DeliveryStop({ kind: 'paced', delayMs: wait, reason: 'waiting for an unanswered post to land' });
    const found = await findPosted(ctx, args, id, Number(first));
    if (found) {
      ctx.log.info({ jobId: job.jobId, id, ts: found }, 'slack already had this message; not posting it again');
      await saveFields(ctx, job, { [field]: found });
      return found;
    }
  }
  const attempt: AttemptMarker = {
    mark: async () => {
      const now = String(Date.now());
      await saveFields(ctx, job, { ...withAttempt, ...(job.raw[firstField] ? { [lastField]: now } : { [firstField]: now, [lastField]: now }) });
    },
    answered: () => saveFields(ctx, job, { [lastField]: '0' }),
    clear: async () => {
      await ctx.redis.hdel(ctx.keys.meta(job.jobId), firstField, lastField);
      delete job.raw[firstField];
      delete job.raw[lastField];
    },
  };
  const ts = await send(ctx, job, 'post', { ...args, metadata: outboxMetadata(id) }, msg, attempt);
  await saveFields(ctx, job, { [field]: ts ?? '' });
  return ts;
}

/** Remember which job (and card) a posted message belongs to, for the clicks on it. */
export async function indexMessage(ctx: DeliveryContext, channel: string, ts: string, ref: MessageRef): Promise<void> {
  await ctx.redis.set(ctx.keys.msg(channel, ts), JSON.stringify(ref), 'PX', ctx.settings.retentionMs);
}
