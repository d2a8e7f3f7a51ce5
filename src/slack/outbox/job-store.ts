import { isLang, type Lang } from '../../i18n/lang.ts';
import type { ThreadEvent } from '../thread-events.ts';
import type { DeliveryContext } from './delivery-context.ts';
import type { ThreadInfo } from './public-types.ts';

/**
 * What the outbox keeps per job: the event list, and the meta hash with where the thread goes and how far delivery
 * got. Meta fields: aud, mode ('thread' | 'preview' | 'none'), channel, user, parentTs, parentJob, firstTry,
 * root, threadTs, card (how many events the root card shows), cursor (events delivered), fail (attempts since the
 * last success), appr (the open approval card: "idx|ts|nonce|planHash") and op:<event>:<n> (the ts of each
 * message already posted for an event, so a re-run after a crash does not post it twice).
 */

/** The language of the job's messages (fixed when its audience was bound; English for older jobs). */
export function jobLang(job: JobState): Lang {
  const l = job.raw.lang;
  return l !== undefined && isLang(l) ? l : 'en';
}

export interface JobState {
  jobId: string;
  /** The meta hash as last read or written by this pass. */
  raw: Record<string, string>;
  /** Failed passes in a row (drives the backoff). */
  attempt: number;
  /** An approval request is among the events waiting: this job's posts go before other jobs' in the channel. */
  urgent?: boolean;
}

export async function loadJob(ctx: DeliveryContext, jobId: string): Promise<JobState> {
  const raw = await ctx.redis.hgetall(ctx.keys.meta(jobId));
  return { jobId, raw, attempt: Number(raw.fail ?? 0) };
}

/** Write meta fields to Redis and to this pass's copy. */
export async function saveFields(ctx: DeliveryContext, job: JobState, fields: Record<string, string>): Promise<void> {
  await ctx.redis.hset(ctx.keys.meta(job.jobId), fields);
  Object.assign(job.raw, fields);
}

/** The meta field holding what message `n` of event `idx` became (event -1 is the root card). */
export function opField(idx: number, n: number): string {
  return `${opPrefix(idx)}${n}`;
}

/** What every op field of event `idx` starts with. */
export function opPrefix(idx: number): string {
  return `op:${idx}:`;
}

/** Events `from`..`to` (inclusive) of a job's thread. */
export async function readEvents(ctx: DeliveryContext, jobId: string, from: number, to: number): Promise<ThreadEvent[]> {
  const raw = await ctx.redis.lrange(ctx.keys.events(jobId), from, to);
  return raw.map((r) => JSON.parse(r) as ThreadEvent);
}

export interface OpenApproval {
  /** Index of its approval.requested event. */
  idx: number;
  ts: string;
  nonce: string;
  planHash: string;
}

export function formatAppr(a: OpenApproval): string {
  return `${a.idx}|${a.ts}|${a.nonce}|${a.planHash}`;
}

export function parseAppr(s: string): OpenApproval | undefined {
  const [idx, ts, nonce, planHash] = s.split('|');
  if (!idx || !ts || !nonce || !planHash) return undefined;
  return { idx: Number(idx), ts, nonce, planHash };
}

/** The job's thread as the listeners need it, once its root message is posted. */
export function threadInfo(jobId: string, raw: Record<string, string>): ThreadInfo | undefined {
  if (!raw.channel || !raw.root || !raw.threadTs || (raw.mode !== 'thread' && raw.mode !== 'preview')) return undefined;
  const info: ThreadInfo = { jobId, channel: raw.channel, threadTs: raw.threadTs, rootTs: raw.root, mode: raw.mode };
  if (raw.user) info.requestedBy = raw.user;
  const a = raw.appr ? parseAppr(raw.appr) : undefined;
  if (a) info.approval = { ts: a.ts, nonce: a.nonce, planHash: a.planHash };
  return info;
}
