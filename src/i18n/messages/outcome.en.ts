// Why a job ended the way it did and its one-line summary, from the engine's codes and facts
// (src/domain/job-text.ts). Plain text: the caller escapes the whole sentence for where it is shown (the facts carry
// cloud error messages and probe output). The engine stores this English rendering in its records and logs.
import type { BatchText, EngineSummary, JobReason, OutcomeText, ReadOnlyText, SkippedFact, VerifyProblems } from '../../domain/job-text.ts';
import { STEPS, type StepName } from '../../domain/steps.ts';
import { formatDateTime } from '../time.ts';
import { en as engineEn } from './engine.en.ts';

const stepName = (step: string) => (STEPS as Record<string, { title: string } | undefined>)[step as StepName]?.title ?? step;

function problemsText(p: VerifyProblems): string {
  const lost = p.lostPorts?.length ? `port${p.lostPorts.length === 1 ? '' : 's'} ${p.lostPorts.join(', ')} answered before the cutover and not after` : '';
  return [p.ssh !== undefined ? `SSH: ${p.ssh}` : '', p.egress !== undefined ? `egress: ${p.egress}` : '', lost].filter(Boolean).join('; ');
}

function reasonText(r: JobReason, tz: string | undefined): string {
  switch (r.code) {
    case 'step_failed':
      return `${stepName(r.step)} failed: ${r.message?.includes(r.error) ? r.message : `${r.error}${r.message ? ` (${r.message})` : ''}`}`;
    case 'cancelled': return `cancelled by ${r.by}`;
    case 'rejected': return `rejected by ${r.by.join(', ')}`;
    case 'expired': return `nobody approved before ${formatDateTime(Date.parse(r.before), 'en', tz)}`;
    case 'verify_failed': return `verification failed (${problemsText(r.problems)})${r.autoRollbackOff ? '; automatic rollback is off' : ''}`;
    case 'original_unverified': return `the original mapping is back but the original path did not verify (${problemsText(r.problems)})`;
    case 'refused': return r.message;
    case 'rollback_of': return `rollback of ${r.job}`;
    case 'reconcile':
      return `${r.lost ? 'Redis lost this job\'s record; reconcile read it from its ENI\'s tags: ' : 'reconcile: '}${engineEn.reconcileSituation({ situation: r.situation })}${r.verify !== undefined ? `, but verification failed (${r.verify})` : ''}`;
    case 'child_failed':
      if (!r.outcome) return `${r.instanceId} could not be claimed (another job holds it)`;
      return `${r.instanceId}${r.canary ? ' (canary)' : ''} ended ${r.outcome}${r.text ? `: ${outcomeText(r.text, tz)}` : r.summary ? `: ${r.summary}` : ''}`;
    case 'text': return r.text;
  }
}

const reasonsText = (rs: readonly JobReason[], tz?: string) => rs.map((r) => reasonText(r, tz)).join('; then ');

function outcomeText(t: OutcomeText, tz: string | undefined): string {
  const rs = 'reasons' in t ? reasonsText(t.reasons, tz) : '';
  const reason = rs ? ` (${rs})` : '';
  switch (t.outcome) {
    case 'migrated': {
      const found = t.reconciled ? `Redis lost this job's record; reconcile read it from its ENI's tags: ${engineEn.reconcileSituation({ situation: t.reconciled })}. ` : '';
      return `${found}${t.instanceId} now receives ${t.eip} on ENI ${t.eniId} (${t.eniIp}) and egresses through SNAT as ${t.egress.join(' or ')}; verified.`;
    }
    case 'refused': return rs || 'Refused by the pre-flight; nothing changed.';
    case 'rejected': return `Rejected${reason}; the staged ENI was removed and nothing else changed.`;
    case 'expired': return `Approval expired${reason}; the staged ENI was removed and nothing else changed.`;
    case 'cancelled':
      return t.restored
        ? `Cancelled${reason} after the cutover had started; the original mapping ${t.restored.eip} → ${t.restored.originalIp} was restored and the ENI removed.`
        : `Cancelled${reason}; staging undone, the DNAT mapping was not touched.`;
    case 'restored': return `Restored${reason}: the original mapping ${t.mapping.eip} → ${t.mapping.originalIp} is back and the ENI was removed.`;
    case 'verify_failed': return `Cutover done but not verified${reason}. Use rollback to restore the original mapping.`;
    case 'rolled_back':
      return `Rolled back ${t.migrationJobId}: ${t.mapping.eip} → ${t.mapping.originalIp} is back, the ENI was removed and the original path verified.`;
    case 'failed': {
      if ('lost' in t) return `The job was lost by the queue ${t.lost.times} time${t.lost.times === 1 ? '' : 's'} at step ${t.lost.step}; check the cloud state by hand.`;
      const what = rs || (t.error ? `${t.error.code}: ${t.error.message}` : 'unknown error');
      const m = t.mapping;
      const state = m.state === 'untouched'
        ? 'The DNAT mapping was not touched.'
        : m.state === 'in_place'
          ? `The original mapping ${m.eip} → ${m.originalIp} is in place.`
          : `Needs attention: the original mapping may be missing; recreate it with CreateForwardEntry ${m.recipe}.`;
      return `Failed: ${what}. ${state}`;
    }
  }
}

