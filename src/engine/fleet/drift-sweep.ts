// The drift sweep: a BullMQ Job Scheduler runs it every NATMIGRATE_DRIFT_INTERVAL over
// NATMIGRATE_DRIFT_NAT_GATEWAYS and posts to NATMIGRATE_DRIFT_CHANNEL each instance that (again) has a DNAT IP
// mapping or egresses from an unexpected IP, and each migrated instance that no longer answers SSH on its EIP. Each drift is reported once: its fingerprint (what drifted: entry id
// and EIP, or egress kind and IP) is remembered per instance in a Redis hash; a sweep that no longer sees the
// drift forgets it, so a drift that goes away and comes back is reported again.
import type { Queue } from 'bullmq';
import { detectDrifts } from '../../domain/drift.ts';
import type { DriftAlert } from '../../domain/events.ts';
import type { DriftSweepSettings } from '../options.ts';
import { iso, type FleetContext, type FleetJobData } from './context.ts';
import type { DriftRecord } from '../store/fleet-records.ts';
import { gatherVpcState, vpcOfTarget } from './vpc-snapshot.ts';
import { silentMigratedInstances } from './answer-recheck.ts';

const DRIFT_SCHEDULER_ID = 'drift-sweep';

/** Installs (or replaces) the sweep's Job Scheduler; with no settings, removes it so a switched-off sweep stops. */
export async function scheduleDriftSweep(queue: Queue<FleetJobData>, settings: DriftSweepSettings | undefined): Promise<void> {
  if (!settings) {
    await queue.removeJobScheduler(DRIFT_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(DRIFT_SCHEDULER_ID, { every: settings.intervalMs }, {
    name: 'drift',
    data: { v: 1, kind: 'drift', regionId: settings.regionId, natGatewayIds: settings.natGatewayIds, channelId: settings.channelId },
    opts: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
  });
}

/** The outbox id of a gateway's alerts (they post to the channel one by one, no thread). */
function driftJobId(regionId: string, natGatewayId: string): string {
  return `drift-${regionId}-${natGatewayId}`;
}

/** Longest a sweep may hold the region's sweep lock (a crashed sweep's lock expires after this). */
const SWEEP_LOCK_MS = 10 * 60_000;

export async function runDriftSweep(ctx: FleetContext, data: Extract<FleetJobData, { kind: 'drift' }>): Promise<unknown> {
  const release = await ctx.fingerprints.lockSweep(data.regionId, SWEEP_LOCK_MS);
  if (!release) return { skipped: 'another sweep is running' };
  try {
    return await sweep(ctx, data);
  } finally {
    await release();
  }
}

async function sweep(ctx: FleetContext, data: Extract<FleetJobData, { kind: 'drift' }>): Promise<unknown> {
  const cloud = ctx.cloudFor(data.regionId);
  const byVpc = new Map<string, string[]>();
  for (const ngw of data.natGatewayIds) {
    try {
      const vpc = await vpcOfTarget(cloud, ngw);
      byVpc.set(vpc, [...(byVpc.get(vpc) ?? []), ngw]);
    } catch (e) {
      ctx.log.warn({ natGatewayId: ngw, err: (e as Error).message }, 'drift sweep: gateway not readable; skipped');
    }
  }
  let reported = 0;
  for (const [vpcId, gateways] of byVpc) {
    const state = await gatherVpcState(cloud, vpcId);
    const mapped = detectDrifts(state, gateways);
    // Migrated instances must still answer on their public IP (one alert per instance: a mapping drift wins).
    const silent = await silentMigratedInstances(ctx, state, gateways, new Set(mapped.map((a) => a.instanceId)));
    const all = [...mapped, ...silent];
    // An instance a job is working on is not drifting; it is being handled (reported later if it still drifts).
    const holders = await ctx.records.activeHolders(data.regionId, all.map((a) => a.instanceId));
    const drifts = all.filter((_, i) => !holders[i]);
    const busy = new Set(all.filter((_, i) => holders[i]).map((a) => a.instanceId));
    const known = await ctx.fingerprints.known(data.regionId, vpcId);
    await ctx.fingerprints.forget(data.regionId, vpcId, Object.keys(known).filter((id) => !busy.has(id) && !drifts.some((d) => d.instanceId === id)));
    const fresh = drifts.filter((d) => known[d.instanceId] !== d.fingerprint).slice(0, ctx.settings.driftMaxAlerts);
    for (const d of fresh) {
      await alert(ctx, d, data.channelId);
      // After the post is queued: a crash in between reports it twice rather than never.
      await ctx.fingerprints.remember(data.regionId, vpcId, d.instanceId, d.fingerprint);
      reported++;
    }
    await ctx.fingerprints.keep(data.regionId, vpcId);
  }
  return { reported };
}

async function alert(ctx: FleetContext, d: DriftAlert, channelId: string): Promise<void> {
  const jobId = driftJobId(d.regionId, d.natGatewayId);
  const rec = await ctx.store.get<DriftRecord>(jobId);
  const now = iso();
  if (!rec || rec.audience.channelId !== channelId) {
    const r: DriftRecord = {
      jobId, kind: 'drift', regionId: d.regionId, natGatewayId: d.natGatewayId, requestedBy: 'natmigrate',
      audience: { channelId, mode: 'preview' }, state: 'running', createdAt: rec?.createdAt ?? now, updatedAt: now,
    };
    await ctx.store.create(r, { active: false });
  }
  await ctx.notifier.emit({ type: 'drift.detected', jobId, at: now, drift: d });
  await ctx.store.patch(jobId, { lastSweepAt: now });
}
