// A healthy single-instance scenario that buildPlan accepts, and a builder to bend it into each refusal.

import type { DnatEntry, Instance, NatGateway, NetworkInterface, SecurityGroup, SnatEntry, VSwitch } from '../../src/domain/cloud-types.ts';
import type { PlanInput } from '../../src/domain/plan-types.ts';

export const F = {
  region: 'cn-hangzhou',
  jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa',
  instanceId: 'i-bp1aaaaaaaaaaaaaaaaa',
  vpcId: 'vpc-bp1vpc000000000000',
  otherVpcId: 'vpc-bp1vpc999999999999',
  vSwitchId: 'vsw-bp1vsw000000000000',
  otherZoneVSwitchId: 'vsw-bp1vsw111111111111',
  sameZoneVSwitchId: 'vsw-bp1vsw222222222222',
  otherVpcVSwitchId: 'vsw-bp1vsw999999999999',
  zoneId: 'cn-hangzhou-h',
  primaryIp: '192.168.0.10',
  primaryEniId: 'eni-bp1primary00000000',
  secondaryEniId: 'eni-bp1second000000000',
  secondaryIp: '192.168.0.20',
  sgId: 'sg-bp1sg00000000000000',
  otherSgId: 'sg-bp1sg11111111111111',
  otherVpcSgId: 'sg-bp1sg99999999999999',
  natGatewayId: 'ngw-bp1ngw000000000000',
  forwardTableId: 'ftb-bp1ftb000000000000',
  snatTableId: 'stb-bp1stb000000000000',
  eip: '47.96.1.1',
  snatIp: '47.96.1.2',
  spareEip: '47.96.1.3',
  mappingId: 'fwd-bp1map000000000000',
  snatEntryId: 'snat-bp1snat00000000000',
} as const;

export function baseInstance(): Instance {
  return {
    instanceId: F.instanceId,
    instanceName: 'web-1',
    regionId: F.region,
    zoneId: F.zoneId,
    status: 'Running',
    instanceType: 'ecs.g7.large',
    vpcId: F.vpcId,
    vSwitchId: F.vSwitchId,
    primaryIp: F.primaryIp,
    securityGroupIds: [F.sgId],
    publicIps: [],
    networkInterfaces: [{ networkInterfaceId: F.primaryEniId, type: 'Primary', primaryIp: F.primaryIp, macAddress: '00:16:3e:00:00:01' }],
  };
}

export function primaryEni(): NetworkInterface {
  return {
    networkInterfaceId: F.primaryEniId, status: 'InUse', type: 'Primary', instanceId: F.instanceId, vpcId: F.vpcId,
    vSwitchId: F.vSwitchId, zoneId: F.zoneId, privateIp: F.primaryIp, securityGroupIds: [F.sgId], tags: {},
  };
}

export function secondaryEni(patch: Partial<NetworkInterface> = {}): NetworkInterface {
  return {
    networkInterfaceId: F.secondaryEniId, status: 'InUse', type: 'Secondary', instanceId: F.instanceId, vpcId: F.vpcId,
    vSwitchId: F.vSwitchId, zoneId: F.zoneId, privateIp: F.secondaryIp, securityGroupIds: [F.sgId], tags: {}, ...patch,
  };
}

export function gateway(): NatGateway {
  return {
    natGatewayId: F.natGatewayId, vpcId: F.vpcId, status: 'Available',
    forwardTableIds: [F.forwardTableId], snatTableIds: [F.snatTableId],
    ips: [
      { ipAddress: F.eip, allocationId: 'eip-bp1a', usingStatus: 'UsedByForwardTable' },
      { ipAddress: F.snatIp, allocationId: 'eip-bp1b', usingStatus: 'UsedBySnatTable' },
    ],
  };
}

export function mapping(patch: Partial<DnatEntry> = {}): DnatEntry {
  return {
    forwardEntryId: F.mappingId, forwardTableId: F.forwardTableId, natGatewayId: F.natGatewayId,
    externalIp: F.eip, externalPort: 'Any', internalIp: F.primaryIp, internalPort: 'Any', ipProtocol: 'Any',
    forwardEntryName: 'legacy-web-1', status: 'Available', ...patch,
  };
}

export function snat(patch: Partial<SnatEntry> = {}): SnatEntry {
  const snatIp = patch.snatIp ?? F.snatIp;
  return {
    snatEntryId: F.snatEntryId, snatTableId: F.snatTableId, natGatewayId: F.natGatewayId,
    snatIp, snatIps: snatIp.split(',').map((s) => s.trim()).filter(Boolean),
    sourceVSwitchId: F.vSwitchId, status: 'Available', ...patch,
  };
}

export function vSwitches(): VSwitch[] {
  return [
    { vSwitchId: F.vSwitchId, vpcId: F.vpcId, zoneId: F.zoneId, cidr: '192.168.0.0/24' },
    { vSwitchId: F.sameZoneVSwitchId, vpcId: F.vpcId, zoneId: F.zoneId, cidr: '192.168.2.0/24' },
    { vSwitchId: F.otherZoneVSwitchId, vpcId: F.vpcId, zoneId: 'cn-hangzhou-i', cidr: '192.168.1.0/24' },
    { vSwitchId: F.otherVpcVSwitchId, vpcId: F.otherVpcId, zoneId: F.zoneId, cidr: '172.16.0.0/24' },
  ];
}

export function sshOpenGroup(id: string = F.sgId): SecurityGroup {
  return {
    securityGroupId: id, vpcId: F.vpcId,
    rules: [{ direction: 'ingress', ipProtocol: 'TCP', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', policy: 'Accept', priority: 1 }],
  };
}

export function baseInput(): PlanInput {
  return {
    regionId: F.region,
    instanceId: F.instanceId,
    instance: baseInstance(),
    eniQuantity: 3,
    instanceEnis: [primaryEni()],
    natGateways: [gateway()],
    dnatEntries: [mapping()],
    snatEntries: [snat()],
    vSwitches: vSwitches(),
    securityGroups: [
      sshOpenGroup(F.sgId),
      sshOpenGroup(F.otherSgId),
      { ...sshOpenGroup(F.otherVpcSgId), vpcId: F.otherVpcId },
    ],
    options: { ports: { kind: 'all' }, configureGuest: true },
    cloudAssistant: { read: true, agent: { instanceId: F.instanceId, running: true, version: '2.2.3.857', lastHeartbeatTime: '2026-12-06T01:59:00Z' } },
  };
}

/** The base scenario, changed in place by `mutate` (which may assume the instance exists). */
export function makeInput(...mutators: Array<(input: PlanInput & { instance: Instance }) => void>): PlanInput {
  const input = structuredClone(baseInput()) as PlanInput & { instance: Instance };
  for (const m of mutators) m(input);
  return input;
}

export const ctx = { jobId: F.jobId };
