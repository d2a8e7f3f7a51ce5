// The one-line summary a finished job carries (its record, the `finished` event, the status card): the facts as
// codes (src/domain/job-text.ts), which Slack words in the reader's language, and their English rendering from the
// same catalog for the record, the logs and the CLI.
import { canonicalJson } from '../../domain/canonical.ts';
import type { JobOutcome } from '../../domain/events.ts';
import type { JobReason, OutcomeText } from '../../domain/job-text.ts';
import { msg } from '../../i18n/catalog.ts';
import type { JobData } from '../job-data.ts';

/** Records why the job leaves its happy path: `append` keeps the first reason in front (a failure while undoing). */
export function noteReason(j: JobData, r: JobReason, mode: 'replace' | 'append' = 'replace'): void {
  j.reasons = mode === 'append' && j.reasons?.length ? [...j.reasons, r] : [r];
  j.reason = msg('en').jobReasons({ reasons: j.reasons });
}

/** The summary's facts. A job journalled before reasons were codes keeps its English reason as data. */
export function outcomeFacts(j: JobData, outcome: JobOutcome): OutcomeText {
  const reasons: JobReason[] = j.reasons?.length ? j.reasons : j.reason ? [{ code: 'text', text: j.reason }] : [];
  const p = j.plan;
  const eip = p?.entryToDelete.externalIp ?? j.original?.restoreRecipe.externalIp ?? '';
  const originalIp = j.original?.restoreRecipe.internalIp ?? '';
  switch (outcome) {
    case 'migrated':
      return { outcome, instanceId: j.instanceId, eip, eniId: j.eniId ?? '', eniIp: j.eniIp ?? '', egress: p?.expectedEgressIps ?? [] };
    case 'refused': case 'rejected': case 'expired': case 'verify_failed': return { outcome, reasons };
    case 'cancelled':
      return { outcome, reasons, ...(j.original && j.restoredEntryId ? { restored: { eip, originalIp } } : {}) };
    case 'restored': return { outcome, reasons, mapping: { eip, originalIp } };
    case 'rolled_back': return { outcome, migrationJobId: j.migrationJobId ?? '', mapping: { eip, originalIp } };
    case 'failed': {
      const e = j.error;
      const mapping = !j.original
        ? { state: 'untouched' as const }
        : j.restoredEntryId
          ? { state: 'in_place' as const, eip, originalIp }
          : { state: 'missing' as const, recipe: canonicalJson(j.original.restoreRecipe) };
      return { outcome, reasons, ...(e ? { error: { code: e.code, message: e.message } } : {}), mapping };
    }
  }
}

/** The summary's facts and their English sentence. */
export function outcomeSummaryOf(j: JobData, outcome: JobOutcome): { summary: string; text: OutcomeText } {
  const text = outcomeFacts(j, outcome);
  return { summary: msg('en').outcomeText({ text }), text };
}

/** The English summary alone (logs, tests). */
export function outcomeSummary(j: JobData, outcome: JobOutcome): string {
  return outcomeSummaryOf(j, outcome).summary;
}
