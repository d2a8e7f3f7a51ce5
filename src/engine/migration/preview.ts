// `plan <instance>`: the pre-flight alone, read-only; its result goes to the requester as a planned or refused event.
import type { EngineSummary, OutcomeText, ReadOnlyText } from '../../domain/job-text.ts';
import type { Plan, Refusal } from '../../domain/plan-types.ts';
import { msg } from '../../i18n/catalog.ts';
import { isStepError, toStepError } from '../step-errors.ts';
import type { JobData } from '../job-data.ts';
import { planFromLiveState } from './live-plan.ts';
import { iso, type MigrationDeps } from './step-context.ts';

export async function runPreview(d: MigrationDeps, j: JobData): Promise<unknown> {
  const at = iso();
  const cloud = d.cloudFor(j.regionId);
  let plan: Plan | undefined;
  let refusal: Refusal | undefined;
  try {
    const expectedMs = d.opts.expectedMs?.runCommand;
    const { result: res } = await planFromLiveState(cloud, j, undefined, expectedMs !== undefined ? { expectedMs } : {});
    if (res.ok) plan = res.plan; else refusal = res.refusal;
  } catch (e) {
    if (!isStepError(e)) throw e; // Redis or a bug: BullMQ retries
    const se = toStepError(e);
    await d.notifier.emit({ type: 'failed', jobId: j.jobId, at: iso(), step: 'plan', error: se });
    const text: OutcomeText = { outcome: 'failed', mapping: { state: 'untouched' },
      reasons: [{ code: 'step_failed', step: 'plan', error: se.code, message: se.message, ...(se.text ? { text: se.text } : {}) }] };
    await d.records.finish(j.jobId, j.regionId, undefined, { outcome: 'failed', error: se, summary: english(text), outcomeText: text });
    return { outcome: 'failed' };
  }
  await d.records.finish(j.jobId, j.regionId, undefined, {
    ...(plan ? { plan, summary: english(PLANNED), summaryText: PLANNED } : {}),
    ...(refusal ? refusedFields(refusal) : {}),
  });
  if (plan) await d.notifier.emit({ type: 'planned', jobId: j.jobId, at, plan });
  if (refusal) await d.notifier.emit({ type: 'refused', jobId: j.jobId, at, refusal });
  return { outcome: refusal ? 'refused' : 'planned' };
}

// The summary's facts, worded per reader; the English rendering from the same catalog for the record, logs and CLI.
const PLANNED: ReadOnlyText = { readOnly: 'planned' };
const english = (text: EngineSummary) => msg('en').outcomeText({ text });

function refusedFields(refusal: Refusal) {
  const text: OutcomeText = { outcome: 'refused', reasons: [{ code: 'refused', refusal: refusal.code, message: refusal.message }] };
  return { refusal, outcome: 'refused' as const, summary: english(text), outcomeText: text };
}
