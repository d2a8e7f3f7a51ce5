// The fleet inventory of one VPC: for every instance, where it egresses from and why, whether it needs a
// migration, and what the planner would say about it. Pure: the engine gathers the VPC's state once (all pages of
// instances, ENIs, DNAT and SNAT entries) and every per-instance answer is computed from that one snapshot, so a
// scan of 700 instances costs a few dozen API calls, not thousands.

import type { CloudAssistantAgent, DnatEntry, Instance, NatGateway, NetworkInterface, SecurityGroup, SnatEntry, VSwitch } from './cloud-types.ts';
import { hasStatus, isIpMapping } from './dnat.ts';
import { classifyEgress, type EgressKind } from './egress.ts';
import { buildPlan } from './plan.ts';
import type { MigrationOptions, PlanInput, PlanResult, RefusalCode } from './plan-types.ts';
import { csvTable } from './csv.ts';

/** Everything read about one VPC, once. */
export interface VpcState {
  regionId: string;
  vpcId: string;
  instances: Instance[];
  natGateways: NatGateway[];
  vSwitches: VSwitch[];
  /** Every entry of every forward table of the VPC's gateways. */
  dnatEntries: DnatEntry[];
  /** Every entry of every SNAT table of the VPC's gateways. */
  snatEntries: SnatEntry[];
  /** Every ENI of the VPC (primary ones included). */
  networkInterfaces: NetworkInterface[];
  /** EniQuantity per instance type (undefined when the type is unknown). */
  eniQuantities: Record<string, number | undefined>;
  /** The security groups the instances use. */
  securityGroups: SecurityGroup[];
  /** DescribeCloudAssistantStatus of the IP-mapped instances (absent: not read, nothing checked). */
  agents?: CloudAssistantAgent[];
}

export const DEFAULT_OPTIONS: MigrationOptions = { ports: { kind: 'all' }, configureGuest: false };

/** The planner's input for one instance, cut from the VPC snapshot (what gatherPlanInput reads one by one). */
export function planInputFor(state: VpcState, instanceId: string, options: MigrationOptions = DEFAULT_OPTIONS): PlanInput {
  const instance = state.instances.find((i) => i.instanceId === instanceId);
  const base: PlanInput = {
    regionId: state.regionId, instanceId, instance: undefined, eniQuantity: undefined, instanceEnis: [], natGateways: [],
    dnatEntries: [], snatEntries: [], vSwitches: [], securityGroups: [], options,
  };
  if (!instance) return base;
  const sgIds = new Set([...(options.securityGroupIds ?? []), ...instance.securityGroupIds]);
  return {
    ...base,
    instance,
    eniQuantity: state.eniQuantities[instance.instanceType],
    instanceEnis: state.networkInterfaces.filter((e) => e.instanceId === instanceId),
    natGateways: state.natGateways.filter((g) => g.vpcId === instance.vpcId),
    dnatEntries: state.dnatEntries,
    snatEntries: state.snatEntries,
    vSwitches: state.vSwitches,
    securityGroups: state.securityGroups.filter((g) => sgIds.has(g.securityGroupId)),
    ...(state.agents ? { cloudAssistant: { read: true, agent: state.agents.find((a) => a.instanceId === instanceId) } } : {}),
  };
}

/** What natmigrate would do with an instance: migrate it, refuse it (it has a mapping but…), or nothing. */
export type InventoryAction = 'migrate' | 'refused' | 'none';

export interface InventoryRow {
  instanceId: string;
  instanceName?: string;
  status: string;
  vpcId: string;
  vSwitchId: string;
  privateIp: string;
  egressKind: EgressKind;
  /** The public IP it leaves from now (undefined: no public egress). */
  egressIp?: string;
  /** Why (which DNAT/SNAT entry or own IP). */
  egressReason: string;
  /** True exactly when it egresses through a DNAT IP mapping: what natmigrate moves off. */
  needsMigration: boolean;
  /** Live DNAT IP mappings to its primary IP (ids), whichever gateway of the VPC holds them. */
  mappingEntryIds: string[];
  /** The gateway of its (first) IP mapping. */
  mappingNatGatewayId?: string;
  action: InventoryAction;
  /** Set when action is 'refused': the planner's first failing check. */
  refusal?: { code: RefusalCode; message: string };
}

/** Refusals that mean "nothing to migrate" rather than "cannot migrate". */
const NOTHING_TO_DO: ReadonlySet<RefusalCode> = new Set(['NoIpMapping', 'AlreadyMigrated', 'NoNatGateway']);

