// The one-line account a finished batch carries: what migrated, what was restored, what was left untouched.
import type { BatchItem, BatchItemStatus, BatchPlan } from '../../domain/batch-plan.ts';
import type { JobOutcome } from '../../domain/events.ts';
import type { BatchRecord } from '../store/fleet-records.ts';

const MAX_LISTED = 60;

function listIds(ids: string[]): string {
  if (!ids.length) return 'none';
  return ids.length > MAX_LISTED ? `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more` : ids.join(', ');
}

export function batchSummary(plan: BatchPlan, stop: BatchRecord['stop'], statusOf: (item: BatchItem) => BatchItemStatus,
  childOutcome: (instanceId: string) => JobOutcome | undefined): { outcome: JobOutcome; summary: string } {
  const by = (s: BatchItemStatus) => plan.items.filter((i) => statusOf(i) === s).map((i) => i.instanceId);
  const done = by('done');
  const failed = by('failed');
  const untouched = by('untouched');
  const skipped = plan.skipped.length ? ` Skipped by the pre-flight: ${listIds(plan.skipped.map((s) => `${s.instanceId} (${s.code})`))}.` : '';
  if (!stop && done.length === plan.items.length) {
    return { outcome: 'migrated', summary: `All ${done.length} instance${done.length === 1 ? '' : 's'} migrated and verified (canary first: ${listIds(plan.items.filter((i) => i.canary).map((i) => i.instanceId))}); they now egress through SNAT.${skipped}` };
  }
  const untouchedText = `Untouched (staging undone, DNAT mappings as they were): ${listIds(untouched)}.`;
  if (stop?.kind === 'rejected' || stop?.kind === 'expired') {
    return { outcome: stop.kind, summary: `${stop.kind === 'rejected' ? 'Rejected' : 'Approval expired'} (${stop.reason}); no DNAT entry was touched. ${untouchedText}${skipped}` };
  }
  const restored = failed.filter((id) => {
    const o = childOutcome(id);
    return o === 'restored' || o === 'cancelled' || o === 'refused';
  });
  const outcome: JobOutcome = stop?.kind === 'cancelled' ? 'cancelled' : failed.length && restored.length === failed.length ? 'restored' : 'failed';
  const head = stop ? `Stopped: ${stop.reason}.` : 'Stopped.';
  const failedText = failed.length
    ? ` Not migrated after release: ${failed.map((id) => `${id} (${childOutcome(id) ?? 'not claimed'})`).join(', ')}${restored.length === failed.length ? ' — original mappings restored' : ' — see their jobs'}.`
    : '';
  return { outcome, summary: `${head} Migrated before the stop: ${listIds(done)}.${failedText} ${untouchedText}${skipped}` };
}
