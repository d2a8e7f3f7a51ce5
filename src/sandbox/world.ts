// The live state of the sandbox cloud and every state-changing operation with the constraints the real API enforces.
// Asynchronous operations store when they started; `settle()` derives the current state from timestamps on every
// read, so there are no timers and the model is deterministic for a given clock.
import { ApiError } from './errors.ts';
import { allocateIp, cidrContains, formatIp, isIp, isReservedInVSwitch, parseCidr } from './ip.ts';
import type { LatencyMs, Scenario } from './scenario.ts';
import { newGuestState, runGuestScript, type GuestState } from './guest.ts';

export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting';
export type DnatStatus = 'Pending' | 'Available' | 'Deleting' | 'Modifying';

export interface VpcState { vpcId: string; cidr: string; name: string }
export interface VSwitchState { vSwitchId: string; vpcId: string; zoneId: string; cidr: string; name: string }
export interface SgRuleState {
  direction: 'ingress' | 'egress';
  /** Upper case, as DescribeSecurityGroupAttribute returns it: TCP, UDP, ICMP, GRE, ALL. */
  ipProtocol: string;
  portRange: string;
  /** Source CIDR for ingress rules, destination CIDR for egress rules. */
  cidr: string;
  policy: 'Accept' | 'Drop';
  priority: number;
  description: string;
  ruleId: string;
}
export interface SecurityGroupState { securityGroupId: string; vpcId: string; name: string; rules: SgRuleState[] }
export interface GuestSpec { sshBanner: string; sshPort: number; configuresSecondaryNic: boolean; cloudAssistant: boolean; hostname: string }
export interface InstanceState {
  instanceId: string;
  name: string;
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  privateIp: string;
  securityGroupIds: string[];
  status: string;
  instanceType: string;
  eniQuota?: number;
  publicIp?: string;
  eipAddress?: string;
  tags: Record<string, string>;
  primaryEniId: string;
  macAddress: string;
  guest: GuestSpec;
  guestState: GuestState;
  /** Bumped each time the instance (re)enters Running; the guest drops unpersisted network config on a new boot. */
  bootId: number;
  createdAt: number;
}
export interface EniState {
  networkInterfaceId: string;
  type: 'Primary' | 'Secondary';
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  privateIp: string;
  macAddress: string;
  securityGroupIds: string[];
  tags: Record<string, string>;
  name: string;
  description: string;
  createdAt: number;
  status: EniStatus;
  /** When the current status began (transitions are computed from it). */
  since: number;
  instanceId?: string;
  deviceIndex?: number;
  /** The pending attach/detach will fail (fault injection). */
  failPending?: boolean;
}
export interface EipState { allocationId: string; ipAddress: string; bandwidth: number; name: string; natGatewayId?: string; instanceId?: string }
export interface NatGatewayState {
  natGatewayId: string; vpcId: string; vSwitchId: string; forwardTableId: string; snatTableId: string;
  name: string; spec: string; eipIds: string[];
}
export interface DnatState {
  forwardEntryId: string;
  forwardTableId: string;
  natGatewayId: string;
  externalIp: string;
  /** Stored as the API returns it: lower-case 'any' / 'tcp' / 'udp', ports as digits or 'any'. */
  externalPort: string;
  internalIp: string;
  internalPort: string;
  ipProtocol: string;
  name: string;
  status: DnatStatus;
  since: number;
  failPending?: boolean;
}
export interface SnatState {
  snatEntryId: string; snatTableId: string; natGatewayId: string; snatIp: string;
  sourceVSwitchId?: string; sourceCidr: string; name: string; status: 'Available';
}
export interface InvocationInstanceResult {
  instanceId: string;
  startedAt: number;
  /** When the result becomes terminal. */
  finishAt: number;
  finalStatus: 'Success' | 'Failed' | 'Error' | 'Timeout';
  exitCode?: number;
  output: string;
  errorCode: string;
  errorInfo: string;
}
export interface InvocationState {
  invokeId: string;
  commandId: string;
  name: string;
  commandContent: string;
  createdAt: number;
  username: string;
  results: InvocationInstanceResult[];
}

