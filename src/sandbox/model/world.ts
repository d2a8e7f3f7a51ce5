// The live state of the sandbox cloud. Asynchronous operations store when they started; `settle()` derives the
// current state from timestamps on every read, so there are no timers and the model is deterministic for a given
// clock. The operations that change it, with the constraints the real API enforces, are in eni-operations.ts,
// forward-entry-operations.ts and cloud-assistant.ts.
import type { GuestHost } from '../guest/guest-host.ts';
import { newGuestState } from '../guest/guest-state.ts';
import { lastUsableIp } from '../ip.ts';
import { realismOn, type Realism, type RealismRule } from '../scenario/realism-schema.ts';
import type { LatencyMs, Scenario } from '../scenario/scenario-schema.ts';
import { mulberry32 } from '../seeded-random.ts';
import type {
  CloudEgress, DnatSpecInput, DnatState, DnatStatus, EipState, EniState, InstanceState, InvocationState, NatGatewayState, SecurityGroupState,
  SgRuleState, SnatState, VpcState, VSwitchState,
} from './cloud-resources.ts';
import { normPort } from './forward-entry-ports.ts';
import { settlePower, statusAsOf } from './instance-power.ts';
import { BUILTIN_INSTANCE_TYPES, DEFAULT_ENI_QUANTITY, type InstanceTypeInfo } from './instance-types.ts';
import { egressOf } from './cloud-egress.ts';
import { EniIndex, WatchedMap } from './eni-index.ts';
import { LaggedView } from './read-lag.ts';

export class World implements GuestHost {
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
  /** Every ENI; adding or removing one (here or in a test's edit) keeps enisOf()'s index in step. */
  readonly enis: Map<string, EniState> = new WatchedMap<string, EniState>((id, before, after) => this.eniIndex.move(id, before?.instanceId, after));
  readonly eips = new Map<string, EipState>();
  readonly natGateways = new Map<string, NatGatewayState>();
  readonly dnatEntries = new Map<string, DnatState>();
  /** EIP → until when Create/ModifyForwardEntry on it answer OperationUnsupported.EipInBinding (latency.eipRebind). */
  readonly eipRebindUntil = new Map<string, number>();
  readonly snatEntries = new Map<string, SnatState>();
  readonly invocations = new Map<string, InvocationState>();
  readonly instanceTypes: Record<string, { eniQuantity: number; cpuCoreCount?: number; memorySize?: number }>;
  /** ClientToken → what the first successful call returned. Key: `${action}|${token}`. */
  readonly clientTokens = new Map<string, { fingerprint: string; body: Record<string, unknown> }>();
  /** The realism layer's settings (mutable: a test may relax a rule mid-run by naming it). */
  readonly realism: Realism;
  // Fingerprints: plain concatenations (a fleet of 1,000 is fingerprinted after every write).
  private readonly enisRead = new LaggedView<EniState>((e) => e.networkInterfaceId,
    (e) => `${e.status}|${e.instanceId}|${e.deviceIndex}|${e.name}|${e.description}|${e.securityGroupIds.join()}|${Object.entries(e.tags).join(';')}`);
  private readonly dnatRead = new LaggedView<DnatState>((d) => d.forwardEntryId,
    (d) => `${d.status}|${d.externalIp}|${d.externalPort}|${d.internalIp}|${d.internalPort}|${d.ipProtocol}|${d.name}`);
  /** A test changed resources behind the API's back: the next observe() looks at every one, and shows them at once. */
  private changed = true;
  /** Resources a write or a transition touched since the last observe(). */
  private readonly touchedEnis = new Set<string>();
  private readonly touchedDnat = new Set<string>();
  /** ENIs and DNAT entries maybe in a transition (touched): settle() looks at these, not at a fleet of thousands. */
  private readonly movingEnis = new Set<string>();
  private readonly movingDnat = new Set<string>();
  private settleAll = true; // after a test's edit behind the API (markChanged), settle() looks at every resource
  /** Invocations per instance (DescribeCloudAssistantStatus's InvocationCount), kept as they are added. */
  readonly invocationCount = new Map<string, number>();
  private readonly rand: () => number;
  /** ENIs by the instance they are attached to (or attaching to, detaching from), kept as ENIs come, go and move. */
  private readonly eniIndex = new EniIndex();
  private macCounter = 0x100;

  constructor(scenario: Scenario, readonly now: () => number = Date.now) {
    this.regionId = scenario.regionId;
    this.accountId = scenario.accountId;
    this.latency = { ...scenario.latencyMs };
    this.realism = { ...scenario.realism, off: [...scenario.realism.off] };
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
    for (const d of scenario.dnatEntries) this.insertDnatEntry({ ...d, since: d.status === 'Available' ? t0 - 3_600_000 : t0 });
    this.observe(true);
  }

