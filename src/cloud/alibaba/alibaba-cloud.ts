// The CloudPort on Alibaba Cloud's official SDKs (@alicloud/ecs20140526, @alicloud/vpc20160428): the reads live here;
// the ENI lifecycle, DNAT entries and Cloud Assistant each have their own module on the shared session.
import type * as EcsModels from '@alicloud/ecs20140526';
import { ecsSdk as $Ecs } from './sdk.ts';
import { vpcSdk as $Vpc } from './sdk.ts';
import type { CloudCallObserver, CloudPort } from '../cloud-port.ts';
import { isCloudError } from '../cloud-error.ts';
import type {
  CloudAssistantAgent,
  DnatEntry, DnatSpec, Eip, Instance, InvocationResult, NatGateway, NetworkInterface, SecurityGroup, SecurityGroupRule, SnatEntry, VSwitch,
} from '../../domain/cloud-types.ts';
import { AlibabaSession, type AlibabaCloudOptions, type WaitExtras } from './alibaba-session.ts';
import { CloudAssistant } from './cloud-assistant.ts';
import { DnatOperations } from './dnat-operations.ts';
import { EniOperations } from './eni-operations.ts';
import { InstancePower } from './instance-power.ts';
import {
  mapEip, mapInstance, mapNatGateway, mapSecurityGroup, mapSecurityGroupRule, mapSnatEntry, mapVSwitch,
} from './map.ts';

export type { AlibabaCloudOptions, WaitExtras } from './alibaba-session.ts';

const SG_NOT_FOUND = new Set(['InvalidSecurityGroupId.NotFound', 'InvalidSecurityGroupId.Malformed']);
const INSTANCE_NOT_FOUND = new Set(['InvalidInstanceId.NotFound', 'InvalidInstanceId.Malformed']);

export class AlibabaCloud implements CloudPort {
  readonly regionId: string;
  private readonly s: AlibabaSession;
  private readonly enis: EniOperations;
  private readonly dnat: DnatOperations;
  private readonly assistant: CloudAssistant;
  private readonly power: InstancePower;
  private readonly eniQuantities = new Map<string, Promise<number | undefined>>();

  constructor(opts: AlibabaCloudOptions) {
    this.s = new AlibabaSession(opts);
    this.regionId = this.s.regionId;
    this.enis = new EniOperations(this.s);
    this.dnat = new DnatOperations(this.s);
    this.assistant = new CloudAssistant(this.s);
    this.power = new InstancePower(this.s, (id, o) => this.describeInstance(id, o));
  }

  /** Adds an observer after construction (metrics, audit). */
  addObserver(o: CloudCallObserver): void {
    this.s.addObserver(o);
  }

  // ── reads ───────────────────────────────────────────────────────────────

