// The pre-flight planner: live state in, either a reviewable Plan or one specific Refusal out. Pure.
//
// Refusal order (first failing check wins). The idea: first "is there anything to do at all", then "would the
// change work and reach its goal on this NAT configuration", then "is what you asked for valid", and last the
// transient state of the instance — so a person is not sent to fix something that would not have mattered.
//   1. InstanceNotFound     nothing else can be evaluated
//   2. NoNatGateway         no NAT gateway in the VPC: no mapping to migrate and no SNAT to egress through
//   3. AlreadyMigrated      no IP mapping to the primary IP, but a DNAT entry targets a secondary ENI of the instance
//   4. NoIpMapping          nothing to migrate
//   5. AmbiguousIpMapping   several IP mappings to the primary IP: we will not guess which one to delete
//   6. InstanceHasPublicIp  its own public IP/EIP wins over SNAT: the migration would not change its egress
//   7. EipNotOnNatGateway   the new DNAT entry could not use the EIP (InvalidIp.NotInNatgw after the delete)
//   8. EipUsedBySnat        the new entry would be rejected (Forbidden.ExternalIp.UsedInSnatTable) after the delete
//   9. NoSnatCoverage       the instance would lose Internet egress
//  10. BadOption            --ports / vSwitch / security-group overrides that cannot work
//  11. InstanceNotRunning   transient: start it and retry
//  12. AttachRequiresStop   its family takes a secondary ENI only while Stopped (instance-families.ts)
//  13. EniQuotaFull         the ENI could not be attached
//  14. CloudAssistantUnavailable  the agent is absent or silent: the verification (and --configure-guest) need it
//  15. ServiceAtRisk        a carried TCP port would stop answering on the new NIC (plan-services.ts)
// PermissionDenied is not decided here: the engine maps a CloudError with isPermissionDenied through
// refusalFromPermissionError() (permission-refusal.ts).

import type { DnatEntry, DnatSpec, Instance, NatGateway, NetworkInterface, SnatEntry, VSwitch } from './cloud-types.ts';
import type {
  BadOptionProblem, EniSpec, MigrationOptions, NewDnatTemplate, Plan, PlanInput, PlanResult, PortSelection, Refusal, RefusalCode, StablePlanFacts,
} from './plan-types.ts';
import { planHash } from './plan-hash.ts';
import {
  describeDnat, gatewayOfForwardTable, hasStatus, isIpMapping, snatCovers, snatIpsOf, snatSpecificity,
} from './dnat.ts';
import { attachesOnlyWhenStopped, instanceFamily, stopAttachText } from './instance-families.ts';
import { cloudAssistantRefusal } from './agent-check.ts';
import type { CutoverMethod } from './steps.ts';
import { serviceRefusal, serviceReportOf } from './plan-services.ts';
import { planWarnings, verifyPortOf } from './plan-warnings.ts';

export interface PlanContext {
  /** The job the plan is for; it goes into the ENI's tags (and so into the hash). */
  jobId: string;
}

export const MAX_PORTS = 20;
export const ENI_TAG_JOB = 'natmigrate:job';
const ENI_TAG_INSTANCE = 'natmigrate:instance';

/** The order in which pre-flight checks run (see the header comment for why). */
export const REFUSAL_ORDER: readonly RefusalCode[] = [
  'InstanceNotFound', 'NoNatGateway', 'AlreadyMigrated', 'NoIpMapping', 'AmbiguousIpMapping', 'InstanceHasPublicIp',
  'EipNotOnNatGateway', 'EipUsedBySnat', 'NoSnatCoverage', 'BadOption', 'InstanceNotRunning', 'AttachRequiresStop', 'EniQuotaFull',
  'CloudAssistantUnavailable',
  'ServiceAtRisk',
];

const refuse = (code: RefusalCode, message: string, details?: Record<string, unknown>): PlanResult =>
  ({ ok: false, refusal: details ? { code, message, details } : { code, message } });

const list = (xs: readonly string[]): string => xs.join(', ');

