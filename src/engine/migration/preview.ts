// `plan <instance>`: the pre-flight alone, read-only; its result goes to the requester as a planned or refused event.
import type { Plan, Refusal } from '../../domain/plan-types.ts';
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
    await d.records.finish(j.jobId, j.regionId, undefined, { outcome: 'failed', error: se, summary: `Pre-flight failed: ${se.code}: ${se.message}` });
    return { outcome: 'failed' };
  }
  await d.records.finish(j.jobId, j.regionId, undefined, {
    ...(plan ? { plan, summary: 'Plan only; nothing changed.' } : {}),
    ...(refusal ? { refusal, outcome: 'refused' as const, summary: refusal.message } : {}),
  });
  if (plan) await d.notifier.emit({ type: 'planned', jobId: j.jobId, at, plan });
  if (refusal) await d.notifier.emit({ type: 'refused', jobId: j.jobId, at, refusal });
  return { outcome: refusal ? 'refused' : 'planned' };
}