  async describeInstance(instanceId: string, opts: { signal?: AbortSignal } = {}): Promise<Instance | undefined> {
    try {
      const res = await this.s.call('DescribeInstances', () => this.s.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({
        regionId: this.s.regionId,
        instanceIds: JSON.stringify([instanceId]), // a JSON array in a string, not InstanceIds.N
      })), opts);
      const found = (res.body?.instances?.instance ?? []).find((i) => i.instanceId === instanceId);
      return found ? mapInstance(found) : undefined;
    } catch (e) {
      if (isCloudError(e) && INSTANCE_NOT_FOUND.has(e.code)) return undefined;
      throw e;
    }
  }

  async listInstances(filter: { vpcId: string }): Promise<Instance[]> {
    const raw = await this.s.pagesByToken('DescribeInstances', (page) => this.s.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({
      regionId: this.s.regionId, vpcId: filter.vpcId, ...page,
    })), (b) => b.instances?.instance);
    return raw.map(mapInstance);
  }

  /** An instance type's EniQuantity: part of the type's catalogue entry, which does not change, so read once per process. */
  eniQuantity(instanceType: string): Promise<number | undefined> {
    let known = this.eniQuantities.get(instanceType);
    if (!known) {
      known = this.readEniQuantity(instanceType);
      this.eniQuantities.set(instanceType, known);
      known.catch(() => this.eniQuantities.delete(instanceType)); // a failed read is not remembered
    }
    return known;
  }

  private async readEniQuantity(instanceType: string): Promise<number | undefined> {
    const types = await this.s.pagesByToken('DescribeInstanceTypes', (page) => this.s.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({
      instanceTypes: [instanceType], ...page,
    })), (b) => b.instanceTypes?.instanceType);
    const t = types.find((x) => x.instanceTypeId === instanceType);
    return typeof t?.eniQuantity === 'number' ? t.eniQuantity : undefined;
  }

  async describeSecurityGroup(securityGroupId: string): Promise<SecurityGroup | undefined> {
    let head: EcsModels.DescribeSecurityGroupAttributeResponseBody | undefined;
    try {
      const perms = await this.s.pagesByToken('DescribeSecurityGroupAttribute', (page) => this.s.ecs.describeSecurityGroupAttribute(
        new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: this.s.regionId, securityGroupId, ...page }),
      ), (b) => {
        head ??= b;
        return b.permissions?.permission;
      });
      if (!head) return undefined;
      const rules: SecurityGroupRule[] = perms.map(mapSecurityGroupRule);
      return mapSecurityGroup(head, rules);
    } catch (e) {
      if (isCloudError(e) && SG_NOT_FOUND.has(e.code)) return undefined;
      throw e;
    }
  }

  async listVSwitches(filter: { vpcId: string }): Promise<VSwitch[]> {
    const raw = await this.s.pagesByNumber('DescribeVSwitches', (page) => this.s.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({
      regionId: this.s.regionId, vpcId: filter.vpcId, ...page,
    })), (b) => b.vSwitches?.vSwitch);
    return raw.map(mapVSwitch);
  }

  async listNatGateways(filter: { vpcId?: string; natGatewayId?: string }): Promise<NatGateway[]> {
    const raw = await this.s.pagesByNumber('DescribeNatGateways', (page) => this.s.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({
      regionId: this.s.regionId, vpcId: filter.vpcId, natGatewayId: filter.natGatewayId, ...page,
    })), (b) => b.natGateways?.natGateway);
    return raw.map(mapNatGateway);
  }

  async listSnatEntries(snatTableId: string): Promise<SnatEntry[]> {
    const raw = await this.s.pagesByNumber('DescribeSnatTableEntries', (page) => this.s.vpc.describeSnatTableEntries(new $Vpc.DescribeSnatTableEntriesRequest({
      regionId: this.s.regionId, snatTableId, ...page,
    })), (b) => b.snatTableEntries?.snatTableEntry);
    return raw.map(mapSnatEntry);
  }

  async listEips(filter: { ipAddress?: string; allocationId?: string }): Promise<Eip[]> {
    const raw = await this.s.pagesByNumber('DescribeEipAddresses', (page) => this.s.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({
      regionId: this.s.regionId, eipAddress: filter.ipAddress, allocationId: filter.allocationId, ...page,
    })), (b) => b.eipAddresses?.eipAddress);
    return raw.map(mapEip);
  }

  listNetworkInterfaces(...a: Parameters<EniOperations['list']>): Promise<NetworkInterface[]> { return this.enis.list(...a); }
  listForwardEntries(...a: Parameters<DnatOperations['list']>): Promise<DnatEntry[]> { return this.dnat.list(...a); }

  // ── ENI lifecycle ───────────────────────────────────────────────────────

  createNetworkInterface(...a: Parameters<EniOperations['create']>): Promise<NetworkInterface> { return this.enis.create(...a); }
  attachNetworkInterface(...a: Parameters<EniOperations['attach']>): Promise<void> { return this.enis.attach(...a); }
  detachNetworkInterface(...a: Parameters<EniOperations['detach']>): Promise<void> { return this.enis.detach(...a); }
  deleteNetworkInterface(...a: Parameters<EniOperations['delete']>): Promise<void> { return this.enis.delete(...a); }
  waitNetworkInterface(...a: Parameters<EniOperations['wait']>): Promise<NetworkInterface | undefined> { return this.enis.wait(...a); }

  // ── instance power (--allow-stop) ─────────────────────────────────────

  stopInstance(...a: Parameters<InstancePower['stop']>): Promise<void> { return this.power.stop(...a); }
  startInstance(...a: Parameters<InstancePower['start']>): Promise<void> { return this.power.start(...a); }
  waitInstance(...a: Parameters<InstancePower['wait']>): Promise<Instance> { return this.power.wait(...a); }

  // ── DNAT ────────────────────────────────────────────────────────────────

  createForwardEntry(input: DnatSpec & { clientToken: string }): Promise<string> { return this.dnat.create(input); }
  deleteForwardEntry(...a: Parameters<DnatOperations['delete']>): Promise<void> { return this.dnat.delete(...a); }
  modifyForwardEntry(...a: Parameters<DnatOperations['modify']>): Promise<void> { return this.dnat.modify(...a); }
  waitForwardEntry(...a: Parameters<DnatOperations['wait']>): Promise<DnatEntry | undefined> { return this.dnat.wait(...a); }

  // ── Cloud Assistant ─────────────────────────────────────────────────────

  cloudAssistantStatus(instanceIds: string[]): Promise<CloudAssistantAgent[]> { return this.assistant.status(instanceIds); }
  runCommand(...a: Parameters<CloudAssistant['run']>): Promise<string> { return this.assistant.run(...a); }
  waitInvocation(...a: Parameters<CloudAssistant['wait']>): Promise<InvocationResult> { return this.assistant.wait(...a); }
  runCommandOnMany(...a: Parameters<CloudAssistant['runMany']>): Promise<string> { return this.assistant.runMany(...a); }
  waitInvocationOnMany(...a: Parameters<CloudAssistant['waitMany']>): Promise<Map<string, InvocationResult>> { return this.assistant.waitMany(...a); }
}

export function createAlibabaCloud(opts: AlibabaCloudOptions): AlibabaCloud {
  return new AlibabaCloud(opts);
}
