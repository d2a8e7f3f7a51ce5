// The one-line account a finished batch carries: what migrated, what was restored, what was left untouched. The
// facts are codes (src/domain/job-text.ts BatchText), worded per reader by the catalog; the English for the record
// and the logs comes from the same catalog.
import type { BatchItem, BatchItemStatus, BatchPlan } from '../../domain/batch-plan.ts';
import type { JobOutcome } from '../../domain/events.ts';
import type { BatchText, JobReason } from '../../domain/job-text.ts';
import { msg } from '../../i18n/catalog.ts';
import type { BatchRecord } from '../store/fleet-records.ts';

/** Why the batch stopped as a reason code; a record written before stops carried codes keeps its English as data. */
export function stopReason(stop: NonNullable<BatchRecord['stop']>): JobReason {
  return stop.why ?? { code: 'text', text: stop.reason };
}

export function batchSummary(plan: BatchPlan, stop: BatchRecord['stop'], statusOf: (item: BatchItem) => BatchItemStatus,
  childOutcome: (instanceId: string) => JobOutcome | undefined): { outcome: JobOutcome; summary: string; text: BatchText } {
  const { outcome, text } = batchFacts(plan, stop, statusOf, childOutcome);
  return { outcome, summary: msg('en').outcomeText({ text }), text };
}

function batchFacts(plan: BatchPlan, stop: BatchRecord['stop'], statusOf: (item: BatchItem) => BatchItemStatus,
  childOutcome: (instanceId: string) => JobOutcome | undefined): { outcome: JobOutcome; text: BatchText } {
  const by = (s: BatchItemStatus) => plan.items.filter((i) => statusOf(i) === s).map((i) => i.instanceId);
  const done = by('done');
  const failed = by('failed');
  const untouched = by('untouched');
  const skipped = plan.skipped.map((s) => ({ instanceId: s.instanceId, code: s.code }));
  if (!stop && done.length === plan.items.length) {
    return { outcome: 'migrated', text: { batch: 'migrated', count: done.length, canaries: plan.items.filter((i) => i.canary).map((i) => i.instanceId), skipped } };
  }
  if (stop?.kind === 'rejected' || stop?.kind === 'expired') {
    return { outcome: stop.kind, text: { batch: 'not_approved', outcome: stop.kind, reason: stopReason(stop), untouched, skipped } };
  }
  const restored = failed.filter((id) => {
    const o = childOutcome(id);
    return o === 'restored' || o === 'cancelled' || o === 'refused';
  });
  const outcome: JobOutcome = stop?.kind === 'cancelled' ? 'cancelled' : failed.length && restored.length === failed.length ? 'restored' : 'failed';
  return {
    outcome,
    text: {
      batch: 'stopped', ...(stop ? { reason: stopReason(stop) } : {}), done,
      failed: failed.map((id) => { const o = childOutcome(id); return { instanceId: id, ...(o ? { outcome: o } : {}) }; }),
      allRestored: restored.length === failed.length, untouched, skipped,
    },
  };
}
