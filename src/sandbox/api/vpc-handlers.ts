// The VPC API (2016-04-28): NAT gateways, DNAT (forward) and SNAT tables, EIPs and vSwitches. One function per
// action, answering in the shape of the *ResponseBody models in node_modules/@alicloud/vpc20160428/src/models.
import { ApiError, err } from '../api-error.ts';
import { commaList, isIp, parseCidr, parseIp, usableCount } from '../ip.ts';
import type { DnatState, NatGatewayState } from '../model/cloud-resources.ts';
import { createForwardEntry, deleteForwardEntry, modifyForwardEntry, requireForwardTable } from '../model/forward-entry-operations.ts';
import type { World } from '../model/world.ts';
import { iso } from './answer-fields.ts';
import { pageNumbered } from './api-paging.ts';
import { eqi, req, type Handler, type Params } from './request-params.ts';

function dnatJson(d: DnatState): Record<string, unknown> {
  return {
    ForwardEntryId: d.forwardEntryId, ForwardTableId: d.forwardTableId, NatGatewayId: d.natGatewayId, ExternalIp: d.externalIp,
    ExternalPort: d.externalPort, InternalIp: d.internalIp, InternalPort: d.internalPort, IpProtocol: d.ipProtocol,
    ForwardEntryName: d.name, Status: d.status,
  };
}

function natGateway(w: World, id: string): NatGatewayState {
  const nat = w.natGateways.get(id);
  if (!nat) throw new ApiError('InvalidNatGatewayId.NotFound', 404, 'The specified NatGatewayId does not exist.');
  return nat;
}

function forwardTableOf(w: World, p: Params): string {
  if (p.ForwardTableId) return requireForwardTable(w, p.ForwardTableId).forwardTableId;
  if (p.NatGatewayId) return natGateway(w, p.NatGatewayId).forwardTableId;
  throw err.missing('ForwardTableId');
}

