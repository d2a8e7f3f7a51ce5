// The ECS API (2014-05-26): one function per action; read the flattened query parameters, call the world, answer in
// the exact PascalCase shape the SDK's models parse (lists always arrays inside their set objects) — see the
// *ResponseBody models in node_modules/@alicloud/ecs20140526/src/models.
import { ApiError, err } from '../api-error.ts';
import { imageOf } from '../guest/guest-images.ts';
import { checkCommandType, cloudAssistantStatusJson, runCommand } from '../model/cloud-assistant.ts';
import type { EniState, InstanceState, InvocationState } from '../model/cloud-resources.ts';
import { attachNetworkInterface, createNetworkInterface, deleteNetworkInterface, detachNetworkInterface } from '../model/eni-operations.ts';
import type { World } from '../model/world.ts';
import { iso, isoMin, tagSet } from './answer-fields.ts';
import { pagedEitherWay, tokenMode, tokenPaged } from './api-paging.ts';
import { eqi, globMatch, hasTags, int, jsonList, list, req, validTags, type Handler, type Params } from './request-params.ts';

function instanceJson(w: World, i: InstanceState): Record<string, unknown> {
  const nics = w.nicsOf(i);
  const eip = i.eipAddress ? w.eipByIp(i.eipAddress) : undefined;
  const info = w.instanceTypeInfo(i.instanceType);
  return {
    InstanceId: i.instanceId, InstanceName: i.name, HostName: i.guest.hostname, Description: '', Status: w.listedStatus(i),
    InstanceType: i.instanceType, InstanceTypeFamily: i.instanceType.split('.').slice(0, 2).join('.'),
    Cpu: info?.cpuCoreCount ?? 2, Memory: (info?.memorySize ?? 8) * 1024, ZoneId: i.zoneId, RegionId: w.regionId,
    InstanceNetworkType: 'vpc', OSType: imageOf(i.guest.image).osType, OSName: imageOf(i.guest.image).osName, ImageId: imageOf(i.guest.image).imageId,
    CreationTime: isoMin(i.createdAt), StartTime: isoMin(i.createdAt), ExpiredTime: '2099-12-31T15:59Z', InstanceChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic', InternetMaxBandwidthOut: i.publicIp ? 5 : 0, InternetMaxBandwidthIn: i.publicIp ? 100 : 0, IoOptimized: true,
    DeletionProtection: false, SerialNumber: `sandbox-${i.instanceId}`, ResourceGroupId: '',
    VpcAttributes: { VpcId: i.vpcId, VSwitchId: i.vSwitchId, PrivateIpAddress: { IpAddress: [i.privateIp] }, NatIpAddress: '' },
    SecurityGroupIds: { SecurityGroupId: [...i.securityGroupIds] },
    NetworkInterfaces: {
      NetworkInterface: nics.map((e) => ({
        NetworkInterfaceId: e.networkInterfaceId, Type: e.type, PrimaryIpAddress: e.privateIp, MacAddress: e.macAddress,
        PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: e.privateIp, Primary: true }] },
      })),
    },
    PublicIpAddress: { IpAddress: i.publicIp ? [i.publicIp] : [] },
    InnerIpAddress: { IpAddress: [] },
    EipAddress: { IpAddress: i.eipAddress ?? '', AllocationId: eip?.allocationId ?? '', InternetChargeType: eip ? 'PayByTraffic' : '', ...(eip ? { Bandwidth: eip.bandwidth } : {}) },
    OperationLocks: { LockReason: [] },
    Tags: tagSet(i.tags),
  };
}

