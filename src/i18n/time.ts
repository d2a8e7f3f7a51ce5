import type { Lang } from './lang.ts';

/**
 * A date and time as a reader of `lang` writes it, with the time zone shown: "Dec 6, 2026, 20:01:02 UTC",
 * "2026/12/06 20:01:02 UTC". Intl.DateTimeFormat (with `timeZoneName`) does the locale's order and words; the
 * zone is UTC unless one is given (an IANA name such as Asia/Tokyo, shown as its short name, e.g. "JST").
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

export function formatDateTime(at: number | Date, lang: Lang, timeZone = 'UTC'): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return format(lang, timeZone).format(new Date(ms));
}