function actionOf(result: PlanResult): { action: InventoryAction; refusal?: { code: RefusalCode; message: string } } {
  if (result.ok) return { action: 'migrate' };
  if (NOTHING_TO_DO.has(result.refusal.code)) return { action: 'none' };
  return { action: 'refused', refusal: { code: result.refusal.code, message: result.refusal.message } };
}

/** One row per instance of the VPC, ordered: to migrate, refused, then the rest; by instance id within each. */
export function buildInventory(state: VpcState, options: MigrationOptions = DEFAULT_OPTIONS): InventoryRow[] {
  const rows = state.instances.map((inst): InventoryRow => {
    const egress = classifyEgress(inst, { dnatEntries: state.dnatEntries, snatEntries: state.snatEntries, natGateways: state.natGateways, vSwitches: state.vSwitches });
    const mappings = state.dnatEntries
      .filter((e) => isIpMapping(e) && e.internalIp === inst.primaryIp && !hasStatus(e, 'Deleting'))
      .sort((a, b) => a.forwardEntryId.localeCompare(b.forwardEntryId));
    const gw = mappings[0]
      ? state.natGateways.find((g) => g.forwardTableIds.includes(mappings[0]!.forwardTableId) || g.natGatewayId === mappings[0]!.natGatewayId)
      : undefined;
    // The job id only names the ENI in the plan; a scan never creates one.
    const { action, refusal } = actionOf(buildPlan(planInputFor(state, inst.instanceId, options), { jobId: 'scan' }));
    const row: InventoryRow = {
      instanceId: inst.instanceId, status: inst.status, vpcId: inst.vpcId, vSwitchId: inst.vSwitchId, privateIp: inst.primaryIp,
      egressKind: egress.kind, egressReason: egress.reason, needsMigration: egress.needsMigration,
      mappingEntryIds: mappings.map((e) => e.forwardEntryId), action,
    };
    if (inst.instanceName) row.instanceName = inst.instanceName;
    if (egress.ip) row.egressIp = egress.ip;
    if (gw) row.mappingNatGatewayId = gw.natGatewayId;
    if (refusal) row.refusal = refusal;
    return row;
  });
  const rank: Record<InventoryAction, number> = { migrate: 0, refused: 1, none: 2 };
  return rows.sort((a, b) => rank[a.action] - rank[b.action] || a.instanceId.localeCompare(b.instanceId));
}

export interface InventorySummary {
  instances: number;
  /** Egress through a DNAT IP mapping. */
  needMigration: number;
  /** The planner would migrate them. */
  ready: number;
  refused: number;
  byEgress: Record<EgressKind, number>;
  /** Refusal code → count. */
  refusals: Record<string, number>;
}

export function summarizeInventory(rows: readonly InventoryRow[]): InventorySummary {
  const byEgress: Record<EgressKind, number> = { 'dnat-ip-mapping': 0, snat: 0, 'own-public-ip': 0, none: 0 };
  const refusals: Record<string, number> = {};
  for (const r of rows) {
    byEgress[r.egressKind] += 1;
    if (r.refusal) refusals[r.refusal.code] = (refusals[r.refusal.code] ?? 0) + 1;
  }
  return {
    instances: rows.length,
    needMigration: rows.filter((r) => r.needsMigration).length,
    ready: rows.filter((r) => r.action === 'migrate').length,
    refused: rows.filter((r) => r.action === 'refused').length,
    byEgress,
    refusals,
  };
}

const CSV_COLUMNS = [
  'instance_id', 'name', 'status', 'vpc_id', 'vswitch_id', 'private_ip', 'egress_ip', 'egress_via', 'needs_migration',
  'action', 'refusal_code', 'dnat_ip_mappings', 'nat_gateway_id', 'reason',
] as const;

export function inventoryCsv(rows: readonly InventoryRow[]): string {
  return csvTable(CSV_COLUMNS, rows.map((r) => [
    r.instanceId, r.instanceName ?? '', r.status, r.vpcId, r.vSwitchId, r.privateIp, r.egressIp ?? '', r.egressKind,
    r.needsMigration ? 'yes' : 'no', r.action, r.refusal?.code ?? '', r.mappingEntryIds.join(' '), r.mappingNatGatewayId ?? '',
    r.refusal?.message ?? r.egressReason,
  ]));
}
