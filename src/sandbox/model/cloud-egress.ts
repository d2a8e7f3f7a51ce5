import { cidrContains, commaList } from '../ip.ts';
import type { CloudEgress, DnatState, EipState, EniState, InstanceState, NatGatewayState, SnatState } from './cloud-resources.ts';

/** What of the world the egress decision reads. */
export interface EgressWorld {
  readonly dnatEntries: ReadonlyMap<string, DnatState>;
  readonly natGateways: ReadonlyMap<string, NatGatewayState>;
  readonly snatEntries: ReadonlyMap<string, SnatState>;
  eipByIp(ip: string): EipState | undefined;
}

/**
 * The public IP a packet from `srcIp` (leaving through NIC `eni` of `inst`) appears from, per the documented
 * precedence: the instance's own EIP / public IP (primary IP only), else a DNAT IP mapping of that IP, else the
 * most specific SNAT entry covering it (first IP of its SnatIp list). undefined = no way out (times out).
 */
export function egressOf(w: EgressWorld, inst: InstanceState, srcIp: string, eni: EniState): CloudEgress | undefined {
  // An instance's own EIP or public IP wins: a DNAT entry only takes effect for an IP without one
  // (CreateForwardEntry, InternalIp), and those beat SNAT (NAT gateway terms).
  if (srcIp === inst.privateIp && inst.eipAddress) return { ip: inst.eipAddress, via: 'eip' };
  if (srcIp === inst.privateIp && inst.publicIp) return { ip: inst.publicIp, via: 'publicIp' };
  for (const d of w.dnatEntries.values()) {
    if (d.status !== 'Available' || d.ipProtocol !== 'any' || d.internalIp !== srcIp) continue;
    const nat = w.natGateways.get(d.natGatewayId);
    if (nat?.vpcId === inst.vpcId && w.eipByIp(d.externalIp)?.natGatewayId === nat.natGatewayId) {
      return { ip: d.externalIp, via: 'dnat', entryId: d.forwardEntryId };
    }
  }
  let best: SnatState | undefined;
  let bestPrefix = -1;
  for (const s of w.snatEntries.values()) {
    if (s.status !== 'Available' || w.natGateways.get(s.natGatewayId)?.vpcId !== inst.vpcId) continue;
    const covers = s.sourceVSwitchId ? s.sourceVSwitchId === eni.vSwitchId : cidrContains(s.sourceCidr, srcIp);
    if (!covers) continue;
    const prefix = Number(s.sourceCidr.split('/')[1] ?? 32);
    if (prefix > bestPrefix) { best = s; bestPrefix = prefix; }
  }
  if (best) return { ip: commaList(best.snatIp)[0]!, via: 'snat', entryId: best.snatEntryId };
  return undefined;
}
