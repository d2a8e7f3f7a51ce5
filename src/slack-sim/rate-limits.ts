import { POST_PER_CHANNEL, tierRule, type BucketRule } from './platform-rules.ts';

/**
 * The fake workspace's rate limiter (rules and sources in platform-rules.ts): one token bucket per method (its
 * tier) and, for chat.postMessage, one per channel. A refused call learns how many whole seconds to wait.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Calls refused with 429, by method. */
  readonly refused = new Map<string, number>();

  /** `scale`: how many times as fast the buckets refill (a test's named relaxation; 1 = Slack's published pace). */
  constructor(private readonly now: () => number = Date.now, private readonly scale = 1) {}

  /** Undefined when the call may go on, else the Retry-After in seconds. */
  check(method: string, params: Record<string, unknown>): number | undefined {
    const channel = typeof params.channel === 'string' ? params.channel : '';
    const published = method === 'chat.postMessage' ? POST_PER_CHANNEL : tierRule(method);
    if (!published) return undefined;
    const rule = this.scale === 1 ? published : { ...published, perSecond: published.perSecond * this.scale };
    const key = method === 'chat.postMessage' ? `${method}:${channel}` : method;
    const wait = this.take(key, rule);
    if (wait === 0) return undefined;
    this.refused.set(method, (this.refused.get(method) ?? 0) + 1);
    return Math.max(1, Math.ceil(wait / 1000));
  }

  /** 0 when a token was taken, else the ms until one is there. */
  private take(key: string, rule: BucketRule): number {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    b.tokens = Math.min(rule.burst, b.tokens + ((now - b.at) / 1000) * rule.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return ((1 - b.tokens) / rule.perSecond) * 1000;
  }
}
