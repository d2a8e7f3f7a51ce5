import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { webApi } from '@slack/bolt';
import type { MigrationEvent } from '../domain/events.ts';
import type { Audience, Notifier } from '../engine/ports.ts';
import { encodeApprovalValue } from '../domain/approval-policy.ts';
import type { SlackNote, ThreadEvent } from './thread-events.ts';
import { auditReply, previewReply } from './blocks/audit.ts';
import { approvalCard, decidedApprovalCard, type ApprovalCardInput, type ApprovalOutcome } from './blocks/approval-card.ts';
import { rootCard } from './blocks/batch-card.ts';
import { scanFileName, SCAN_TABLE_ROWS } from './blocks/scan-card.ts';
import { inventoryCsv } from '../domain/inventory.ts';
import { LIMITS, truncate, type SlackMessage } from './blocks/format.ts';
import { singleAttemptClient, type SlackWebClient } from './web-call.ts';

/**
 * The Slack side of the engine's Notifier: a durable outbox in Redis.
 *
 * - `emit` only appends the event to the job's list (RPUSH) and marks the job due (ZADD NX): a worker never
 *   waits for Slack.
 * - A delivery loop (in every bot process) takes due jobs, holds a per-job lease (plus the parent job's for a
 *   rollback posting into its migration's thread) so one thread never has two deliverers, and delivers the job's
 *   events strictly in order: the first posts the root status card, every event then posts its audit reply into
 *   the thread (approval cards are edited in place), and the root card is re-rendered from the events delivered.
 * - The cursor moves past an event only after Slack answered ok for all its messages; the ts of every message
 *   posted is stored per event and operation first, so a crash between a post and the cursor update does not
 *   post twice (only a crash between Slack's answer and that HSET can).
 * - 429 honours Retry-After (and pauses all deliverers for it), 5xx and network errors back off per job; nothing
 *   is dropped for being slow.
 */

export type Log = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export interface OutboxOptions {
  redis: Redis;
  /** Web API client used only for delivery; created with `botToken`/`slackApiUrl` when not given. */
  client?: SlackWebClient;
  botToken?: string;
  slackApiUrl?: string;
  /** Key prefix; keep the engine's hash tag so everything lives in one cluster slot. Default '{natmigrate}:slack'. */
  prefix?: string;
  /** Where a job's thread goes, when the Slack layer did not `bind` it (e.g. a job queued by the CLI). */
  resolveAudience?: (jobId: string) => Promise<Audience | undefined>;
  logger?: Log;
  pollMs?: number;
  leaseMs?: number;
  concurrency?: number;
  maxBackoffMs?: number;
  /** First retry delay after a 5xx or network error (doubles per attempt). */
  baseBackoffMs?: number;
  /** How long to wait for a job's audience to become known before its events are discarded. */
  audienceWaitMs?: number;
  retentionMs?: number;
}

export interface ThreadInfo {
  jobId: string;
  channel: string;
  /** The thread every reply goes to. */
  threadTs: string;
  /** The status card (the thread root, or a reply in a parent thread for rollbacks). */
  rootTs: string;
  mode: 'thread' | 'preview';
  requestedBy?: string;
  /** The approval card currently awaiting a decision, if any. */
  approval?: { ts: string; nonce: string; planHash: string };
}

export interface MessageRef {
  jobId: string;
  role: 'root' | 'approval';
  nonce?: string;
  planHash?: string;
}

