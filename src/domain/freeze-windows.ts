// Change-freeze windows (NATMIGRATE_FREEZE_WINDOWS): cutovers do not start inside one.
//
// Accepted forms, separated by ';', ',' or newlines, read in one IANA time zone:
//   2026-12-24T00:00/2026-12-27T00:00    an absolute range (local time in the zone, or with Z / ±HH:MM)
//   2026-12-24/2026-12-27                whole days
//   Fri 18:00-Mon 08:00                  weekly, may wrap the week (Mon..Sun, full names too)
//   daily 22:00-06:00                    every day, may wrap midnight
// Starts are inclusive and ends exclusive. Recurring windows follow the wall clock of the zone, so a window
// keeps its local hours across DST changes. Pure: `now` comes in; Intl.DateTimeFormat only does arithmetic.

export type FreezeWindow =
  | { kind: 'range'; start: Date; end: Date; source: string }
  | { kind: 'daily'; startMinute: number; endMinute: number; source: string }
  | { kind: 'weekly'; startMinuteOfWeek: number; endMinuteOfWeek: number; source: string };

export type FreezeParseResult = { ok: true; windows: FreezeWindow[] } | { ok: false; errors: string[] };

const DAY = 1440;
const WEEK = 7 * DAY;
const MINUTE_MS = 60_000;

// ── time zone arithmetic ───────────────────────────────────────────────────

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', weekday: 'short',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || !tz.trim()) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number }

/** Wall-clock fields of an instant in `tz`; weekday 0 = Monday. */
function localParts(ms: number, tz: string): LocalParts {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    hour: Number(p.hour) % 24, minute: Number(p.minute), second: Number(p.second),
    weekday: WEEKDAYS.indexOf((p.weekday ?? '').toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]),
  };
}

/** The wall-clock time of an instant, written as if it were UTC ("naive" ms), to the minute. */
function naiveOf(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
}

/** UTC offset (ms) of `tz` at an instant. */
function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The wall-clock time of an instant, written as if it were UTC, to the second. */
function wallOf(ms: number, tz: string): number {
  return Math.floor(ms / 1000) * 1000 + offsetAt(ms, tz);
}

/**
 * The instant a wall-clock time (naive ms) denotes in `tz`. In a DST overlap it has two answers (`prefer` picks);
 * in a DST gap it has none, and the first instant at or after that wall time is returned: the moment the clocks
 * jump (02:30 on a spring-forward night → 03:00 new time).
 */
export function localToInstant(naive: number, tz: string, prefer: 'earlier' | 'later' = 'earlier'): number {
  // Offsets a little before and after cover any transition near this wall time.
  const before = offsetAt(naive - 14 * 3_600_000, tz);
  const after = offsetAt(naive + 14 * 3_600_000, tz);
  const valid = [...new Set([before, after])]
    .map((o) => naive - o)
    .filter((t) => offsetAt(t, tz) === naive - t)
    .sort((a, b) => a - b);
  if (valid.length > 0) return prefer === 'earlier' ? valid[0]! : valid[valid.length - 1]!;
  // Gap: wall time is below `naive` at lo and above it at hi; find the jump.
  let lo = Math.min(naive - after, naive - before);
  let hi = Math.max(naive - after, naive - before);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid <= lo) break;
    if (wallOf(mid, tz) >= naive) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ── parsing ────────────────────────────────────────────────────────────────

const HELP = 'use an ISO range like 2026-12-24T00:00/2026-12-27T00:00, a weekly window like "Fri 18:00-Mon 08:00" or a daily one like "daily 22:00-06:00"';

function parseClock(h: string, m: string, allow24: boolean): number | undefined {
  const hh = Number(h);
  const mm = Number(m);
  if (hh === 24 && mm === 0 && allow24) return DAY;
  if (hh > 23 || mm > 59) return undefined;
  return hh * 60 + mm;
}

function dayIndex(name: string): number {
  const n = name.toLowerCase();
  const full = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
  const i = full.findIndex((f) => f === n || (n.length >= 3 && f.startsWith(n)));
  return i;
}

const ISO_POINT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function parseIsoPoint(s: string, tz: string): number | string {
  const m = ISO_POINT.exec(s.trim());
  if (!m) return `"${s.trim()}" is not an ISO date-time (expected e.g. 2026-12-24T00:00)`;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', zone] = m;
  const year = Number(y); const month = Number(mo); const day = Number(d);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCDate() !== day || probe.getUTCMonth() !== month - 1) return `"${s.trim()}" has no such date`;
  const clock = parseClock(h, mi, true);
  if (clock === undefined || Number(sec) > 59) return `"${s.trim()}" has no such time of day`;
  const naive = Date.UTC(year, month - 1, day) + clock * MINUTE_MS + Number(sec) * 1000;
  if (zone) {
    if (zone.toUpperCase() === 'Z') return naive;
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const off = (Number(zm[2]) * 60 + Number(zm[3])) * MINUTE_MS * (zm[1] === '-' ? -1 : 1);
    return naive - off;
  }
  return localToInstant(naive, tz);
}

