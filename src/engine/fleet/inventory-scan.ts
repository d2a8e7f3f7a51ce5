import { buildInventory, summarizeInventory } from '../../domain/inventory.ts';
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
    // Event first: a crash before the record is final re-runs the scan (a second message), never loses it.
    await ctx.notifier.emit({ type: 'scan.finished', jobId, at: iso(), scan: { regionId: rec.regionId, target: rec.target, vpcId, summary, rows } });
    await ctx.store.finish(jobId, {
      vpcId, inventory: summary,
      summary: `${summary.instances} instances, ${summary.needMigration} egress through a DNAT IP mapping (${summary.ready} ready to migrate, ${summary.refused} refused).`,
    });
    return { outcome: 'scanned', instances: summary.instances };
  } catch (e) {
    if (!isStepError(e)) throw e; // Redis or a bug: BullMQ retries
    const error = toStepError(e);
    await ctx.notifier.emit({ type: 'failed', jobId, at: iso(), step: 'scan', error });
    await ctx.store.finish(jobId, { outcome: 'failed', error, summary: `Scan failed: ${error.code}: ${error.message}` });
    return { outcome: 'failed' };
  }
}
