// What a modelled Linux guest serves, and whether a new inbound connection to one of its NICs reaches a listener:
// the NIC and address, reverse-path filtering, the INPUT chain, a bound socket. The public edge asks this for every
// connection; the introspection commands (guest-introspection.ts) print the same state.
import type { EniState, InstanceState } from '../model/cloud-resources.ts';
import { evaluateInput, iptablesRuleText, runtimeOf } from './guest-firewall.ts';
import { routeLookup } from './guest-routing.ts';
import type { GuestServicesSpec, ListenerSpec } from './guest-services-spec.ts';
import { imageOf } from './guest-images.ts';
import { addressOf } from './guest-state.ts';
import type { GuestSession } from './guest-sync.ts';
import { interfacesOf, windowsFirewallVerdict } from './windows-network.ts';

/** A socket in LISTEN (TCP) or UNCONN (UDP) state, with its bind address resolved. */
export interface Listener {
  protocol: 'tcp' | 'udp'; port: number; bindIp: string; firstBytes?: string; process: string;
  /** Remote Desktop: sends nothing first and answers an X.224 Connection Request with a Connection Confirm. */
  rdp?: true;
}

const specOf = (inst: InstanceState) => inst.guest as unknown as GuestServicesSpec;

/** sshd on 0.0.0.0 (the guest's SSH port and banner), then the scenario's services. */
export function listenersOf(inst: InstanceState): Listener[] {
  const g = specOf(inst);
  // On Windows the remote-login listener is Remote Desktop (TermService, hosted in svchost).
  const windows = imageOf(inst.guest.image).osType === 'windows';
  const ssh: Listener = windows && g.sshPort === 3389
    ? { protocol: 'tcp', port: g.sshPort, bindIp: '0.0.0.0', process: 'svchost', rdp: true }
    : { protocol: 'tcp', port: g.sshPort, bindIp: '0.0.0.0', firstBytes: `${g.sshBanner}\r\n`, process: windows ? 'svchost' : 'sshd' };
  const resolve = (l: ListenerSpec): Listener => ({
    protocol: l.protocol, port: l.port, bindIp: l.bind === 'any' ? '0.0.0.0' : l.bind === 'primary' ? inst.privateIp : l.bind,
    ...(l.firstBytes !== undefined ? { firstBytes: l.firstBytes } : {}), process: l.process,
  });
  return [ssh, ...(g.services ?? []).filter((l) => !(l.protocol === 'tcp' && l.port === g.sshPort)).map(resolve)];
}

/** rp_filter of a device: the higher of conf.all and conf.<dev> (ip-sysctl.rst); conf.<dev> starts from conf.default. */
export function rpFilterOf(inst: InstanceState, dev: string): number {
  const { sysctl } = runtimeOf(inst);
  const spec = specOf(inst).rpFilter ?? { all: 0, default: 0 };
  const all = sysctl.get('net.ipv4.conf.all.rp_filter') ?? spec.all;
  const def = sysctl.get('net.ipv4.conf.default.rp_filter') ?? spec.default;
  return Math.max(all, sysctl.get(`net.ipv4.conf.${dev}.rp_filter`) ?? def);
}

export type InboundVerdict =
  | { ok: true; listener: Listener; reason: string }
  /** `refused`: the kernel answers with a reset (nothing bound, a REJECT rule); otherwise the packet is dropped silently. */
  | { ok: false; refused: boolean; reason: string };

/**
 * A new TCP connection from `clientIp` to `eni`'s address, port `port`: does it reach a listener? In kernel order:
 * the address must be local and the link up; rp_filter (strict: the route back to the source must leave by the
 * arriving NIC, ip-sysctl.rst; loose: any route back); the INPUT chain (iptables(8)); a socket bound to 0.0.0.0 or to
 * exactly that address (ip(7): a socket bound to one local address only receives packets addressed to it).
 */
export function guestInbound(g: GuestSession, eni: EniState, port: number, clientIp: string, protocol: 'tcp' | 'udp' = 'tcp'): InboundVerdict {
  g.nics();
  const st = g.state();
  const nic = st.nics.get(eni.networkInterfaceId);
  const dst = eni.privateIp;
  if (!nic || !nic.up || !nic.addrs.some((a) => addressOf(a) === dst)) return { ok: true, listener: listenersOf(g.inst)[0]!, reason: 'NIC checks are the reply path\'s' };
  const rp = rpFilterOf(g.inst, nic.dev);
  if (rp > 0) {
    const back = routeLookup(st, clientIp, dst);
    if (!back) return { ok: false, refused: false, reason: `rp_filter=${rp} on ${nic.dev} drops packets from ${clientIp}: no route back` };
    if (rp === 1 && back.nic.eniId !== nic.eniId) {
      return { ok: false, refused: false, reason: `rp_filter=1 (strict) on ${nic.dev} drops packets from ${clientIp}: the route back leaves by ${back.nic.dev}` };
    }
  }
  if (imageOf(g.inst.guest.image).osType === 'windows') {
    // Windows: the firewall profile of the network the arriving NIC is on (windows-network.ts).
    const iface = interfacesOf(g).find((i) => i.nic.eniId === nic.eniId);
    const wv = iface ? windowsFirewallVerdict(g, iface, protocol, port) : { ok: true, reason: '' };
    if (!wv.ok) return { ok: false, refused: false, reason: wv.reason };
  }
  const { fw } = runtimeOf(g.inst);
  const fwv = evaluateInput(fw, { inDev: nic.dev, src: clientIp, dst, protocol, dport: port });
  if (fwv.verdict !== 'ACCEPT') {
    const why = fwv.rule ? `rule "${iptablesRuleText(fwv.rule)}"` : `the INPUT policy ${fw.policy} (no rule accepts ${protocol} ${port} on ${nic.dev} to ${dst})`;
    return { ok: false, refused: fwv.verdict === 'REJECT', reason: `the guest firewall ${fwv.verdict === 'REJECT' ? 'rejects' : 'drops'} it: ${why}` };
  }
  const hidden = specOf(g.inst).hiddenInboundDrop ?? [];
  if (protocol === 'tcp' && nic.dev !== 'eth0' && hidden.includes(port)) {
    return { ok: false, refused: false, reason: `an inbound filter the introspection does not read drops TCP ${port} on ${nic.dev}` };
  }
  const listener = listenersOf(g.inst).find((l) => l.protocol === protocol && l.port === port && (l.bindIp === '0.0.0.0' || l.bindIp === dst));
  if (!listener) {
    const elsewhere = listenersOf(g.inst).find((l) => l.protocol === protocol && l.port === port);
    return {
      ok: false, refused: protocol === 'tcp',
      reason: elsewhere ? `nothing listens on ${dst}:${port} in the guest (${elsewhere.process} is bound to ${elsewhere.bindIp}:${port} only)` : `nothing listens on ${dst}:${port} in the guest (sshd is on ${specOf(g.inst).sshPort})`,
    };
  }
  return { ok: true, listener, reason: `${listener.process} on ${listener.bindIp}:${port}` };
}