export function buildPlan(input: PlanInput, ctx: PlanContext): PlanResult {
  const inst = input.instance;
  const id = input.instanceId;

  // 1. InstanceNotFound
  if (!inst) {
    return refuse('InstanceNotFound',
      `Instance ${id} was not found in region ${input.regionId}; check the id and the --region.`,
      { instanceId: id, regionId: input.regionId });
  }

  // 2. NoNatGateway
  const gateways = input.natGateways.filter((g) => g.vpcId === inst.vpcId);
  if (gateways.length === 0) {
    return refuse('NoNatGateway',
      `VPC ${inst.vpcId} of instance ${id} has no NAT gateway, so there is no DNAT IP mapping to migrate and no SNAT to egress through.`,
      { vpcId: inst.vpcId });
  }

  const liveDnat = input.dnatEntries.filter((e) => !hasStatus(e, 'Deleting'));
  const candidates = liveDnat.filter((e) => isIpMapping(e) && e.internalIp === inst.primaryIp);

  if (candidates.length === 0) {
    // 3. AlreadyMigrated
    const secondary = secondaryIps(inst, input.instanceEnis);
    const toSecondary = liveDnat.filter((e) => secondary.has(e.internalIp));
    const first = toSecondary[0];
    if (first) {
      const eniId = secondary.get(first.internalIp)!;
      return refuse('AlreadyMigrated',
        `Instance ${id} is already migrated: DNAT entry ${first.forwardEntryId} (${describeDnat(first)}) targets its secondary ENI ${eniId}, so there is nothing to do.`,
        { forwardEntryIds: toSecondary.map((e) => e.forwardEntryId), networkInterfaceId: eniId, externalIp: first.externalIp });
    }
    // 4. NoIpMapping
    const portEntries = liveDnat.filter((e) => e.internalIp === inst.primaryIp);
    const extra = portEntries.length > 0
      ? ` (its ${portEntries.length} port-forwarding entr${portEntries.length === 1 ? 'y does' : 'ies do'} not change its egress)`
      : '';
    return refuse('NoIpMapping',
      `Instance ${id} (${inst.primaryIp}) has no DNAT IP mapping (Any/Any/Any) on NAT gateway ${list(gateways.map((g) => g.natGatewayId))}${extra}, so there is nothing to migrate.`,
      { primaryIp: inst.primaryIp, natGatewayIds: gateways.map((g) => g.natGatewayId), portForwardEntryIds: portEntries.map((e) => e.forwardEntryId) });
  }

  // 5. AmbiguousIpMapping
  if (candidates.length > 1) {
    const sorted = [...candidates].sort((a, b) => a.forwardEntryId.localeCompare(b.forwardEntryId));
    return refuse('AmbiguousIpMapping',
      `Instance ${id} has ${sorted.length} DNAT IP mappings to ${inst.primaryIp} (${list(sorted.map((e) => `${e.forwardEntryId} via ${e.externalIp}`))}); remove all but one and retry.`,
      { forwardEntryIds: sorted.map((e) => e.forwardEntryId) });
  }
  const entry = candidates[0]!;
  const gateway = gatewayOfEntry(gateways, entry);
  if (!gateway) {
    return refuse('NoNatGateway',
      `DNAT entry ${entry.forwardEntryId} is in forward table ${entry.forwardTableId}, which belongs to no NAT gateway of VPC ${inst.vpcId}; check the gateway and retry.`,
      { forwardEntryId: entry.forwardEntryId, forwardTableId: entry.forwardTableId, problem: 'table_outside_gateways' });
  }

  // 6. InstanceHasPublicIp
  const ownPublic = [...inst.publicIps, inst.eipAddress ?? ''].map((s) => s.trim()).filter(Boolean);
  if (ownPublic.length > 0) {
    return refuse('InstanceHasPublicIp',
      `Instance ${id} has its own public IP ${list(ownPublic)}, which it egresses through instead of SNAT, so the migration would not change its egress; release or unbind it first.`,
      { publicIps: ownPublic });
  }

  // 7. EipNotOnNatGateway
  const eip = entry.externalIp;
  const gwIp = gateway.ips.find((ip) => ip.ipAddress === eip);
  if (!gwIp) {
    return refuse('EipNotOnNatGateway',
      `EIP ${eip} of DNAT entry ${entry.forwardEntryId} is not bound to NAT gateway ${gateway.natGatewayId}, so the new DNAT entry could not use it; bind the EIP to the gateway and retry.`,
      { externalIp: eip, natGatewayId: gateway.natGatewayId, forwardEntryId: entry.forwardEntryId });
  }

  // 8. EipUsedBySnat
  const snatUsingEip = input.snatEntries.filter((s) => !hasStatus(s, 'Deleting') && snatIpsOf(s).includes(eip));
  if (snatUsingEip.length > 0 || /snat/i.test(gwIp.usingStatus ?? '')) {
    const where = snatUsingEip.length > 0
      ? `SNAT entr${snatUsingEip.length === 1 ? 'y' : 'ies'} ${list(snatUsingEip.map((s) => s.snatEntryId))}`
      : `the SNAT table of ${gateway.natGatewayId} (UsingStatus ${gwIp.usingStatus})`;
    return refuse('EipUsedBySnat',
      `EIP ${eip} of DNAT entry ${entry.forwardEntryId} is also used by ${where}; take it out of SNAT first, because the new DNAT entry would be rejected and egress would not change.`,
      { externalIp: eip, snatEntryIds: snatUsingEip.map((s) => s.snatEntryId), usingStatus: gwIp.usingStatus });
  }

  // 9. NoSnatCoverage
  const source = { vSwitchId: inst.vSwitchId, ip: inst.primaryIp };
  const covering = input.snatEntries.filter((s) => snatCovers(s, source));
  const usable = covering.filter((s) => hasStatus(s, 'Available') && snatIpsOf(s).length > 0);
  if (usable.length === 0) {
    const notReady = covering.length > 0
      ? ` (${list(covering.map((s) => `${s.snatEntryId} is ${s.status}`))})`
      : '';
    return refuse('NoSnatCoverage',
      `No Available SNAT entry covers instance ${id} (vSwitch ${inst.vSwitchId}, ${inst.primaryIp})${notReady}, so it would lose Internet egress; add an SNAT entry for its vSwitch or a CIDR containing ${inst.primaryIp} first.`,
      { vSwitchId: inst.vSwitchId, primaryIp: inst.primaryIp, snatEntryIds: covering.map((s) => s.snatEntryId) });
  }

  // 10. BadOption
  const optionProblem = checkOptions(input.options, inst, input.vSwitches, input.securityGroups.map((g) => ({ id: g.securityGroupId, vpcId: g.vpcId })));
  if (optionProblem) return { ok: false, refusal: optionProblem };

  // 11. InstanceNotRunning
  if (!hasStatus(inst, 'Running')) {
    return refuse('InstanceNotRunning',
      `Instance ${id} is ${inst.status || 'in an unknown state'}, not Running; start it and retry (attaching the ENI and verifying need it running).`,
      { status: inst.status });
  }

  // 12. AttachRequiresStop
  const stopToAttach = attachesOnlyWhenStopped(inst.instanceType);
  if (stopToAttach && !input.options.allowStop) {
    return refuse('AttachRequiresStop', stopAttachText(id, inst.instanceType, false),
      { instanceType: inst.instanceType, family: instanceFamily(inst.instanceType) });
  }

  // 13. EniQuotaFull
  const attached = attachedEniIds(inst, input.instanceEnis, ctx.jobId);
  if (input.eniQuantity !== undefined && attached.length >= input.eniQuantity) {
    return refuse('EniQuotaFull',
      `Instance ${id} (${inst.instanceType}) already has ${attached.length} of its ${input.eniQuantity} ENIs attached (${list(attached)}), so another cannot be attached; detach an unused ENI or resize the instance.`,
      { attached: attached.length, eniQuantity: input.eniQuantity, networkInterfaceIds: attached });
  }

  // 13. CloudAssistantUnavailable
  const agent = cloudAssistantRefusal(id, input.cloudAssistant?.agent, input.cloudAssistant?.read ?? false, input.options);
  if (agent) return { ok: false, refusal: agent };

  // 14. ServiceAtRisk
  // At the gate the guest may already have this job's ENI (staged, maybe configured): that NIC is the new one.
  const stagedIp = input.instanceEnis.find((e) => e.tags?.[ENI_TAG_JOB] === ctx.jobId)?.privateIp;
  const services = input.guest ? serviceReportOf(input.guest, inst.primaryIp, input.options, stagedIp) : undefined;
  const atRisk = services && serviceRefusal(services, id);
  if (atRisk) return { ok: false, refusal: atRisk };

  const plan = assemblePlan(input, ctx, inst, gateway, entry, usable);
  if (stopToAttach) {
    plan.stopToAttach = true;
    plan.warnings.unshift({ code: 'stop_to_attach', instanceId: id, instanceType: inst.instanceType, family: instanceFamily(inst.instanceType) });
    plan.hash = planHash(plan);
  }
  if (services) {
    plan.services = services;
    plan.hash = planHash(plan); // the services are part of what is approved
  }
  if (services && !services.checked) plan.warnings.push({ code: 'services_unchecked', reason: services.reason });
  return { ok: true, plan };
}

