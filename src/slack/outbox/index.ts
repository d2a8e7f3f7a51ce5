import type { Redis } from 'ioredis';
import { until, UntilTimeoutError } from '../../util/until.ts';
import { silentLog } from '../slack-log.ts';
import type { ThreadEvent } from '../thread-events.ts';
import { singleAttemptClient } from '../web-call.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import { threadInfo } from './job-store.ts';
import { BRING_FORWARD, outboxKeys, throwOnExecError } from './keys-and-scripts.ts';
import { JobLeases } from './leases.ts';
import { SilentJobs } from './silent-jobs.ts';
import { DEFAULT_PACING, scaledPacing } from './pacing-rules.ts';
import type { MessageRef, Outbox, OutboxOptions } from './public-types.ts';

/**
 * The Slack side of the engine's Notifier: a durable outbox in Redis.
 *
 * - `emit` only appends the event to the job's list (RPUSH) and marks the job due (ZADD NX): a worker never
 *   waits for Slack. Once a job is known to post nothing, its events are no longer kept (silent-jobs.ts).
 * - A delivery loop (delivery-loop.ts, in every bot process) delivers each job's events in order under a lease
 *   (leases.ts); event-messages.ts says which messages an event becomes.
 * - The ts of every message posted is stored per event and operation first, so a crash between a post and the
 *   cursor update does not post twice (only a crash between Slack's answer and that HSET can).
 */

export type { MessageRef, Outbox, OutboxOptions, ThreadInfo } from './public-types.ts';
export { outboxKeys, type OutboxKeys } from './keys-and-scripts.ts';
export type { Delivered, DeliveredListener, DeliveryObserver } from './delivery-context.ts';
export { DEFAULT_PACING, type Pacing } from './pacing-rules.ts';

export function createOutbox(opts: OutboxOptions): Outbox {
  const redis: Redis = opts.redis;
  const K = outboxKeys(opts.prefix ?? '{natmigrate}:slack');
  const scale = opts.paceScale ?? 1;
  const settings = {
    pollMs: opts.pollMs ?? 200,
    leaseMs: opts.leaseMs ?? 30_000,
    concurrency: opts.concurrency ?? 8,
    maxBackoffMs: opts.maxBackoffMs ?? 60_000,
    baseBackoffMs: opts.baseBackoffMs ?? 500,
    audienceWaitMs: opts.audienceWaitMs ?? 10 * 60_000,
    retentionMs: opts.retentionMs ?? 30 * 24 * 3600_000,
    pacing: scaledPacing(opts.pacing ?? DEFAULT_PACING, scale),
    cardEditMs: (opts.cardEditMs ?? 3000) / scale,
    requestTimeoutMs: opts.requestTimeoutMs ?? 15_000,
    mergeReplies: opts.mergeReplies ?? true,
  };
  const ctx: DeliveryContext = {
    redis,
    keys: K,
    // Delivery must never hide a 429 behind the client's own sleeping retries: one attempt, errors come back to us.
    client: opts.client ?? singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: settings.requestTimeoutMs }),
    log: opts.logger ?? silentLog,
    settings,
    leases: new JobLeases(redis, K, settings.leaseMs),
    resolveAudience: opts.resolveAudience,
    channelLanguage: opts.channelLanguage,
    observer: opts.observer,
    delivered: [],
  };
  const loop = new DeliveryLoop(ctx);

  const silent = new SilentJobs();

  async function append(jobId: string, ev: ThreadEvent): Promise<void> {
    if (silent.has(jobId)) return;
    const res = await redis
      .multi()
      .rpush(K.events(jobId), JSON.stringify(ev))
      .pexpire(K.events(jobId), settings.retentionMs)
      .zadd(K.due(), 'NX', Date.now(), jobId)
      .hget(K.meta(jobId), 'mode')
      .exec();
    throwOnExecError(res);
    silent.saw(jobId, res![3]![1]);
    loop.kick();
  }

  /** The given jobs (default: every due one) still waiting for delivery or being delivered here. */
  async function busy(jobIds?: string[]): Promise<string[]> {
    const members = jobIds ?? (await redis.zrange(K.due(), '0', '-1'));
    const scores = members.length ? await redis.zmscore(K.due(), ...members) : [];
    return members.filter((m, i) => scores[i] !== null || loop.isDelivering(m));
  }

  return {
    keys: K,
    emit: (event) => append(event.jobId, event),
    note: (n) => append(n.jobId, n),
    async bind(jobId, audience) {
      await redis.multi().hsetnx(K.meta(jobId), 'aud', JSON.stringify(audience)).pexpire(K.meta(jobId), settings.retentionMs).exec().then(throwOnExecError);
      // Events already waiting for their audience can go now.
      await redis.eval(BRING_FORWARD, 2, K.events(jobId), K.due(), jobId, Date.now());
      loop.kick();
    },
    thread: async (jobId) => threadInfo(jobId, await redis.hgetall(K.meta(jobId))),
    async threadOf(jobId): Promise<Record<string, string> | undefined> {
      const raw = await redis.hgetall(K.meta(jobId));
      const t = threadInfo(jobId, raw);
      if (t) return { channelId: t.channel, threadTs: t.threadTs };
      return raw.channel ? { channelId: raw.channel } : undefined;
    },
    bindAudience(jobId, audience) {
      return this.bind(jobId, audience);
    },
    useAudienceResolver(fn) {
      ctx.resolveAudience = fn;
    },
    onDelivered(listener) {
      ctx.delivered.push(listener);
    },
    useChannelLanguage(fn) {
      ctx.channelLanguage = fn;
    },
    async lookupMessage(channel, ts) {
      const raw = await redis.get(K.msg(channel, ts));
      return raw ? (JSON.parse(raw) as MessageRef) : undefined;
    },
    start: () => loop.start(),
    stop: () => loop.stop(),
    runOnce: () => loop.runOnce(),
    async waitIdle(o = {}) {
      try {
        await until(async () => (await busy(o.jobIds)).length === 0, { what: 'the slack outbox to deliver everything', timeoutMs: o.timeoutMs ?? 15_000, everyMs: 25 });
      } catch (err) {
        if (err instanceof UntilTimeoutError) throw new Error(`slack outbox still delivering: ${(await busy(o.jobIds)).join(', ')}`);
        throw err;
      }
    },
    pending: () => redis.zrange(K.due(), '0', '-1'),
  };
}