export const vpcHandlers: Record<string, Handler> = {
  DescribeNatGateways({ world: w, params: p }) {
    w.settle();
    // The EIPs of a gateway its DNAT and SNAT entries use: one pass over each table per gateway, not per EIP.
    const used = new Map<string, { dnatIps: Set<string>; snatIps: Set<string> }>();
    const ipUse = (n: NatGatewayState) => {
      let u = used.get(n.natGatewayId);
      if (!u) {
        u = { dnatIps: new Set(), snatIps: new Set() };
        for (const d of w.dnatEntries.values()) if (d.natGatewayId === n.natGatewayId) u.dnatIps.add(d.externalIp);
        for (const s of w.snatEntries.values()) if (s.natGatewayId === n.natGatewayId) for (const ip of commaList(s.snatIp)) u.snatIps.add(ip);
        used.set(n.natGatewayId, u);
      }
      return u;
    };
    const items = [...w.natGateways.values()].filter((n) => (!p.NatGatewayId || n.natGatewayId === p.NatGatewayId) && eqi(p.VpcId, n.vpcId)
      && (!p.Name || n.name === p.Name) && eqi(p.Status, 'Available') && eqi(p.NatType, 'Enhanced') && eqi(p.NetworkType, 'internet')
      && eqi(p.ZoneId, w.vSwitches.get(n.vSwitchId)?.zoneId ?? ''));
    const { page, meta } = pageNumbered(items, p, { maxSize: 50 });
    return {
      ...meta,
      NatGateways: {
        NatGateway: page.map((n) => {
          const vsw = w.vSwitches.get(n.vSwitchId);
          // Once per gateway, not once per EIP (a fleet's gateway has a thousand).
          const privateIp = w.natPrivateIp(n);
          return {
            NatGatewayId: n.natGatewayId, Name: n.name, Description: '', VpcId: n.vpcId, RegionId: w.regionId, Status: 'Available', BusinessStatus: 'Normal',
            NatType: 'Enhanced', NetworkType: 'internet', Spec: n.spec, InstanceChargeType: 'PostPaid', InternetChargeType: 'PayByLcu', EipBindMode: 'MULTI_BINDED',
            CreationTime: iso(w.createdAt), DeletionProtection: false, EcsMetricEnabled: false, IcmpReplyEnabled: true,
            ForwardTableIds: { ForwardTableId: [n.forwardTableId] }, SnatTableIds: { SnatTableId: [n.snatTableId] }, FullNatTableIds: { FullNatTableId: [] },
            IpLists: {
              IpList: n.eipIds.map((a) => w.eips.get(a)).filter((e) => !!e).map((e) => {
                const { dnatIps, snatIps } = ipUse(n);
                const dnat = dnatIps.has(e.ipAddress);
                const snat = snatIps.has(e.ipAddress);
                return {
                  IpAddress: e.ipAddress, AllocationId: e.allocationId, PrivateIpAddress: privateIp, SnatEntryEnabled: snat,
                  UsingStatus: dnat && snat ? 'UsedByForwardSnatTable' : dnat ? 'UsedByForwardTable' : snat ? 'UsedBySnatTable' : 'Idle',
                };
              }),
            },
            NatGatewayPrivateInfo: { VswitchId: n.vSwitchId, PrivateIpAddress: privateIp, IzNo: vsw?.zoneId ?? '', EniInstanceId: `eni-nat-${n.natGatewayId}`, EniType: 'indirect', MaxBandwidth: 5120 },
            Tags: { Tag: [] },
          };
        }),
      },
    };
  },

  DescribeForwardTableEntries({ world: w, params: p }) {
    w.settle();
    const table = forwardTableOf(w, p);
    // Realism (staleReads): the table as it was readLagMs ago.
    const items = w.listedDnatOfTable(table, p.ForwardEntryId || undefined).filter((d) => (!p.ForwardEntryId || d.forwardEntryId === p.ForwardEntryId)
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
      const probe = createForwardEntry(w, spec);
      w.dnatEntries.delete(probe.forwardEntryId);
      throw new ApiError('DryRunOperation', 400, 'Request validation has been passed with DryRun flag set.');
    }
    const d = createForwardEntry(w, spec, { fail: asyncFailure });
    return { ForwardEntryId: d.forwardEntryId };
  },

  ModifyForwardEntry({ world: w, params: p }) {
    const name = p.ForwardEntryName;
    if (name !== undefined && (name.length < 2 || name.length > 128)) {
      throw new ApiError('InvalidParameter.Name.Malformed', 400, 'The specified ForwardEntryName is not valid (2-128 characters).');
    }
    modifyForwardEntry(w, req(p, 'ForwardTableId'), req(p, 'ForwardEntryId'), {
      ...(p.ExternalIp !== undefined ? { externalIp: p.ExternalIp } : {}),
      ...(p.ExternalPort !== undefined ? { externalPort: p.ExternalPort } : {}),
      ...(p.InternalIp !== undefined ? { internalIp: p.InternalIp } : {}),
      ...(p.InternalPort !== undefined ? { internalPort: p.InternalPort } : {}),
      ...(p.IpProtocol !== undefined ? { ipProtocol: p.IpProtocol } : {}),
      ...(name !== undefined ? { name } : {}),
    });
    return {};
  },

  DeleteForwardEntry({ world: w, params: p }) {
    deleteForwardEntry(w, req(p, 'ForwardTableId'), req(p, 'ForwardEntryId'));
    return {};
  },

  DescribeSnatTableEntries({ world: w, params: p }) {
    w.settle();
    let table = p.SnatTableId;
    if (table) {
      if (!w.natOfSnatTable(table)) throw new ApiError('InvalidSnatTableId.NotFound', 404, 'The specified SnatTableId does not exist.');
    } else if (p.NatGatewayId) {
      table = natGateway(w, p.NatGatewayId).snatTableId;
    } else throw err.missing('SnatTableId');
    const items = w.snatOfTable(table).filter((s) => (!p.SnatEntryId || s.snatEntryId === p.SnatEntryId)
      && (!p.SnatIp || commaList(s.snatIp).includes(p.SnatIp)) && (!p.SourceCIDR || s.sourceCidr === p.SourceCIDR)
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
    const allocIds = p.AllocationId ? commaList(p.AllocationId) : undefined;
    if (p.EipAddress && commaList(p.EipAddress).some((x) => !isIp(x))) throw new ApiError('InvalidEipAddress.Malformed', 400, 'The specified EipAddress is malformed.');
    const eipIps = p.EipAddress ? commaList(p.EipAddress) : undefined;
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
    // Parsed once per request: a fleet has thousands of addresses in use.
    const used = [...w.usedIps()].map(parseIp);
    const inBlock = (cidr: string) => {
      const c = parseCidr(cidr);
      return c ? used.filter((a) => a !== undefined && a >= c.base && a < c.end).length : 0;
    };
    const { page, meta } = pageNumbered(items, p, { maxSize: 50 });
    return {
      ...meta,
      VSwitches: {
        VSwitch: page.map((v) => ({
          VSwitchId: v.vSwitchId, VpcId: v.vpcId, Status: 'Available', CidrBlock: v.cidr, ZoneId: v.zoneId, VSwitchName: v.name, Description: '',
          AvailableIpAddressCount: usableCount(v.cidr) - inBlock(v.cidr), IsDefault: false,
          CreationTime: iso(w.createdAt), ResourceGroupId: '', NetworkAclId: '', OwnerId: Number(w.accountId),
          ShareType: '', EnabledIpv6: false, Ipv6CidrBlock: '', RouteTable: { RouteTableId: `vtb-${v.vpcId.replace(/^vpc-/, '')}`, RouteTableType: 'System' },
          Tags: { Tag: [] },
        })),
      },
    };
  },
};
