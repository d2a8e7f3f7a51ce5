// The drift sweep: a BullMQ Job Scheduler runs it every NATMIGRATE_DRIFT_INTERVAL over
// NATMIGRATE_DRIFT_NAT_GATEWAYS and posts to NATMIGRATE_DRIFT_CHANNEL each instance that (again) has a DNAT IP
// mapping or egresses from an unexpected IP. Each drift is reported once: its fingerprint (what drifted: entry id
// and EIP, or egress kind and IP) is remembered per instance in a Redis hash; a sweep that no longer sees the
// drift forgets it, so a drift that goes away and comes back is reported again.
import type { Queue } from 'bullmq';
import { detectDrifts } from '../domain/drift.ts';
import { parseDuration } from '../domain/durations.ts';
import type { DriftAlert } from '../domain/events.ts';
import { isNatGatewayId } from '../domain/ids.ts';
import { iso, type FleetContext, type FleetJobData } from './fleet-context.ts';
import type { DriftRecord } from './fleet-records.ts';
import { gatherVpcState, vpcOfTarget } from './vpc-state.ts';

export const DRIFT_SCHEDULER_ID = 'drift-sweep';

export interface DriftSettings {
  intervalMs: number;
  natGatewayIds: string[];
  /** Slack channel id the alerts go to. */
  channelId: string;
  regionId: string;
}

/**
 * Drift settings from configuration values: NATMIGRATE_DRIFT_INTERVAL (duration text or ms), NATMIGRATE_DRIFT_NAT_GATEWAYS
 * (comma list or array) and NATMIGRATE_DRIFT_CHANNEL. Undefined when no gateway or no channel is set (sweep off);
 * throws on values that cannot work. Accepts the raw environment or a parsed Config alike.
 */
export function driftSettingsFrom(src: Record<string, unknown>, regionId: string): DriftSettings | undefined {
  const rawGw = src.NATMIGRATE_DRIFT_NAT_GATEWAYS;
  const gateways = (Array.isArray(rawGw) ? rawGw.map(String) : String(rawGw ?? '').split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
  const channelId = String(src.NATMIGRATE_DRIFT_CHANNEL ?? '').trim();
  if (!gateways.length || !channelId) return undefined;
  const bad = gateways.filter((g) => !isNatGatewayId(g));
  if (bad.length) throw new Error(`NATMIGRATE_DRIFT_NAT_GATEWAYS: ${bad.join(', ')} ${bad.length === 1 ? 'is not a NAT gateway id' : 'are not NAT gateway ids'} (ngw-…)`);
  if (!/^[CGD][A-Z0-9]{2,}$/.test(channelId)) throw new Error(`NATMIGRATE_DRIFT_CHANNEL: expected a Slack channel id (C…), not ${channelId}`);
  const rawInt = src.NATMIGRATE_DRIFT_INTERVAL;
  let intervalMs = 15 * 60_000;
  if (typeof rawInt === 'number') intervalMs = rawInt;
  else if (typeof rawInt === 'string' && rawInt.trim()) {
    const d = parseDuration(rawInt);
    if (!d.ok) throw new Error(`NATMIGRATE_DRIFT_INTERVAL: ${d.error}`);
    intervalMs = d.ms;
  }
  if (!(intervalMs >= 100)) throw new Error('NATMIGRATE_DRIFT_INTERVAL must be at least 100ms');
  return { intervalMs, natGatewayIds: [...new Set(gateways)], channelId, regionId };
}

/** Installs (or replaces) the sweep's Job Scheduler; with no settings, removes it so a switched-off sweep stops. */
export async function scheduleDriftSweep(queue: Queue<FleetJobData>, settings: DriftSettings | undefined): Promise<void> {
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
export function driftJobId(regionId: string, natGatewayId: string): string {
  return `drift-${regionId}-${natGatewayId}`;
}

function fingerprintKey(ctx: FleetContext, regionId: string, vpcId: string): string {
  return `${ctx.keys.prefix}:drift:fp:${regionId}:${vpcId}`;
}

export async function runDriftSweep(ctx: FleetContext, data: Extract<FleetJobData, { kind: 'drift' }>): Promise<unknown> {
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
    const all = detectDrifts(state, gateways);
    // An instance a job is working on is not drifting; it is being handled (reported later if it still drifts).
    const holders = all.length ? await ctx.redis.mget(...all.map((a) => ctx.keys.activeFor(data.regionId, a.instanceId))) : [];
    const drifts = all.filter((_, i) => !holders[i]);
    const busy = new Set(all.filter((_, i) => holders[i]).map((a) => a.instanceId));
    const key = fingerprintKey(ctx, data.regionId, vpcId);
    const known = await ctx.redis.hgetall(key);
    const gone = Object.keys(known).filter((id) => !busy.has(id) && !drifts.some((d) => d.instanceId === id));
    if (gone.length) await ctx.redis.hdel(key, ...gone);
    const fresh = drifts.filter((d) => known[d.instanceId] !== d.fingerprint).slice(0, ctx.settings.driftMaxAlerts);
    for (const d of fresh) {
      await alert(ctx, d, data.channelId);
      // After the post is queued: a crash in between reports it twice rather than never.
      await ctx.redis.hset(key, d.instanceId, d.fingerprint);
      reported++;
    }
    await ctx.redis.pexpire(key, ctx.opts.recordRetentionMs);
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
