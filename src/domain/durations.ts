// Human durations for configuration (NATMIGRATE_APPROVAL_TTL=30m, intervals, timeouts): `90s`, `30m`, `2h`, `1d`,
// `500ms`, and compounds such as `1h30m`. A bare number is refused: "30" could mean seconds or minutes.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000, sec: 1_000, secs: 1_000, second: 1_000, seconds: 1_000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

export function parseDuration(text: string): DurationResult {
  if (typeof text !== 'string') return { ok: false, error: 'a duration must be text such as 30m' };
  const s = text.trim().toLowerCase();
  if (!s) return { ok: false, error: 'empty duration; use something like 90s, 30m, 2h or 1d' };
  if (/^\d+(\.\d+)?$/.test(s)) return { ok: false, error: `"${text.trim()}" has no unit; write e.g. ${s}s or ${s}m` };
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let ms = 0;
  let pos = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) return { ok: false, error: `"${text.trim()}" is not a duration; use something like 90s, 30m, 2h, 1d or 1h30m` };
    const unit = UNIT_MS[m[2]!];
    if (unit === undefined) return { ok: false, error: `unknown unit "${m[2]}" in "${text.trim()}"; use ms, s, m, h, d or w` };
    ms += Number(m[1]) * unit;
    pos = part.lastIndex;
  }
  ms = Math.round(ms);
  if (!Number.isSafeInteger(ms)) return { ok: false, error: `"${text.trim()}" is too long` };
  return { ok: true, ms };
}

/** Like parseDuration but throws Error(message) — for configuration parsing where a bad value should stop startup. */
export function durationMs(text: string): number {
  const r = parseDuration(text);
  if (!r.ok) throw new Error(r.error);
  return r.ms;
}

/** 5_400_000 → '1h 30m'; 0 → '0s'; sub-second values → '250ms'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ') || '0s';
}