function gatewayOfEntry(gateways: readonly NatGateway[], entry: DnatEntry): NatGateway | undefined {
  return gatewayOfForwardTable(gateways, entry.forwardTableId)
    ?? gateways.find((g) => entry.natGatewayId !== undefined && g.natGatewayId === entry.natGatewayId);
}

/** Private IP → ENI id of every secondary NIC of the instance. */
function secondaryIps(inst: Instance, enis: readonly NetworkInterface[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const nic of inst.networkInterfaces) {
    if (nic.type === 'Secondary' && nic.primaryIp) out.set(nic.primaryIp, nic.networkInterfaceId);
  }
  for (const eni of enis) {
    if (eni.type === 'Secondary' && eni.privateIp && (eni.instanceId === undefined || eni.instanceId === inst.instanceId)) {
      out.set(eni.privateIp, eni.networkInterfaceId);
    }
  }
  return out;
}

/**
 * ENIs that count against the instance type's quota. The ENI this very job staged is not counted, so re-planning
 * at the approval gate (drift check) does not refuse because of our own ENI.
 */
function attachedEniIds(inst: Instance, enis: readonly NetworkInterface[], jobId: string): string[] {
  const ours = new Set(enis.filter((e) => e.tags?.[ENI_TAG_JOB] === jobId).map((e) => e.networkInterfaceId));
  const ids = new Set<string>();
  for (const nic of inst.networkInterfaces) if (!ours.has(nic.networkInterfaceId)) ids.add(nic.networkInterfaceId);
  for (const eni of enis) if (!ours.has(eni.networkInterfaceId)) ids.add(eni.networkInterfaceId);
  return [...ids].sort();
}

