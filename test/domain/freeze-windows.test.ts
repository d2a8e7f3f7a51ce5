import { describe, expect, it } from 'vitest';
import {
  freezeStatus, isValidTimeZone, localToInstant, nextAllowedTime, parseFreezeWindows,
} from '../../src/domain/freeze-windows.ts';
import type { FreezeWindow } from '../../src/domain/freeze-windows.ts';

function windows(text: string, tz: string): FreezeWindow[] {
  const r = parseFreezeWindows(text, tz);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.windows;
}
const iso = (d: Date) => d.toISOString();

describe('parseFreezeWindows', () => {
  it('parses every form', () => {
    const w = windows('2026-12-24T00:00/2026-12-27T00:00; Fri 18:00-Mon 08:00, daily 22:00-06:00\n2026-12-31/2027-01-02; 2026-12-01T00:00Z/2026-12-01T12:00+08:00', 'Asia/Shanghai');
    expect(w).toEqual([
      { kind: 'range', start: new Date('2026-12-23T16:00:00Z'), end: new Date('2026-12-26T16:00:00Z'), source: '2026-12-24T00:00/2026-12-27T00:00' },
      { kind: 'weekly', startMinuteOfWeek: 4 * 1440 + 18 * 60, endMinuteOfWeek: 8 * 60, source: 'Fri 18:00-Mon 08:00' },
      { kind: 'daily', startMinute: 22 * 60, endMinute: 6 * 60, source: 'daily 22:00-06:00' },
      { kind: 'range', start: new Date('2026-12-30T16:00:00Z'), end: new Date('2027-01-01T16:00:00Z'), source: '2026-12-31/2027-01-02' },
      { kind: 'range', start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-01T04:00:00Z'), source: '2026-12-01T00:00Z/2026-12-01T12:00+08:00' },
    ]);
  });

  it('refuses a range given with offsets that ends before it starts', () => {
    expect(parseFreezeWindows('2026-12-01T00:00Z/2026-12-01T06:00+08:00', 'UTC')).toEqual({ ok: false, errors: ['"2026-12-01T00:00Z/2026-12-01T06:00+08:00" ends before it starts'] });
  });

  it.each([
    ['', []],
    ['  ;  ,\n', []],
    ['FRIDAY 18:00-monday 08:00', [{ kind: 'weekly', startMinuteOfWeek: 4 * 1440 + 1080, endMinuteOfWeek: 480, source: 'FRIDAY 18:00-monday 08:00' }]],
    ['Daily 9:00 - 17:30', [{ kind: 'daily', startMinute: 540, endMinute: 1050, source: 'Daily 9:00 - 17:30' }]],
    ['daily 20:00-24:00', [{ kind: 'daily', startMinute: 1200, endMinute: 0, source: 'daily 20:00-24:00' }]],
    ['Sat 00:00-Sun 24:00', [{ kind: 'weekly', startMinuteOfWeek: 5 * 1440, endMinuteOfWeek: 0, source: 'Sat 00:00-Sun 24:00' }]],
  ])('%j', (text, expected) => {
    expect(parseFreezeWindows(text, 'UTC')).toEqual({ ok: true, windows: expected });
  });

  it.each([
    ['tomorrow', /"tomorrow" is not a freeze window; use an ISO range like/],
    ['2026-13-01T00:00/2026-12-27T00:00', /"2026-13-01T00:00" has no such date/],
    ['2026-02-30/2026-03-02', /has no such date/],
    ['2026-12-27T00:00/2026-12-24T00:00', /ends before it starts/],
    ['2026-12-24T25:00/2026-12-27T00:00', /has no such time of day/],
    ['2026-12-24/2026-12-25/2026-12-26', /more than one '\/'/],
    ['Fri 18:00-Mon 8', /is not a freeze window/],
    ['Fry 18:00-Mon 08:00', /names a day that is not Mon/],
    ['Fri 18:60-Mon 08:00', /not HH:MM/],
    ['daily 22:00-22:00', /is empty or covers the whole day/],
    ['daily 00:00-24:00', /is empty or covers the whole day/],
    ['Mon 00:00-Mon 00:00', /is empty or covers the whole week/],
    ['daily 00:00-12:00; daily 12:00-24:00', /cover the whole week, so no cutover could ever start/],
  ])('refuses %j', (text, msg) => {
    const r = parseFreezeWindows(text, 'UTC');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(msg);
  });

  it('collects every error and checks the time zone', () => {
    expect(parseFreezeWindows('nope; daily 1:00-1:00', 'UTC')).toMatchObject({ ok: false, errors: [expect.stringMatching(/nope/), expect.stringMatching(/empty/)] });
    expect(parseFreezeWindows('daily 22:00-06:00', 'Mars/Olympus')).toEqual({ ok: false, errors: ['unknown time zone "Mars/Olympus"; use an IANA name such as Asia/Shanghai or UTC'] });
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('nextAllowedTime in Asia/Shanghai (UTC+8)', () => {
  const tz = 'Asia/Shanghai';
  // 2026-11-27 is a Friday.
  const weekly = windows('Fri 18:00-Mon 08:00', tz);
  const daily = windows('daily 22:00-06:00', tz);
  const both = windows('Fri 18:00-Mon 08:00; daily 22:00-06:00', tz);

  it.each([
    ['weekly: Friday before the window', weekly, '2026-11-27T09:59:00Z', '2026-11-27T09:59:00Z'],
    ['weekly: Friday 18:00 starts it', weekly, '2026-11-27T10:00:00Z', '2026-11-30T00:00:00Z'],
    ['weekly: Sunday noon', weekly, '2026-11-29T04:00:00Z', '2026-11-30T00:00:00Z'],
    ['weekly: Monday 07:59:30', weekly, '2026-11-29T23:59:30Z', '2026-11-30T00:00:00Z'],
    ['weekly: Monday 08:00 is open', weekly, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z'],
    ['weekly: Wednesday', weekly, '2026-12-02T04:00:00Z', '2026-12-02T04:00:00Z'],
    ['daily: 23:30 → 06:00 next day (midnight wrap)', daily, '2026-12-01T15:30:00Z', '2026-12-01T22:00:00Z'],
    ['daily: 05:59 → 06:00', daily, '2026-12-01T21:59:00Z', '2026-12-01T22:00:00Z'],
    ['daily: 06:00 is open', daily, '2026-12-01T22:00:00Z', '2026-12-01T22:00:00Z'],
    ['daily: 21:59 is open', daily, '2026-12-01T13:59:00Z', '2026-12-01T13:59:00Z'],
    ['both: Friday 23:00 → Monday 08:00 (overlapping windows)', both, '2026-11-27T15:00:00Z', '2026-11-30T00:00:00Z'],
    ['both: Thursday 23:00 → Friday 06:00', both, '2026-11-26T15:00:00Z', '2026-11-26T22:00:00Z'],
  ])('%s', (_name, w, now, expected) => {
    expect(iso(nextAllowedTime(w, new Date(now), tz))).toBe(new Date(expected).toISOString());
  });

  it('follows back-to-back windows (daily then an ISO range)', () => {
    const w = windows('daily 22:00-06:00; 2026-12-02T06:00/2026-12-02T12:00', tz);
    expect(iso(nextAllowedTime(w, new Date('2026-12-01T15:00:00Z'), tz))).toBe('2026-12-02T04:00:00.000Z');
    expect(freezeStatus(w, new Date('2026-12-01T15:00:00Z'), tz)).toEqual({ frozen: true, windows: ['daily 22:00-06:00'], until: new Date('2026-12-02T04:00:00Z') });
    expect(freezeStatus(w, new Date('2026-12-02T05:00:00Z'), tz)).toEqual({ frozen: false });
  });

  it('ISO ranges: start inclusive, end exclusive', () => {
    const w = windows('2026-12-24T00:00/2026-12-27T00:00', tz);
    expect(iso(nextAllowedTime(w, new Date('2026-12-23T15:59:59Z'), tz))).toBe('2026-12-23T15:59:59.000Z');
    expect(iso(nextAllowedTime(w, new Date('2026-12-23T16:00:00Z'), tz))).toBe('2026-12-26T16:00:00.000Z');
    expect(iso(nextAllowedTime(w, new Date('2026-12-26T16:00:00Z'), tz))).toBe('2026-12-26T16:00:00.000Z');
  });

  it('wraps the end of the week (Sun 22:00-Mon 02:00)', () => {
    const w = windows('Sun 22:00-Mon 02:00', tz);
    // Sunday 2026-11-29 23:00 local = 15:00Z; Monday 01:00 local = 17:00Z.
    expect(iso(nextAllowedTime(w, new Date('2026-11-29T15:00:00Z'), tz))).toBe('2026-11-29T18:00:00.000Z');
    expect(iso(nextAllowedTime(w, new Date('2026-11-29T17:00:00Z'), tz))).toBe('2026-11-29T18:00:00.000Z');
    expect(iso(nextAllowedTime(w, new Date('2026-11-29T13:59:00Z'), tz))).toBe('2026-11-29T13:59:00.000Z');
  });

  it('no windows → now', () => {
    expect(iso(nextAllowedTime([], new Date('2026-11-27T10:00:00Z'), tz))).toBe('2026-11-27T10:00:00.000Z');
  });
});

describe('DST (America/New_York: 2026-03-08 02:00→03:00, 2026-11-01 02:00→01:00; Europe/Berlin 2026-10-25)', () => {
  const ny = 'America/New_York';

  it.each([
    ['spring forward: daily 01:00-03:00 at 01:30 EST ends at 03:00 EDT', 'daily 01:00-03:00', '2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z'],
    ['spring forward: a window ending in the gap ends when the clocks jump', 'daily 00:00-02:30', '2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z'],
    ['spring forward: a window starting in the gap is active after the jump', 'daily 02:30-04:00', '2026-03-08T07:15:00Z', '2026-03-08T08:00:00Z'],
    ['fall back: first 01:30 (EDT) → 02:00 EST', 'daily 01:00-02:00', '2026-11-01T05:30:00Z', '2026-11-01T07:00:00Z'],
    ['fall back: second 01:30 (EST) → 02:00 EST', 'daily 01:00-02:00', '2026-11-01T06:30:00Z', '2026-11-01T07:00:00Z'],
    ['fall back: a window ending at the repeated 01:30 ends at its first occurrence', 'daily 00:00-01:30', '2026-11-01T04:30:00Z', '2026-11-01T05:30:00Z'],
    ['fall back: the wall clock keeps local hours (22:00-06:00 lasts 9 real hours)', 'daily 22:00-06:00', '2026-11-01T02:00:00Z', '2026-11-01T11:00:00Z'],
    ['a normal day keeps local hours (22:00-06:00 EST)', 'daily 22:00-06:00', '2026-11-10T03:00:00Z', '2026-11-10T11:00:00Z'],
  ])('%s', (_name, text, now, expected) => {
    expect(iso(nextAllowedTime(windows(text, ny), new Date(now), ny))).toBe(new Date(expected).toISOString());
  });

  it('Berlin weekly window across the October change (Sat 22:00 CEST → Sun 04:00 CET)', () => {
    const tz = 'Europe/Berlin';
    expect(iso(nextAllowedTime(windows('Sat 22:00-Sun 04:00', tz), new Date('2026-10-24T21:00:00Z'), tz))).toBe('2026-10-25T03:00:00.000Z');
  });

  it('ISO local times: in a gap they mean the jump; in an overlap the first occurrence', () => {
    const w = windows('2026-03-08T02:30/2026-11-01T01:30', ny);
    expect(w[0]).toMatchObject({ start: new Date('2026-03-08T07:00:00Z'), end: new Date('2026-11-01T05:30:00Z') });
  });

  it('localToInstant picks earlier/later in an overlap', () => {
    const naive = Date.UTC(2026, 10, 1, 1, 30);
    expect(new Date(localToInstant(naive, ny, 'earlier')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(localToInstant(naive, ny, 'later')).toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });
});