const MAX_LISTED = 60;
function listIds(ids: readonly string[]): string {
  if (!ids.length) return 'none';
  return ids.length > MAX_LISTED ? `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more` : ids.join(', ');
}
const skippedText = (s: readonly SkippedFact[]) => (s.length ? ` Skipped by the pre-flight: ${listIds(s.map((x) => `${x.instanceId} (${x.code})`))}.` : '');

function batchText(t: BatchText, tz: string | undefined): string {
  switch (t.batch) {
    case 'migrated':
      return `All ${t.count} instance${t.count === 1 ? '' : 's'} migrated and verified (canary first: ${listIds(t.canaries)}); they now egress through SNAT.${skippedText(t.skipped)}`;
    case 'not_approved':
      return `${t.outcome === 'rejected' ? 'Rejected' : 'Approval expired'} (${t.reason ? reasonText(t.reason, tz) : ''}); no DNAT entry was touched. Untouched (staging undone, DNAT mappings as they were): ${listIds(t.untouched)}.${skippedText(t.skipped)}`;
    case 'stopped': {
      const head = t.reason ? `Stopped: ${reasonText(t.reason, tz).replace(/\.$/, '')}.` : 'Stopped.';
      const failed = t.failed.length
        ? ` Not migrated after release: ${t.failed.map((f) => `${f.instanceId} (${f.outcome ?? 'not claimed'})`).join(', ')}${t.allRestored ? ' — original mappings restored' : ' — see their jobs'}.`
        : '';
      return `${head} Migrated before the stop: ${listIds(t.done)}.${failed} Untouched (staging undone, DNAT mappings as they were): ${listIds(t.untouched)}.${skippedText(t.skipped)}`;
    }
    case 'nothing': {
      const skipped = t.skipped.length ? ` (${t.skipped.length} skipped: ${t.skipped.map((s) => `${s.instanceId} ${s.code}`).join(', ')})` : '';
      return `Nothing to migrate: no instance of ${t.targets.join(', ')} has a DNAT IP mapping the pre-flight accepts${skipped}.`;
    }
    case 'plan_failed': return t.message;
  }
}

/** A read-only job's summary: a dry run's plan, a scan's counts. */
function readOnlyText(t: ReadOnlyText): string {
  switch (t.readOnly) {
    case 'planned': return 'Plan only; nothing changed.';
    case 'scanned': return `${t.instances} instances, ${t.needMigration} egress through a DNAT IP mapping (${t.ready} ready to migrate, ${t.refused} refused).`;
  }
}

const summaryOf = (t: EngineSummary, tz: string | undefined) => ('batch' in t ? batchText(t, tz) : 'readOnly' in t ? readOnlyText(t) : outcomeText(t, tz));

export const en = {
  /** One reason (or the chain of them) in plain text; its times in `tz` (IANA), else in the display zone (i18n/time.ts). */
  jobReasons: (p: { reasons: readonly JobReason[]; tz?: string }) => reasonsText(p.reasons, p.tz),
  /** A finished job's (or batch's) one-line summary in plain text. */
  outcomeText: (p: { text: EngineSummary; tz?: string }) => summaryOf(p.text, p.tz),
};
