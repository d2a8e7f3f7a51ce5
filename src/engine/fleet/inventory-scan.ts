import { buildInventory, summarizeInventory } from '../../domain/inventory.ts';
import type { OutcomeText, ReadOnlyText } from '../../domain/job-text.ts';
import { msg } from '../../i18n/catalog.ts';
import { iso, type FleetContext } from './context.ts';
import type { ScanRecord } from '../store/fleet-records.ts';
import { isStepError, toStepError } from '../step-errors.ts';
import { gatherVpcState, vpcOfTarget } from './vpc-snapshot.ts';

/**
 * `scan <ngw|vpc>`: one read of the VPC (every page of instances, ENIs, DNAT and SNAT entries), then the planner
 * per instance on that snapshot. Read-only. The whole inventory goes out as one `scan.finished` event.
 */
export async function runScan(ctx: FleetContext, jobId: string): Promise<unknown> {
  const rec = await ctx.store.get<ScanRecord>(jobId);
  if (!rec || rec.kind !== 'scan') return { outcome: 'unknown' };
  if (rec.state === 'finished') return { outcome: 'scanned' };
  const cloud = ctx.cloudFor(rec.regionId);
  try {
    await ctx.store.patch(jobId, { state: 'running' });
    const vpcId = await vpcOfTarget(cloud, rec.target);
    const state = await gatherVpcState(cloud, vpcId);
    const rows = buildInventory(state);
    const summary = summarizeInventory(rows);
    const scanned: ReadOnlyText = { readOnly: 'scanned', instances: summary.instances, needMigration: summary.needMigration, ready: summary.ready, refused: summary.refused };
    // Event first: a crash before the record is final re-runs the scan (a second message), never loses it.
    await ctx.notifier.emit({ type: 'scan.finished', jobId, at: iso(), scan: { regionId: rec.regionId, target: rec.target, vpcId, summary, rows } });
    await ctx.store.finish(jobId, {
      vpcId, inventory: summary, summary: msg('en').outcomeText({ text: scanned }), summaryText: scanned,
    });
    return { outcome: 'scanned', instances: summary.instances };
  } catch (e) {
    if (!isStepError(e)) throw e; // Redis or a bug: BullMQ retries
    const error = toStepError(e);
    await ctx.notifier.emit({ type: 'failed', jobId, at: iso(), step: 'scan', error });
    const text: OutcomeText = { outcome: 'failed', mapping: { state: 'untouched' },
      reasons: [{ code: 'step_failed', step: 'scan', error: error.code, message: error.message, ...(error.text ? { text: error.text } : {}) }] };
    await ctx.store.finish(jobId, { outcome: 'failed', error, summary: msg('en').outcomeText({ text }), summaryText: text });
    return { outcome: 'failed' };
  }
}
