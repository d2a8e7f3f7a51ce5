import { sleep } from '../util/sleep.ts';
/**
 * How fast the fleet may call the cloud API. The adapter takes one token per HTTP attempt (retries included)
 * and, when Alibaba throttles anyway, tells the budget to slow down so every worker backs off together
 * instead of each one failing on its own.
 *
 * This file has the in-memory implementation (one process); the engine provides a Redis-backed one with the
 * same interface shared by all workers.
 */
export interface RateBudget {
  /** Resolves when one request of `action` may go out. Rejects with the signal's reason if aborted while waiting. */
  take(action: string, signal?: AbortSignal): Promise<void>;
  /**
   * The API throttled `action`. Pause it for at least `retryAfterMs` (x-acs-retry-after) when given, and lower its
   * rate for a while. `code` is the throttling code (`Throttling.User`, `Throttling.Api`, …), for implementations
   * that want to tell per-API limits from account-wide ones.
   */
  penalize?(action: string, retryAfterMs?: number, code?: string): void | Promise<void>;
}

export interface TokenBucketOptions {
  /** Sustained requests per second across all actions. */
  ratePerSec: number;
  /** Requests that may go out back to back before the rate applies (default: max(1, ratePerSec)). */
  burst?: number;
  /**
   * Per-action limits on top of the global one (e.g. CreateForwardEntry: 10 per second). Paced evenly (burst 1)
   * unless given as { rate, burst }.
   */
  perAction?: Record<string, number | { rate: number; burst?: number }>;
  /** Pause after a throttle without a retry-after (default 1000 ms). */
  penaltyMs?: number;
  /** After a throttle the rate halves (down to 10 %) and climbs back linearly over this long (default 10 s). */
  recoveryMs?: number;
  now?: () => number;
}

/** One GCRA bucket ("virtual scheduling"): TAT is the theoretical arrival time of the next request. */
class Bucket {
  private tat = 0;
  private factor = 1;
  private penalizedAt = 0;

  constructor(private readonly rate: number, private readonly burst: number, private readonly recoveryMs: number) {}

  private currentFactor(now: number): number {
    if (this.factor >= 1) return 1;
    const f = this.factor + (1 - this.factor) * ((now - this.penalizedAt) / this.recoveryMs);
    return Math.min(1, f);
  }

  private interval(now: number): number {
    return 1000 / (this.rate * this.currentFactor(now));
  }

  /** Earliest time a request may start. */
  earliest(now: number): number {
    const tolerance = (this.burst - 1) * this.interval(now);
    return Math.max(now, this.tat - tolerance);
  }

  reserve(start: number): void {
    this.tat = Math.max(this.tat, start) + this.interval(start);
  }

  penalize(now: number, pauseMs: number): void {
    this.factor = Math.max(0.1, this.currentFactor(now) / 2);
    this.penalizedAt = now;
    // Nothing may start before the pause ends; the burst tolerance must not let a backlog rush out after it.
    this.tat = Math.max(this.tat, now + pauseMs + (this.burst - 1) * this.interval(now));
  }
}

export class TokenBucketBudget implements RateBudget {
  private readonly global: Bucket;
  private readonly actions = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly penaltyMs: number;
  private readonly recoveryMs: number;

  constructor(private readonly opts: TokenBucketOptions) {
    if (!(opts.ratePerSec > 0)) throw new Error('ratePerSec must be > 0');
    this.now = opts.now ?? Date.now;
    this.penaltyMs = opts.penaltyMs ?? 1000;
    this.recoveryMs = opts.recoveryMs ?? 10_000;
    this.global = new Bucket(opts.ratePerSec, opts.burst ?? Math.max(1, opts.ratePerSec), this.recoveryMs);
  }

  private bucket(action: string): Bucket | undefined {
    let b = this.actions.get(action);
    if (!b) {
      const limit = this.opts.perAction?.[action];
      if (limit === undefined) return undefined;
      const { rate, burst } = typeof limit === 'number' ? { rate: limit, burst: 1 } : limit;
      b = new Bucket(rate, Math.max(1, burst ?? 1), this.recoveryMs);
      this.actions.set(action, b);
    }
    return b;
  }

  /** A bucket for `action` even without a configured limit, so a throttle can slow just that action. */
  private bucketForPenalty(action: string): Bucket {
    let b = this.bucket(action);
    if (!b) {
      b = new Bucket(this.opts.ratePerSec, Math.max(1, this.opts.burst ?? this.opts.ratePerSec), this.recoveryMs);
      this.actions.set(action, b);
    }
    return b;
  }

  async take(action: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    // The action's own bucket first, then the global one: reserving the global bucket for a far-off start would
    // hold up every other action behind a slow one. Reservations are synchronous, so callers queue fairly.
    const own = this.bucket(action);
    if (own) await this.reserveAndWait(own, signal);
    await this.reserveAndWait(this.global, signal);
  }

  private async reserveAndWait(b: Bucket, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const start = b.earliest(now);
    b.reserve(start);
    if (start > now) await sleep(start - now, signal);
  }

  /**
   * Slows only the throttled action: Alibaba's flow control (Throttling.User / Throttling.Api) is per API, and
   * pausing every action would stall unrelated polls. `Throttling` with scope 'account' pauses everything.
   */
  penalize(action: string, retryAfterMs?: number, _code?: string, scope: 'action' | 'account' = 'action'): void {
    const now = this.now();
    const pause = retryAfterMs ?? this.penaltyMs;
    if (scope === 'account') this.global.penalize(now, pause);
    else this.bucketForPenalty(action).penalize(now, pause);
  }
}

/** No limit at all (tests, tools). */
export const unlimitedBudget: RateBudget = { take: async () => {} };
