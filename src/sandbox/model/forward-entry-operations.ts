// DNAT entry operations with the checks and error codes of the VPC API (CreateForwardEntry, ModifyForwardEntry,
// DeleteForwardEntry). All are asynchronous: the entry is Pending / Deleting until World.settle() completes it after
// its latency.
// Limits: https://www.alibabacloud.com/help/en/nat-gateway/developer-reference/api-vpc-2016-04-28-createforwardentry-natgws
import { ApiError } from '../api-error.ts';
import { cidrContains, commaList, isIp } from '../ip.ts';
import type { DnatSpecInput, DnatState, NatGatewayState } from './cloud-resources.ts';
import { normPort, validPort } from './forward-entry-ports.ts';
import type { World } from './world.ts';

/** The NAT gateway owning a forward table, or the API's NotFound error. */
export function requireForwardTable(w: World, tableId: string): NatGatewayState {
  const nat = w.natOfForwardTable(tableId);
  if (!nat) throw new ApiError('InvalidForwardTableId.NotFound', 404, 'The specified ForwardTableId does not exist.');
  return nat;
}

/** While an entry of the table is being created or modified, the table takes no other write. */
function assertTableStable(w: World, tableId: string): void {
  if (w.dnatOfTable(tableId).some((d) => d.status === 'Pending' || d.status === 'Modifying')) {
    throw new ApiError('IncorretForwardEntryStatus', 400, 'Some Forward entry status blocked this operation..');
  }
}

/** The EIP's binding is still changing after an IP mapping on it went away or moved (see World.eipRebindUntil). */
function assertEipSettled(w: World, externalIp: string): void {
  if (w.now() < (w.eipRebindUntil.get(externalIp) ?? 0)) {
    throw new ApiError('OperationUnsupported.EipInBinding', 400, 'The specified EIP is in binding status, please try again later.');
  }
}

/**
 * The checks CreateForwardEntry and ModifyForwardEntry share: formats, the Any/Any/Any rule, the EIP on this gateway,
 * the VPC CIDR, the SNAT conflict and the uniqueness rules against the table's other entries (`self` excluded).
 */
function checkDnatSpec(w: World, spec: DnatSpecInput, self?: string): { proto: string; ext: string; int: string; nat: NatGatewayState } {
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
  const nat = requireForwardTable(w, spec.forwardTableId);
  const eip = w.eipByIp(spec.externalIp);
  if (!eip) throw new ApiError('InvalidExternalIp.NotFound', 404, 'The specified ExternalIp does not exist.');
  if (eip.natGatewayId !== nat.natGatewayId) throw new ApiError('InvalidIp.NotInNatgw', 400, 'The specified IP is not bound to the NAT gateway.');
  const vpc = w.vpcs.get(nat.vpcId);
  if (vpc && !cidrContains(vpc.cidr, spec.internalIp)) {
    throw new ApiError('Forbidden.InternalIpOutOfVpcCIDR', 400, 'The specified InternalIp is not within the CIDR block of the VPC.');
  }
  for (const s of w.snatEntries.values()) {
    if (s.natGatewayId === nat.natGatewayId && commaList(s.snatIp).includes(spec.externalIp)) {
      throw new ApiError('Forbidden.ExternalIp.UsedInSnatTable', 400, 'The specified ExternalIp is already used in the SNAT table.');
    }
  }
  for (const d of w.dnatOfTable(spec.forwardTableId)) {
    if (d.forwardEntryId === self) continue;
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
  return { proto, ext, int, nat };
}

export function createForwardEntry(w: World, spec: DnatSpecInput, opts: { fail?: boolean } = {}): DnatState {
  w.settle();
  checkDnatSpec(w, spec);
  assertTableStable(w, spec.forwardTableId);
  assertEipSettled(w, spec.externalIp);
  if (w.dnatOfTable(spec.forwardTableId).length >= w.forwardEntryQuota) throw new ApiError('QuotaExceeded', 400, 'Forward entry quota exceeded.');
  const d = w.insertDnatEntry({ ...spec, status: 'Pending' });
  d.failPending = opts.fail || undefined;
  return d;
}

/**
 * ModifyForwardEntry (vpc20160428 SDK remark): asynchronous; the entry is Pending ("being modified; only queries
 * are allowed") and then Available; the same entry cannot be modified concurrently. Only the fields given change.
 * While Pending the mapping it had keeps forwarding (`previous`); the new one takes effect when it is Available
 * (unconfirmed: the docs do not say what the data plane does during the change).
 */
export function modifyForwardEntry(w: World, tableId: string, entryId: string, change: Partial<Omit<DnatSpecInput, 'forwardTableId'>>): DnatState {
  w.settle();
  requireForwardTable(w, tableId);
  const d = w.dnatEntries.get(entryId);
  if (!d || d.forwardTableId !== tableId) throw new ApiError('InvalidForwardEntryId.NotFound', 404, 'The specified ForwardEntryId does not exist.');
  if (d.status !== 'Available') {
    throw new ApiError('IncorretForwardEntryStatus', 400, 'The specified forwardEntry is not stable status, can not operation');
  }
  assertTableStable(w, tableId);
  const next: DnatSpecInput = {
    forwardTableId: tableId,
    externalIp: change.externalIp ?? d.externalIp,
    externalPort: change.externalPort ?? d.externalPort,
    internalIp: change.internalIp ?? d.internalIp,
    internalPort: change.internalPort ?? d.internalPort,
    ipProtocol: change.ipProtocol ?? d.ipProtocol,
    ...(change.name !== undefined || d.name ? { name: change.name ?? d.name } : {}),
  };
  const { proto, ext, int } = checkDnatSpec(w, next, entryId);
  assertEipSettled(w, next.externalIp);
  d.previous = { externalIp: d.externalIp, externalPort: d.externalPort, internalIp: d.internalIp, internalPort: d.internalPort, ipProtocol: d.ipProtocol };
  Object.assign(d, { externalIp: next.externalIp, externalPort: ext, internalIp: next.internalIp, internalPort: int, ipProtocol: proto });
  if (next.name !== undefined) d.name = next.name;
  d.status = 'Pending';
  d.since = w.now();
  w.touch(d.forwardEntryId);
  return d;
}

export function deleteForwardEntry(w: World, tableId: string, entryId: string): void {
  w.settle();
  requireForwardTable(w, tableId);
  const d = w.dnatEntries.get(entryId);
  if (!d || d.forwardTableId !== tableId) throw new ApiError('InvalidForwardEntryId.NotFound', 404, 'The specified ForwardEntryId does not exist.');
  assertTableStable(w, tableId);
  if (d.status === 'Deleting') {
    throw new ApiError('IncorretForwardEntryStatus', 400, 'The specified forwardEntry is not stable status, can not operation');
  }
  d.status = 'Deleting';
  d.since = w.now();
  w.touch(d.forwardEntryId);
}