/** EniQuantity (primary included) of a few real instance types; illustrative, override with scenario.instanceTypes. */
export const BUILTIN_INSTANCE_TYPES: Record<string, { eniQuantity: number; cpuCoreCount: number; memorySize: number }> = {
  'ecs.g6.large': { eniQuantity: 2, cpuCoreCount: 2, memorySize: 8 },
  'ecs.g6.xlarge': { eniQuantity: 3, cpuCoreCount: 4, memorySize: 16 },
  'ecs.g7.large': { eniQuantity: 3, cpuCoreCount: 2, memorySize: 8 },
  'ecs.g7.xlarge': { eniQuantity: 4, cpuCoreCount: 4, memorySize: 16 },
  'ecs.c7.large': { eniQuantity: 3, cpuCoreCount: 2, memorySize: 4 },
  'ecs.r7.large': { eniQuantity: 3, cpuCoreCount: 2, memorySize: 16 },
  'ecs.t6-c1m1.large': { eniQuantity: 1, cpuCoreCount: 2, memorySize: 2 },
};
const DEFAULT_ENI_QUANTITY = 2;

/** Small deterministic PRNG so ids and fault probabilities repeat for the same scenario seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DnatSpecInput {
  forwardTableId: string; externalIp: string; externalPort: string; internalIp: string; internalPort: string; ipProtocol: string; name?: string;
}

export class World {
  readonly regionId: string;
  readonly accountId: string;
  /** Mutable: tests may change latencies at run time. */
  readonly latency: LatencyMs;
  forwardEntryQuota: number;
  /** When the world was created; used as the creation time of scenario resources. */
  readonly createdAt: number;
  readonly vpcs = new Map<string, VpcState>();
  readonly vSwitches = new Map<string, VSwitchState>();
  readonly securityGroups = new Map<string, SecurityGroupState>();
  readonly instances = new Map<string, InstanceState>();
  readonly enis = new Map<string, EniState>();
  readonly eips = new Map<string, EipState>();
  readonly natGateways = new Map<string, NatGatewayState>();
  readonly dnatEntries = new Map<string, DnatState>();
  readonly snatEntries = new Map<string, SnatState>();
  readonly invocations = new Map<string, InvocationState>();
  readonly instanceTypes: Record<string, { eniQuantity: number; cpuCoreCount?: number; memorySize?: number }>;
  /** ClientToken → what the first successful call returned. Key: `${action}|${token}`. */
  readonly clientTokens = new Map<string, { fingerprint: string; body: Record<string, unknown> }>();
  private readonly rand: () => number;
  private macCounter = 0x100;

  constructor(scenario: Scenario, readonly now: () => number = Date.now) {
    this.regionId = scenario.regionId;
    this.accountId = scenario.accountId;
    this.latency = { ...scenario.latencyMs };
    this.forwardEntryQuota = scenario.forwardEntryQuota;
    this.instanceTypes = { ...scenario.instanceTypes };
    this.rand = mulberry32(scenario.seed * 7919 + 17);
    const t0 = this.now();
    this.createdAt = t0;
    for (const v of scenario.vpcs) this.vpcs.set(v.vpcId, { vpcId: v.vpcId, cidr: v.cidr, name: v.name ?? v.vpcId });
    for (const v of scenario.vSwitches) this.vSwitches.set(v.vSwitchId, { ...v, name: v.name ?? v.vSwitchId });
    for (const g of scenario.securityGroups) {
      const rules: SgRuleState[] = [];
      for (const [direction, list] of [['ingress', g.ingress], ['egress', g.egress]] as const) {
        for (const r of list) {
          rules.push({
            direction, ipProtocol: r.ipProtocol.toUpperCase(), portRange: r.portRange, cidr: r.sourceCidrIp,
            policy: r.policy.toLowerCase() === 'drop' ? 'Drop' : 'Accept', priority: r.priority, description: r.description ?? '',
            ruleId: `sgr-${this.suffix()}`,
          });
        }
      }
      this.securityGroups.set(g.securityGroupId, { securityGroupId: g.securityGroupId, vpcId: g.vpcId, name: g.name ?? g.securityGroupId, rules });
    }
    const usedMacs = new Set(scenario.instances.map((i) => i.macAddress).filter(Boolean));
    for (const i of scenario.instances) {
      const vsw = this.vSwitches.get(i.vSwitchId)!;
      const primaryEniId = i.primaryNetworkInterfaceId ?? `eni-${i.instanceId.replace(/^i-/, '')}p`;
      const mac = i.macAddress ?? this.newMac(usedMacs);
      const inst: InstanceState = {
        instanceId: i.instanceId, name: i.name ?? i.instanceId, vpcId: vsw.vpcId, vSwitchId: vsw.vSwitchId, zoneId: vsw.zoneId,
        privateIp: i.privateIp, securityGroupIds: [...i.securityGroupIds], status: i.status, instanceType: i.instanceType,
        eniQuota: i.eniQuota, publicIp: i.publicIp, eipAddress: i.eipAddress, tags: { ...i.tags }, primaryEniId, macAddress: mac,
        guest: { ...i.guest, hostname: i.guest.hostname ?? `iZ${i.instanceId.replace(/^i-/, '')}Z` },
        guestState: newGuestState(), bootId: 1, createdAt: t0,
      };
      this.instances.set(inst.instanceId, inst);
      this.enis.set(primaryEniId, {
        networkInterfaceId: primaryEniId, type: 'Primary', vpcId: inst.vpcId, vSwitchId: inst.vSwitchId, zoneId: inst.zoneId,
        privateIp: inst.privateIp, macAddress: mac, securityGroupIds: inst.securityGroupIds, tags: {}, name: '', description: '',
        createdAt: t0, status: 'InUse', since: t0, instanceId: inst.instanceId, deviceIndex: 0,
      });
    }
    for (const e of scenario.eips) this.eips.set(e.allocationId, { allocationId: e.allocationId, ipAddress: e.ipAddress, bandwidth: e.bandwidth, name: e.name ?? '' });
    for (const inst of this.instances.values()) {
      const eip = inst.eipAddress ? this.eipByIp(inst.eipAddress) : undefined;
      if (eip) eip.instanceId = inst.instanceId;
    }
    for (const n of scenario.natGateways) {
      this.natGateways.set(n.natGatewayId, {
        natGatewayId: n.natGatewayId, vpcId: n.vpcId, vSwitchId: n.vSwitchId, forwardTableId: n.forwardTableId, snatTableId: n.snatTableId,
        name: n.name ?? '', spec: n.spec, eipIds: [...n.eips],
      });
      for (const a of n.eips) this.eips.get(a)!.natGatewayId = n.natGatewayId;
    }
    for (const s of scenario.snatEntries) {
      const nat = this.natOfSnatTable(s.snatTableId)!;
      const vsw = s.sourceVSwitchId ? this.vSwitches.get(s.sourceVSwitchId) : undefined;
      const id = s.snatEntryId ?? `snat-${this.suffix()}`;
      this.snatEntries.set(id, {
        snatEntryId: id, snatTableId: s.snatTableId, natGatewayId: nat.natGatewayId, snatIp: s.snatIp,
        sourceVSwitchId: s.sourceVSwitchId, sourceCidr: vsw ? vsw.cidr : s.sourceCidr!, name: s.name ?? '', status: 'Available',
      });
    }
    // Settled entries date from long ago; transitional ones start their transition now.
    for (const d of scenario.dnatEntries) this.addDnatEntry({ ...d, since: d.status === 'Available' ? t0 - 3_600_000 : t0 });
  }

  // ── ids ────────────────────────────────────────────────────────────────
  /** 17 base-36 chars after a 'bp1'-style prefix, like real Alibaba ids; seeded, so repeatable. */
  suffix(): string {
    let s = 'bp1';
    for (let i = 0; i < 17; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(this.rand() * 36)];
    return s;
  }
  random(): number {
    return this.rand();
  }
  newMac(used?: Set<string | undefined>): string {
    for (;;) {
      const n = this.macCounter++;
      const mac = `00:16:3e:${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
      if (!used?.has(mac) && ![...this.enis.values()].some((e) => e.macAddress === mac)) return mac;
    }
  }

  // ── lazy state ─────────────────────────────────────────────────────────
  /** Applies every transition whose time has come. Called before each read and write. */
  settle(): void {
    const now = this.now();
    const L = this.latency;
    for (const e of [...this.enis.values()]) {
      if (e.status === 'Attaching' && now >= e.since + L.eniAttach) {
        e.since += L.eniAttach;
        if (e.failPending) { e.status = 'Available'; e.instanceId = undefined; e.deviceIndex = undefined; e.failPending = false; }
        else e.status = 'InUse';
      } else if (e.status === 'Detaching' && now >= e.since + L.eniDetach) {
        e.since += L.eniDetach;
        if (e.failPending) { e.status = 'InUse'; e.failPending = false; }
        else { e.status = 'Available'; e.instanceId = undefined; e.deviceIndex = undefined; }
      } else if (e.status === 'Deleting' && now >= e.since + L.eniDelete) {
        this.enis.delete(e.networkInterfaceId);
      }
    }
    for (const d of [...this.dnatEntries.values()]) {
      if ((d.status === 'Pending' || d.status === 'Modifying') && now >= d.since + L.dnatCreate) {
        if (d.failPending) this.dnatEntries.delete(d.forwardEntryId);
        else { d.status = 'Available'; d.since += L.dnatCreate; }
      } else if (d.status === 'Deleting' && now >= d.since + L.dnatDelete) {
        this.dnatEntries.delete(d.forwardEntryId);
      }
    }
  }

  // ── lookups ────────────────────────────────────────────────────────────
  eipByIp(ip: string): EipState | undefined {
    for (const e of this.eips.values()) if (e.ipAddress === ip) return e;
    return undefined;
  }
  natOfForwardTable(tableId: string): NatGatewayState | undefined {
    for (const n of this.natGateways.values()) if (n.forwardTableId === tableId) return n;
    return undefined;
  }
  natOfSnatTable(tableId: string): NatGatewayState | undefined {
    for (const n of this.natGateways.values()) if (n.snatTableId === tableId) return n;
    return undefined;
  }
  dnatOfTable(tableId: string): DnatState[] {
    return [...this.dnatEntries.values()].filter((d) => d.forwardTableId === tableId);
  }
  snatOfTable(tableId: string): SnatState[] {
    return [...this.snatEntries.values()].filter((s) => s.snatTableId === tableId);
  }
  /** Secondary ENIs attached (or attaching/detaching) to an instance, in device order. */
  enisOf(instanceId: string): EniState[] {
    return [...this.enis.values()]
      .filter((e) => e.instanceId === instanceId)
      .sort((a, b) => (a.deviceIndex ?? 0) - (b.deviceIndex ?? 0));
  }
  /** Every private IP in use (instances, ENIs, NAT gateways). */
  usedIps(): Set<string> {
    const used = new Set<string>();
    for (const e of this.enis.values()) used.add(e.privateIp);
    for (const i of this.instances.values()) used.add(i.privateIp);
    for (const n of this.natGateways.values()) used.add(this.natPrivateIp(n));
    return used;
  }
  /** The NAT gateway's own address in its vSwitch: the last usable one. */
  natPrivateIp(n: NatGatewayState): string {
    const c = parseCidr(this.vSwitches.get(n.vSwitchId)?.cidr ?? '0.0.0.0/32')!;
    return formatIp(c.end - 4);
  }
  eniQuantityOf(inst: InstanceState): number {
    return inst.eniQuota ?? this.instanceTypes[inst.instanceType]?.eniQuantity ?? BUILTIN_INSTANCE_TYPES[inst.instanceType]?.eniQuantity ?? DEFAULT_ENI_QUANTITY;
  }
  /** For DescribeInstanceTypes: the scenario table, else an instance's eniQuota, else the built-in table. */
  instanceTypeInfo(type: string): { eniQuantity: number; cpuCoreCount: number; memorySize: number } | undefined {
    const builtin = BUILTIN_INSTANCE_TYPES[type];
    const declared = this.instanceTypes[type];
    const fromInstance = [...this.instances.values()].find((i) => i.instanceType === type && i.eniQuota !== undefined)?.eniQuota;
    const eniQuantity = declared?.eniQuantity ?? fromInstance ?? builtin?.eniQuantity
      ?? ([...this.instances.values()].some((i) => i.instanceType === type) ? DEFAULT_ENI_QUANTITY : undefined);
    if (eniQuantity === undefined) return undefined;
    return { eniQuantity, cpuCoreCount: declared?.cpuCoreCount ?? builtin?.cpuCoreCount ?? 2, memorySize: declared?.memorySize ?? builtin?.memorySize ?? 8 };
  }
  allInstanceTypes(): string[] {
    const names = new Set([...Object.keys(BUILTIN_INSTANCE_TYPES), ...Object.keys(this.instanceTypes), ...[...this.instances.values()].map((i) => i.instanceType)]);
    return [...names].sort();
  }

  // ── test helpers (bypass API constraints on purpose) ───────────────────
  /** Inserts a DNAT entry directly, e.g. to simulate drift. Status defaults to Available. */
  addDnatEntry(spec: DnatSpecInput & { forwardEntryId?: string; status?: DnatStatus; since?: number }): DnatState {
    const nat = this.natOfForwardTable(spec.forwardTableId);
    if (!nat) throw new Error(`no NAT gateway has forward table ${spec.forwardTableId}`);
    const id = spec.forwardEntryId ?? `fwd-${this.suffix()}`;
    const d: DnatState = {
      forwardEntryId: id, forwardTableId: spec.forwardTableId, natGatewayId: nat.natGatewayId,
      externalIp: spec.externalIp, externalPort: normPort(spec.externalPort), internalIp: spec.internalIp,
      internalPort: normPort(spec.internalPort), ipProtocol: spec.ipProtocol.toLowerCase(), name: spec.name ?? '',
      status: spec.status ?? 'Available', since: spec.since ?? this.now(),
    };
    this.dnatEntries.set(id, d);
    return d;
  }
  /** Changes an instance's status; going back to Running counts as a reboot of the guest. */
  setInstanceStatus(instanceId: string, status: string): void {
    const i = this.instances.get(instanceId);
    if (!i) throw new Error(`no instance ${instanceId}`);
    if (status === 'Running' && i.status !== 'Running') i.bootId++;
    i.status = status;
  }

  // ── cloud-side egress ──────────────────────────────────────────────────
  /**
   * The public IP a packet from `srcIp` (leaving through NIC `eni` of `inst`) appears from, per the documented
   * precedence: the instance's own EIP / public IP (primary IP only), else a DNAT IP mapping of that IP, else the
   * most specific SNAT entry covering it (first IP of its SnatIp list). undefined = no way out (times out).
   */
  cloudEgress(inst: InstanceState, srcIp: string, eni: EniState): { ip: string; via: 'dnat' | 'publicIp' | 'eip' | 'snat'; entryId?: string } | undefined {
    this.settle();
    // An instance's own EIP or public IP wins: a DNAT entry only takes effect for an IP without one
    // (CreateForwardEntry, InternalIp), and those beat SNAT (NAT gateway terms).
    if (srcIp === inst.privateIp && inst.eipAddress) return { ip: inst.eipAddress, via: 'eip' };
    if (srcIp === inst.privateIp && inst.publicIp) return { ip: inst.publicIp, via: 'publicIp' };
    for (const d of this.dnatEntries.values()) {
      if (d.status !== 'Available' || d.ipProtocol !== 'any' || d.internalIp !== srcIp) continue;
      const nat = this.natGateways.get(d.natGatewayId);
      if (nat?.vpcId === inst.vpcId && this.eipByIp(d.externalIp)?.natGatewayId === nat.natGatewayId) {
        return { ip: d.externalIp, via: 'dnat', entryId: d.forwardEntryId };
      }
    }
    let best: SnatState | undefined;
    let bestPrefix = -1;
    for (const s of this.snatEntries.values()) {
      if (s.status !== 'Available' || this.natGateways.get(s.natGatewayId)?.vpcId !== inst.vpcId) continue;
      const covers = s.sourceVSwitchId ? s.sourceVSwitchId === eni.vSwitchId : cidrContains(s.sourceCidr, srcIp);
      if (!covers) continue;
      const prefix = Number(s.sourceCidr.split('/')[1] ?? 32);
      if (prefix > bestPrefix) { best = s; bestPrefix = prefix; }
    }
    if (best) return { ip: best.snatIp.split(',')[0]!.trim(), via: 'snat', entryId: best.snatEntryId };
    return undefined;
  }

  // ── ENI operations ─────────────────────────────────────────────────────
  createNetworkInterface(input: {
    vSwitchId: string; securityGroupIds: string[]; primaryIp?: string; name?: string; description?: string; tags: Record<string, string>;
  }): EniState {
    this.settle();
    const vsw = this.vSwitches.get(input.vSwitchId);
    if (!vsw) throw new ApiError('InvalidVSwitchId.NotFound', 404, 'The specified VSwitchId does not exist.');
    for (const g of input.securityGroupIds) {
      const sg = this.securityGroups.get(g);
      if (!sg) throw new ApiError('InvalidSecurityGroupId.NotFound', 404, `The specified SecurityGroupId "${g}" does not exist.`);
      if (sg.vpcId !== vsw.vpcId) throw new ApiError('InvalidOperation.VpcMismatch', 403, 'The specified security group and vSwitch are not in the same VPC.');
    }
    const used = this.usedIps();
    let ip = input.primaryIp;
    if (ip !== undefined) {
      if (!isIp(ip) || !cidrContains(vsw.cidr, ip) || isReservedInVSwitch(vsw.cidr, ip)) {
        throw new ApiError('InvalidVSwitchId.IpInvalid', 403, 'The specified IP address is not within the CIDR block of the vSwitch.');
      }
      if (used.has(ip)) throw new ApiError('InvalidPrivateIpAddress.Duplicated', 400, 'The specified private IP address is already in use.');
    } else {
      ip = allocateIp(vsw.cidr, used);
      if (!ip) throw new ApiError('InvalidVSwitchId.IpNotEnough', 403, 'The specified vSwitch does not have enough IP addresses.');
    }
    const t = this.now();
    const eni: EniState = {
      networkInterfaceId: `eni-${this.suffix()}`, type: 'Secondary', vpcId: vsw.vpcId, vSwitchId: vsw.vSwitchId, zoneId: vsw.zoneId,
      privateIp: ip, macAddress: this.newMac(), securityGroupIds: [...input.securityGroupIds], tags: { ...input.tags },
      name: input.name ?? '', description: input.description ?? '', createdAt: t, status: 'Available', since: t,
    };
    this.enis.set(eni.networkInterfaceId, eni);
    return eni;
  }

  attachNetworkInterface(eniId: string, instanceId: string, opts: { fail?: boolean } = {}): void {
    this.settle();
    const inst = this.instances.get(instanceId);
    if (!inst) throw new ApiError('InvalidEcsId.NotFound', 404, 'The specified ECS instance does not exist.');
    const eni = this.enis.get(eniId);
    if (!eni) throw new ApiError('InvalidEniId.NotFound', 404, 'The specified ENI does not exist.');
    if (eni.type === 'Primary') throw new ApiError('InvalidOperation.InvalidEniType', 403, 'The primary ENI cannot be attached.');
    if (eni.status !== 'Available') {
      throw new ApiError('InvalidOperation.InvalidEniState', 400, `The operation is not allowed in the current ENI state (${eni.status}).`);
    }
    if (inst.status !== 'Running' && inst.status !== 'Stopped') {
      throw new ApiError('InvalidOperation.InvalidEcsState', 400, `The operation is not allowed in the current ECS instance state (${inst.status}).`);
    }
    if (eni.vpcId !== inst.vpcId) throw new ApiError('InvalidOperation.VpcMismatch', 403, 'The ENI and the instance are not in the same VPC.');
    if (eni.zoneId !== inst.zoneId) {
      throw new ApiError('InvalidOperation.AvailabilityZoneMismatch', 403, 'The ENI and the instance are not in the same zone.');
    }
    const attached = this.enisOf(instanceId);
    if (attached.length + 1 > this.eniQuantityOf(inst)) {
      throw new ApiError('EniPerInstanceLimitExceeded', 403, `The number of ENIs attached to instance ${instanceId} exceeds the limit of its instance type.`);
    }
    const taken = new Set(attached.map((e) => e.deviceIndex));
    let idx = 1;
    while (taken.has(idx)) idx++;
    eni.status = 'Attaching';
    eni.since = this.now();
    eni.instanceId = instanceId;
    eni.deviceIndex = idx;
    eni.failPending = opts.fail || undefined;
  }

  detachNetworkInterface(eniId: string, instanceId: string, opts: { fail?: boolean } = {}): void {
    this.settle();
    const eni = this.enis.get(eniId);
    if (!eni) throw new ApiError('InvalidEniId.NotFound', 404, 'The specified ENI does not exist.');
    if (!this.instances.has(instanceId)) throw new ApiError('InvalidEcsId.NotFound', 404, 'The specified ECS instance does not exist.');
    if (eni.type === 'Primary') throw new ApiError('InvalidOperation.DetachPrimaryEniNotAllowed', 403, 'The primary ENI cannot be detached.');
    if (eni.status !== 'InUse' || eni.instanceId !== instanceId) {
      throw new ApiError('InvalidOperation.InvalidEniState', 400, `The operation is not allowed in the current ENI state (${eni.status}${eni.instanceId && eni.instanceId !== instanceId ? `, attached to ${eni.instanceId}` : ''}).`);
    }
    eni.status = 'Detaching';
    eni.since = this.now();
    eni.failPending = opts.fail || undefined;
  }

  deleteNetworkInterface(eniId: string): void {
    this.settle();
    const eni = this.enis.get(eniId);
    if (!eni) throw new ApiError('InvalidEniId.NotFound', 404, 'The specified ENI does not exist.');
    if (eni.type === 'Primary') throw new ApiError('InvalidOperation.InvalidEniType', 403, 'The primary ENI cannot be deleted.');
    if (eni.status !== 'Available') {
      throw new ApiError('InvalidOperation.InvalidEniState', 400, `The operation is not allowed in the current ENI state (${eni.status}).`);
    }
    eni.status = 'Deleting';
    eni.since = this.now();
  }

  // ── DNAT operations ────────────────────────────────────────────────────
  private forwardTable(tableId: string): NatGatewayState {
    const nat = this.natOfForwardTable(tableId);
    if (!nat) throw new ApiError('InvalidForwardTableId.NotFound', 404, 'The specified ForwardTableId does not exist.');
    return nat;
  }
  private assertTableStable(tableId: string): void {
    if (this.dnatOfTable(tableId).some((d) => d.status === 'Pending' || d.status === 'Modifying')) {
      throw new ApiError('IncorretForwardEntryStatus', 400, 'Some Forward entry status blocked this operation..');
    }
  }

  createForwardEntry(spec: DnatSpecInput, opts: { fail?: boolean } = {}): DnatState {
    this.settle();
    const proto = spec.ipProtocol.toLowerCase();
    if (!['tcp', 'udp', 'any'].includes(proto)) throw new ApiError('InvalidProtocal.ValueNotSupported', 400, 'The specified IpProtocol is not supported.');
    if (!isIp(spec.externalIp)) throw new ApiError('InvalidExternalIp.Malformed', 400, 'The specified ExternalIp is malformed.');
    if (!isIp(spec.internalIp)) throw new ApiError('InvalidInternalIp.Malformed', 400, 'The specified InternalIp is malformed.');
    const ext = normPort(spec.externalPort);
    const int = normPort(spec.internalPort);
    if (!validPort(ext)) throw new ApiError('InvalidExternalPort.Malformed', 400, 'The specified ExternalPort is malformed.');
    if (!validPort(int)) throw new ApiError('InvalidInternalPort.Malformed', 400, 'The specified InternalPort is malformed.');
    if ((proto === 'any') !== (ext === 'any') || (ext === 'any') !== (int === 'any')) {
      throw new ApiError('InvalidParameter', 400, 'If IpProtocol is Any, ExternalPort and InternalPort must also be Any (and only then).');
    }
    if (spec.externalIp === spec.internalIp) throw new ApiError('InvalidParameter', 400, 'ExternalIp and InternalIp must differ.');
    const nat = this.forwardTable(spec.forwardTableId);
    const eip = this.eipByIp(spec.externalIp);
    if (!eip) throw new ApiError('InvalidExternalIp.NotFound', 404, 'The specified ExternalIp does not exist.');
    if (eip.natGatewayId !== nat.natGatewayId) throw new ApiError('InvalidIp.NotInNatgw', 400, 'The specified IP is not bound to the NAT gateway.');
    const vpc = this.vpcs.get(nat.vpcId);
    if (vpc && !cidrContains(vpc.cidr, spec.internalIp)) {
      throw new ApiError('Forbidden.InternalIpOutOfVpcCIDR', 400, 'The specified InternalIp is not within the CIDR block of the VPC.');
    }
    this.assertTableStable(spec.forwardTableId);
    for (const s of this.snatEntries.values()) {
      if (s.natGatewayId === nat.natGatewayId && s.snatIp.split(',').map((x) => x.trim()).includes(spec.externalIp)) {
        throw new ApiError('Forbidden.ExternalIp.UsedInSnatTable', 400, 'The specified ExternalIp is already used in the SNAT table.');
      }
    }
    const siblings = this.dnatOfTable(spec.forwardTableId);
    for (const d of siblings) {
      const sameIp = d.externalIp === spec.externalIp;
      if (sameIp && (d.ipProtocol === 'any' || proto === 'any')) {
        throw new ApiError('OperationUnsupported.ForwardEntry', 400,
          `The IP ${spec.externalIp} is used by an IP mapping (${d.ipProtocol === 'any' ? d.forwardEntryId : 'the new entry'}, status ${d.ipProtocol === 'any' ? d.status : 'new'}) and cannot be used by another DNAT entry.`);
      }
      if (sameIp && d.externalPort === ext && d.ipProtocol === proto) {
        throw new ApiError('OperationUnsupported.ForwardEntry', 400, 'Duplicated destination ip port is unsupported.');
      }
      if (d.internalIp === spec.internalIp && d.internalPort === int && d.ipProtocol === proto) {
        throw new ApiError('OperationUnsupported.ForwardEntry', 400, 'Duplicated source ip port is unsupported.');
      }
    }
    if (siblings.length >= this.forwardEntryQuota) throw new ApiError('QuotaExceeded', 400, 'Forward entry quota exceeded.');
    const d = this.addDnatEntry({ ...spec, status: 'Pending' });
    d.failPending = opts.fail || undefined;
    return d;
  }

  deleteForwardEntry(tableId: string, entryId: string): void {
    this.settle();
    this.forwardTable(tableId);
    const d = this.dnatEntries.get(entryId);
    if (!d || d.forwardTableId !== tableId) throw new ApiError('InvalidForwardEntryId.NotFound', 404, 'The specified ForwardEntryId does not exist.');
    this.assertTableStable(tableId);
    if (d.status === 'Deleting') {
      throw new ApiError('IncorretForwardEntryStatus', 400, 'The specified forwardEntry is not stable status, can not operation');
    }
    d.status = 'Deleting';
    d.since = this.now();
  }

  // ── Cloud Assistant ────────────────────────────────────────────────────
  runCommand(input: { instanceIds: string[]; script: string; name: string; timeoutSec: number; username: string; fail?: boolean }): InvocationState {
    this.settle();
    const insts = input.instanceIds.map((id) => {
      const inst = this.instances.get(id);
      if (!inst) throw new ApiError('InvalidInstance.NotFound', 404, `The specified instance "${id}" does not exist.`);
      return inst;
    });
    for (const inst of insts) {
      if (inst.status !== 'Running') {
        throw new ApiError('InvalidInstance.NotMatch', 403, `The instance ${inst.instanceId} is not Running (${inst.status}).`);
      }
    }
    const t = this.now();
    const results: InvocationInstanceResult[] = insts.map((inst) => {
      const base = { instanceId: inst.instanceId, startedAt: t, output: '', errorCode: '', errorInfo: '' };
      const done = t + this.latency.runCommand;
      if (input.fail) return { ...base, finishAt: done, finalStatus: 'Error', errorCode: 'DeliveryTimeout', errorInfo: 'The command could not be delivered to the instance.' };
      if (!inst.guest.cloudAssistant) {
        return { ...base, finishAt: done, finalStatus: 'Failed', errorCode: 'ClientNotRunning', errorInfo: 'The Cloud Assistant agent is not running.' };
      }
      const r = runGuestScript(this, inst, input.script);
      // Modelled script time (sleep) decides Timeout but is not waited for: results arrive after latency.runCommand.
      if (r.sleepMs > input.timeoutSec * 1000) {
        return { ...base, finishAt: done, finalStatus: 'Timeout', output: r.output, errorCode: 'ExecutionTimeout', errorInfo: 'The command execution timed out.' };
      }
      return r.exitCode === 0
        ? { ...base, finishAt: done, finalStatus: 'Success', exitCode: 0, output: r.output }
        : { ...base, finishAt: done, finalStatus: 'Failed', exitCode: r.exitCode, output: r.output, errorCode: 'ExitCodeNonzero', errorInfo: `The command exited with code ${r.exitCode}.` };
    });
    const inv: InvocationState = {
      invokeId: `t-${this.suffix().replace(/^bp1/, 'hz0')}`, commandId: `c-${this.suffix().replace(/^bp1/, 'hz0')}`, name: input.name,
      commandContent: input.script, createdAt: t, username: input.username, results,
    };
    this.invocations.set(inv.invokeId, inv);
    return inv;
  }
}

/** 'Any' in any case → 'any'; '22' stays; '1000/2000' stays. */
export function normPort(p: string): string {
  return p.trim().toLowerCase() === 'any' ? 'any' : p.trim();
}

function validPort(p: string): boolean {
  if (p === 'any') return true;
  const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(p);
  if (!m) return false;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return a >= 1 && b <= 65535 && a <= b;
}

/** Port range of a DNAT port field: [from, to]; 'any' → [1, 65535]. */
export function portSpan(p: string): [number, number] {
  if (p === 'any') return [1, 65535];
  const [a, b] = p.split('/').map(Number);
  return [a!, b ?? a!];
}