export interface Outbox extends Notifier {
  emit(event: MigrationEvent): Promise<void>;
  /** Record a line the Slack layer itself adds to a job's thread (a refused click, an ignored replay). */
  note(note: SlackNote): Promise<void>;
  /** Set the fallback lookup of a job's audience (the service exists only after the engine got this outbox). */
  useAudienceResolver(fn: (jobId: string) => Promise<Audience | undefined>): void;
  /** Tell the outbox where a job's thread goes (saves a record lookup). First binding wins. */
  bind(jobId: string, audience: Audience): Promise<void>;
  thread(jobId: string): Promise<ThreadInfo | undefined>;
  /** Which job (and which of its cards) a message belongs to. */
  lookupMessage(channel: string, ts: string): Promise<MessageRef | undefined>;
  start(): void;
  stop(): Promise<void>;
  /** One delivery pass; returns how many jobs it worked on. */
  runOnce(): Promise<number>;
  /** Resolves when the given jobs (default: all) have nothing left to deliver. */
  waitIdle(opts?: { jobIds?: string[]; timeoutMs?: number }): Promise<void>;
  /** Jobs with undelivered messages. */
  pending(): Promise<string[]>;
  readonly keys: OutboxKeys;
}

export interface OutboxKeys {
  events(jobId: string): string;
  meta(jobId: string): string;
  lease(jobId: string): string;
  msg(channel: string, ts: string): string;
  due(): string;
  pause(): string;
}

export function outboxKeys(prefix: string): OutboxKeys {
  return {
    events: (jobId) => `${prefix}:ev:${jobId}`,
    meta: (jobId) => `${prefix}:th:${jobId}`,
    lease: (jobId) => `${prefix}:lease:${jobId}`,
    msg: (channel, ts) => `${prefix}:msg:${channel}:${ts}`,
    due: () => `${prefix}:due`,
    pause: () => `${prefix}:pause`,
  };
}

// Lua: extend/release a lease only if we still own it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// Lua: the job leaves the due set only when every event is delivered and the card shows all of them (an emit
// racing with this check either lands before it, so LLEN is larger, or after it, re-adding the job).
const SETTLE = `
local len = redis.call('LLEN', KEYS[1])
local cursor = tonumber(redis.call('HGET', KEYS[2], 'cursor') or '0')
local card = tonumber(redis.call('HGET', KEYS[2], 'card') or '-1')
local mode = redis.call('HGET', KEYS[2], 'mode')
if cursor >= len and (card >= cursor or mode ~= 'thread') then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
return 0`;

const BRING_FORWARD = `if redis.call('LLEN', KEYS[1]) > 0 then redis.call('ZADD', KEYS[2], 'LT', ARGV[2], ARGV[1]) end return 0`;

type Client = SlackWebClient;

/** How a failed Slack call is handled. */
type Failure =
  | { kind: 'retry'; delayMs: number; reason: string; pauseAll?: boolean }
  | { kind: 'plain' } // blocks rejected: send the same message as text only
  | { kind: 'skip'; reason: string } // an edit of a message that is gone: nothing left to do
  | { kind: 'unthreaded' }; // the thread root is gone: post to the channel instead