  // ── realism ────────────────────────────────────────────────────────────
  on(rule: RealismRule): boolean {
    return realismOn(this.realism, rule);
  }
  private readLag(): number {
    return this.on('staleReads') ? this.realism.readLagMs : 0;
  }
  /**
   * A test changed ENIs or DNAT entries behind the API's back (drift, someone else's edit): reads show the change at
   * once, as they did before the realism layer. Call it after such an edit.
   */
  markChanged(): void {
    this.changed = true;
    this.settleAll = true;
  }
  /** A write or a transition changed this resource (an id of either kind; unknown ids are ignored). */
  touch(id: string): void {
    this.touchedEnis.add(id);
    this.touchedDnat.add(id);
    this.movingEnis.add(id);
    this.movingDnat.add(id);
  }
  /** Records changes for the lagged reads; the API server calls it around every request. */
  observe(initial = false): void {
    const now = this.now();
    const lag = this.readLag();
    if (this.changed || initial) {
      this.changed = false;
      // API writes were recorded at the end of their own request: what is left is the test's edit.
      this.enisRead.observe(this.enis.values(), now, lag, true);
      this.dnatRead.observe(this.dnatEntries.values(), now, lag, true);
    } else {
      this.enisRead.observeIds(this.touchedEnis, (id) => this.enis.get(id), now);
      this.dnatRead.observeIds(this.touchedDnat, (id) => this.dnatEntries.get(id), now);
    }
    this.touchedEnis.clear();
    this.touchedDnat.clear();
  }
  /** ENIs as DescribeNetworkInterfaces lists them (staleReads: as they were readLagMs ago); `id`: that one only. */
  listedEnis(id?: string): EniState[] {
    if (id === undefined) return this.on('staleReads') ? this.enisRead.visible(this.now(), this.readLag()) : [...this.enis.values()];
    const e = this.on('staleReads') ? this.enisRead.visibleOne(id, this.now(), this.readLag()) : this.enis.get(id);
    return e ? [e] : [];
  }
  /** An instance's status as DescribeInstances shows it (staleReads: the one of readLagMs ago after a power operation). */
  listedStatus(inst: InstanceState): string {
    return this.on('staleReads') ? statusAsOf(inst, this.now() - this.readLag()) : inst.status;
  }
  /** A forward table's entries as DescribeForwardTableEntries lists them; `entryId`: that one only (looked up, not scanned). */
  listedDnatOfTable(tableId: string, entryId?: string): DnatState[] {
    const stale = this.on('staleReads');
    const one = entryId === undefined ? undefined : stale ? this.dnatRead.visibleOne(entryId, this.now(), this.readLag()) : this.dnatEntries.get(entryId);
    const all = entryId !== undefined ? (one ? [one] : []) : stale ? this.dnatRead.visible(this.now(), this.readLag()) : [...this.dnatEntries.values()];
    return all.filter((d) => d.forwardTableId === tableId);
  }
  /** How long an EIP stays "in binding" after the IP mapping on it was deleted or moved (`took`: how long that took). */
  eipInBindingMs(took: number): number {
    if (this.latency.eipRebind !== undefined) return this.latency.eipRebind;
    if (!this.on('eipInBinding')) return 0;
    return this.realism.eipInBindingMs ?? took;
  }

