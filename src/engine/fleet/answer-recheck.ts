// The drift sweep's second look: a migrated instance must still answer on its public IP. A guest whose policy
// routing did not survive a reboot goes silent days after its thread said "verified"; this is how someone hears.
// Each instance that looks migrated (domain/migrated-targets.ts) gets the verification's SSH check through its EIP.
import type { DriftAlert } from '../../domain/events.ts';
import type { DriftReason } from '../../domain/job-text.ts';
import { msg } from '../../i18n/catalog.ts';
import type { VpcState } from '../../domain/inventory.ts';
import { migratedTargets, type MigratedTarget } from '../../domain/migrated-targets.ts';
import { checkSsh } from '../migration/verification-probes.ts';
import type { FleetContext } from './context.ts';

/** The alert's reason: its facts and their English from the catalog. */
const reasonOf = (why: DriftReason) => ({ why, reason: msg('en').driftReason({ why }) });

/** How long one re-check retries before it counts as not answering (the verification's window, at most this). */
const RECHECK_WINDOW_MS = 15_000;
/** SSH checks in flight at once. */
const PARALLEL = 10;

async function recheck(ctx: FleetContext, t: MigratedTarget): Promise<DriftAlert | undefined> {
  const windowMs = Math.min(ctx.opts.verifyTimeoutMs, RECHECK_WINDOW_MS);
  // Short attempts: a connection made while the guest was rebooting hangs; a later one within the window may answer.
  const r = await checkSsh({ ip: t.eip, port: t.port, edge: ctx.opts.publicEdge, windowMs, intervalMs: ctx.opts.verifyIntervalMs, attemptTimeoutMs: Math.max(500, windowMs / 4), mode: t.windows ? 'rdp' : 'ssh' });
  if (r.ok) return undefined;
  return {
    regionId: t.regionId, natGatewayId: t.natGatewayId, instanceId: t.instanceId, ...(t.instanceName ? { instanceName: t.instanceName } : {}),
    kind: 'not-answering', expectedIps: [],
    ...reasonOf({ code: 'not_answering', probe: t.windows ? 'RDP' : 'SSH', eip: t.eip, port: t.port, eniIp: t.eniIp, seconds: Math.round(windowMs / 1000), attempts: r.attempts, ...(r.error ? { error: r.error } : {}) }),
    fingerprint: `silent|${t.eip}|${t.eniIp}`,
  };
}

/** The migrated instances of the VPC (on the watched gateways) that no longer answer SSH on their public IP. */
export async function silentMigratedInstances(ctx: FleetContext, state: VpcState, natGatewayIds: readonly string[], skip: ReadonlySet<string>): Promise<DriftAlert[]> {
  const targets = migratedTargets(state, natGatewayIds).filter((t) => !skip.has(t.instanceId));
  const out: DriftAlert[] = [];
  for (let i = 0; i < targets.length; i += PARALLEL) {
    const batch = await Promise.all(targets.slice(i, i + PARALLEL).map((t) => recheck(ctx, t)));
    out.push(...batch.filter((a): a is DriftAlert => a !== undefined));
  }
  return out;
}