function classify(err: unknown, op: 'post' | 'update', attempt: number, maxBackoffMs: number, baseMs: number): Failure {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  const backoff = (mult: number) => Math.min(maxBackoffMs, baseMs * mult * 2 ** Math.min(attempt, 10)) * (0.8 + Math.random() * 0.4);
  if (e.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') {
    return { kind: 'retry', delayMs: Math.max(1, e.retryAfter) * 1000, reason: `rate limited (Retry-After ${e.retryAfter}s)`, pauseAll: true };
  }
  if (e.code === webApi.ErrorCode.HTTPError) return { kind: 'retry', delayMs: backoff(1), reason: `HTTP ${e.statusCode ?? '?'}` };
  if (e.code === webApi.ErrorCode.RequestError) return { kind: 'retry', delayMs: backoff(1), reason: `request error: ${e.message ?? ''}` };
  if (e.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown';
    if (['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'invalid_attachments'].includes(code)) return { kind: 'plain' };
    if (op === 'update' && ['message_not_found', 'cant_update_message', 'edit_window_closed'].includes(code)) return { kind: 'skip', reason: code };
    if (op === 'post' && code === 'thread_not_found') return { kind: 'unthreaded' };
    if (code === 'ratelimited') return { kind: 'retry', delayMs: backoff(2), reason: code, pauseAll: true };
    // channel_not_found, not_in_channel, invalid_auth…: an operator has to act; keep the messages and retry slowly.
    return { kind: 'retry', delayMs: backoff(10), reason: code };
  }
  return { kind: 'retry', delayMs: backoff(2), reason: e.message ?? String(err) };
}

class DeliveryStop extends Error {
  constructor(readonly failure: Extract<Failure, { kind: 'retry' }> | { kind: 'lease_lost'; delayMs: number; reason: string }) {
    super(failure.reason);
  }
}

export function createOutbox(opts: OutboxOptions): Outbox {
  const redis = opts.redis;
  const prefix = opts.prefix ?? '{natmigrate}:slack';
  const K = outboxKeys(prefix);
  const log = opts.logger ?? silentLog;
  const pollMs = opts.pollMs ?? 200;
  const leaseMs = opts.leaseMs ?? 30_000;
  const concurrency = opts.concurrency ?? 8;
  const maxBackoffMs = opts.maxBackoffMs ?? 60_000;
  const baseBackoffMs = opts.baseBackoffMs ?? 500;
  const audienceWaitMs = opts.audienceWaitMs ?? 10 * 60_000;
  const retentionMs = opts.retentionMs ?? 30 * 24 * 3600_000;
  const owner = randomBytes(8).toString('hex');
  // Delivery must never hide a 429 behind the client's own sleeping retries: one attempt, errors come back to us.
  const client: Client = opts.client ?? singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: 15_000 })

  let resolver = opts.resolveAudience;
  const inFlight = new Set<string>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const kick = () => wake?.();

  async function append(jobId: string, ev: ThreadEvent): Promise<void> {
    await redis
      .multi()
      .rpush(K.events(jobId), JSON.stringify(ev))
      .pexpire(K.events(jobId), retentionMs)
      .zadd(K.due(), 'NX', Date.now(), jobId)
      .exec()
      .then(throwOnExecError);
    kick();
  }

  async function readEvents(jobId: string, from: number, to: number): Promise<ThreadEvent[]> {
    const raw = await redis.lrange(K.events(jobId), from, to);
    return raw.map((r) => JSON.parse(r) as ThreadEvent);
  }

  // A rollback posts into its migration's thread: it also holds the migration's lease while it delivers.
  const threadLeases = new Map<string, string>();

  async function renew(jobId: string): Promise<void> {
    for (const key of [K.lease(jobId), threadLeases.get(jobId)]) {
      if (!key) continue;
      const ok = await redis.eval(RENEW, 1, key, owner, leaseMs);
      if (ok !== 1) throw new DeliveryStop({ kind: 'lease_lost', delayMs: 0, reason: 'lease lost' });
    }
  }

  async function call(method: 'postMessage' | 'update', args: Record<string, unknown>): Promise<{ ts: string }> {
    const res = method === 'postMessage'
      ? await client.chat.postMessage(args as unknown as Parameters<Client['chat']['postMessage']>[0])
      : await client.chat.update(args as unknown as Parameters<Client['chat']['update']>[0]);
    return { ts: String(res.ts ?? '') };
  }

  /** One Slack call with the fallbacks that do not need a retry; a retryable failure stops this job's pass. */
  async function send(jobId: string, attempt: number, op: 'post' | 'update', args: Record<string, unknown>, msg: SlackMessage): Promise<string | undefined> {
    await renew(jobId);
    const withBody: Record<string, unknown> = msg.blocks ? { ...args, text: msg.text, blocks: msg.blocks } : { ...args, text: msg.text };
    try {
      return (await call(op === 'post' ? 'postMessage' : 'update', withBody)).ts;
    } catch (err) {
      let f = classify(err, op, attempt, maxBackoffMs, baseBackoffMs);
      if (f.kind === 'unthreaded') {
        const { thread_ts: _drop, ...rest } = withBody;
        try {
          return (await call('postMessage', rest)).ts;
        } catch (err2) {
          f = classify(err2, op, attempt, maxBackoffMs, baseBackoffMs);
        }
      }
      if (f.kind === 'plain') {
        // Blocks rejected: the audit must still land, as plain text.
        log.warn({ jobId, err: errText(err) }, 'slack rejected blocks; sending text only');
        try {
          return (await call(op === 'post' ? 'postMessage' : 'update', { ...args, text: truncate(msg.text, LIMITS.fallbackText), blocks: [] })).ts;
        } catch (err2) {
          f = classify(err2, op, attempt, maxBackoffMs, baseBackoffMs);
          if (f.kind === 'plain') f = { kind: 'skip', reason: 'text rejected too' };
        }
      }
      if (f.kind === 'skip') {
        log.warn({ jobId, op, reason: f.reason }, 'slack message skipped');
        return undefined;
      }
      if (f.kind === 'retry') throw new DeliveryStop(f);
      throw new DeliveryStop({ kind: 'retry', delayMs: 1000, reason: 'unexpected' });
    }
  }

  /** Post once per (event, op): the stored ts makes a re-run after a crash skip what already went out. */
  async function postOnce(jobId: string, meta: Meta, idx: number, n: number, args: Record<string, unknown>, msg: SlackMessage): Promise<string | undefined> {
    const field = `op:${idx}:${n}`;
    const done = meta.raw[field];
    if (done !== undefined) return done || undefined;
    const ts = await send(jobId, meta.attempt, 'post', args, msg);
    await redis.hset(K.meta(jobId), field, ts ?? '');
    meta.raw[field] = ts ?? '';
    return ts;
  }

  interface Meta {
    raw: Record<string, string>;
    attempt: number;
  }

  async function loadMeta(jobId: string): Promise<Meta> {
    const raw = await redis.hgetall(K.meta(jobId));
    return { raw, attempt: Number(raw.fail ?? 0) };
  }

  /** Decide where the job's messages go, once. */
  async function ensureAudience(jobId: string, meta: Meta): Promise<'ready' | 'wait'> {
    if (meta.raw.mode) return 'ready';
    let aud: Audience | undefined = meta.raw.aud ? (JSON.parse(meta.raw.aud) as Audience) : undefined;
    if (!aud && resolver) {
      try {
        aud = await resolver(jobId);
      } catch (err) {
        log.warn({ jobId, err: errText(err) }, 'audience lookup failed');
      }
    }
    const now = Date.now();
    if (!aud) {
      const first = Number(meta.raw.firstTry ?? now);
      if (!meta.raw.firstTry) await redis.hset(K.meta(jobId), 'firstTry', String(now));
      if (now - first < audienceWaitMs) return 'wait';
      aud = {};
      log.warn({ jobId }, 'no audience for job; its events are not posted to Slack');
    }
    const fields: Record<string, string> = { aud: JSON.stringify(aud) };
    if (aud.channelId) {
      fields.mode = aud.mode === 'preview' ? 'preview' : 'thread';
      fields.channel = aud.channelId;
      if (aud.threadTs) fields.parentTs = aud.threadTs;
      if (aud.threadTs && aud.parentJobId && aud.parentJobId !== jobId) fields.parentJob = aud.parentJobId;
      if (aud.userId) fields.user = aud.userId;
    } else {
      fields.mode = 'none';
    }
    await redis.multi().hset(K.meta(jobId), fields).pexpire(K.meta(jobId), retentionMs).exec().then(throwOnExecError);
    Object.assign(meta.raw, fields);
    return 'ready';
  }

  async function index(channel: string, ts: string, ref: MessageRef): Promise<void> {
    await redis.set(K.msg(channel, ts), JSON.stringify(ref), 'PX', retentionMs);
  }

  function nonceFor(jobId: string, idx: number, planHash: string): string {
    return createHash('sha256').update(`${jobId}|${idx}|${planHash}`).digest('hex').slice(0, 16);
  }

  /** Rebuild the approval card of event `apprIdx` with what happened up to event `upTo` (inclusive). */
  async function approvalInput(jobId: string, apprIdx: number, upTo: number): Promise<ApprovalCardInput | undefined> {
    const evs = await readEvents(jobId, apprIdx, upTo);
    const req = evs[0];
    if (!req || req.type !== 'approval.requested') return undefined;
    const approvals: ApprovalCardInput['approvals'] = [];
    for (const e of evs) if (e.type === 'approval.recorded') approvals.push({ by: e.by, at: e.at });
    return {
      jobId, kind: req.kind, plan: req.plan, planHash: req.planHash, expiresAt: req.expiresAt,
      requiredApprovals: req.requiredApprovals, requestedBy: req.requestedBy, requestedAt: req.at,
      value: encodeApprovalValue({ jobId, planHash: req.planHash, nonce: nonceFor(jobId, apprIdx, req.planHash) }),
      approvals,
      ...(req.rollback ? { rollback: req.rollback } : {}),
      ...(req.batch ? { batch: req.batch } : {}),
    };
  }

  async function deliverThreadEvent(jobId: string, meta: Meta, idx: number, ev: ThreadEvent): Promise<void> {
    const channel = meta.raw.channel!;
    // The root status card: posted once, before the first reply.
    if (!meta.raw.root) {
      const events = (await readEvents(jobId, 0, idx)) as MigrationEvent[];
      const card = rootCard(jobId, events.filter((e) => !e.type.startsWith('slack.')));
      const args: Record<string, unknown> = { channel, unfurl_links: false, unfurl_media: false };
      if (meta.raw.parentTs) args.thread_ts = meta.raw.parentTs;
      const ts = await postOnce(jobId, meta, -1, 0, args, card);
      if (!ts) {
        await redis.hdel(K.meta(jobId), 'op:-1:0');
        delete meta.raw['op:-1:0'];
        throw new DeliveryStop({ kind: 'retry', delayMs: maxBackoffMs, reason: 'root card rejected' });
      }
      const threadTs = meta.raw.parentTs ?? ts;
      // The card now shows events 0..idx.
      await redis.hset(K.meta(jobId), { root: ts, threadTs, card: String(idx + 1) });
      Object.assign(meta.raw, { root: ts, threadTs, card: String(idx + 1) });
      await index(channel, ts, { jobId, role: 'root' });
    }
    const thread = { channel, thread_ts: meta.raw.threadTs!, unfurl_links: false, unfurl_media: false };
    const appr = meta.raw.appr ? parseAppr(meta.raw.appr) : undefined;

    const closeApproval = async (outcome: ApprovalOutcome, n: number) => {
      if (!appr) return;
      const input = await approvalInput(jobId, appr.idx, idx);
      if (!input || meta.raw[`op:${idx}:${n}`] !== undefined) return;
      await send(jobId, meta.attempt, 'update', { channel, ts: appr.ts }, decidedApprovalCard(input, outcome));
      await redis.multi().hset(K.meta(jobId), `op:${idx}:${n}`, appr.ts).hdel(K.meta(jobId), 'appr').exec().then(throwOnExecError);
      meta.raw[`op:${idx}:${n}`] = appr.ts;
      delete meta.raw.appr;
    };

    switch (ev.type) {
      case 'approval.requested': {
        // A new request supersedes an older card that is still open (after a drift).
        if (appr) await closeApproval({ decision: 'superseded', at: ev.at, reason: 'a new approval request replaces this one' }, 1);
        const nonce = nonceFor(jobId, idx, ev.planHash);
        const input = (await approvalInput(jobId, idx, idx))!;
        const ts = await postOnce(jobId, meta, idx, 0, thread, approvalCard(input));
        if (ts) {
          await redis.hset(K.meta(jobId), 'appr', `${idx}|${ts}|${nonce}|${ev.planHash}`);
          meta.raw.appr = `${idx}|${ts}|${nonce}|${ev.planHash}`;
          await index(channel, ts, { jobId, role: 'approval', nonce, planHash: ev.planHash });
        }
        return;
      }
      case 'approval.recorded': {
        if (appr && meta.raw[`op:${idx}:1`] === undefined) {
          const input = await approvalInput(jobId, appr.idx, idx);
          if (input) await send(jobId, meta.attempt, 'update', { channel, ts: appr.ts }, approvalCard(input));
          await redis.hset(K.meta(jobId), `op:${idx}:1`, appr.ts);
          meta.raw[`op:${idx}:1`] = appr.ts;
        }
        break;
      }
      case 'approval.decided': {
        const outcome: ApprovalOutcome = ev.decision === 'expired' ? { decision: 'expired', at: ev.at } : { decision: ev.decision, by: ev.by, at: ev.at };
        await closeApproval(outcome, 1);
        break;
      }
      case 'plan.drifted':
        await closeApproval({ decision: 'superseded', at: ev.at, reason: 'the live state changed; a new approval request follows' }, 1);
        break;
      case 'finished':
        await closeApproval({ decision: 'superseded', at: ev.at, reason: `the job finished (${ev.outcome})` }, 1);
        break;
    }
    const reply = auditReply(ev);
    if (reply) await postOnce(jobId, meta, idx, 0, thread, reply);
  }

  async function deliverPreviewEvent(jobId: string, meta: Meta, idx: number, ev: ThreadEvent): Promise<void> {
    if (ev.type.startsWith('slack.')) return;
    const reply = previewReply(ev as MigrationEvent, meta.raw.user);
    if (!reply) return;
    const args: Record<string, unknown> = { channel: meta.raw.channel!, unfurl_links: false, unfurl_media: false };
    if (meta.raw.parentTs) args.thread_ts = meta.raw.parentTs;
    const ts = await postOnce(jobId, meta, idx, 0, args, reply);
    // A long inventory also goes out as a CSV file, in the thread of its message.
    if (ev.type === 'scan.finished' && ev.scan.rows.length > SCAN_TABLE_ROWS && ts) {
      await uploadOnce(jobId, meta, idx, 1, {
        channel_id: meta.raw.channel!, thread_ts: meta.raw.parentTs ?? ts, filename: scanFileName(ev.scan, jobId),
        title: `natmigrate inventory of ${ev.scan.target} (${ev.scan.rows.length} instances)`, content: inventoryCsv(ev.scan.rows),
      });
    }
  }

  /** files.uploadV2 once per (event, op), like postOnce; the file id stands in for the ts. */
  async function uploadOnce(jobId: string, meta: Meta, idx: number, n: number, args: { channel_id: string; thread_ts: string; filename: string; title: string; content: string }): Promise<void> {
    const field = `op:${idx}:${n}`;
    if (meta.raw[field] !== undefined) return;
    await renew(jobId);
    let fileId = '';
    try {
      const res = await client.files.uploadV2(args) as { files?: { files?: { id?: string }[] }[] };
      fileId = String(res.files?.[0]?.files?.[0]?.id ?? 'uploaded');
    } catch (err) {
      const f = classify(err, 'post', meta.attempt, maxBackoffMs, baseBackoffMs);
      if (f.kind === 'retry') throw new DeliveryStop(f);
      // A file Slack will not take is not worth blocking the channel for: the message already has the table.
      log.warn({ jobId, err: errText(err) }, 'slack file upload skipped');
    }
    await redis.hset(K.meta(jobId), field, fileId);
    meta.raw[field] = fileId;
  }

  async function refreshCard(jobId: string, meta: Meta, cursor: number): Promise<void> {
    if (meta.raw.mode !== 'thread' || !meta.raw.root) return;
    if (Number(meta.raw.card ?? -1) >= cursor) return;
    const events = (await readEvents(jobId, 0, cursor - 1)).filter((e): e is MigrationEvent => !e.type.startsWith('slack.'));
    await send(jobId, meta.attempt, 'update', { channel: meta.raw.channel!, ts: meta.raw.root }, rootCard(jobId, events));
    await redis.hset(K.meta(jobId), 'card', String(cursor));
    meta.raw.card = String(cursor);
  }

  /** Deliver everything pending for one job (we hold its lease). */
  async function deliverJob(jobId: string): Promise<void> {
    const meta = await loadMeta(jobId);
    if ((await ensureAudience(jobId, meta)) === 'wait') {
      await redis.zadd(K.due(), 'XX', Date.now() + 1000, jobId);
      return;
    }
    const parent = meta.raw.parentJob;
    if (parent) {
      // One deliverer per thread: wait while the parent job's messages are being delivered.
      const got = await redis.set(K.lease(parent), owner, 'PX', leaseMs, 'NX');
      if (got !== 'OK') {
        await redis.zadd(K.due(), 'XX', Date.now() + 100, jobId);
        return;
      }
      threadLeases.set(jobId, K.lease(parent));
    }
    let cursor = Number(meta.raw.cursor ?? 0);
    try {
      for (;;) {
        const batch = await readEvents(jobId, cursor, cursor + 49);
        if (!batch.length) break;
        for (const ev of batch) {
          if (meta.raw.mode === 'thread') await deliverThreadEvent(jobId, meta, cursor, ev);
          else if (meta.raw.mode === 'preview') await deliverPreviewEvent(jobId, meta, cursor, ev);
          // Advance and forget this event's per-op ts in one step.
          const doneFields = Object.keys(meta.raw).filter((f) => f.startsWith(`op:${cursor}:`) || (cursor === 0 && f.startsWith('op:-1:')));
          const m = redis.multi().hset(K.meta(jobId), { cursor: String(cursor + 1), fail: '0' });
          if (doneFields.length) m.hdel(K.meta(jobId), ...doneFields);
          await m.pexpire(K.meta(jobId), retentionMs).exec().then(throwOnExecError);
          for (const f of doneFields) delete meta.raw[f];
          cursor += 1;
          meta.raw.cursor = String(cursor);
          meta.attempt = 0;
        }
      }
      await refreshCard(jobId, meta, cursor);
      await redis.eval(SETTLE, 3, K.events(jobId), K.meta(jobId), K.due(), jobId);
    } catch (err) {
      if (!(err instanceof DeliveryStop)) throw err;
      if (err.failure.kind === 'lease_lost') return;
      const f = err.failure;
      log.warn({ jobId, reason: f.reason, retryInMs: Math.round(f.delayMs), attempt: meta.attempt + 1 }, 'slack delivery deferred');
      const m = redis.multi().hincrby(K.meta(jobId), 'fail', 1).zadd(K.due(), 'XX', Date.now() + f.delayMs, jobId);
      if (f.pauseAll) m.set(K.pause(), '1', 'PX', Math.max(1, Math.round(f.delayMs)));
      await m.exec().then(throwOnExecError);
    } finally {
      const key = threadLeases.get(jobId);
      if (key) {
        threadLeases.delete(jobId);
        await redis.eval(RELEASE, 1, key, owner);
      }
    }
  }

  async function runJob(jobId: string): Promise<boolean> {
    if (inFlight.has(jobId)) return false;
    inFlight.add(jobId);
    try {
      const got = await redis.set(K.lease(jobId), owner, 'PX', leaseMs, 'NX');
      if (got !== 'OK') return false;
      try {
        await deliverJob(jobId);
      } finally {
        await redis.eval(RELEASE, 1, K.lease(jobId), owner);
      }
      return true;
    } catch (err) {
      log.error({ jobId, err: errText(err) }, 'slack delivery failed');
      await redis.zadd(K.due(), 'XX', Date.now() + 2000, jobId).catch(() => undefined);
      return false;
    } finally {
      inFlight.delete(jobId);
    }
  }

  async function runOnce(): Promise<number> {
    if ((await redis.pttl(K.pause())) > 0) return 0;
    const due = await redis.zrangebyscore(K.due(), '-inf', Date.now(), 'LIMIT', 0, concurrency * 4);
    const todo = due.filter((j) => !inFlight.has(j));
    let worked = 0;
    // A small pool: threads are independent, each one is delivered in order by exactly one runner.
    let i = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, todo.length) }, async () => {
        while (i < todo.length) {
          const jobId = todo[i++]!;
          if (await runJob(jobId)) worked += 1;
        }
      }),
    );
    return worked;
  }

  async function thread(jobId: string): Promise<ThreadInfo | undefined> {
    const raw = await redis.hgetall(K.meta(jobId));
    if (!raw.channel || !raw.root || !raw.threadTs || (raw.mode !== 'thread' && raw.mode !== 'preview')) return undefined;
    const info: ThreadInfo = { jobId, channel: raw.channel, threadTs: raw.threadTs, rootTs: raw.root, mode: raw.mode };
    if (raw.user) info.requestedBy = raw.user;
    const a = raw.appr ? parseAppr(raw.appr) : undefined;
    if (a) info.approval = { ts: a.ts, nonce: a.nonce, planHash: a.planHash };
    return info;
  }

  const outbox: Outbox = {
    keys: K,
    emit: (event) => append(event.jobId, event),
    note: (n) => append(n.jobId, n),
    async bind(jobId, audience) {
      await redis.multi().hsetnx(K.meta(jobId), 'aud', JSON.stringify(audience)).pexpire(K.meta(jobId), retentionMs).exec().then(throwOnExecError);
      // Events already waiting for their audience can go now.
      await redis.eval(BRING_FORWARD, 2, K.events(jobId), K.due(), jobId, Date.now());
      kick();
    },
    thread,
    useAudienceResolver(fn) {
      resolver = fn;
    },
    async lookupMessage(channel, ts) {
      const raw = await redis.get(K.msg(channel, ts));
      return raw ? (JSON.parse(raw) as MessageRef) : undefined;
    },
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          let worked = 0;
          try {
            worked = await runOnce();
          } catch (err) {
            log.error({ err: errText(err) }, 'slack outbox pass failed');
          }
          if (!running) break;
          if (worked === 0) {
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, pollMs);
              wake = () => {
                clearTimeout(t);
                resolve();
              };
            });
            wake = undefined;
          }
        }
      })();
    },
    async stop() {
      running = false;
      kick();
      await loop;
      loop = undefined;
    },
    runOnce,
    async waitIdle(o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 15_000);
      for (;;) {
        const members = o.jobIds ?? (await redis.zrange(K.due(), '0', '-1'));
        const scores = members.length ? await redis.zmscore(K.due(), ...members) : [];
        if (scores.every((s) => s === null) && !members.some((m) => inFlight.has(m))) return;
        if (Date.now() > deadline) throw new Error(`slack outbox still delivering: ${members.filter((_, i) => scores[i] !== null).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    pending: () => redis.zrange(K.due(), '0', '-1'),
  };
  return outbox;
}

function parseAppr(s: string): { idx: number; ts: string; nonce: string; planHash: string } | undefined {
  const [idx, ts, nonce, planHash] = s.split('|');
  if (!idx || !ts || !nonce || !planHash) return undefined;
  return { idx: Number(idx), ts, nonce, planHash };
}

function errText(err: unknown): string {
  if (err instanceof Error) {
    const data = (err as { data?: { error?: string } }).data;
    return data?.error ? `${err.message} (${data.error})` : err.message;
  }
  return String(err);
}

function throwOnExecError(res: [Error | null, unknown][] | null): void {
  if (!res) throw new Error('redis transaction aborted');
  for (const [err] of res) if (err) throw err;
}