function eniJson(w: World, e: EniState): Record<string, unknown> {
  const inst = e.instanceId ? w.instances.get(e.instanceId) : undefined;
  const pub = e.type === 'Primary' && inst ? (inst.eipAddress ?? inst.publicIp) : undefined;
  const pubAlloc = pub && inst?.eipAddress ? w.eipByIp(inst.eipAddress)?.allocationId ?? '' : '';
  const assoc = pub ? { PublicIpAddress: pub, AllocationId: pubAlloc } : undefined;
  return {
    NetworkInterfaceId: e.networkInterfaceId, NetworkInterfaceName: e.name, Description: e.description, Status: e.status, Type: e.type,
    InstanceId: e.instanceId ?? '', VpcId: e.vpcId, VSwitchId: e.vSwitchId, ZoneId: e.zoneId, PrivateIpAddress: e.privateIp,
    MacAddress: e.macAddress, CreationTime: iso(e.createdAt), OwnerId: w.accountId, ResourceGroupId: '', ServiceManaged: false,
    DeleteOnRelease: e.type === 'Primary', SourceDestCheck: true, NetworkInterfaceTrafficMode: 'Standard',
    ...(e.instanceId ? { Attachment: { InstanceId: e.instanceId, DeviceIndex: e.deviceIndex ?? 0, NetworkCardIndex: 0 } } : {}),
    ...(assoc ? { AssociatedPublicIp: assoc } : {}),
    PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: e.privateIp, Primary: true, ...(assoc ? { AssociatedPublicIp: assoc } : {}) }] },
    SecurityGroupIds: { SecurityGroupId: [...e.securityGroupIds] },
    Ipv6Sets: { Ipv6Set: [] },
    Tags: tagSet(e.tags),
  };
}

function invocationResultJson(inv: InvocationState, r: InvocationState['results'][number], now: number, encoding: string): Record<string, unknown> {
  const running = now < r.finishAt;
  const raw = running ? '' : r.output;
  const bytes = Buffer.from(raw, 'utf8');
  const kept = bytes.subarray(0, 24 * 1024);
  const output = encoding.toLowerCase() === 'plaintext' ? kept.toString('utf8') : kept.toString('base64');
  return {
    InvokeId: inv.invokeId, InstanceId: r.instanceId, CommandId: inv.commandId,
    InvocationStatus: running ? 'Running' : r.finalStatus, InvokeRecordStatus: running ? 'Running' : 'Finished',
    ...(running || r.exitCode === undefined ? {} : { ExitCode: r.exitCode }),
    Output: output, Dropped: bytes.length - kept.length,
    ErrorCode: running ? '' : r.errorCode, ErrorInfo: running ? '' : r.errorInfo,
    StartTime: iso(r.startedAt), FinishedTime: running ? '' : iso(r.finishAt), StopTime: '', Repeats: 1, Username: inv.username,
    ContainerId: '', ContainerName: '', Launcher: '', TerminationMode: 'Process', Tags: { Tag: [] },
  };
}

