/**
 * The message catalog: every sentence natmigrate shows, in every language, with no sentence assembled by
 * concatenation. A catalog is an object of functions from typed parameters to one whole sentence (mrkdwn or plain,
 * as the key's area says); the Japanese catalog must have exactly the English one's type, so a missing key or a
 * parameter mismatch is a type error.
 *
 * Parameters arrive already escaped for where they are shown (the caller runs untrusted text through
 * slack/mrkdwn.ts `esc`/`code`); a message function never escapes and never shows a raw outside string on its own.
 *
 * Each area of the product keeps its sentences in its own pair of files (`<area>.en.ts`, `<area>.ja.ts`) under
 * src/i18n/messages/, so no file grows past a readable size and areas can be worked on side by side.
 */
import { en as coreEn } from './messages/core.en.ts';
import { ja as coreJa } from './messages/core.ja.ts';
import { en as configEn } from './messages/config.en.ts';
import { ja as configJa } from './messages/config.ja.ts';
import { en as reportEn } from './messages/report.en.ts';
import { ja as reportJa } from './messages/report.ja.ts';
import { en as notifyEn } from './messages/notify.en.ts';
import { ja as notifyJa } from './messages/notify.ja.ts';
import { en as homeEn } from './messages/home.en.ts';
import { ja as homeJa } from './messages/home.ja.ts';
import { en as modalEn } from './messages/modal.en.ts';
import { ja as modalJa } from './messages/modal.ja.ts';
import type { Lang } from './lang.ts';
import type { SameMessages } from './message-type.ts';

const EN = { ...coreEn, ...configEn, ...reportEn, ...notifyEn, ...homeEn, ...modalEn };
export type Catalog = SameMessages<typeof EN>;

const JA: Catalog = { ...coreJa, ...configJa, ...reportJa, ...notifyJa, ...homeJa, ...modalJa };

const CATALOGS: Record<Lang, Catalog> = { en: EN as Catalog, ja: JA };

/** The catalog for one language: `msg(lang).someKey({ … })`. */
export function msg(lang: Lang): Catalog {
  return CATALOGS[lang];
}

/** Every key of the catalog (the same in every language). */
export function catalogKeys(): (keyof Catalog)[] {
  return Object.keys(EN) as (keyof Catalog)[];
}
