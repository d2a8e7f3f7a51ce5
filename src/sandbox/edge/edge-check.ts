// The internet side of the model: is the path from a client on the internet to <public IP>:<port> whole?
// Used by the public edge (SSH banner or silence) and exported so tests can ask why a path is broken.
import { guestInboundVerdict, guestReplyPath } from '../guest/modelled-guest.ts';
import { cidrContains } from '../ip.ts';
import type { DnatState, EniState, InstanceState } from '../model/cloud-resources.ts';
import { portSpan } from '../model/forward-entry-ports.ts';
import type { World } from '../model/world.ts';

export interface EdgeVerdict {
  ok: boolean;
  /** Human-readable explanation: what made the path whole, or the first broken link. */
  reason: string;
  instanceId?: string;
  networkInterfaceId?: string;
  internalIp?: string;
  internalPort?: number;
  banner?: string;
  /** The bytes the listener sends on accept (untrusted guest text); absent = it waits for the client. */
  firstBytes?: string;
  /** The guest answers with a reset (nothing bound, a REJECT rule) rather than silence. */
  refused?: boolean;
  /** Remote Desktop answers: an X.224 Connection Confirm to the client's Connection Request (public-edge.ts). */
  rdp?: boolean;
}

/** An internet client address the security-group check is made against when the caller gives none. */
export const DEFAULT_CLIENT_IP = '198.51.100.200';

/** The first value `pred` accepts, without copying a fleet's thousands of values into an array first. */
function firstOf<T>(values: Iterable<T>, pred: (v: T) => boolean): T | undefined {
  for (const v of values) if (pred(v)) return v;
  return undefined;
}

