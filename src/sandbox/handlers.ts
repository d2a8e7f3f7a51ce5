// One function per API: read the flattened query parameters, call the world, answer in the exact PascalCase shape
// the SDK models parse (lists always arrays inside their set objects). Shapes: shared/docs/alibaba-api.md §3, §6, App. B.
import { ApiError, err } from './errors.ts';
import { cidrContains, isIp, usableCount } from './ip.ts';
import type { DnatState, EniState, InstanceState, InvocationState, World } from './world.ts';

export type Params = Record<string, string>;
export interface CallContext {
  world: World;
  params: Params;
  /** Fault injection asked for the asynchronous part of this call to fail. */
  asyncFailure: boolean;
}
export type Handler = (ctx: CallContext) => Record<string, unknown>;

// ── parameter helpers ────────────────────────────────────────────────────
const req = (p: Params, name: string): string => {
  const v = p[name];
  if (v === undefined || v === '') throw err.missing(name);
  return v;
};
/** `Name.1`, `Name.2`, … in index order. */
export function list(p: Params, name: string): string[] {
  const out: [number, string][] = [];
  const re = new RegExp(`^${name.replace('.', '\\.')}\\.(\\d+)$`);
  for (const [k, v] of Object.entries(p)) { const m = re.exec(k); if (m) out.push([Number(m[1]), v]); }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
/** `Tag.N.Key` / `Tag.N.Value` pairs. */
function tags(p: Params, name = 'Tag'): { key: string; value: string }[] {
  const byIdx = new Map<number, { key?: string; value?: string }>();
  const re = new RegExp(`^${name}\\.(\\d+)\\.(Key|Value)$`);
  for (const [k, v] of Object.entries(p)) {
    const m = re.exec(k);
    if (!m) continue;
    const e = byIdx.get(Number(m[1])) ?? {};
    if (m[2] === 'Key') e.key = v; else e.value = v;
    byIdx.set(Number(m[1]), e);
  }
  return [...byIdx.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => ({ key: e.key ?? '', value: e.value ?? '' }));
}
function validTags(p: Params): Record<string, string> {
  const out: Record<string, string> = {};
  const t = tags(p);
  if (t.length > 20) throw new ApiError('QuotaExceed.Tags', 400, 'The maximum number of tags is exceeded.');
  for (const { key, value } of t) {
    if (!key || key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//.test(key)) throw new ApiError('InvalidTagKey.Malformed', 400, 'The specified Tag.n.Key is not valid.');
    if (value.length > 128 || /^(aliyun|acs:)/i.test(value)) throw new ApiError('InvalidTagValue.Malformed', 400, 'The specified Tag.n.Value is not valid.');
    if (key in out) throw new ApiError('Duplicate.TagKey', 400, 'The Tag.N.Key contain duplicate key.');
    out[key] = value;
  }
  return out;
}
function int(p: Params, name: string, def: number, min: number, max: number, code = 'InvalidParameter', status = 400): number {
  const raw = p[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError(code, status, `The specified parameter "${name}" is not valid. It must be an integer from ${min} to ${max}.`);
  }
  return n;
}
function jsonList(p: Params, name: string, max = 100): string[] | undefined {
  const raw = p[name];
  if (raw === undefined || raw === '') return undefined;
  let v: unknown;
  try { v = JSON.parse(raw); } catch { v = undefined; }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ApiError(`Invalid${name}.Malformed`, 400, `The specified parameter "${name}" is not a valid JSON array of strings.`);
  if (v.length > max) throw new ApiError(`Invalid${name}.Malformed`, 400, `The specified parameter "${name}" holds more than ${max} items.`);
  return v as string[];
}
const eqi = (a: string | undefined, b: string) => a === undefined || a === '' || a.toLowerCase() === b.toLowerCase();
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoMin = (t: number) => new Date(t).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
const tagSet = (t: Record<string, string>) => ({ Tag: Object.entries(t).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });
function hasTags(p: Params, actual: Record<string, string>): boolean {
  return tags(p).every(({ key, value }) => key in actual && (value === '' || actual[key] === value));
}

// ── pagination ───────────────────────────────────────────────────────────
interface PageOpts { maxSize: number; defSize?: number; code?: string; status?: number }
function pageNumbered<T>(items: T[], p: Params, o: PageOpts): { page: T[]; meta: { TotalCount: number; PageNumber: number; PageSize: number } } {
  const size = int(p, 'PageSize', o.defSize ?? 10, 1, o.maxSize, o.code ? `${o.code}.PageSize` : 'InvalidParameter', o.status);
  const num = int(p, 'PageNumber', 1, 1, 1_000_000, o.code ? `${o.code}.PageNumber` : 'InvalidParameter', o.status);
  return { page: items.slice((num - 1) * size, num * size), meta: { TotalCount: items.length, PageNumber: num, PageSize: size } };
}
const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64url');
function decodeToken(token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch { /* fall through */ }
  throw new ApiError('InvalidParameter', 400, 'The specified parameter "NextToken" is not valid.');
}
function tokenPaged<T>(items: T[], p: Params, o: { min?: number; max: number; def: number; code?: string; status?: number }): { page: T[]; next: string } {
  const size = int(p, 'MaxResults', o.def, o.min ?? 1, o.max, o.code ? `${o.code}.MaxResults` : 'InvalidParameter', o.status);
  const start = p.NextToken ? decodeToken(p.NextToken) : 0;
  const page = items.slice(start, start + size);
  return { page, next: start + size < items.length ? encodeToken(start + size) : '' };
}
const tokenMode = (p: Params) => (p.NextToken !== undefined && p.NextToken !== '') || (p.MaxResults !== undefined && p.MaxResults !== '');

// ── shapes ───────────────────────────────────────────────────────────────
function instanceJson(w: World, i: InstanceState): Record<string, unknown> {
  const nics = [w.enis.get(i.primaryEniId), ...w.enisOf(i.instanceId).filter((e) => e.type === 'Secondary' && e.status === 'InUse')]
    .filter((e): e is EniState => !!e);
  const eip = i.eipAddress ? w.eipByIp(i.eipAddress) : undefined;
  const info = w.instanceTypeInfo(i.instanceType);
  return {
    InstanceId: i.instanceId, InstanceName: i.name, HostName: i.guest.hostname, Description: '', Status: i.status,
    InstanceType: i.instanceType, InstanceTypeFamily: i.instanceType.split('.').slice(0, 2).join('.'),
    Cpu: info?.cpuCoreCount ?? 2, Memory: (info?.memorySize ?? 8) * 1024, ZoneId: i.zoneId, RegionId: w.regionId,
    InstanceNetworkType: 'vpc', OSType: 'linux', OSName: 'Alibaba Cloud Linux  3.2104 LTS 64位', ImageId: 'aliyun_3_x64_20G_alibase_20240528.vhd',
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

function dnatJson(d: DnatState): Record<string, unknown> {
  return {
    ForwardEntryId: d.forwardEntryId, ForwardTableId: d.forwardTableId, NatGatewayId: d.natGatewayId, ExternalIp: d.externalIp,
    ExternalPort: d.externalPort, InternalIp: d.internalIp, InternalPort: d.internalPort, IpProtocol: d.ipProtocol,
    ForwardEntryName: d.name, Status: d.status,
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
    const items = [...w.instances.values()].filter((i) =>
      (!ids || ids.includes(i.instanceId)) && (!privs || privs.includes(i.privateIp)) && (!pubs || (!!i.publicIp && pubs.includes(i.publicIp)))
      && (!eips || (!!i.eipAddress && eips.includes(i.eipAddress)))
      && eqi(p.VpcId, i.vpcId) && eqi(p.VSwitchId, i.vSwitchId) && eqi(p.ZoneId, i.zoneId) && eqi(p.Status, i.status)
      && eqi(p.InstanceType, i.instanceType) && (!p.InstanceName || globMatch(p.InstanceName, i.name))
      && (!p.SecurityGroupId || i.securityGroupIds.includes(p.SecurityGroupId)) && hasTags(p, i.tags));
    if (tokenMode(p)) {
      const { page, next } = tokenPaged(items, p, { max: 100, def: 10 });
      return { TotalCount: items.length, NextToken: next, Instances: { Instance: page.map((i) => instanceJson(w, i)) } };
    }
    const { page, meta } = pageNumbered(items, p, { maxSize: 100 });
    return { ...meta, NextToken: '', Instances: { Instance: page.map((i) => instanceJson(w, i)) } };
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
    const { page, next } = tokenPaged(items, p, { max: 1600, def: 1600 });
    return { NextToken: next, InstanceTypes: { InstanceType: page } };
  },

  DescribeNetworkInterfaces({ world: w, params: p }) {
    const ids = list(p, 'NetworkInterfaceId');
    if (ids.length > 100) throw err.invalid('NetworkInterfaceId.N', 'At most 100 ids.');
    const privs = list(p, 'PrivateIpAddress');
    const items = [...w.enis.values()].filter((e) =>
      (!ids.length || ids.includes(e.networkInterfaceId)) && (!privs.length || privs.includes(e.privateIp))
      && (!p.InstanceId || e.instanceId === p.InstanceId) && eqi(p.VpcId, e.vpcId) && eqi(p.VSwitchId, e.vSwitchId)
      && eqi(p.Type, e.type) && eqi(p.Status, e.status) && (!p.PrimaryIpAddress || e.privateIp === p.PrimaryIpAddress)
      && (!p.NetworkInterfaceName || e.name === p.NetworkInterfaceName) && (!p.SecurityGroupId || e.securityGroupIds.includes(p.SecurityGroupId))
      && hasTags(p, e.tags));
    if (tokenMode(p)) {
      const { page, next } = tokenPaged(items, p, { min: 10, max: 500, def: 10 });
      return { TotalCount: items.length, NextToken: next, NetworkInterfaceSets: { NetworkInterfaceSet: page.map((e) => eniJson(w, e)) } };
    }
    const { page, meta } = pageNumbered(items, p, { maxSize: 1000 });
    return { ...meta, NextToken: '', NetworkInterfaceSets: { NetworkInterfaceSet: page.map((e) => eniJson(w, e)) } };
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
    const e = w.createNetworkInterface({ vSwitchId, securityGroupIds: sgs, primaryIp: p.PrimaryIpAddress, name: p.NetworkInterfaceName, description: p.Description, tags: validTags(p) });
    return {
      NetworkInterfaceId: e.networkInterfaceId, Status: e.status, Type: e.type, VpcId: e.vpcId, VSwitchId: e.vSwitchId, ZoneId: e.zoneId,
      PrivateIpAddress: e.privateIp, MacAddress: e.macAddress, NetworkInterfaceName: e.name, Description: e.description,
      PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: e.privateIp, Primary: true }] }, SecurityGroupIds: { SecurityGroupId: [...e.securityGroupIds] },
      Tags: tagSet(e.tags), OwnerId: w.accountId, ResourceGroupId: '', ServiceManaged: false, SourceDestCheck: true,
    };
  },

  AttachNetworkInterface({ world: w, params: p, asyncFailure }) {
    w.attachNetworkInterface(req(p, 'NetworkInterfaceId'), req(p, 'InstanceId'), { fail: asyncFailure });
    return {};
  },
  DetachNetworkInterface({ world: w, params: p, asyncFailure }) {
    w.detachNetworkInterface(req(p, 'NetworkInterfaceId'), req(p, 'InstanceId'), { fail: asyncFailure });
    return {};
  },
  DeleteNetworkInterface({ world: w, params: p }) {
    w.deleteNetworkInterface(req(p, 'NetworkInterfaceId'));
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
    const paged = p.MaxResults || p.NextToken ? tokenPaged(perms, p, { min: 10, max: 1000, def: 500 }) : { page: perms, next: undefined };
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
    if (type !== 'RunShellScript') throw new ApiError('InvalidInstance.NotMatch', 403, `${type} cannot run on a Linux instance.`);
    if (content.length > 24 * 1024) throw new ApiError('CmdContent.ExceedLimit', 403, 'The command content exceeds 24 KB after encoding.');
    const timeout = int(p, 'Timeout', 60, 10, 86400);
    if (p.RepeatMode && p.RepeatMode !== 'Once') throw err.invalid('RepeatMode', 'The sandbox only runs Once commands.');
    let script = (p.ContentEncoding ?? '').toLowerCase() === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
    if (p.EnableParameter === 'true' && p.Parameters) {
      let vals: Record<string, unknown>;
      try { vals = JSON.parse(p.Parameters) as Record<string, unknown>; } catch { throw err.invalid('Parameters', 'Not valid JSON.'); }
      script = script.replace(/\{\{\s*([A-Za-z0-9_-]+)\s*\}\}/g, (m, k: string) => (k in vals ? String(vals[k]) : m));
    }
    const inv = w.runCommand({ instanceIds: ids, script, name: p.Name ?? '', timeoutSec: timeout, username: p.Username || 'root', fail: asyncFailure });
    return { CommandId: inv.commandId, InvokeId: inv.invokeId };
  },

  DescribeInvocationResults({ world: w, params: p }) {
    w.settle();
    const now = w.now();
    const encoding = p.ContentEncoding ?? 'Base64';
    const rows = [...w.invocations.values()].sort((a, b) => b.createdAt - a.createdAt)
      .filter((inv) => (!p.InvokeId || inv.invokeId === p.InvokeId) && (!p.CommandId || inv.commandId === p.CommandId))
      .flatMap((inv) => inv.results.filter((r) => !p.InstanceId || r.instanceId === p.InstanceId).map((r) => invocationResultJson(inv, r, now, encoding)))
      .filter((r) => !p.InvokeRecordStatus || r.InvokeRecordStatus === p.InvokeRecordStatus);
    if (tokenMode(p)) {
      const { page, next } = tokenPaged(rows, p, { max: 50, def: 10, code: 'InvalidParam', status: 403 });
      return { Invocation: { TotalCount: rows.length, NextToken: next, InvocationResults: { InvocationResult: page } } };
    }
    const { page, meta } = pageNumbered(rows, p, { maxSize: 50, code: 'InvalidParam', status: 403 });
    return { Invocation: { ...meta, NextToken: '', InvocationResults: { InvocationResult: page } } };
  },

  TagResources({ world: w, params: p }) {
    const targets = resources(w, p, true);
    const t = validTags(p);
    if (!Object.keys(t).length) throw err.missing('Tag.1.Key');
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
    const start = p.NextToken ? decodeToken(p.NextToken) : 0;
    const page = rows.slice(start, start + 50);
    return { NextToken: start + 50 < rows.length ? encodeToken(start + 50) : '', TagResources: { TagResource: page } };
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

function globMatch(pattern: string, s: string): boolean {
  if (!pattern.includes('*')) return pattern === s;
  return new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(s);
}

// ── VPC ──────────────────────────────────────────────────────────────────
function forwardTableOf(w: World, p: Params): string {
  if (p.ForwardTableId) {
    if (!w.natOfForwardTable(p.ForwardTableId)) throw new ApiError('InvalidForwardTableId.NotFound', 404, 'The specified ForwardTableId does not exist.');
    return p.ForwardTableId;
  }
  if (p.NatGatewayId) {
    const nat = w.natGateways.get(p.NatGatewayId);
    if (!nat) throw new ApiError('InvalidNatGatewayId.NotFound', 404, 'The specified NatGatewayId does not exist.');
    return nat.forwardTableId;
  }
  throw err.missing('ForwardTableId');
}

export const vpcHandlers: Record<string, Handler> = {
  DescribeNatGateways({ world: w, params: p }) {
    w.settle();
    const items = [...w.natGateways.values()].filter((n) => (!p.NatGatewayId || n.natGatewayId === p.NatGatewayId) && eqi(p.VpcId, n.vpcId)
      && (!p.Name || n.name === p.Name) && eqi(p.Status, 'Available') && eqi(p.NatType, 'Enhanced') && eqi(p.NetworkType, 'internet')
      && eqi(p.ZoneId, w.vSwitches.get(n.vSwitchId)?.zoneId ?? ''));
    const { page, meta } = pageNumbered(items, p, { maxSize: 50 });
    return {
      ...meta,
      NatGateways: {
        NatGateway: page.map((n) => {
          const vsw = w.vSwitches.get(n.vSwitchId);
          return {
            NatGatewayId: n.natGatewayId, Name: n.name, Description: '', VpcId: n.vpcId, RegionId: w.regionId, Status: 'Available', BusinessStatus: 'Normal',
            NatType: 'Enhanced', NetworkType: 'internet', Spec: n.spec, InstanceChargeType: 'PostPaid', InternetChargeType: 'PayByLcu', EipBindMode: 'MULTI_BINDED',
            CreationTime: iso(w.createdAt), DeletionProtection: false, EcsMetricEnabled: false, IcmpReplyEnabled: true,
            ForwardTableIds: { ForwardTableId: [n.forwardTableId] }, SnatTableIds: { SnatTableId: [n.snatTableId] }, FullNatTableIds: { FullNatTableId: [] },
            IpLists: {
              IpList: n.eipIds.map((a) => w.eips.get(a)).filter((e) => !!e).map((e) => {
                const dnat = [...w.dnatEntries.values()].some((d) => d.natGatewayId === n.natGatewayId && d.externalIp === e.ipAddress);
                const snat = [...w.snatEntries.values()].some((s) => s.natGatewayId === n.natGatewayId && s.snatIp.split(',').map((x) => x.trim()).includes(e.ipAddress));
                return {
                  IpAddress: e.ipAddress, AllocationId: e.allocationId, PrivateIpAddress: w.natPrivateIp(n), SnatEntryEnabled: snat,
                  UsingStatus: dnat && snat ? 'UsedByForwardSnatTable' : dnat ? 'UsedByForwardTable' : snat ? 'UsedBySnatTable' : 'Idle',
                };
              }),
            },
            NatGatewayPrivateInfo: { VswitchId: n.vSwitchId, PrivateIpAddress: w.natPrivateIp(n), IzNo: vsw?.zoneId ?? '', EniInstanceId: `eni-nat-${n.natGatewayId}`, EniType: 'indirect', MaxBandwidth: 5120 },
            Tags: { Tag: [] },
          };
        }),
      },
    };
  },

  DescribeForwardTableEntries({ world: w, params: p }) {
    w.settle();
    const table = forwardTableOf(w, p);
    const items = w.dnatOfTable(table).filter((d) => (!p.ForwardEntryId || d.forwardEntryId === p.ForwardEntryId)
      && (!p.ExternalIp || d.externalIp === p.ExternalIp) && eqi(p.ExternalPort, d.externalPort) && (!p.InternalIp || d.internalIp === p.InternalIp)
      && eqi(p.InternalPort, d.internalPort) && eqi(p.IpProtocol, d.ipProtocol) && (!p.ForwardEntryName || d.name === p.ForwardEntryName));
    const { page, meta } = pageNumbered(items, p, { maxSize: 50 });
    return { ...meta, ForwardTableEntries: { ForwardTableEntry: page.map(dnatJson) } };
  },

  CreateForwardEntry({ world: w, params: p, asyncFailure }) {
    const spec = {
      forwardTableId: req(p, 'ForwardTableId'), externalIp: req(p, 'ExternalIp'), externalPort: req(p, 'ExternalPort'),
      internalIp: req(p, 'InternalIp'), internalPort: req(p, 'InternalPort'), ipProtocol: req(p, 'IpProtocol'), name: p.ForwardEntryName,
    };
    if (spec.name !== undefined && (spec.name.length < 2 || spec.name.length > 128)) {
      throw new ApiError('InvalidParameter.Name.Malformed', 400, 'The specified ForwardEntryName is not valid (2-128 characters).');
    }
    if (p.DryRun === 'true') {
      // Validate without creating: run the checks on a throwaway copy of the decision.
      w.settle();
      const probe = w.createForwardEntry(spec);
      w.dnatEntries.delete(probe.forwardEntryId);
      throw new ApiError('DryRunOperation', 400, 'Request validation has been passed with DryRun flag set.');
    }
    const d = w.createForwardEntry(spec, { fail: asyncFailure });
    return { ForwardEntryId: d.forwardEntryId };
  },

  DeleteForwardEntry({ world: w, params: p }) {
    w.deleteForwardEntry(req(p, 'ForwardTableId'), req(p, 'ForwardEntryId'));
    return {};
  },

  DescribeSnatTableEntries({ world: w, params: p }) {
    w.settle();
    let table = p.SnatTableId;
    if (table) {
      if (!w.natOfSnatTable(table)) throw new ApiError('InvalidSnatTableId.NotFound', 404, 'The specified SnatTableId does not exist.');
    } else if (p.NatGatewayId) {
      const nat = w.natGateways.get(p.NatGatewayId);
      if (!nat) throw new ApiError('InvalidNatGatewayId.NotFound', 404, 'The specified NatGatewayId does not exist.');
      table = nat.snatTableId;
    } else throw err.missing('SnatTableId');
    const items = w.snatOfTable(table).filter((s) => (!p.SnatEntryId || s.snatEntryId === p.SnatEntryId)
      && (!p.SnatIp || s.snatIp.split(',').map((x) => x.trim()).includes(p.SnatIp)) && (!p.SourceCIDR || s.sourceCidr === p.SourceCIDR)
      && (!p.SourceVSwitchId || s.sourceVSwitchId === p.SourceVSwitchId) && (!p.SnatEntryName || s.name === p.SnatEntryName));
    const { page, meta } = pageNumbered(items, p, { maxSize: 50 });
    return {
      ...meta,
      SnatTableEntries: {
        SnatTableEntry: page.map((s) => ({
          SnatEntryId: s.snatEntryId, SnatTableId: s.snatTableId, NatGatewayId: s.natGatewayId, SnatIp: s.snatIp, SourceCIDR: s.sourceCidr,
          SourceVSwitchId: s.sourceVSwitchId ?? '', SnatEntryName: s.name, Status: s.status, EipAffinity: '0', NetworkInterfaceId: '',
        })),
      },
    };
  },

  DescribeEipAddresses({ world: w, params: p }) {
    const allocIds = p.AllocationId ? p.AllocationId.split(',').map((x) => x.trim()) : undefined;
    if (p.EipAddress && p.EipAddress.split(',').some((x) => !isIp(x.trim()))) throw new ApiError('InvalidEipAddress.Malformed', 400, 'The specified EipAddress is malformed.');
    const eipIps = p.EipAddress ? p.EipAddress.split(',').map((x) => x.trim()) : undefined;
    const rows = [...w.eips.values()].map((e) => {
      const kind = e.natGatewayId ? 'Nat' : e.instanceId ? 'EcsInstance' : '';
      const owner = e.natGatewayId ?? e.instanceId ?? '';
      return { e, kind, owner, status: owner ? 'InUse' : 'Available' };
    }).filter(({ e, kind, owner, status }) => (!allocIds || allocIds.includes(e.allocationId)) && (!eipIps || eipIps.includes(e.ipAddress))
      && eqi(p.AssociatedInstanceType, kind) && (!p.AssociatedInstanceId || owner === p.AssociatedInstanceId) && eqi(p.Status, status)
      && (!p.EipName || e.name === p.EipName));
    const { page, meta } = pageNumbered(rows, p, { maxSize: 100 });
    return {
      ...meta,
      EipAddresses: {
        EipAddress: page.map(({ e, kind, owner, status }) => ({
          AllocationId: e.allocationId, IpAddress: e.ipAddress, Status: status, InstanceId: owner, InstanceType: kind, InstanceRegionId: owner ? w.regionId : '',
          PrivateIpAddress: kind === 'EcsInstance' ? w.instances.get(owner)?.privateIp ?? '' : '', Bandwidth: String(e.bandwidth), EipBandwidth: String(e.bandwidth),
          InternetChargeType: 'PayByTraffic', ChargeType: 'PostPaid', RegionId: w.regionId, AllocationTime: iso(w.createdAt),
          Name: e.name, Description: '', ISP: 'BGP', Mode: 'NAT', Netmode: 'public', BusinessStatus: 'Normal', ExpiredTime: '', DeletionProtection: false,
          ServiceManaged: 0, HDMonitorStatus: 'OFF', ResourceGroupId: '', OperationLocks: { LockReason: [] }, Tags: { Tag: [] },
          SecurityProtectionTypes: { SecurityProtectionType: [] },
        })),
      },
    };
  },

  DescribeVSwitches({ world: w, params: p }) {
    const items = [...w.vSwitches.values()].filter((v) => (!p.VSwitchId || v.vSwitchId === p.VSwitchId) && eqi(p.VpcId, v.vpcId)
      && eqi(p.ZoneId, v.zoneId) && (!p.VSwitchName || v.name === p.VSwitchName));
    const used = w.usedIps();
    const { page, meta } = pageNumbered(items, p, { maxSize: 50 });
    return {
      ...meta,
      VSwitches: {
        VSwitch: page.map((v) => ({
          VSwitchId: v.vSwitchId, VpcId: v.vpcId, Status: 'Available', CidrBlock: v.cidr, ZoneId: v.zoneId, VSwitchName: v.name, Description: '',
          AvailableIpAddressCount: usableCount(v.cidr) - [...used].filter((ip) => cidrContains(v.cidr, ip)).length, IsDefault: false,
          CreationTime: iso(w.createdAt), ResourceGroupId: '', NetworkAclId: '', OwnerId: Number(w.accountId),
          ShareType: '', EnabledIpv6: false, Ipv6CidrBlock: '', RouteTable: { RouteTableId: `vtb-${v.vpcId.replace(/^vpc-/, '')}`, RouteTableType: 'System' },
          Tags: { Tag: [] },
        })),
      },
    };
  },
};

/** Actions whose ClientToken makes them idempotent. */
export const CLIENT_TOKEN_ACTIONS = new Set(['CreateNetworkInterface', 'RunCommand', 'CreateForwardEntry', 'DeleteForwardEntry']);
