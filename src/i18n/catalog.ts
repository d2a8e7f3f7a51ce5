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
import { en as commonEn } from './messages/common.en.ts';
import { ja as commonJa } from './messages/common.ja.ts';
import { en as auditEn } from './messages/audit.en.ts';
import { ja as auditJa } from './messages/audit.ja.ts';
import { en as cardEn } from './messages/card.en.ts';
import { ja as cardJa } from './messages/card.ja.ts';
import { en as planEn } from './messages/plan.en.ts';
import { ja as planJa } from './messages/plan.ja.ts';
import { en as approvalEn } from './messages/approval.en.ts';
import { ja as approvalJa } from './messages/approval.ja.ts';
import { en as batchEn } from './messages/batch.en.ts';
import { ja as batchJa } from './messages/batch.ja.ts';
import { en as fleetEn } from './messages/fleet.en.ts';
import { ja as fleetJa } from './messages/fleet.ja.ts';
import { en as commandsEn } from './messages/commands.en.ts';
import { ja as commandsJa } from './messages/commands.ja.ts';
import { en as helpEn } from './messages/help.en.ts';
import { ja as helpJa } from './messages/help.ja.ts';
import { en as statusEn } from './messages/status.en.ts';
import { ja as statusJa } from './messages/status.ja.ts';
import { en as clicksEn } from './messages/clicks.en.ts';
import { ja as clicksJa } from './messages/clicks.ja.ts';
import { en as demoEn } from './messages/demo.en.ts';
import { ja as demoJa } from './messages/demo.ja.ts';
import { en as progressEn } from './messages/progress.en.ts';
import { en as demoFailureEn } from './messages/demo-failure.en.ts';
import { ja as demoFailureJa } from './messages/demo-failure.ja.ts';
import { ja as progressJa } from './messages/progress.ja.ts';
import { en as engineEn } from './messages/engine.en.ts';
import { ja as engineJa } from './messages/engine.ja.ts';
import { en as reportEn } from './messages/report.en.ts';
import { ja as reportJa } from './messages/report.ja.ts';
import { en as notifyEn } from './messages/notify.en.ts';
import { ja as notifyJa } from './messages/notify.ja.ts';
import { en as homeEn } from './messages/home.en.ts';
import { ja as homeJa } from './messages/home.ja.ts';
import { en as modalEn } from './messages/modal.en.ts';
import { ja as modalJa } from './messages/modal.ja.ts';
import { en as guestEn } from './messages/guest.en.ts';
import { ja as guestJa } from './messages/guest.ja.ts';
import { en as outcomeEn } from './messages/outcome.en.ts';
import { ja as outcomeJa } from './messages/outcome.ja.ts';
import { en as parserEn } from './messages/parser.en.ts';
import { ja as parserJa } from './messages/parser.ja.ts';
import type { Lang } from './lang.ts';
import type { SameMessages } from './message-type.ts';

const EN = { ...coreEn, ...configEn, ...commonEn, ...auditEn, ...cardEn, ...planEn, ...approvalEn, ...batchEn, ...fleetEn, ...commandsEn, ...helpEn, ...statusEn, ...clicksEn, ...demoEn, ...progressEn, ...demoFailureEn, ...engineEn, ...reportEn, ...notifyEn, ...homeEn, ...modalEn, ...guestEn, ...outcomeEn, ...parserEn };
export type Catalog = SameMessages<typeof EN>;

const JA: Catalog = { ...coreJa, ...configJa, ...commonJa, ...auditJa, ...cardJa, ...planJa, ...approvalJa, ...batchJa, ...fleetJa, ...commandsJa, ...helpJa, ...statusJa, ...clicksJa, ...demoJa, ...progressJa, ...demoFailureJa, ...engineJa, ...reportJa, ...notifyJa, ...homeJa, ...modalJa, ...guestJa, ...outcomeJa, ...parserJa };

const CATALOGS: Record<Lang, Catalog> = { en: EN as Catalog, ja: JA };

/** The catalog for one language: `msg(lang).someKey({ … })`. */
export function msg(lang: Lang): Catalog {
  return CATALOGS[lang];
}

/** Every key of the catalog (the same in every language). */
export function catalogKeys(): (keyof Catalog)[] {
  return Object.keys(EN) as (keyof Catalog)[];
}
