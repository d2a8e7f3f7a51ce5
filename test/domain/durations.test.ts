import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration, parseDuration } from '../../src/domain/durations.ts';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000], ['2h', 7_200_000], ['90s', 90_000], ['1d', 86_400_000], ['500ms', 500], ['1w', 604_800_000],
    ['1h30m', 5_400_000], ['1h 30m', 5_400_000], [' 45 s ', 45_000], ['1.5h', 5_400_000], ['30M', 1_800_000],
    ['10 minutes', 600_000], ['2 hours', 7_200_000], ['0s', 0],
  ])('%j → %d ms', (s, ms) => {
    expect(parseDuration(s)).toEqual({ ok: true, ms });
    expect(durationMs(s)).toBe(ms);
  });

  it.each([
    ['', /empty duration/],
    ['30', /has no unit; write e.g. 30s or 30m/],
    ['30x', /unknown unit "x"/],
    ['m30', /is not a duration/],
    ['-5m', /is not a duration/],
    ['1h-', /is not a duration/],
    ['9999999999999999999d', /too long/],
  ])('%j is refused', (s, msg) => {
    const r = parseDuration(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
    expect(() => durationMs(s)).toThrow(msg);
  });

  it.each([
    [0, '0s'], [250, '250ms'], [90_000, '1m 30s'], [5_400_000, '1h 30m'], [86_400_000 + 60_000, '1d 1m'],
  ])('formatDuration(%d) → %s', (ms, s) => {
    expect(formatDuration(ms)).toBe(s);
  });
});
