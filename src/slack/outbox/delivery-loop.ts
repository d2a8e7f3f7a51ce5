import { sleep } from '../../util/sleep.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { deliverPreviewEvent, deliverThreadEvents, refreshRootCard } from './event-messages.ts';
import { ensureAudience } from './audience.ts';
import { jobLang, loadJob, opPrefix, readEvents, type JobState } from './job-store.ts';
import type { ThreadEvent } from '../thread-events.ts';
import { SETTLE, throwOnExecError } from './keys-and-scripts.ts';
import { DeliveryStop } from './slack-errors.ts';
import { errText } from '../error-text.ts';
import { postsNothing } from './silent-jobs.ts';

/**
 * The delivery loop (in every bot process): take due jobs, hold each one's lease, deliver its events strictly in
 * order. The cursor moves past an event once Slack took its messages or refused them for good (slack-send.ts); a
 * transient failure parks the job with a backoff (a 429 pauses only that method in that channel); pacing reschedules
 * the job without counting a failure; nothing is dropped for being slow.
 */

/** Events read at a time: room for a merged post of MAX_MERGED_ENTRIES instance lines with a batch's progress events between them. */
const READ_WINDOW = 100;

/** Deliver everything pending for one job (we hold its lease). */
async function deliverJob(ctx: DeliveryContext, jobId: string): Promise<void> {
  const { redis, keys: K } = ctx;
  const job = await loadJob(ctx, jobId);
  if ((await ensureAudience(ctx, job)) === 'wait') {
    await redis.zadd(K.due(), 'XX', Date.now() + 1000, jobId);
    return;
  }
  const parent = job.raw.parentJob;
  // One deliverer per thread: wait while the parent job's messages are being delivered.
  if (parent && !(await ctx.leases.acquireThread(jobId, parent))) {
    await redis.zadd(K.due(), 'XX', Date.now() + 100, jobId);
    return;
  }
  let cursor = Number(job.raw.cursor ?? 0);
  try {
    // Nothing is posted for a job without a thread ('none', 'failed'; a batch's thousand children): the cursor moves
    // past all its events in one write, without reading them.
    const silent = postsNothing(job.raw.mode);
    if (silent) cursor = await skipEvents(ctx, job, cursor);
    while (!silent) {
      const batch = await readEvents(ctx, jobId, cursor, cursor + READ_WINDOW - 1);
      if (!batch.length) break;
      // Someone is waiting to approve: what leads to the card goes first in the channel's pacing.
      job.urgent = batch.some((e) => e.type === 'approval.requested');
      for (let i = 0; i < batch.length; ) {
        // Replies merge only with what was read: past half of a full read, read on from here rather than post short.
        if (i >= READ_WINDOW / 2 && batch.length === READ_WINDOW) break;
        let span = 1;
        if (job.raw.mode === 'thread') span = await deliverThreadEvents(ctx, job, cursor, batch.slice(i));
        else if (job.raw.mode === 'preview') await deliverPreviewEvent(ctx, job, cursor, batch[i]!);
        // Nothing is posted for these ('none', 'failed'): the cursor moves past all of them in one write (a batch's
        // thousand children have no thread of their own, and each step of each one is an event).
        else span = batch.length - i;
        await advance(ctx, job, cursor, span);
        tellDelivered(ctx, job, batch.slice(i, i + span));
        cursor += span;
        i += span;
      }
    }
    await refreshRootCard(ctx, job, cursor);
    await redis.eval(SETTLE, 3, K.events(jobId), K.meta(jobId), K.due(), jobId);
  } catch (err) {
    if (!(err instanceof DeliveryStop)) throw err;
    const f = err.failure;
    if (f.kind === 'lease_lost') return;
    if (f.kind === 'paced') {
      // Not a failure: the channel's pace (or a card's edit interval) says when.
      await redis.zadd(K.due(), 'XX', Date.now() + f.delayMs, jobId);
      return;
    }
    ctx.log.warn({ jobId, reason: f.reason, retryInMs: Math.round(f.delayMs), attempt: job.attempt + 1 }, 'slack delivery deferred');
    const m = redis.multi().hincrby(K.meta(jobId), 'fail', 1).zadd(K.due(), 'XX', Date.now() + f.delayMs, jobId);
    // Only a refused token stops every delivery; a 429 paused its own method and channel (slack-send.ts).
    if (f.pause === 'app') m.set(K.pause(), '1', 'PX', Math.max(1, Math.round(f.delayMs)));
    await m.exec().then(throwOnExecError);
  } finally {
    await ctx.leases.releaseThread(jobId);
  }
}

