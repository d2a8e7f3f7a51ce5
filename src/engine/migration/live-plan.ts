import type { CloudPort, WaitOptions } from '../../cloud/cloud-port.ts';
import { isCloudError } from '../../cloud/cloud-error.ts';
import { refusalFromPermissionError } from '../../domain/permission-refusal.ts';
import { buildPlan, ENI_TAG_JOB } from '../../domain/plan.ts';
import { guestNetworkOf } from '../../domain/guest-network.ts';
import { INTROSPECTION_SCRIPT } from '../../domain/plan-services.ts';
import { snatRankNeedsVSwitchCidr } from '../../domain/dnat.ts';
import { WINDOWS_INTROSPECTION_SCRIPT } from '../../domain/windows-listing.ts';
import { createHash } from 'node:crypto';
import type { DnatEntry, Instance, NatGateway, NetworkInterface, SecurityGroup, SnatEntry, VSwitch } from '../../domain/cloud-types.ts';
import type { MigrationOptions, PlanInput, PlanResult, StablePlanFacts } from '../../domain/plan-types.ts';

/**
 * The gate's recheck: re-read only what can change between the plan and the cutover (the instance, its ENIs, the
 * DNAT entries on its primary IP, the SNAT entries), reusing the stable facts. Left out: the security groups' rules
 * (they only feed warnings; override groups are still read, for existence) and the DNAT entries on the ENI this job
 * staged (a fresh IP nothing else was given). The instance's NICs come from DescribeInstances' NetworkInterfaces
 * (no DescribeNetworkInterfaces): at the gate they only say which NIC is the staged one (the journal's id, the only
 * one the planner tells apart by its tag) and which secondaries count against the quota, and an approval that no
 * longer matches is judged again by a full read.
 */
export interface RecheckScope {
  facts: StablePlanFacts;
  stagedEniIp?: string;
  /** A Windows guest (the approved plan's guestOs): its introspection is PowerShell. */
  windows?: boolean;
  /** The staged ENI's id and the value of its natmigrate:job tag (the journal's). */
  stagedEni?: { networkInterfaceId: string; jobTag: string };
}

/** The instance's NICs as DescribeInstances lists them (attached), the staged one tagged as the journal says. */
function nicsOfInstance(instance: Instance, staged: RecheckScope['stagedEni']): NetworkInterface[] {
  return instance.networkInterfaces.map((n): NetworkInterface => ({
    networkInterfaceId: n.networkInterfaceId, status: 'InUse', type: n.type, instanceId: instance.instanceId,
    vpcId: instance.vpcId, vSwitchId: '', zoneId: instance.zoneId, privateIp: n.primaryIp, securityGroupIds: [],
    ...(n.macAddress ? { macAddress: n.macAddress } : {}),
    tags: staged && n.networkInterfaceId === staged.networkInterfaceId ? { [ENI_TAG_JOB]: staged.jobTag } as Record<string, string> : {},
  }));
}

/**
 * The instance's ENIs for a plan. Before this job staged anything, the planner needs them only for the ENI quota and
 * the secondary IPs, and DescribeInstances has listed the attached ones already: DescribeNetworkInterfaces is read
 * only when the quota is tight (after this job's ENI, no slot left over), where an ENI still Attaching or Detaching,
 * which only DescribeNetworkInterfaces shows, would decide whether the attach can succeed. With a slot left over it
 * would take two such ENIs at once to make the attach fail (then a step failure, and the staging is undone).
 */
async function nicsFor(cloud: CloudPort, instance: Instance, nothingStaged: boolean): Promise<NetworkInterface[]> {
  if (nothingStaged) {
    const quota = await cloud.eniQuantity(instance.instanceType);
    if (quota !== undefined && instance.networkInterfaces.length + 2 <= quota) return nicsOfInstance(instance, undefined);
  }
  return cloud.listNetworkInterfaces({ instanceId: instance.instanceId });
}