export function edgeCheck(world: World, dstIp: string, dstPort: number, clientIp = DEFAULT_CLIENT_IP): EdgeVerdict {
  world.settle();
  const no = (reason: string, extra: Partial<EdgeVerdict> = {}): EdgeVerdict => ({ ok: false, reason, ...extra });
  let internalIp: string | undefined;
  let internalPort = dstPort;

  const eip = world.eipByIp(dstIp);
  const bound = firstOf(world.instances.values(), (i) => i.publicIp === dstIp || i.eipAddress === dstIp);
  if (bound) {
    internalIp = bound.privateIp; // a public IP / EIP on the instance maps every port to its primary IP
  } else if (eip?.natGatewayId) {
    const nat = world.natGateways.get(eip.natGatewayId)!;
    const entries: DnatState[] = [];
    for (const d of world.dnatEntries.values()) {
      if (d.forwardTableId === nat.forwardTableId && (d.externalIp === dstIp || d.previous?.externalIp === dstIp)) entries.push(d);
    }
    // What forwards now: Available entries, and an entry being modified with the mapping it had (see modifyForwardEntry).
    const live = entries.flatMap((d) => (d.status === 'Available' ? [d] : d.status === 'Pending' && d.previous ? [{ ...d, ...d.previous }] : []))
      .filter((d) => d.externalIp === dstIp);
    const hit = live.find((d) => {
      if (d.ipProtocol === 'any') return true;
      if (d.ipProtocol !== 'tcp') return false;
      const [a, b] = portSpan(d.externalPort);
      return dstPort >= a && dstPort <= b;
    });
    if (!hit) {
      const pending = entries.find((d) => d.status !== 'Available' && d.externalIp === dstIp);
      return no(pending
        ? `the DNAT entry ${pending.forwardEntryId} for ${dstIp} is ${pending.status}`
        : `no Available DNAT entry on ${nat.natGatewayId} maps ${dstIp}:${dstPort}/tcp`);
    }
    internalIp = hit.internalIp;
    if (hit.ipProtocol !== 'any') {
      const [ea] = portSpan(hit.externalPort);
      const [ia] = portSpan(hit.internalPort);
      internalPort = ia + (dstPort - ea);
    }
  } else {
    return no(eip ? `EIP ${dstIp} is not bound to a NAT gateway or an instance` : `${dstIp} is not an EIP of this sandbox`);
  }

  // Who owns the internal IP: an instance's primary IP, or a secondary ENI.
  let inst: InstanceState | undefined;
  let eni: EniState | undefined;
  inst = firstOf(world.instances.values(), (i) => i.privateIp === internalIp);
  if (inst) eni = world.enis.get(inst.primaryEniId);
  else {
    eni = firstOf(world.enis.values(), (e) => e.type === 'Secondary' && e.privateIp === internalIp);
    if (!eni) return no(`nothing owns ${internalIp}`, { internalIp, internalPort });
    if (eni.status !== 'InUse' || !eni.instanceId) return no(`ENI ${eni.networkInterfaceId} (${internalIp}) is ${eni.status}, not attached`, { internalIp, internalPort, networkInterfaceId: eni.networkInterfaceId });
    inst = world.instances.get(eni.instanceId);
  }
  if (!inst || !eni) return no(`nothing owns ${internalIp}`, { internalIp, internalPort });
  const base = { instanceId: inst.instanceId, networkInterfaceId: eni.networkInterfaceId, internalIp, internalPort };
  if (inst.status !== 'Running') return no(`instance ${inst.instanceId} is ${inst.status}`, base);
  if (!bound && eni.type === 'Primary' && (inst.eipAddress || inst.publicIp)) {
    return no(`instance ${inst.instanceId} has its own public IP, so DNAT to its primary IP does not take effect`, base);
  }
  const sgIds = eni.type === 'Primary' ? inst.securityGroupIds : eni.securityGroupIds;
  const sg = sgVerdict(world, sgIds, internalPort, clientIp);
  if (!sg.ok) return no(sg.reason, base);
  // In the guest, kernel order: rp_filter, the INPUT chain, a socket bound to that address (guest-services.ts).
  const inbound = guestInboundVerdict(world, inst, eni, internalPort, clientIp);
  if (!inbound.ok) return no(inbound.reason, { ...base, ...(inbound.refused ? { refused: true } : {}) });
  const reply = guestReplyPath(world, inst, eni, clientIp);
  if (!reply.ok) return no(reply.reason, base);
  const first = inbound.listener.firstBytes;
  return {
    ok: true, reason: `${dstIp}:${dstPort} → ${internalIp}:${internalPort} on ${inst.instanceId} (${eni.networkInterfaceId}), ${inbound.reason}`,
    ...(first !== undefined ? { firstBytes: first, banner: first.split(/\r?\n/)[0]! } : {}), ...(inbound.listener.rdp ? { rdp: true } : {}), ...base,
  };
}

/**
 * Security groups of one NIC: the matching rule with the best (lowest) priority decides, Drop winning ties; no matching
 * rule means no access.
 */
function sgVerdict(world: World, sgIds: string[], port: number, clientIp: string): { ok: boolean; reason: string } {
  let best: { priority: number; policy: string; sg: string } | undefined;
  for (const id of sgIds) {
    const sg = world.securityGroups.get(id);
    for (const r of sg?.rules ?? []) {
      if (r.direction !== 'ingress') continue;
      if (r.ipProtocol !== 'TCP' && r.ipProtocol !== 'ALL') continue;
      const [a, b] = r.portRange.split('/').map(Number) as [number, number];
      const covers = (a === -1 && b === -1) || (port >= a && port <= b);
      if (!covers || !cidrContains(r.cidr, clientIp)) continue;
      if (!best || r.priority < best.priority || (r.priority === best.priority && r.policy === 'Drop')) best = { priority: r.priority, policy: r.policy, sg: id };
    }
  }
  if (!best) return { ok: false, reason: `security groups ${sgIds.join(', ')} do not allow TCP ${port} from ${clientIp}` };
  if (best.policy === 'Drop') return { ok: false, reason: `security group ${best.sg} drops TCP ${port} from ${clientIp}` };
  return { ok: true, reason: `security group ${best.sg} accepts TCP ${port}` };
}
