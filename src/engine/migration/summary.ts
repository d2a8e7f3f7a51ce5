// The one-line summary a finished job carries (its record, the `finished` event, the status card).
import { canonicalJson } from '../../domain/canonical.ts';
import type { JobOutcome } from '../../domain/events.ts';
import type { JobData } from '../job-data.ts';

export function outcomeSummary(j: JobData, outcome: JobOutcome): string {
  const p = j.plan;
  const eip = p?.entryToDelete.externalIp ?? j.original?.restoreRecipe.externalIp;
  const originalIp = j.original?.restoreRecipe.internalIp;
  const reason = j.reason ? ` (${j.reason})` : '';
  switch (outcome) {
    case 'migrated':
      return `${j.instanceId} now receives ${eip} on ENI ${j.eniId} (${j.eniIp}) and egresses through SNAT as ${p?.expectedEgressIps.join(' or ')}; verified.`;
    case 'refused': return j.reason ?? 'Refused by the pre-flight; nothing changed.';
    case 'rejected': return `Rejected${reason}; the staged ENI was removed and nothing else changed.`;
    case 'expired': return `Approval expired${reason}; the staged ENI was removed and nothing else changed.`;
    case 'cancelled':
      return j.original && j.restoredEntryId
        ? `Cancelled${reason} after the cutover had started; the original mapping ${eip} → ${originalIp} was restored and the ENI removed.`
        : `Cancelled${reason}; staging undone, the DNAT mapping was not touched.`;
    case 'restored':
      return `Restored${reason}: the original mapping ${eip} → ${originalIp} is back and the ENI was removed.`;
    case 'verify_failed': return `Cutover done but not verified${reason}. Use rollback to restore the original mapping.`;
    case 'rolled_back':
      return `Rolled back ${j.migrationJobId}: ${eip} → ${originalIp} is back, the ENI was removed and the original path verified.`;
    case 'failed': {
      const e = j.error;
      const what = j.reason ?? (e ? `${e.code}: ${e.message}` : 'unknown error');
      const state = !j.original
        ? 'The DNAT mapping was not touched.'
        : j.restoredEntryId
          ? `The original mapping ${eip} → ${originalIp} is in place.`
          : `Needs attention: the original mapping may be missing; recreate it with CreateForwardEntry ${canonicalJson(j.original.restoreRecipe)}.`;
      return `Failed: ${what}. ${state}`;
    }
  }
}
