import type * as $Ecs from '@alicloud/ecs20140526';
import type * as $Vpc from '@alicloud/vpc20160428';
import type {
  DnatEntry, Eip, Instance, InstanceNic, InvocationResult, NatGateway, NetworkInterface, SecurityGroup, SecurityGroupRule, SnatEntry, VSwitch,
} from '../../domain/cloud-types.ts';

// SDK models (camelCase, every field optional) → the plain domain snapshots. Missing strings become '' only where
// the domain type requires a value; optional domain fields stay undefined rather than ''.

const opt = (s: string | undefined | null): string | undefined => (s === undefined || s === null || s === '' ? undefined : s);
const str = (s: string | undefined | null): string => s ?? '';
const list = <T>(xs: T[] | undefined | null): T[] => (Array.isArray(xs) ? xs : []);

function tagsOf(tags: { tagKey?: string; tagValue?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list(tags)) if (t.tagKey) out[t.tagKey] = t.tagValue ?? '';
  return out;
}

export function mapInstance(i: $Ecs.DescribeInstancesResponseBodyInstancesInstance): Instance {
  const nics: InstanceNic[] = list(i.networkInterfaces?.networkInterface).map((n) => ({
    networkInterfaceId: str(n.networkInterfaceId),
    type: n.type === 'Secondary' ? 'Secondary' : 'Primary',
    primaryIp: str(n.primaryIpAddress),
    macAddress: opt(n.macAddress),
  }));
  const primaryNic = nics.find((n) => n.type === 'Primary');
  const vpcIps = list(i.vpcAttributes?.privateIpAddress?.ipAddress);
  return {
    instanceId: str(i.instanceId),
    instanceName: opt(i.instanceName),
    regionId: str(i.regionId),
    zoneId: str(i.zoneId),
    status: str(i.status),
    instanceType: str(i.instanceType),
    vpcId: str(i.vpcAttributes?.vpcId),
    vSwitchId: str(i.vpcAttributes?.vSwitchId),
    primaryIp: primaryNic?.primaryIp || vpcIps[0] || '',
    securityGroupIds: list(i.securityGroupIds?.securityGroupId),
    publicIps: list(i.publicIpAddress?.ipAddress).filter((ip) => ip !== ''),
    eipAddress: opt(i.eipAddress?.ipAddress),
    networkInterfaces: nics,
    ...(i.OSType ? { osType: i.OSType.toLowerCase() } : {}),
  };
}

export function mapNetworkInterface(n: $Ecs.DescribeNetworkInterfacesResponseBodyNetworkInterfaceSetsNetworkInterfaceSet): NetworkInterface {
  const primaryIp = list(n.privateIpSets?.privateIpSet).find((p) => p.primary)?.privateIpAddress;
  return {
    networkInterfaceId: str(n.networkInterfaceId),
    status: str(n.status),
    type: str(n.type),
    // Attachment.InstanceId is what the docs key the attach on; InstanceId is the older flat field.
    instanceId: opt(n.attachment?.instanceId) ?? opt(n.instanceId),
    vpcId: str(n.vpcId),
    vSwitchId: str(n.vSwitchId),
    zoneId: str(n.zoneId),
    privateIp: str(n.privateIpAddress ?? primaryIp),
    macAddress: opt(n.macAddress),
    securityGroupIds: list(n.securityGroupIds?.securityGroupId),
    tags: tagsOf(n.tags?.tag),
    name: opt(n.networkInterfaceName),
    description: opt(n.description),
  };
}

export function mapCreatedNetworkInterface(
  b: $Ecs.CreateNetworkInterfaceResponseBody,
  input: { vSwitchId: string; securityGroupIds: string[]; name?: string; description?: string; tags?: Record<string, string> },
): NetworkInterface {
  const tags = tagsOf(b.tags?.tag);
  return {
    networkInterfaceId: str(b.networkInterfaceId),
    status: b.status || 'Available',
    type: b.type || 'Secondary',
    vpcId: str(b.vpcId),
    vSwitchId: b.vSwitchId || input.vSwitchId,
    zoneId: str(b.zoneId),
    privateIp: str(b.privateIpAddress ?? list(b.privateIpSets?.privateIpSet).find((p) => p.primary)?.privateIpAddress),
    macAddress: opt(b.macAddress),
    securityGroupIds: list(b.securityGroupIds?.securityGroupId).length ? list(b.securityGroupIds?.securityGroupId) : input.securityGroupIds,
    // Older API versions do not echo tags; the request's tags were applied atomically with the create.
    tags: Object.keys(tags).length ? tags : { ...(input.tags ?? {}) },
    name: opt(b.networkInterfaceName) ?? input.name,
    description: opt(b.description) ?? input.description,
  };
}