/** Moves the cursor past `span` events from `cursor` and forgets their per-op fields, in one step. */
async function advance(ctx: DeliveryContext, job: JobState, cursor: number, span: number): Promise<void> {
  const { redis, keys: K } = ctx;
  const prefixes = Array.from({ length: span }, (_, k) => opPrefix(cursor + k));
  if (cursor === 0) prefixes.push(opPrefix(-1));
  const done = Object.keys(job.raw).filter((f) => prefixes.some((p) => f.startsWith(p)));
  const m = redis.multi().hset(K.meta(job.jobId), { cursor: String(cursor + span), fail: '0' });
  if (done.length) m.hdel(K.meta(job.jobId), ...done);
  await m.pexpire(K.meta(job.jobId), ctx.settings.retentionMs).exec().then(throwOnExecError);
  for (const f of done) delete job.raw[f];
  job.raw.cursor = String(cursor + span);
  job.attempt = 0;
}

/** A job that posts nothing: the cursor goes to the end of its events (their count, not their text). */
async function skipEvents(ctx: DeliveryContext, job: JobState, cursor: number): Promise<number> {
  const len = await ctx.redis.llen(ctx.keys.events(job.jobId));
  if (len <= cursor) return cursor;
  await advance(ctx, job, cursor, len - cursor);
  return len;
}

/**
 * After the cursor moved past them: tell the listeners (best effort, after the fact; a listener that needs a
 * durable effect writes it to Redis or back into the outbox itself).
 */
function tellDelivered(ctx: DeliveryContext, job: JobState, events: ThreadEvent[]): void {
  const mode = job.raw.mode;
  if (!ctx.delivered.length || (mode !== 'thread' && mode !== 'preview') || !job.raw.channel) return;
  const threadTs = job.raw.threadTs ?? job.raw.parentTs;
  for (const event of events) {
    for (const l of ctx.delivered) {
      try {
        l({ jobId: job.jobId, event, mode, channel: job.raw.channel, ...(threadTs ? { threadTs } : {}), lang: jobLang(job) });
      } catch (err) {
        ctx.log.warn({ jobId: job.jobId, err: errText(err) }, 'a delivery listener failed');
      }
    }
  }
}

/** Runs delivery passes: on demand (`runOnce`) or in the background (`start`), woken early by `kick`. */
export class DeliveryLoop {
  /** Jobs this process is delivering right now. */
  private readonly inFlight = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: AbortController | undefined;

  constructor(private readonly ctx: DeliveryContext) {}

  isDelivering(jobId: string): boolean {
    return this.inFlight.has(jobId);
  }

  /** Something new is due: end the idle wait now. */
  kick(): void {
    this.wake?.abort();
  }

  private async runJob(jobId: string): Promise<boolean> {
    if (this.inFlight.has(jobId)) return false;
    this.inFlight.add(jobId);
    try {
      if (!(await this.ctx.leases.acquire(jobId))) return false;
      try {
        await deliverJob(this.ctx, jobId);
      } finally {
        await this.ctx.leases.release(jobId);
      }
      return true;
    } catch (err) {
      this.ctx.log.error({ jobId, err: errText(err) }, 'slack delivery failed');
      await this.ctx.redis.zadd(this.ctx.keys.due(), 'XX', Date.now() + 2000, jobId).catch(() => undefined);
      return false;
    } finally {
      this.inFlight.delete(jobId);
    }
  }

  /** One pass over the due jobs; returns how many it worked on. */
  async runOnce(): Promise<number> {
    const { redis, keys: K, settings } = this.ctx;
    if ((await redis.pttl(K.pause())) > 0) return 0;
    const due = await redis.zrangebyscore(K.due(), '-inf', Date.now(), 'LIMIT', 0, settings.concurrency * 4);
    const todo = due.filter((j) => !this.inFlight.has(j));
    let worked = 0;
    // A small pool: threads are independent, each one is delivered in order by exactly one runner.
    let i = 0;
    await Promise.all(
      Array.from({ length: Math.min(settings.concurrency, todo.length) }, async () => {
        while (i < todo.length) {
          const jobId = todo[i++]!;
          if (await this.runJob(jobId)) worked += 1;
        }
      }),
    );
    return worked;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let worked = 0;
        try {
          worked = await this.runOnce();
        } catch (err) {
          this.ctx.log.error({ err: errText(err) }, 'slack outbox pass failed');
        }
        if (!this.running) break;
        if (worked === 0) {
          this.wake = new AbortController();
          await sleep(this.ctx.settings.pollMs, this.wake.signal).catch(() => undefined);
          this.wake = undefined;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    this.loop = undefined;
  }
}