/** Option problems that only the live state can reveal (the parser already checks syntax; re-checked here anyway). */
function checkOptions(
  options: MigrationOptions,
  inst: Pick<Instance, 'instanceId' | 'vpcId' | 'zoneId' | 'osType'>,
  vSwitches: readonly VSwitch[],
  securityGroups: readonly { id: string; vpcId: string }[],
): Refusal | undefined {
  // `problem` names which option is wrong, so every language can say it from the code (the English sentence is for logs).
  const bad = (problem: BadOptionProblem, message: string, details: Record<string, unknown>): Refusal => ({ code: 'BadOption', message, details: { problem, ...details } });
  const ports = options.ports;
  if (ports.kind === 'list') {
    if (ports.ports.length === 0) return bad('ports_empty', '--ports needs at least one port, or `any` for every port.', { ports: [] });
    if (ports.ports.length > MAX_PORTS) return bad('ports_too_many', `--ports lists ${ports.ports.length} ports but at most ${MAX_PORTS} are allowed; use \`--ports any\` to forward every port.`, { ports: ports.ports });
    const invalid = ports.ports.filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (invalid.length > 0) return bad('ports_invalid', `--ports has ${list(invalid.map(String))}, but ports must be whole numbers from 1 to 65535.`, { ports: invalid });
    const dupes = ports.ports.filter((p, i) => ports.ports.indexOf(p) !== i);
    if (dupes.length > 0) return bad('ports_repeated', `--ports repeats ${list([...new Set(dupes)].map(String))}; list each port once.`, { ports: dupes });
  }
  if (options.vSwitchId !== undefined) {
    const vsw = vSwitches.find((v) => v.vSwitchId === options.vSwitchId);
    if (!vsw) return bad('vswitch_not_found', `vSwitch ${options.vSwitchId} was not found in VPC ${inst.vpcId}; pick a vSwitch of that VPC in zone ${inst.zoneId}.`, { vSwitchId: options.vSwitchId });
    if (vsw.vpcId !== inst.vpcId) return bad('vswitch_other_vpc', `vSwitch ${vsw.vSwitchId} is in ${vsw.vpcId}, not in ${inst.vpcId} of instance ${inst.instanceId}; pick a vSwitch of the instance's VPC.`, { vSwitchId: vsw.vSwitchId, vpcId: vsw.vpcId });
    if (vsw.zoneId !== inst.zoneId) return bad('vswitch_other_zone', `vSwitch ${vsw.vSwitchId} is in zone ${vsw.zoneId}, but the ENI must be in the instance's zone ${inst.zoneId}; pick a vSwitch in ${inst.zoneId}.`, { vSwitchId: vsw.vSwitchId, zoneId: vsw.zoneId });
  }
  if (options.securityGroupIds !== undefined) {
    if (options.securityGroupIds.length === 0) return bad('security_groups_empty', 'The security-group override is empty; name at least one security group or leave it out to use the instance\'s own.', {});
    for (const sgId of options.securityGroupIds) {
      const sg = securityGroups.find((g) => g.id === sgId);
      if (!sg) return bad('security_group_not_found', `Security group ${sgId} was not found; name a security group of VPC ${inst.vpcId}.`, { securityGroupId: sgId });
      if (sg.vpcId !== inst.vpcId) return bad('security_group_other_vpc', `Security group ${sgId} belongs to ${sg.vpcId}, not to ${inst.vpcId} of instance ${inst.instanceId}; pick one of the instance's VPC.`, { securityGroupId: sgId, vpcId: sg.vpcId });
    }
  }
  return undefined;
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function assemblePlan(
  input: PlanInput, ctx: PlanContext, inst: Instance, gateway: NatGateway, entry: DnatEntry, covering: SnatEntry[],
): Plan {
  const options = input.options;
  const restoreRecipe = restoreRecipeOf(entry);

  const overrideVsw = options.vSwitchId ? input.vSwitches.find((v) => v.vSwitchId === options.vSwitchId) : undefined;
  const eni: EniSpec = {
    vSwitchId: overrideVsw?.vSwitchId ?? inst.vSwitchId,
    zoneId: overrideVsw?.zoneId ?? inst.zoneId,
    vpcId: inst.vpcId,
    securityGroupIds: dedupe(options.securityGroupIds ?? inst.securityGroupIds),
    name: `natmigrate-${inst.instanceId}`,
    description: `natmigrate: receives DNAT traffic for ${inst.instanceId} so it egresses through SNAT (job ${ctx.jobId})`,
    tags: { [ENI_TAG_JOB]: ctx.jobId, [ENI_TAG_INSTANCE]: inst.instanceId },
  };

  const newEntries = newEntriesFor(options.ports, entry, inst.instanceId);

  // Most specific SNAT entry first (Alibaba prefers it), ties by id, so the order does not depend on API paging.
  const vswCidr = input.vSwitches.find((v) => v.vSwitchId === inst.vSwitchId)?.cidr;
  const ranked = [...covering].sort((a, b) =>
    snatSpecificity(b, vswCidr) - snatSpecificity(a, vswCidr) || a.snatEntryId.localeCompare(b.snatEntryId));
  const expectedEgressIps = dedupe(ranked.flatMap((s) => snatIpsOf(s)));
  const snatEntryIds = ranked.map((s) => s.snatEntryId);

  const verifyPort = options.verifyPort ?? verifyPortOf(inst);
  const skipSshVerify = options.ports.kind === 'list' && !options.ports.ports.includes(verifyPort);
  const warnings = planWarnings(input, inst, entry, eni, skipSshVerify);

  const plan: Plan = {
    regionId: input.regionId,
    instanceId: inst.instanceId,
    ...(inst.instanceName !== undefined ? { instanceName: inst.instanceName } : {}),
    vpcId: inst.vpcId,
    vSwitchId: inst.vSwitchId,
    zoneId: inst.zoneId,
    primaryIp: inst.primaryIp,
    natGatewayId: gateway.natGatewayId,
    entryToDelete: { ...entry },
    restoreRecipe,
    eni,
    newEntries,
    cutover: cutoverMethodFor(options.ports),
    expectedEgressIps,
    snatEntryIds,
    sshPort: verifyPort,
    ...(inst.osType === 'windows' ? { guestOs: 'windows' as const } : {}),
    ...(skipSshVerify ? { skipSshVerify: true } : {}),
    options: copyOptions(options),
    warnings,
    ...(options.configureGuest && input.guestNetwork ? { guestNetwork: input.guestNetwork } : {}),
    hash: '',
  };
  plan.hash = planHash(plan);
  return plan;
}

/** The exact CreateForwardEntry request that recreates the entry, casing preserved; an empty name is left out. */
export function restoreRecipeOf(entry: DnatSpec): DnatSpec {
  const recipe: DnatSpec = {
    forwardTableId: entry.forwardTableId,
    externalIp: entry.externalIp,
    externalPort: entry.externalPort,
    internalIp: entry.internalIp,
    internalPort: entry.internalPort,
    ipProtocol: entry.ipProtocol,
  };
  if (entry.forwardEntryName) recipe.forwardEntryName = entry.forwardEntryName;
  return recipe;
}

function newEntriesFor(ports: PortSelection, entry: DnatEntry, instanceId: string): NewDnatTemplate[] {
  const base = { forwardTableId: entry.forwardTableId, externalIp: entry.externalIp };
  if (ports.kind === 'all') {
    return [{ ...base, externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any', forwardEntryName: `natmigrate-${instanceId}` }];
  }
  return ports.ports.map((p) => ({
    ...base, externalPort: String(p), internalPort: String(p), ipProtocol: 'TCP', forwardEntryName: `natmigrate-${instanceId}-tcp${p}`,
  }));
}

/** Every port: the existing IP mapping moves in place. A port list: the mapping is replaced by port entries. */
export function cutoverMethodFor(ports: PortSelection): CutoverMethod {
  return ports.kind === 'all' ? 'modify' : 'recreate';
}

/**
 * The method a migration actually used: its own when a refused modify fell back to delete and re-create, else its
 * plan's; a record without either (written before in-place cutovers existed) deleted and re-created.
 */
export function cutoverUsed(m: { cutover?: CutoverMethod; plan?: { cutover?: CutoverMethod } }): CutoverMethod {
  return m.cutover ?? m.plan?.cutover ?? 'recreate';
}

/**
 * The stable facts of a plan's input worth keeping for its recheck: the gateways and the vSwitches the plan uses. Of
 * each gateway's EIPs only `eip` (the one of the mapping the plan moves) is kept: the recheck's plan reads no other
 * (buildPlan, step 7), and a mapping on another EIP changes the plan's hash, so the recheck reads everything again
 * anyway. A gateway with a thousand EIPs would otherwise put all of them in every journal write of every job.
 */
export function stableFacts(input: PlanInput, vSwitchIds: readonly string[], eip: string): StablePlanFacts {
  return {
    natGateways: input.natGateways.map((g) => ({ ...g, ips: g.ips.filter((ip) => ip.ipAddress === eip) })),
    vSwitches: input.vSwitches.filter((v) => vSwitchIds.includes(v.vSwitchId)),
  };
}

function copyOptions(o: MigrationOptions): MigrationOptions {
  const out: MigrationOptions = {
    ports: o.ports.kind === 'all' ? { kind: 'all' } : { kind: 'list', ports: [...o.ports.ports] },
    configureGuest: o.configureGuest,
  };
  if (o.vSwitchId !== undefined) out.vSwitchId = o.vSwitchId;
  if (o.securityGroupIds !== undefined) out.securityGroupIds = [...o.securityGroupIds];
  if (o.acceptPorts !== undefined) out.acceptPorts = [...o.acceptPorts];
  if (o.verifyPort !== undefined) out.verifyPort = o.verifyPort;
  if (o.allowStop) out.allowStop = true;
  return out;
}