/** Reads, read-only, everything the pure planner needs about one instance. Independent reads go out together. */
export async function gatherPlanInput(
  cloud: CloudPort, regionId: string, instanceId: string, options: MigrationOptions, recheck?: RecheckScope,
  o: {
    /** The caller reads the agent's status itself (only if its own invocation in the guest fails): not read here. */
    agentLater?: boolean;
    /** Nothing of this job is staged yet (no ENI carries its tag): DescribeInstances' NICs may do, see nicsFor. */
    nothingStaged?: boolean;
  } = {},
): Promise<PlanInput> {
  const empty: PlanInput = {
    regionId, instanceId, instance: undefined, eniQuantity: undefined, instanceEnis: [], natGateways: [],
    dnatEntries: [], snatEntries: [], vSwitches: [], securityGroups: [], options,
  };
  const instance = await cloud.describeInstance(instanceId);
  if (!instance) return empty;

  const sgIds = recheck ? [...new Set(options.securityGroupIds ?? [])] : [...new Set([...(options.securityGroupIds ?? []), ...instance.securityGroupIds])];
  // The vSwitches matter to the planner only for a --vswitch override (checked, and the ENI's zone) and for ranking
  // SNAT entries scoped by vSwitch (snatRankNeedsVSwitchCidr): read up front for the first, after the SNAT read for
  // the second, else not at all (nothing else in the plan or its hash depends on them).
  const [eniQuantity, instanceEnis, natGateways, vSwitchesNow, securityGroups, agents] = await Promise.all([
    cloud.eniQuantity(instance.instanceType),
    recheck ? nicsOfInstance(instance, recheck.stagedEni) : nicsFor(cloud, instance, o.nothingStaged === true),
    recheck ? recheck.facts.natGateways : cloud.listNatGateways({ vpcId: instance.vpcId }),
    recheck ? recheck.facts.vSwitches : options.vSwitchId !== undefined ? cloud.listVSwitches({ vpcId: instance.vpcId }) : undefined,
    Promise.all(sgIds.map((id) => cloud.describeSecurityGroup(id))).then((xs) => xs.filter((x): x is SecurityGroup => x !== undefined)),
    // Every job verifies egress through Cloud Assistant: its agent is checked before anything changes (also at the gate).
    o.agentLater ? undefined : cloud.cloudAssistantStatus([instanceId]),
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
  const snatEntries = snat.flat() as SnatEntry[];
  const vSwitches = vSwitchesNow
    ?? (snatRankNeedsVSwitchCidr(snatEntries, { vSwitchId: instance.vSwitchId, ip: instance.primaryIp }) ? await cloud.listVSwitches({ vpcId: instance.vpcId }) : []);
  return {
    ...empty, instance, eniQuantity, instanceEnis, natGateways, vSwitches, securityGroups,
    cloudAssistant: agents ? { read: true, agent: agents.find((a) => a.instanceId === instanceId) } : { read: false },
    dnatEntries: uniqueEntries(dnat.flat() as DnatEntry[]), snatEntries,
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
  cloud: CloudPort, j: { jobId: string; regionId: string; instanceId: string; options: MigrationOptions; eniId?: string; plan?: unknown }, recheck?: RecheckScope,
  wait: WaitOptions = {},
  /** The ClientToken of the services introspection (default: the first plan's); given, the recheck reads the guest too. */
  guestToken?: string,
): Promise<{ result: PlanResult; input?: PlanInput; cloudReadAt?: number }> {
  try {
    if (recheck && guestToken) return await gateRecheck(cloud, j, recheck, wait, guestToken);
    // A job with no plan and no ENI yet (the first plan, a preview) has staged nothing.
    const nothingStaged = !recheck && j.plan === undefined && j.eniId === undefined;
    const cloudReadAt = Date.now();
    // A full plan looks at the guest next, and an invocation that answers is the agent answering: its status is
    // read only when the invocation does not (agentOf). A quick recheck without the guest reads it with the cloud.
    const input = await gatherPlanInput(cloud, j.regionId, j.instanceId, j.options, recheck, { nothingStaged, agentLater: !recheck });
    const first = buildPlan(input, { jobId: j.jobId });
    // The guest is looked at only for a plan that would otherwise go ahead (a refusal for another reason runs nothing
    // in the guest; the agent's check comes after every such reason in REFUSAL_ORDER, so the refusal is the same), and
    // once per plan unless the gate's recheck is given its own ClientToken to read it again. One invocation answers
    // both what the guest serves and, with --configure-guest, which network stack will persist the NIC.
    if (!first.ok || recheck) return { result: first, input, cloudReadAt };
    const windows = input.instance?.osType === 'windows';
    const guest = await introspectGuest(cloud, j.instanceId, { token: guestToken ?? introspectToken(j.jobId), windows, ...wait });
    input.cloudAssistant = await agentOf(cloud, j.instanceId, guest);
    // Windows is configured with its own cmdlets whatever the read says (OSType comes from the API).
    if (j.options.configureGuest && input.instance?.status === 'Running') input.guestNetwork = windows ? { method: 'windows' } : guestNetworkOf(guest);
    const withGuest = { ...input, guest };
    return { result: buildPlan(withGuest, { jobId: j.jobId }), input: withGuest, cloudReadAt };
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) return { result: { ok: false, refusal: refusalFromPermissionError(e.action, e.deniedAction) } };
    throw e;
  }
}

/**
 * The gate's quick recheck with its own look at the guest. The guest first, then the cloud: the cutover follows, and
 * the DNAT entry it changes is then read last, fresh enough for save_original and the write to take as read (the
 * staging is done, so the read-only invocation runs whatever the cloud says). An invocation that succeeds is the
 * agent answering: DescribeCloudAssistantStatus is read only when it does not.
 */
async function gateRecheck(
  cloud: CloudPort, j: { jobId: string; regionId: string; instanceId: string; options: MigrationOptions }, recheck: RecheckScope,
  wait: WaitOptions, guestToken: string,
): Promise<{ result: PlanResult; input: PlanInput; cloudReadAt: number }> {
  const guest = await introspectGuest(cloud, j.instanceId, { token: guestToken, windows: recheck.windows === true, ...wait });
  const answered = 'output' in guest;
  const cloudReadAt = Date.now();
  const input = await gatherPlanInput(cloud, j.regionId, j.instanceId, j.options, recheck, { agentLater: answered });
  if (answered) input.cloudAssistant = await agentOf(cloud, j.instanceId, guest);
  const withGuest = { ...input, guest };
  return { result: buildPlan(withGuest, { jobId: j.jobId }), input: withGuest, cloudReadAt };
}

/**
 * The Cloud Assistant agent as far as the check needs it: running when this job's own invocation in the guest
 * succeeded (the agent took it, ran it and reported back); else DescribeCloudAssistantStatus says what is wrong.
 */
async function agentOf(cloud: CloudPort, instanceId: string, guest: { output: string } | { error: string }): Promise<PlanInput['cloudAssistant']> {
  if ('output' in guest) return { read: true, agent: { instanceId, running: true, version: '' } };
  const agents = await cloud.cloudAssistantStatus([instanceId]);
  return { read: true, agent: agents.find((a) => a.instanceId === instanceId) };
}

/** ClientToken of the plan's introspection (the same shape as step-context's clientToken, which imports this file's users). */
export function introspectToken(jobId: string): string {
  return `nm-${createHash('sha256').update(`${jobId}||introspect`).digest('hex').slice(0, 40)}`;
}
