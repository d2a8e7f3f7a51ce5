import type { Lang } from './lang.ts';

/**
 * A date and time as a reader of `lang` writes it, with the time zone shown: "Dec 6, 2026, 20:01:02 UTC",
 * "2026/12/06 20:01:02 UTC". Intl.DateTimeFormat (with `timeZoneName`) does the locale's order and words; the
 * zone is the display zone (below) unless one is given (an IANA name such as Asia/Tokyo), shown by its short name
 * when the locale has one ("JST" in Japanese, "EST" in English). Where the locale has none, Intl gives only an offset
 * ("GMT+9" for Tokyo in English), which does not say which zone is meant nor whether it keeps summer time, so the
 * IANA name follows it: "Dec 7, 2026, 05:01:02 GMT+9 (Asia/Tokyo)".
 */
const LOCALE: Record<Lang, string> = { en: 'en-US', ja: 'ja-JP' };

const formats = new Map<string, Intl.DateTimeFormat>();

function format(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE[lang], {
      year: 'numeric', month: lang === 'ja' ? '2-digit' : 'short', day: lang === 'ja' ? '2-digit' : 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short',
    });
    formats.set(key, f);
  }
  return f;
}

/**
 * The zone times are shown in when none is given: NATMIGRATE_TIMEZONE for what a channel reads (set once by the bot
 * at start-up; UTC otherwise), and, inside `inTimeZone`, one person's own zone for what only they see.
 */
let displayZone = 'UTC';

export function setDisplayTimeZone(timeZone: string): void {
  format('en', timeZone); // throws a RangeError on a zone Intl does not know, before anything is shown in it
  displayZone = timeZone;
}

export function displayTimeZone(): string {
  return displayZone;
}

/**
 * Renders with every time in `timeZone` (a person's Slack `tz`, for an ephemeral answer or their App Home); without
 * one, in the display zone. The render must be synchronous: the zone is put back as soon as it returns.
 */
export function inTimeZone<T>(timeZone: string | undefined, render: () => T): T {
  if (!timeZone || timeZone === displayZone) return render();
  const before = displayZone;
  displayZone = timeZone;
  try {
    const out = render();
    if (out instanceof Promise) throw new Error('inTimeZone renders synchronously only');
    return out;
  } finally {
    displayZone = before;
  }
}

/** A short zone name that is only an offset ("GMT+9", "GMT-03:30"); "UTC" and "GMT" themselves are names. */
const OFFSET_ONLY = /^(?:GMT|UTC)[+\u2212-]\d/;

export function formatDateTime(at: number | Date, lang: Lang, timeZone: string = displayZone): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const parts = format(lang, timeZone).formatToParts(new Date(ms));
  const text = parts.map((p) => p.value).join('');
  const zone = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  // Etc/GMT-9 is itself an offset (with the sign reversed): the offset Intl shows says it better.
  return OFFSET_ONLY.test(zone) && !timeZone.startsWith('Etc/') ? `${text} (${timeZone})` : text;
}
