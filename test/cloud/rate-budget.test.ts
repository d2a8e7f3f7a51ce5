import { describe, expect, it } from 'vitest';
import { TokenBucketBudget } from '../../src/cloud/rate-budget.ts';

async function timeTakes(b: TokenBucketBudget, actions: string[]): Promise<number[]> {
  const t0 = performance.now();
  return Promise.all(actions.map(async (a) => { await b.take(a); return performance.now() - t0; }));
}

describe('TokenBucketBudget', () => {
  it('lets a burst through, then paces at the rate', async () => {
    const b = new TokenBucketBudget({ ratePerSec: 50, burst: 3 });
    const at = await timeTakes(b, Array(8).fill('DescribeInstances'));
    expect(at.slice(0, 3).every((t) => t < 60)).toBe(true);
    // 5 more at 20 ms each after the burst: the last at ≥ ~100 ms.
    expect(at[7]!).toBeGreaterThanOrEqual(95);
    expect(at[7]!).toBeLessThan(600);
  });

  it('applies per-action limits on top of the global one', async () => {
    const b = new TokenBucketBudget({ ratePerSec: 1000, burst: 100, perAction: { CreateForwardEntry: 20 } });
    const at = await timeTakes(b, [...Array(4).fill('CreateForwardEntry'), 'DescribeInstances']);
    expect(at[3]!).toBeGreaterThanOrEqual(145); // paced evenly: 3 × 50 ms after the first
    expect(at[4]!).toBeLessThan(100); // other actions are not held up
  });

  it('penalize pauses the throttled action for retry-after, and slows it afterwards', async () => {
    const b = new TokenBucketBudget({ ratePerSec: 100, burst: 1, recoveryMs: 5_000 });
    await b.take('CreateForwardEntry');
    b.penalize('CreateForwardEntry', 300);
    const t0 = performance.now();
    await b.take('DescribeInstances');
    expect(performance.now() - t0).toBeLessThan(150); // another action is not paused
    await b.take('CreateForwardEntry');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    const t1 = performance.now();
    for (let i = 0; i < 5; i++) await b.take('CreateForwardEntry');
    // Halved rate (recovering slowly): ~19 ms apart instead of 10 ms.
    expect(performance.now() - t1).toBeGreaterThanOrEqual(80);
  });

  it('an account-wide penalty slows every action', async () => {
    const b = new TokenBucketBudget({ ratePerSec: 100, burst: 1 });
    b.penalize('CreateForwardEntry', 100, 'Throttling', 'account');
    const t0 = performance.now();
    await b.take('DescribeInstances');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it('take honours an AbortSignal', async () => {
    const b = new TokenBucketBudget({ ratePerSec: 1, burst: 1 });
    await b.take('X');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await expect(b.take('X', ac.signal)).rejects.toThrow('stop');
  });
});
