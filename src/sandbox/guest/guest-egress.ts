// Outbound connections from the guest to the internet: which NIC and source address the guest's routing picks
// (optionally bound with curl --interface), before the cloud decides which public IP they leave with.
import { isIp } from '../ip.ts';
import type { EniState } from '../model/cloud-resources.ts';
import { routeLookup } from './guest-routing.ts';
import { addressOf } from './guest-state.ts';
import type { GuestSession } from './guest-sync.ts';

/** A notional address of the IP-echo sites, used only for route lookups (nothing is dialled). */
const INTERNET_PROBE = '203.0.113.254';

/** Which NIC and source IP an outbound connection to the internet uses (optionally bound with --interface). */
export function egressRoute(g: GuestSession, iface?: string): { src: string; eni: EniState } | { error: 'iface' | 'unreachable' } {
  const list = g.nics();
  let src: string | undefined;
  if (iface) {
    const nic = list.find((n) => n.dev === iface || n.addrs.some((a) => addressOf(a) === iface));
    if (!nic || !nic.up || !nic.addrs.length) return { error: 'iface' };
    src = isIp(iface) ? iface : addressOf(nic.addrs[0]!);
  }
  const d = routeLookup(g.state(), INTERNET_PROBE, src);
  if (!d) return { error: 'unreachable' };
  const eni = list.find((n) => n.eniId === d.nic.eniId)?.eni;
  if (!eni) return { error: 'unreachable' };
  // A source address that is not the NIC's own cloud IP is dropped by the VPC (source/destination check).
  if (d.src !== eni.privateIp) return { error: 'unreachable' };
  return { src: d.src, eni };
}

/** Egress IP of the guest as an IP-echo page would show it, or undefined when the request would time out. */
export function egressIpOf(g: GuestSession): string | undefined {
  const r = egressRoute(g);
  return 'error' in r ? undefined : g.host.cloudEgress(g.inst, r.src, r.eni)?.ip;
}
