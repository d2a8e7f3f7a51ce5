// The waiters' learned "how far past the due time do reads show the change" (due-lag.ts): a first poll that missed
// the change moves the next waits' first poll later, into the window the change became visible in; first polls that
// see it move it back slowly; it never exceeds a quarter of the latency or the cap. Timing only: pollUntil still
// returns exactly what the judge says.
import { describe, expect, it } from 'vitest';
import { DueLag } from '../../src/cloud/alibaba/due-lag.ts';
import { DEFAULT_WAIT_SCHEDULE, pollUntil } from '../../src/cloud/alibaba/waiters.ts';

describe('DueLag', () => {
  it('starts at the due time, moves into the window a missed change showed up in, shrinks on hits, is capped', () => {
    const d = new DueLag(200);
    expect(d.extraMs('k', 400)).toBe(0);
    d.observe('k', 0, 60, false); // first poll at due missed; seen 60 ms later
    expect(d.extraMs('k', 400)).toBe(30);
    d.observe('k', 30, 30, true);
    expect(d.extraMs('k', 400)).toBe(27);
    d.observe('k', 27, 400, false);
    expect(d.extraMs('k', 400)).toBe(100); // a quarter of the latency at most
    expect(d.extraMs('k', 4000)).toBe(200); // the cap
    expect(d.extraMs('other', 400)).toBe(0); // per kind of wait
  });

  it('pollUntil polls first at the due time plus what it learned, and learns from what it saw', async () => {
    const lag = new DueLag();
    const visibleAt = (t0: number) => t0 + 80; // the change shows in reads 80 ms after the wait began (due at 50)
    const run = async () => {
      const t0 = Date.now();
      const polls: number[] = [];
      const v = await pollUntil({
        action: 'Describe', what: 'x', schedule: { ...DEFAULT_WAIT_SCHEDULE, initialMs: 10 }, expectedMs: 50,
        poll: async () => { polls.push(Date.now() - t0); return Date.now() >= visibleAt(t0); },
        judge: (seen) => (seen ? { kind: 'done', value: 'ok' } : { kind: 'pending', state: 'before' }),
        dueLag: { lag, key: 'k' },
      });
      expect(v).toBe('ok');
      return polls;
    };
    const first = await run();
    expect(first[0]).toBeGreaterThanOrEqual(49);
    expect(first.length).toBeGreaterThan(1);
    expect(lag.current('k')).toBeGreaterThan(0);
    const second = await run();
    expect(second[0]).toBeGreaterThan(first[0]!);
  });
});