export function mapSecurityGroup(b: $Ecs.DescribeSecurityGroupAttributeResponseBody, rules: SecurityGroupRule[]): SecurityGroup {
  return { securityGroupId: str(b.securityGroupId), vpcId: str(b.vpcId), rules };
}

export function mapSecurityGroupRule(p: $Ecs.DescribeSecurityGroupAttributeResponseBodyPermissionsPermission): SecurityGroupRule {
  const prio = Number.parseInt(p.priority ?? '', 10);
  return {
    direction: str(p.direction),
    ipProtocol: str(p.ipProtocol),
    portRange: str(p.portRange),
    sourceCidrIp: opt(p.sourceCidrIp),
    policy: p.policy || 'Accept',
    // Documented default priority is 1 (highest) when absent.
    priority: Number.isFinite(prio) ? prio : 1,
  };
}

export function mapInvocationResult(
  r: $Ecs.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult,
  fallback: { invokeId: string; instanceId: string },
): InvocationResult {
  return {
    invokeId: r.invokeId || fallback.invokeId,
    instanceId: r.instanceId || fallback.instanceId,
    status: str(r.invocationStatus),
    exitCode: typeof r.exitCode === 'number' ? r.exitCode : undefined,
    output: decodeOutput(r.output),
    errorCode: opt(r.errorCode),
    errorInfo: opt(r.errorInfo),
  };
}

/** Output comes Base64-encoded (the API's default ContentEncoding); decode as UTF-8. */
function decodeOutput(b64: string | undefined): string {
  if (!b64) return '';
  return Buffer.from(b64, 'base64').toString('utf8');
}

export function mapVSwitch(v: $Vpc.DescribeVSwitchesResponseBodyVSwitchesVSwitch): VSwitch {
  return { vSwitchId: str(v.vSwitchId), vpcId: str(v.vpcId), zoneId: str(v.zoneId), cidr: str(v.cidrBlock) };
}

export function mapNatGateway(g: $Vpc.DescribeNatGatewaysResponseBodyNatGatewaysNatGateway): NatGateway {
  return {
    natGatewayId: str(g.natGatewayId),
    vpcId: str(g.vpcId),
    status: str(g.status),
    forwardTableIds: list(g.forwardTableIds?.forwardTableId),
    snatTableIds: list(g.snatTableIds?.snatTableId),
    ips: list(g.ipLists?.ipList).map((ip) => ({
      ipAddress: str(ip.ipAddress),
      allocationId: str(ip.allocationId),
      usingStatus: opt(ip.usingStatus),
    })),
    name: opt(g.name),
  };
}

export function mapForwardEntry(e: $Vpc.DescribeForwardTableEntriesResponseBodyForwardTableEntriesForwardTableEntry): DnatEntry {
  return {
    forwardEntryId: str(e.forwardEntryId),
    forwardTableId: str(e.forwardTableId),
    natGatewayId: opt(e.natGatewayId),
    externalIp: str(e.externalIp),
    externalPort: str(e.externalPort),
    internalIp: str(e.internalIp),
    internalPort: str(e.internalPort),
    ipProtocol: str(e.ipProtocol),
    forwardEntryName: opt(e.forwardEntryName),
    status: str(e.status),
  };
}

export function mapSnatEntry(e: $Vpc.DescribeSnatTableEntriesResponseBodySnatTableEntriesSnatTableEntry): SnatEntry {
  const snatIp = str(e.snatIp);
  return {
    snatEntryId: str(e.snatEntryId),
    snatTableId: str(e.snatTableId),
    natGatewayId: opt(e.natGatewayId),
    snatIp,
    snatIps: snatIp.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    sourceCidr: opt(e.sourceCIDR),
    sourceVSwitchId: opt(e.sourceVSwitchId),
    status: str(e.status),
    snatEntryName: opt(e.snatEntryName),
  };
}

export function mapEip(e: $Vpc.DescribeEipAddressesResponseBodyEipAddressesEipAddress): Eip {
  return {
    allocationId: str(e.allocationId),
    ipAddress: str(e.ipAddress),
    status: str(e.status),
    instanceId: opt(e.instanceId),
    instanceType: opt(e.instanceType),
  };
}
