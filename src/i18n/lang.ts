/**
 * The languages natmigrate speaks. Thread messages use the channel's language (NATMIGRATE_LANGUAGE, or a per-channel
 * override); ephemeral answers use the user's Slack locale (users.info with include_locale returns e.g. "ja-JP").
 */
export const LANGS = ['en', 'ja'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}

/** A Slack locale ("ja-JP", "en-US", "en-GB", …) as one of our languages; anything we do not speak is English. */
export function langOfSlackLocale(locale: string | undefined): Lang {
  if (!locale) return 'en';
  const base = locale.toLowerCase().split(/[-_]/)[0] ?? '';
  return isLang(base) ? base : 'en';
}
