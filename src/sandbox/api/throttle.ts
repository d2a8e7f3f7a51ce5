// Per-action request rate limits (scenario `qps`), answered like the real gateway: Throttling.User with
// x-acs-retry-after, which the SDK surfaces as ThrottlingError.retryAfter.
import { ApiError, defaultMessageFor } from '../api-error.ts';

/** Token buckets per action: capacity = rate, refilled continuously; over the limit → Throttling.User. */
export class Throttle {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly qps: Record<string, number>, private readonly now: () => number = Date.now) {}

  take(action: string): void {
    const rate = this.qps[action] ?? this.qps.default;
    if (rate === undefined) return;
    const t = this.now();
    const cap = Math.max(1, rate);
    const b = this.buckets.get(action) ?? { tokens: cap, at: t };
    b.tokens = Math.min(cap, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    this.buckets.set(action, b);
    if (b.tokens >= 1) { b.tokens -= 1; return; }
    const waitMs = Math.max(1, Math.ceil(((1 - b.tokens) / rate) * 1000));
    throw new ApiError('Throttling.User', 400, defaultMessageFor('Throttling.User'), {}, { 'x-acs-retry-after': String(waitMs) });
  }
}