// ── ECS ──────────────────────────────────────────────────────────────────
export const ecsHandlers: Record<string, Handler> = {
  DescribeInstances({ world: w, params: p }) {
    const ids = jsonList(p, 'InstanceIds');
    const privs = jsonList(p, 'PrivateIpAddresses');
    const pubs = jsonList(p, 'PublicIpAddresses');
    const eips = jsonList(p, 'EipAddresses');
    // Realism (staleReads): each status as it was readLagMs ago (the rest of the instance is read as it is).
    const items = [...w.instances.values()].filter((i) =>
      (!ids || ids.includes(i.instanceId)) && (!privs || privs.includes(i.privateIp)) && (!pubs || (!!i.publicIp && pubs.includes(i.publicIp)))
      && (!eips || (!!i.eipAddress && eips.includes(i.eipAddress)))
      && eqi(p.VpcId, i.vpcId) && eqi(p.VSwitchId, i.vSwitchId) && eqi(p.ZoneId, i.zoneId) && eqi(p.Status, w.listedStatus(i))
      && eqi(p.InstanceType, i.instanceType) && (!p.InstanceName || globMatch(p.InstanceName, i.name))
      && (!p.SecurityGroupId || i.securityGroupIds.includes(p.SecurityGroupId)) && hasTags(p, i.tags));
    const { page, meta } = pagedEitherWay(items, p, { max: 100, def: 10 }, { maxSize: 100 });
    return { ...meta, Instances: { Instance: page.map((i) => instanceJson(w, i)) } };
  },

  DescribeInstanceTypes({ world: w, params: p }) {
    const wanted = list(p, 'InstanceTypes');
    if (wanted.length > 10) throw new ApiError('InvalidParameter', 400, 'The specified parameter "InstanceTypes" holds more than 10 items.');
    const names = (wanted.length ? wanted : w.allInstanceTypes()).filter((t) => !p.InstanceTypeFamily || t.startsWith(`${p.InstanceTypeFamily}.`));
    const items = names.flatMap((t) => {
      const info = w.instanceTypeInfo(t);
      return info ? [{
        InstanceTypeId: t, InstanceTypeFamily: t.split('.').slice(0, 2).join('.'), InstanceCategory: 'General-purpose', CpuCoreCount: info.cpuCoreCount,
        MemorySize: info.memorySize, EniQuantity: info.eniQuantity, EniTotalQuantity: info.eniQuantity, EniPrivateIpAddressQuantity: 10,
        EniIpv6AddressQuantity: 10, EniTrunkSupported: true, PrimaryEniQueueNumber: 2, SecondaryEniQueueNumber: 2,
      }] : [];
    });
    // MaxResults ≤ 100 since 2023-11-15 ("1600 is no longer supported": ecs20140526's DescribeInstanceTypes remark;
    // terway sends 100). Whether a larger value is refused or clamped is unconfirmed: refused here, the unkind way.
    const { page, next } = tokenPaged(items, p, { max: 100, def: 100 });
    return { NextToken: next, InstanceTypes: { InstanceType: page } };
  },

  DescribeNetworkInterfaces({ world: w, params: p }) {
    const ids = list(p, 'NetworkInterfaceId');
    if (ids.length > 100) throw err.invalid('NetworkInterfaceId.N', 'At most 100 ids.');
    const privs = list(p, 'PrivateIpAddress');
    // Realism (staleReads): the list as it was readLagMs ago.
    // One id (a wait's poll): looked up, not a scan of the fleet's ENIs.
    const items = w.listedEnis(ids.length === 1 ? ids[0] : undefined).filter((e) =>
      (!ids.length || ids.includes(e.networkInterfaceId)) && (!privs.length || privs.includes(e.privateIp))
      && (!p.InstanceId || e.instanceId === p.InstanceId) && eqi(p.VpcId, e.vpcId) && eqi(p.VSwitchId, e.vSwitchId)
      && eqi(p.Type, e.type) && eqi(p.Status, e.status) && (!p.PrimaryIpAddress || e.privateIp === p.PrimaryIpAddress)
      && (!p.NetworkInterfaceName || e.name === p.NetworkInterfaceName) && (!p.SecurityGroupId || e.securityGroupIds.includes(p.SecurityGroupId))
      && hasTags(p, e.tags));
    const { page, meta } = pagedEitherWay(items, p, { min: 10, max: 500, def: 10 }, { maxSize: 1000 });
    return { ...meta, NetworkInterfaceSets: { NetworkInterfaceSet: page.map((e) => eniJson(w, e)) } };
  },

  CreateNetworkInterface({ world: w, params: p }) {
    const vSwitchId = req(p, 'VSwitchId');
    const many = list(p, 'SecurityGroupIds');
    if (p.SecurityGroupId && many.length) throw err.conflict('SecurityGroupId and SecurityGroupIds.N cannot be specified at the same time.');
    const sgs = p.SecurityGroupId ? [p.SecurityGroupId] : many;
    if (!sgs.length) throw err.missing('SecurityGroupId');
    if (p.NetworkInterfaceName !== undefined && (p.NetworkInterfaceName.length < 2 || p.NetworkInterfaceName.length > 128 || /^(https?:)/.test(p.NetworkInterfaceName))) {
      throw new ApiError('InvalidNetworkInterfaceName.Malformed', 400, 'The specified NetworkInterfaceName is not valid (2-128 characters, not starting with http:// or https://).');
    }
    if (p.Description !== undefined && (p.Description.length < 2 || p.Description.length > 256)) {
      throw new ApiError('InvalidDescription.Malformed', 400, 'The specified Description is not valid (2-256 characters).');
    }
    const e = createNetworkInterface(w, { vSwitchId, securityGroupIds: sgs, primaryIp: p.PrimaryIpAddress, name: p.NetworkInterfaceName, description: p.Description, tags: validTags(p) });
    return {
      NetworkInterfaceId: e.networkInterfaceId, Status: e.status, Type: e.type, VpcId: e.vpcId, VSwitchId: e.vSwitchId, ZoneId: e.zoneId,
      PrivateIpAddress: e.privateIp, MacAddress: e.macAddress, NetworkInterfaceName: e.name, Description: e.description,
      PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: e.privateIp, Primary: true }] }, SecurityGroupIds: { SecurityGroupId: [...e.securityGroupIds] },
      Tags: tagSet(e.tags), OwnerId: w.accountId, ResourceGroupId: '', ServiceManaged: false, SourceDestCheck: true,
    };
  },

  AttachNetworkInterface({ world: w, params: p, asyncFailure }) {
    attachNetworkInterface(w, req(p, 'NetworkInterfaceId'), req(p, 'InstanceId'), { fail: asyncFailure });
    return {};
  },
  DetachNetworkInterface({ world: w, params: p, asyncFailure }) {
    detachNetworkInterface(w, req(p, 'NetworkInterfaceId'), req(p, 'InstanceId'), { fail: asyncFailure });
    return {};
  },
  DeleteNetworkInterface({ world: w, params: p }) {
    deleteNetworkInterface(w, req(p, 'NetworkInterfaceId'));
    return {};
  },

  DescribeSecurityGroupAttribute({ world: w, params: p }) {
    const id = req(p, 'SecurityGroupId');
    const sg = w.securityGroups.get(id);
    if (!sg) throw new ApiError('InvalidSecurityGroupId.NotFound', 404, 'The specified SecurityGroupId does not exist.');
    const dir = (p.Direction ?? 'all').toLowerCase();
    if (!['ingress', 'egress', 'all'].includes(dir)) throw err.invalid('Direction', 'Valid values: ingress, egress, all.');
    const perms = sg.rules.filter((r) => dir === 'all' || r.direction === dir).map((r) => ({
      Direction: r.direction, IpProtocol: r.ipProtocol, PortRange: r.portRange, Policy: r.policy, Priority: String(r.priority), NicType: 'intranet',
      SourceCidrIp: r.direction === 'ingress' ? r.cidr : '', DestCidrIp: r.direction === 'egress' ? r.cidr : '', SourcePortRange: '',
      SourceGroupId: '', DestGroupId: '', Ipv6SourceCidrIp: '', Ipv6DestCidrIp: '', SecurityGroupRuleId: r.ruleId, Description: r.description,
      CreateTime: iso(w.createdAt),
    }));
    const paged = tokenMode(p) ? tokenPaged(perms, p, { min: 10, max: 1000, def: 500 }) : { page: perms, next: undefined };
    return {
      SecurityGroupId: sg.securityGroupId, SecurityGroupName: sg.name, Description: '', VpcId: sg.vpcId, RegionId: w.regionId,
      InnerAccessPolicy: 'Accept', ...(paged.next !== undefined ? { NextToken: paged.next } : {}), Permissions: { Permission: paged.page },
    };
  },

  RunCommand({ world: w, params: p, asyncFailure }) {
    const type = req(p, 'Type');
    const content = req(p, 'CommandContent');
    const ids = list(p, 'InstanceId');
    if (!ids.length) throw err.missing('InstanceId');
    if (ids.length > 100) throw new ApiError('InstanceIds.ExceedLimit', 403, 'The number of instances exceeds the limit of 100.');
    if (!['RunShellScript', 'RunPowerShellScript', 'RunBatScript'].includes(type)) throw new ApiError('InvalidCmdType.NotFound', 403, 'The specified command type does not exist.');
    checkCommandType(w, ids, type);
    if (content.length > 24 * 1024) throw new ApiError('CmdContent.ExceedLimit', 403, 'The command content exceeds 24 KB after encoding.');
    const timeout = int(p, 'Timeout', 60, 10, 86400);
    if (p.RepeatMode && p.RepeatMode !== 'Once') throw err.invalid('RepeatMode', 'The sandbox only runs Once commands.');
    let script = (p.ContentEncoding ?? '').toLowerCase() === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
    if (p.EnableParameter === 'true' && p.Parameters) {
      let vals: Record<string, unknown>;
      try { vals = JSON.parse(p.Parameters) as Record<string, unknown>; } catch { throw err.invalid('Parameters', 'Not valid JSON.'); }
      script = script.replace(/\{\{\s*([A-Za-z0-9_-]+)\s*\}\}/g, (m, k: string) => (k in vals ? String(vals[k]) : m));
    }
    const inv = runCommand(w, { instanceIds: ids, script, type, name: p.Name ?? '', timeoutSec: timeout, username: p.Username || 'root', fail: asyncFailure });
    return { CommandId: inv.commandId, InvokeId: inv.invokeId };
  },

  DescribeInvocationResults({ world: w, params: p }) {
    w.settle();
    const now = w.now();
    const encoding = p.ContentEncoding ?? 'Base64';
    // Filtered before the (stable) sort: the same rows in the same order, without sorting a fleet's thousand invocations.
    const rows = [...w.invocations.values()].filter((inv) => (!p.InvokeId || inv.invokeId === p.InvokeId) && (!p.CommandId || inv.commandId === p.CommandId))
      .sort((a, b) => b.createdAt - a.createdAt)
      .flatMap((inv) => inv.results.filter((r) => !p.InstanceId || r.instanceId === p.InstanceId).map((r) => invocationResultJson(inv, r, now, encoding)))
      .filter((r) => !p.InvokeRecordStatus || r.InvokeRecordStatus === p.InvokeRecordStatus);
    const { page, meta } = pagedEitherWay(rows, p, { max: 50, def: 10, code: 'InvalidParam', status: 403 }, { maxSize: 50, code: 'InvalidParam', status: 403 });
    return { Invocation: { ...meta, InvocationResults: { InvocationResult: page } } };
  },

  DescribeCloudAssistantStatus({ world: w, params: p }) {
    const ids = list(p, 'InstanceId');
    if (ids.length > 50) throw err.invalid('InstanceId.N', 'At most 50 ids.');
    const insts = [...w.instances.values()].filter((i) => (!ids.length || ids.includes(i.instanceId)) && eqi(p.OSType, 'Linux'));
    // "If InstanceId is set, MaxResults is ignored" (request remark); otherwise pages of ≤ 50.
    const { page, meta } = ids.length ? { page: insts, meta: { TotalCount: insts.length } } : pagedEitherWay(insts, p, { max: 50, def: 10 }, { maxSize: 50 });
    return { ...meta, InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: page.map((i) => cloudAssistantStatusJson(w, i, iso)) } };
  },

  TagResources({ world: w, params: p }) {
    const targets = resources(w, p, true);
    const t = validTags(p);
    if (!Object.keys(t).length) throw err.missing('Tag.1.Key');
    // "Before you add tags to a resource, Alibaba Cloud checks the number of existing tags of the resource. If the
    // maximum number of tags is reached, an error message is returned" (TagResources, ECS API reference; 20 per
    // resource, ECS Limits "Tag limits"). The error code for the per-resource total is unconfirmed: the one of Tag.N.
    for (const r of targets) {
      if (new Set([...Object.keys(r.tags), ...Object.keys(t)]).size > 20) throw new ApiError('QuotaExceed.Tags', 400, 'The maximum number of tags is exceeded.');
    }
    for (const r of targets) Object.assign(r.tags, t);
    return {};
  },
  UntagResources({ world: w, params: p }) {
    const targets = resources(w, p, true);
    const keys = list(p, 'TagKey');
    for (const r of targets) for (const k of p.All === 'true' ? Object.keys(r.tags) : keys) delete r.tags[k];
    return {};
  },
  ListTagResources({ world: w, params: p }) {
    const targets = resources(w, p, false);
    const rows = targets.filter((r) => hasTags(p, r.tags))
      .flatMap((r) => Object.entries(r.tags).map(([TagKey, TagValue]) => ({ ResourceId: r.id, ResourceType: r.type, TagKey, TagValue })));
    // No MaxResults here: pages of 50.
    const { page, next } = tokenPaged(rows, { NextToken: p.NextToken ?? '' }, { max: 50, def: 50 });
    return { NextToken: next, TagResources: { TagResource: page } };
  },
};

function resources(w: World, p: Params, mustExist: boolean): { id: string; type: string; tags: Record<string, string> }[] {
  const type = req(p, 'ResourceType').toLowerCase();
  const ids = list(p, 'ResourceId');
  if (mustExist && !ids.length) throw err.missing('ResourceId.1');
  let pool: { id: string; type: string; tags: Record<string, string> }[];
  if (type === 'instance') pool = [...w.instances.values()].map((i) => ({ id: i.instanceId, type, tags: i.tags }));
  else if (type === 'eni' || type === 'networkinterface') pool = [...w.enis.values()].map((e) => ({ id: e.networkInterfaceId, type, tags: e.tags }));
  else throw new ApiError('InvalidResourceType.NotSupported', 400, `The sandbox tags only instance and eni resources, not ${type}.`);
  if (!ids.length) return pool;
  return ids.map((id) => {
    const r = pool.find((x) => x.id === id);
    if (!r) throw new ApiError('InvalidResourceId.NotFound', 404, `The specified resource ${id} does not exist.`);
    return r;
  });
}
