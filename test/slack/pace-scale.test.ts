import { describe, expect, it } from 'vitest';
import { DEFAULT_PACING } from '../../src/slack/outbox/index.ts';
import { scaledPacing } from '../../src/slack/outbox/pacing-rules.ts';
import { RateLimiter } from '../../src/slack-sim/rate-limits.ts';

/**
 * `paceScale`, the named relaxation of the files not about Slack's pace: the workspace's buckets refill that many
 * times as fast, but every limit still refuses with 429 past its burst; the outbox's pacing speeds up by the same factor.
 */
describe('pace scale', () => {
  const postsUntilRefused = (limiter: RateLimiter) => {
    let n = 0;
    while (limiter.check('chat.postMessage', { channel: 'C0A' }) === undefined) n++;
    return n;
  };

  it.each([
    { scale: 1, after100ms: false, after1s: true },
    { scale: 10, after100ms: true, after1s: true },
  ])('scale $scale: the same burst, then 429 with whole-second Retry-After; refilled after 100 ms: $after100ms', ({ scale, after100ms, after1s }) => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now, scale);
    expect(postsUntilRefused(limiter)).toBe(5);
    expect(limiter.check('chat.postMessage', { channel: 'C0A' })).toBe(1);
    expect(limiter.refused.get('chat.postMessage')).toBe(2);
    now += 100;
    expect(limiter.check('chat.postMessage', { channel: 'C0A' }) === undefined).toBe(after100ms);
    now += 1000;
    expect(limiter.check('chat.postMessage', { channel: 'C0A' }) === undefined).toBe(after1s);
    // Other channels keep their own bucket at any scale.
    expect(limiter.check('chat.postMessage', { channel: 'C0B' })).toBeUndefined();
  });

  it('the outbox paces n times as fast with the same bursts; scale 1 is Slack\'s published pace', () => {
    expect(scaledPacing(DEFAULT_PACING, 1)).toBe(DEFAULT_PACING);
    expect(scaledPacing(DEFAULT_PACING, 10)).toEqual({
      post: { perSecond: DEFAULT_PACING.post.perSecond * 10, burst: DEFAULT_PACING.post.burst },
      update: { perSecond: DEFAULT_PACING.update.perSecond * 10, burst: DEFAULT_PACING.update.burst },
    });
  });
});