  // ── ids ────────────────────────────────────────────────────────────────
  /** 17 base-36 chars after a 'bp1'-style prefix, like real Alibaba ids; seeded, so repeatable. */
  suffix(): string {
    let s = 'bp1';
    for (let i = 0; i < 17; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(this.rand() * 36)];
    return s;
  }
  newMac(used?: Set<string | undefined>): string {
    for (;;) {
      const n = this.macCounter++;
      const mac = `00:16:3e:${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
      if (!used?.has(mac) && !this.macInUse(mac)) return mac;
    }
  }

  private macInUse(mac: string): boolean {
    for (const e of this.enis.values()) if (e.macAddress === mac) return true;
    return false;
  }

  // ── lazy state ─────────────────────────────────────────────────────────
  /** Applies every transition whose time has come. Called before each read and write. */
  settle(): void {
    const now = this.now();
    const L = this.latency;
    settlePower(this);
    if (this.settleAll) {
      this.settleAll = false;
      for (const id of this.enis.keys()) this.movingEnis.add(id);
      for (const id of this.dnatEntries.keys()) this.movingDnat.add(id);
    }
    for (const e of this.candidates(this.movingEnis, this.enis, false)) {
      if (e.status === 'Attaching' && now >= e.since + L.eniAttach) {
        this.touch(e.networkInterfaceId);
        e.since += L.eniAttach;
        if (e.failPending) { const from = e.instanceId; detached(e); this.eniMoved(e, from); e.failPending = false; }
        else e.status = 'InUse';
      } else if (e.status === 'Detaching' && now >= e.since + L.eniDetach) {
        this.touch(e.networkInterfaceId);
        e.since += L.eniDetach;
        if (e.failPending) { e.status = 'InUse'; e.failPending = false; }
        else { const from = e.instanceId; detached(e); this.eniMoved(e, from); }
      } else if (e.status === 'Deleting' && now >= e.since + L.eniDelete) {
        this.touch(e.networkInterfaceId);
        this.enis.delete(e.networkInterfaceId);
      }
    }
    for (const d of this.candidates(this.movingDnat, this.dnatEntries, true)) {
      const took = d.previous ? L.dnatModify : L.dnatCreate;
      if ((d.status === 'Pending' || d.status === 'Modifying') && now >= d.since + took) {
        this.touch(d.forwardEntryId);
        if (d.failPending) this.dnatEntries.delete(d.forwardEntryId);
        else {
          d.status = 'Available';
          d.since += took;
          if (d.previous && d.previous.internalIp !== d.internalIp) this.eipRebindUntil.set(d.externalIp, d.since + this.eipInBindingMs(took));
          d.previous = undefined;
        }
      } else if (d.status === 'Deleting' && now >= d.since + L.dnatDelete) {
        this.touch(d.forwardEntryId);
        this.dnatEntries.delete(d.forwardEntryId);
        if (d.ipProtocol === 'any') this.eipRebindUntil.set(d.externalIp, d.since + L.dnatDelete + this.eipInBindingMs(L.dnatDelete));
      }
    }
  }

  /** The resources of `moving` still in a transition (the others are dropped); `inOrder`: in the order of `all`. */
  private candidates<T extends { status: string }>(moving: Set<string>, all: Map<string, T>, inOrder: boolean): T[] {
    const out: T[] = [];
    for (const id of moving) {
      const r = all.get(id);
      if (r && TRANSITIONAL.has(r.status)) out.push(r);
      else moving.delete(id);
    }
    if (!inOrder || out.length < 2) return out;
    const set = new Set(out);
    return [...all.values()].filter((r) => set.has(r));
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
  /** An ENI's instanceId changed from `from` (attached to an instance, or detached from one). */
  eniMoved(e: EniState, from: string | undefined): void {
    this.eniIndex.move(e.networkInterfaceId, from, e);
  }
  /** ENIs attached (or attaching/detaching) to an instance, the primary included, in device order. */
  enisOf(instanceId: string): EniState[] {
    // Looked up by instance (a fleet's guests ask this on every command), not by a scan of every ENI.
    return this.eniIndex.of(instanceId, this.enis);
  }
  /** The ENIs the instance's guest has as NICs: its primary ENI, then the secondary ones that are InUse. */
  nicsOf(inst: InstanceState): EniState[] {
    const primary = this.enis.get(inst.primaryEniId);
    return [...(primary ? [primary] : []), ...this.enisOf(inst.instanceId).filter((e) => e.type === 'Secondary' && e.status === 'InUse')];
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
    return lastUsableIp(this.vSwitches.get(n.vSwitchId)?.cidr ?? '0.0.0.0/32')!;
  }
  eniQuantityOf(inst: InstanceState): number {
    return inst.eniQuota ?? this.instanceTypes[inst.instanceType]?.eniQuantity ?? BUILTIN_INSTANCE_TYPES[inst.instanceType]?.eniQuantity ?? DEFAULT_ENI_QUANTITY;
  }
  /** For DescribeInstanceTypes: the scenario table, else an instance's eniQuota, else the built-in table. */
  instanceTypeInfo(type: string): InstanceTypeInfo | undefined {
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
  /** Inserts a DNAT entry directly, e.g. to simulate drift (reads show it at once). Status defaults to Available. */
  addDnatEntry(spec: DnatSpecInput & { forwardEntryId?: string; status?: DnatStatus; since?: number }): DnatState {
    const d = this.insertDnatEntry(spec);
    this.changed = true;
    return d;
  }
  /** Inserts a DNAT entry (CreateForwardEntry's path: reads see it after the lag). */
  insertDnatEntry(spec: DnatSpecInput & { forwardEntryId?: string; status?: DnatStatus; since?: number }): DnatState {
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
    this.movingDnat.add(id);
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
  /** The public IP a packet from `srcIp` (leaving through NIC `eni` of `inst`) appears from (cloud-egress.ts). */
  cloudEgress(inst: InstanceState, srcIp: string, eni: EniState): CloudEgress | undefined {
    this.settle();
    return egressOf(this, inst, srcIp, eni);
  }
}

const TRANSITIONAL: ReadonlySet<string> = new Set(['Attaching', 'Detaching', 'Deleting', 'Pending', 'Modifying']); // settle() moves these on

/** An attach that failed or a detach that finished: the ENI is free again. */
function detached(e: EniState): void {
  e.status = 'Available';
  e.instanceId = undefined;
  e.deviceIndex = undefined;
}
