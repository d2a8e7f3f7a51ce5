import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RedisConnection } from '../util/redis-connection.ts';
import type { AnyMiddlewareArgs, AllMiddlewareArgs, Middleware } from '@slack/bolt';
import { decodeApprovalValue } from '../domain/approval-button.ts';
import type { Log } from './slack-log.ts';
import type { Outbox } from './outbox/index.ts';
import type { DeferredReplay } from './listeners/deps.ts';

/**
 * Replay protection on top of Bolt's signature check. Bolt rejects requests signed more than 5 minutes ago but
 * accepts the same signed request again and again inside that window (and any timestamp in the future), and it
 * does not dedupe. So:
 * - every signed request is remembered by sha256(timestamp + signature) — the signature is an HMAC over the
 *   timestamp and the raw body, so it identifies the exact request — with SET NX for as long as Bolt would
 *   accept it; a second arrival is acked and dropped before any listener runs;
 * - a timestamp more than 5 minutes in the future is dropped too (Slack's own check is symmetric).
 * Slack itself never re-sends slash commands or interactions, so a duplicate is always a replay.
 */

export const REPLAY_WINDOW_SEC = 5 * 60;

interface ReplayInfo {
  key: string;
  /** Seconds the signed timestamp is ahead of our clock (negative = in the past). */
  skewSec: number;
  ts: number;
}

/** Context property the HTTP receiver fills in (custom properties must not clash with Bolt's own names). */
const REPLAY_PROP = 'natmigrateReplay';
/** Context property: the replay check handed to the `/natmigrate` listener (see `deferCommands`). */
export const REPLAY_DEFERRED_PROP = 'natmigrateReplayDeferred';

/** For HTTPReceiver's customPropertiesExtractor. */
export function extractReplayInfo(req: IncomingMessage, nowMs: () => number = Date.now): Record<string, unknown> {
  const ts = Number(req.headers['x-slack-request-timestamp']);
  const sig = req.headers['x-slack-signature'];
  if (!Number.isFinite(ts) || typeof sig !== 'string') return {};
  const info: ReplayInfo = {
    key: createHash('sha256').update(`${ts}:${sig}`).digest('hex'),
    skewSec: ts - Math.floor(nowMs() / 1000),
    ts,
  };
  return { [REPLAY_PROP]: info };
}

interface ReplayGuardOptions {
  redis: RedisConnection;
  prefix: string;
  outbox?: Outbox;
  log?: Log;
  /**
   * Slash commands whose replay check the command listener does itself (put in the context as a DeferredReplay):
   * `run` checks it inside the job claim, so its ack waits for one Redis round trip instead of two. The listener
   * must check before any side effect (routeCommand does for every other subcommand).
   */
  deferCommands?: readonly string[];
}

/** Global middleware: first sighting passes, repeats and far-future timestamps are acked and dropped. */
export function replayGuard(opts: ReplayGuardOptions): Middleware<AnyMiddlewareArgs> {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const info = args.context[REPLAY_PROP] as ReplayInfo | undefined;
    if (!info) return args.next(); // Socket Mode: the WebSocket is authenticated, no signature to replay
    const drop = async (why: string) => {
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      opts.log?.warn({ why, skewSec: info.skewSec, userId: args.context.userId }, 'slack request dropped');
      await auditReplay(args, why, opts).catch(() => undefined);
    };
    if (info.skewSec > REPLAY_WINDOW_SEC) return drop('timestamp too far in the future');
    // Remember it for as long as Bolt would still accept it (its check is ts >= now - 300 s).
    const ttlMs = (REPLAY_WINDOW_SEC + Math.max(0, info.skewSec) + 60) * 1000;
    const key = `${opts.prefix}:replay:${info.key}`;
    const command = (args.body as { command?: unknown }).command;
    if (typeof command === 'string' && opts.deferCommands?.includes(command)) {
      const check = async () => (await opts.redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
      args.context[REPLAY_DEFERRED_PROP] = { key, ttlMs, check } satisfies DeferredReplay;
      return args.next();
    }
    const first = await opts.redis.set(key, '1', 'PX', ttlMs, 'NX');
    if (first !== 'OK') return drop('replayed request');
    return args.next();
  };
}

/** A replayed click is written into the thread of the job its button belongs to, so the audit shows it. */
async function auditReplay(args: AnyMiddlewareArgs, why: string, opts: ReplayGuardOptions): Promise<void> {
  const body = args.body as { type?: string; actions?: { value?: string }[]; user?: { id?: string } };
  if (!opts.outbox || body.type !== 'block_actions') return;
  const value = decodeApprovalValue(body.actions?.[0]?.value);
  if (!value || !(await opts.outbox.thread(value.jobId))) return;
  await opts.outbox.note({
    type: 'slack.replay_ignored', jobId: value.jobId, at: new Date().toISOString(),
    ...(body.user?.id ? { userId: body.user.id } : {}),
    what: why === 'replayed request' ? 'an approval click that had already been received' : `an approval click (${why})`,
  });
}
