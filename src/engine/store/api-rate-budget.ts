import type { RedisConnection } from '../../util/redis-connection.ts';
import type { RateBudget } from '../../cloud/rate-budget.ts';
import type { Keys } from './keys.ts';
import { script } from './lua.ts';
import { sleep } from '../../util/sleep.ts';

/**
 * The fleet-wide API budget: the same GCRA buckets as the in-memory TokenBucketBudget (one global, optional
 * per-action ones), kept in Redis and updated by Lua with the server's clock, so every worker of every process
 * draws from one budget. `take` reserves the next free slot and sleeps until it; `penalize` (a throttle answer)
 * pushes the bucket's next slot past the pause and halves its rate, which climbs back over `recoveryMs`.
 */

export interface RedisRateBudgetOptions {
  /** Sustained requests per second across all actions (NATMIGRATE_API_RATE). */
  ratePerSec: number;
  /** Back-to-back requests allowed before the rate applies (default max(1, ratePerSec)). */
  burst?: number;
  perAction?: Record<string, number>;
  /** Pause after a throttle without x-acs-retry-after (default 1000 ms). */
  penaltyMs?: number;
  /** How long a halved rate takes to climb back (default 10 s). */
  recoveryMs?: number;
}

// Bucket state: hash {tat, f (stored factor), p (when penalized), u (paused until)}; all times in ms from Redis TIME.
const COMMON = `
local function nowms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function load(key, now, recovery)
  local h = redis.call('HMGET', key, 'tat', 'f', 'p', 'u')
  local tat = tonumber(h[1]) or 0
  local f = tonumber(h[2]) or 1
  local p = tonumber(h[3]) or 0
  local u = tonumber(h[4]) or 0
  if f < 1 then
    f = math.min(1, f + (1 - f) * ((now - p) / recovery))
  end
  return tat, f, p, u
end
`;

// KEYS: global, action. ARGV: globalRate, globalBurst, actionRate (0 = none), actionBurst, recoveryMs, idleTtlMs.
const takeLua = script(`${COMMON}
local now = nowms()
local recovery = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local gRate, gBurst = tonumber(ARGV[1]), tonumber(ARGV[2])
local aRate, aBurst = tonumber(ARGV[3]), tonumber(ARGV[4])
if aRate == 0 and redis.call('EXISTS', KEYS[2]) == 1 then aRate = gRate; aBurst = gBurst end
local gTat, gF, _, gU = load(KEYS[1], now, recovery)
local gInt = 1000 / (gRate * gF)
-- No burst while recovering from a throttle: after the pause, calls resume one by one at the lowered rate.
if gF < 1 then gBurst = 1 end
local start = math.max(now, gTat - (gBurst - 1) * gInt, gU)
local aTat, aF, aInt, aU
if aRate > 0 then
  aTat, aF, _, aU = load(KEYS[2], now, recovery)
  aInt = 1000 / (aRate * aF)
  if aF < 1 then aBurst = 1 end
  start = math.max(start, aTat - (aBurst - 1) * aInt, aU)
end
redis.call('HSET', KEYS[1], 'tat', math.max(gTat, start) + gInt)
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl + (start - now)))
if aRate > 0 then
  redis.call('HSET', KEYS[2], 'tat', math.max(aTat, start) + aInt)
  redis.call('PEXPIRE', KEYS[2], math.ceil(ttl + (start - now)))
end
return math.ceil(start - now)
`);

// KEYS: bucket. ARGV: rate, burst, pauseMs, recoveryMs, idleTtlMs.
const penalizeLua = script(`${COMMON}
local now = nowms()
local rate, burst, pause, recovery, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tat, f, _, u = load(KEYS[1], now, recovery)
local nf = math.max(0.1, f / 2)
-- Nothing starts before the pause ends; take() allows no burst while the rate recovers, so the backlog cannot rush
-- out after it. (Pushing tat by the burst tolerance instead stalled calls for up to burst/rate/0.1 s.)
local pausedUntil = math.max(u, now + pause)
redis.call('HSET', KEYS[1], 'tat', math.max(tat, pausedUntil), 'f', nf, 'p', now, 'u', pausedUntil)
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl + pause + recovery))
return 1
`);

export class RedisRateBudget implements RateBudget {
  private readonly burst: number;
  private readonly penaltyMs: number;
  private readonly recoveryMs: number;

  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly opts: RedisRateBudgetOptions) {
    if (!(opts.ratePerSec > 0)) throw new Error('ratePerSec must be > 0');
    this.burst = opts.burst ?? Math.max(1, opts.ratePerSec);
    this.penaltyMs = opts.penaltyMs ?? 1000;
    this.recoveryMs = opts.recoveryMs ?? 10_000;
  }

  private actionKey(action: string): string {
    return this.keys.rate(`action:${action}`);
  }

  async take(action: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const aRate = this.opts.perAction?.[action] ?? 0;
    const aBurst = aRate > 0 ? Math.max(1, Math.min(aRate, this.opts.burst ?? aRate)) : 0;
    const wait = Number(await takeLua.run(this.redis, [this.keys.rate('global'), this.actionKey(action)],
      [this.opts.ratePerSec, this.burst, aRate, aBurst, this.recoveryMs, 60_000]));
    if (wait > 0) await sleep(wait, signal);
  }

  async penalize(action: string, retryAfterMs?: number, code?: string): Promise<void> {
    const pause = retryAfterMs ?? this.penaltyMs;
    // Throttling.User is the whole account; any other throttle slows only that API.
    const whole = code === 'Throttling.User';
    const rate = whole ? this.opts.ratePerSec : (this.opts.perAction?.[action] ?? this.opts.ratePerSec);
    const burst = whole ? this.burst : Math.max(1, Math.min(rate, this.opts.burst ?? rate));
    await penalizeLua.run(this.redis, [whole ? this.keys.rate('global') : this.actionKey(action)],
      [rate, burst, pause, this.recoveryMs, 60_000]);
  }
}
