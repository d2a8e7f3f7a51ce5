import type { CloudPort, WaitOptions } from '../../cloud/cloud-port.ts';
import { isCloudError } from '../../cloud/cloud-error.ts';
import { refusalFromPermissionError } from '../../domain/permission-refusal.ts';
import { buildPlan } from '../../domain/plan.ts';
import { guestNetworkOf } from '../../domain/guest-network.ts';
import { INTROSPECTION_SCRIPT } from '../../domain/plan-services.ts';
import { WINDOWS_INTROSPECTION_SCRIPT } from '../../domain/windows-listing.ts';
import { createHash } from 'node:crypto';
import type { DnatEntry, NatGateway, SecurityGroup, SnatEntry, VSwitch } from '../../domain/cloud-types.ts';
import type { MigrationOptions, PlanInput, PlanResult, StablePlanFacts } from '../../domain/plan-types.ts';

/**
 * The gate's recheck: re-read only what can change between the plan and the cutover (the instance, its ENIs, the
 * DNAT entries on its primary IP, the SNAT entries), reusing the stable facts. Left out: the security groups' rules
 * (they only feed warnings; override groups are still read, for existence) and the DNAT entries on the ENI this job
 * staged (a fresh IP nothing else was given).
 */
export interface RecheckScope {
  facts: StablePlanFacts;
  stagedEniIp?: string;
}

/** Reads, read-only, everything the pure planner needs about one instance. Independent reads go out together. */
export async function gatherPlanInput(
  cloud: CloudPort, regionId: string, instanceId: string, options: MigrationOptions, recheck?: RecheckScope,
): Promise<PlanInput> {
  const empty: PlanInput = {
    regionId, instanceId, instance: undefined, eniQuantity: undefined, instanceEnis: [], natGateways: [],
    dnatEntries: [], snatEntries: [], vSwitches: [], securityGroups: [], options,
  };
  const instance = await cloud.describeInstance(instanceId);
  if (!instance) return empty;

  const sgIds = recheck ? [...new Set(options.securityGroupIds ?? [])] : [...new Set([...(options.securityGroupIds ?? []), ...instance.securityGroupIds])];
  const [eniQuantity, instanceEnis, natGateways, vSwitches, securityGroups, agents] = await Promise.all([
    cloud.eniQuantity(instance.instanceType),
    cloud.listNetworkInterfaces({ instanceId }),
    recheck ? recheck.facts.natGateways : cloud.listNatGateways({ vpcId: instance.vpcId }),
    recheck ? recheck.facts.vSwitches : cloud.listVSwitches({ vpcId: instance.vpcId }),
    Promise.all(sgIds.map((id) => cloud.describeSecurityGroup(id))).then((xs) => xs.filter((x): x is SecurityGroup => x !== undefined)),
    // Every job verifies egress through Cloud Assistant: its agent is checked before anything changes (also at the gate).
    cloud.cloudAssistantStatus([instanceId]),
  ]);
  const forwardTables = [...new Set(natGateways.flatMap((g) => g.forwardTableIds))];
  const snatTables = [...new Set(natGateways.flatMap((g) => g.snatTableIds))];
  // The planner only looks at entries whose InternalIp is one of this instance's IPs (primary, secondary NICs):
  // filter server-side, one short answer per IP instead of every page of a table shared by a whole fleet.
  const ips = [...new Set([
    instance.primaryIp,
    ...instance.networkInterfaces.filter((n) => n.type === 'Secondary' && n.primaryIp).map((n) => n.primaryIp),
    ...instanceEnis.filter((e) => e.type === 'Secondary' && e.privateIp).map((e) => e.privateIp),
  ])].filter((ip) => ip && ip !== recheck?.stagedEniIp);
  const [dnat, snat] = await Promise.all([
    Promise.all(forwardTables.flatMap((t) => ips.map((internalIp) => cloud.listForwardEntries(t, { internalIp })))),
    Promise.all(snatTables.map((t) => cloud.listSnatEntries(t))),
  ]);
  return {
    ...empty, instance, eniQuantity, instanceEnis, natGateways, vSwitches, securityGroups,
    cloudAssistant: { read: true, agent: agents.find((a) => a.instanceId === instanceId) },
    dnatEntries: uniqueEntries(dnat.flat() as DnatEntry[]), snatEntries: snat.flat() as SnatEntry[],
  };
}