function parseOne(source: string, tz: string): FreezeWindow | string {
  const s = source.trim();
  if (s.includes('/')) {
    const parts = s.split('/');
    if (parts.length !== 2) return `"${s}" has more than one '/'; ${HELP}`;
    const a = parseIsoPoint(parts[0]!, tz);
    if (typeof a === 'string') return a;
    const b = parseIsoPoint(parts[1]!, tz);
    if (typeof b === 'string') return b;
    if (b <= a) return `"${s}" ends before it starts`;
    return { kind: 'range', start: new Date(a), end: new Date(b), source: s };
  }
  const daily = /^daily\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/i.exec(s);
  if (daily) {
    const start = parseClock(daily[1]!, daily[2]!, false);
    const end = parseClock(daily[3]!, daily[4]!, true);
    if (start === undefined || end === undefined) return `"${s}" has a time that is not HH:MM between 00:00 and 24:00`;
    if (start === end % DAY) return `"${s}" is empty or covers the whole day; a freeze window needs a start and a different end`;
    return { kind: 'daily', startMinute: start, endMinute: end % DAY, source: s };
  }
  const weekly = /^([a-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*([a-z]+)\s+(\d{1,2}):(\d{2})$/i.exec(s);
  if (weekly) {
    const d1 = dayIndex(weekly[1]!);
    const d2 = dayIndex(weekly[4]!);
    if (d1 < 0 || d2 < 0) return `"${s}" names a day that is not Mon, Tue, Wed, Thu, Fri, Sat or Sun`;
    const t1 = parseClock(weekly[2]!, weekly[3]!, false);
    const t2 = parseClock(weekly[5]!, weekly[6]!, true);
    if (t1 === undefined || t2 === undefined) return `"${s}" has a time that is not HH:MM between 00:00 and 24:00`;
    const start = d1 * DAY + t1;
    const end = (d2 * DAY + t2) % WEEK;
    if (start === end) return `"${s}" is empty or covers the whole week; a freeze window needs a start and a different end`;
    return { kind: 'weekly', startMinuteOfWeek: start, endMinuteOfWeek: end, source: s };
  }
  return `"${s}" is not a freeze window; ${HELP}`;
}

export function parseFreezeWindows(text: string | undefined, tz: string): FreezeParseResult {
  if (!isValidTimeZone(tz)) return { ok: false, errors: [`unknown time zone "${tz}"; use an IANA name such as Asia/Shanghai or UTC`] };
  const windows: FreezeWindow[] = [];
  const errors: string[] = [];
  for (const item of (text ?? '').split(/[;,\n]/)) {
    if (!item.trim()) continue;
    const w = parseOne(item, tz);
    if (typeof w === 'string') errors.push(w);
    else windows.push(w);
  }
  if (errors.length === 0 && coversWholeWeek(windows)) {
    errors.push('the recurring freeze windows together cover the whole week, so no cutover could ever start');
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, windows };
}

function inSpan(x: number, start: number, end: number): boolean {
  return start < end ? x >= start && x < end : x >= start || x < end;
}

function coversWholeWeek(windows: readonly FreezeWindow[]): boolean {
  const recurring = windows.filter((w) => w.kind !== 'range');
  if (recurring.length === 0) return false;
  for (let m = 0; m < WEEK; m++) {
    const covered = recurring.some((w) => (w.kind === 'daily'
      ? inSpan(m % DAY, w.startMinute, w.endMinute)
      : w.kind === 'weekly' && inSpan(m, w.startMinuteOfWeek, w.endMinuteOfWeek)));
    if (!covered) return false;
  }
  return true;
}

// ── evaluation ─────────────────────────────────────────────────────────────

function minuteOfWeek(p: LocalParts): number {
  return p.weekday * DAY + p.hour * 60 + p.minute;
}

function contains(w: FreezeWindow, ms: number, tz: string): boolean {
  if (w.kind === 'range') return ms >= w.start.getTime() && ms < w.end.getTime();
  const p = localParts(ms, tz);
  if (w.kind === 'daily') return inSpan(p.hour * 60 + p.minute, w.startMinute, w.endMinute);
  return inSpan(minuteOfWeek(p), w.startMinuteOfWeek, w.endMinuteOfWeek);
}

/** When the window that contains `ms` ends (an instant strictly after `ms`). */
function endOf(w: FreezeWindow, ms: number, tz: string): number {
  if (w.kind === 'range') return w.end.getTime();
  const p = localParts(ms, tz);
  const [pos, end, period] = w.kind === 'daily'
    ? [p.hour * 60 + p.minute, w.endMinute, DAY]
    : [minuteOfWeek(p), w.endMinuteOfWeek, WEEK];
  const delta = ((end - pos) % period + period) % period || period;
  const endNaive = naiveOf(ms, tz) + delta * MINUTE_MS;
  // In a DST overlap the earlier reading of the wall time may lie before `ms`; then the later one is meant.
  for (const prefer of ['earlier', 'later'] as const) {
    const t = localToInstant(endNaive, tz, prefer);
    if (t > ms) return t;
  }
  return ms + MINUTE_MS;
}

export type FreezeStatus = { frozen: false } | { frozen: true; windows: string[]; until: Date };

/** Is `now` inside a freeze window, and if so until when (following back-to-back windows). */
export function freezeStatus(windows: readonly FreezeWindow[], now: Date, tz: string): FreezeStatus {
  let t = now.getTime();
  const first = windows.filter((w) => contains(w, t, tz));
  if (first.length === 0) return { frozen: false };
  // Bounded: windows are finite ranges or leave gaps each week (checked at parse time).
  for (let i = 0; i < 10_000; i++) {
    const active = windows.filter((w) => contains(w, t, tz));
    if (active.length === 0) return { frozen: true, windows: first.map((w) => w.source), until: new Date(t) };
    t = Math.max(...active.map((w) => endOf(w, t, tz)));
  }
  throw new Error('freeze windows leave no time to start a cutover');
}

/** `now` when no window is active, else the first instant after the active window(s) end. */
export function nextAllowedTime(windows: readonly FreezeWindow[], now: Date, tz: string): Date {
  const s = freezeStatus(windows, now, tz);
  return s.frozen ? s.until : now;
}