/** The plan's guest introspection: its ClientToken, the typical RunCommand latency (the first poll comes then), the OS. */
export interface IntrospectOptions { token: string; expectedMs?: number; signal?: AbortSignal; windows?: boolean }

/**
 * The plan's one read-only Cloud Assistant invocation: the network stack and the services (Linux: ss, iptables-save,
 * nft, sysctl, ip; Windows: the Net* cmdlets through ConvertTo-Json, as RunPowerShellScript); a failure is a fact, not an error.
 */
export async function introspectGuest(cloud: CloudPort, instanceId: string, o: IntrospectOptions): Promise<{ output: string } | { error: string }> {
  try {
    const invokeId = await cloud.runCommand({
      instanceId, script: o.windows ? WINDOWS_INTROSPECTION_SCRIPT : INTROSPECTION_SCRIPT, name: 'natmigrate-introspect', timeoutSeconds: 30, clientToken: o.token,
      ...(o.windows ? { type: 'RunPowerShellScript' as const } : {}),
    });
    const r = await cloud.waitInvocation(invokeId, instanceId, { timeoutMs: 60_000, ...(o.expectedMs !== undefined ? { expectedMs: o.expectedMs } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    if (r.status !== 'Success') return { error: `Cloud Assistant invocation ${invokeId} ended ${r.status}${r.errorInfo ? `: ${r.errorInfo}` : ''}` };
    return { output: r.output };
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) throw e;
    return { error: isCloudError(e) ? `${e.action}: ${e.code}` : String(e) };
  }
}

function uniqueEntries(entries: DnatEntry[]): DnatEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.forwardEntryId) ? false : (seen.add(e.forwardEntryId), true)));
}

/** The pre-flight from live state; a RAM denial is a refusal (PermissionDenied), not a failure. */
export async function planFromLiveState(
  cloud: CloudPort, j: { jobId: string; regionId: string; instanceId: string; options: MigrationOptions }, recheck?: RecheckScope,
  wait: WaitOptions = {},
  /** The ClientToken of the services introspection (default: the first plan's); given, the recheck reads the guest too. */
  guestToken?: string,
): Promise<{ result: PlanResult; input?: PlanInput }> {
  try {
    const input = await gatherPlanInput(cloud, j.regionId, j.instanceId, j.options, recheck);
    const first = buildPlan(input, { jobId: j.jobId });
    // The guest is looked at only for a plan that would otherwise go ahead (a refusal for another reason runs nothing
    // in the guest), and once per plan unless the gate's recheck is given its own ClientToken to read it again. One
    // invocation answers both what the guest serves and, with --configure-guest, which network stack will persist the NIC.
    if (!first.ok || (recheck && !guestToken)) return { result: first, input };
    const windows = input.instance?.osType === 'windows';
    const guest = await introspectGuest(cloud, j.instanceId, { token: guestToken ?? introspectToken(j.jobId), windows, ...wait });
    // Windows is configured with its own cmdlets whatever the read says (OSType comes from the API).
    if (!recheck && j.options.configureGuest && input.instance?.status === 'Running') input.guestNetwork = windows ? { method: 'windows' } : guestNetworkOf(guest);
    const withGuest = { ...input, guest };
    return { result: buildPlan(withGuest, { jobId: j.jobId }), input: withGuest };
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) return { result: { ok: false, refusal: refusalFromPermissionError(e.action, e.deniedAction) } };
    throw e;
  }
}

/** ClientToken of the plan's introspection (the same shape as step-context's clientToken, which imports this file's users). */
export function introspectToken(jobId: string): string {
  return `nm-${createHash('sha256').update(`${jobId}||introspect`).digest('hex').slice(0, 40)}`;
}
