// Will each service the IP mapping exists for still answer once its traffic arrives on the new NIC? Pure: the guest's
// own account of its listeners, firewall and rp_filter (guest-listing.ts) in, one verdict per carried TCP port out.
// The NIC-specific causes are one union; a Windows guest's "new NIC lands in the Public profile" joins it later.
import type { GuestNetworkFacts, InputChain, InputRule, ListeningSocket } from './guest-listing.ts';
import { ipInCidr, parseCidr } from './ipv4.ts';

export type ExposureReason =
  | { kind: 'bound_to_primary'; address: string }
  | { kind: 'bound_to_address'; address: string }
  | { kind: 'bound_to_device'; device: string }
  /** Accepted on the primary NIC by `rule` (or the policy), not on the new one (dropped by `blockedBy`). */
  | { kind: 'firewall'; backend: InputChain['backend']; acceptedBy: string; blockedBy: string }
  /** A rule this planner cannot evaluate could decide. */
  | { kind: 'firewall_unknown'; rule: string }
  | { kind: 'rp_filter'; value: number }
  /** Windows: the new NIC lands in the Public profile, which blocks what the primary NIC's profile allowed (windows-exposure.ts). */
  /** `acceptedBy`/`blockedBy`: facts (an older plan has English sentences there, shown as data). */
  | { kind: 'windows_profile'; category: string; acceptedBy: string | WinVerdict; blockedBy: string | WinVerdict; /** The staged NIC's profile when not Public (the gate's recheck). */ newProfile?: string };

/** What decides a new inbound TCP connection on one Windows firewall profile (a rule's display name is the guest's data). */
export type WinVerdict =
  | { by: 'profile_off'; profile: string }
  | { by: 'rule_blocks'; rule: string }
  | { by: 'rule_allows'; rule: string }
  | { by: 'profile_default'; profile: string }
  | { by: 'no_rule'; port: number; profile: string };

/** A verdict in English, as plan hashes and the English plan have always had it. */
export function winVerdictText(v: string | WinVerdict): string {
  if (typeof v === 'string') return v;
  switch (v.by) {
    case 'profile_off': return `the ${v.profile} profile is off`;
    case 'rule_blocks': return `rule "${v.rule}" blocks it`;
    case 'rule_allows': return `rule "${v.rule}"`;
    case 'profile_default': return `the ${v.profile} profile's default`;
    case 'no_rule': return `no rule allows TCP ${v.port} in the ${v.profile} profile (default inbound: Block)`;
  }
}

/** What --configure-guest adds: the accepting rule again, for the new NIC (its interface and address), just before it. */
export interface FirewallMirror {
  backend: InputChain['backend']; /** 1-based position of the original rule. */ position: number; rule: InputRule;
  /** The rule's primary-NIC parts, which the mirror swaps for the new NIC's. */
  primaryDev: string; primaryIp: string;
  nftChain?: InputChain['nftChain'];
}

export type ExposureStatus = 'ok' | 'at_risk' | 'fixed' | 'accepted' | 'closed_before';

export interface PortExposure {
  port: number;
  bindIp: string;
  process?: string;
  service?: string;
  status: ExposureStatus;
  reasons: ExposureReason[];
  mirrors: FirewallMirror[];
  /** Windows: how --configure-guest makes the new NIC answer (set its network to Private, or mirror the allowing rule). */
  windowsFix?: { method: 'set_private' } | { method: 'mirror'; ruleName: string; ruleDisplayName: string };
}

export type ServiceReport =
  | {
    checked: true; tcp: PortExposure[]; udp: ListeningSocket[]; notCarried: number[]; newDevice: string;
    /** Windows guests: the primary NIC's network category and interface alias. */
    windows?: { primaryCategory: string; primaryAlias?: string };
  }
  | { checked: false; reason: string };

/** Well-known names (IANA service names, as /etc/services has them). */
const SERVICE_NAMES: Record<number, string> = {
  21: 'ftp', 22: 'ssh', 25: 'smtp', 53: 'domain', 80: 'http', 110: 'pop3', 143: 'imap', 443: 'https', 465: 'submissions',
  587: 'submission', 993: 'imaps', 995: 'pop3s', 1194: 'openvpn', 1433: 'ms-sql-s', 3306: 'mysql', 3389: 'ms-wbt-server',
  5432: 'postgresql', 6379: 'redis', 8080: 'http-alt', 8443: 'https-alt', 27017: 'mongodb',
};
export const serviceNameOf = (port: number): string | undefined => SERVICE_NAMES[port];

export interface ExposureInput {
  primaryIp: string;
  /** The ports the new mapping carries (plan-types' PortSelection). */
  ports: { kind: 'all' } | { kind: 'list'; ports: number[] };
  configureGuest: boolean;
  acceptPorts: readonly number[];
  /** The private IP of the ENI this job staged (the gate's recheck): its device is the new NIC, not one more NIC. */
  stagedIp?: string;
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';
const ifaceMatches = (pattern: string, dev: string) => (pattern.endsWith('+') ? dev.startsWith(pattern.slice(0, -1)) : pattern === dev);

/** A new connection on one NIC: the device, and whether a destination match covers its address. */
interface Arrival { dev: string; dstMatches: (cidr: string) => boolean }

type ChainVerdict = { verdict: 'ACCEPT' | 'BLOCK' | 'UNKNOWN'; rule?: InputRule; index?: number };

/** First rule that matches a new TCP connection to `port`, or the policy. */
function evaluate(chain: InputChain, a: Arrival, port: number): ChainVerdict {
  for (const [index, r] of chain.rules.entries()) {
    if (r.state && !r.state.split(',').includes('NEW')) continue;
    if (r.inInterface && !ifaceMatches(r.inInterface, a.dev)) continue;
    if (r.destination && !a.dstMatches(r.destination)) continue;
    if (r.protocol && r.protocol !== 'tcp' && r.protocol !== 'all') continue;
    if (r.dport !== undefined && r.dport !== port) continue;
    if (r.opaque) return { verdict: 'UNKNOWN', rule: r, index };
    return { verdict: r.target === 'ACCEPT' ? 'ACCEPT' : 'BLOCK', rule: r, index };
  }
  return { verdict: chain.policy === 'ACCEPT' ? 'ACCEPT' : 'BLOCK' };
}

const describeVerdict = (chain: InputChain, v: ChainVerdict) => v.rule?.text ?? `the ${chain.backend} INPUT policy ${chain.policy}`;

/** Can this accepting rule be mirrored for the new NIC without opening anything wider? */
function mirrorOf(chain: InputChain, v: ChainVerdict, primaryDev: string, primaryIp: string): FirewallMirror | undefined {
  const r = v.rule;
  if (!r || v.index === undefined || r.opaque) return undefined;
  const namesNic = r.inInterface === primaryDev || (r.destination !== undefined && parseCidr(r.destination)?.prefix === 32 && ipInCidr(primaryIp, r.destination));
  if (!namesNic) return undefined;
  // nft rules are inserted at the head of the chain: only safe when nothing before the original can drop.
  if (chain.backend === 'nftables' && chain.rules.slice(0, v.index).some((x) => x.target !== 'ACCEPT' || x.opaque)) return undefined;
  return { backend: chain.backend, position: v.index + 1, rule: r, primaryDev, primaryIp, ...(chain.nftChain ? { nftChain: chain.nftChain } : {}) };
}

export function assessServices(facts: GuestNetworkFacts, input: ExposureInput): ServiceReport {
  const primaryDev = Object.entries(facts.addresses).find(([, ips]) => ips.includes(input.primaryIp))?.[0] ?? 'eth0';
  const stagedDev = input.stagedIp ? Object.entries(facts.addresses).find(([, ips]) => ips.includes(input.stagedIp!))?.[0] : undefined;
  const ethCount = Object.keys(facts.addresses).filter((d) => /^eth\d+$/.test(d) && d !== stagedDev).length;
  const newDevice = stagedDev ?? `eth${Math.max(1, ethCount)}`;
  const before: Arrival = { dev: primaryDev, dstMatches: (c) => ipInCidr(input.primaryIp, c) };
  // The new address is not known yet; it is in the ENI's vSwitch: a host route to the primary IP never covers it, a
  // subnet-wide destination match is taken to (the default ENI vSwitch is the instance's).
  const after: Arrival = { dev: newDevice, dstMatches: (c) => (parseCidr(c)?.prefix ?? 32) < 32 && ipInCidr(input.primaryIp, c) };
  const rp = Math.max(facts.rpFilter.all ?? 0, facts.rpFilter.default ?? 0);
  const carried = (p: number) => input.ports.kind === 'all' || input.ports.ports.includes(p);

  const byPort = new Map<number, ListeningSocket[]>();
  for (const l of facts.listeners) {
    if (l.protocol !== 'tcp' || isLoopback(l.bindIp)) continue;
    byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  }
  const tcp: PortExposure[] = [];
  const notCarried: number[] = [];
  for (const [port, socks] of [...byPort.entries()].sort((a, b) => a[0] - b[0])) {
    if (!carried(port)) { notCarried.push(port); continue; }
    const any = socks.find((s) => (s.bindIp === '0.0.0.0' || s.bindIp === '::') && !s.device);
    const main = any ?? socks[0]!;
    const reasons: ExposureReason[] = [];
    const mirrors: FirewallMirror[] = [];
    if (!any) {
      const s = socks[0]!;
      if (s.device) reasons.push({ kind: 'bound_to_device', device: s.device });
      else if (s.bindIp === input.primaryIp) reasons.push({ kind: 'bound_to_primary', address: s.bindIp });
      else reasons.push({ kind: 'bound_to_address', address: s.bindIp });
    }
    let closedBefore = false;
    for (const chain of facts.chains) {
      const b = evaluate(chain, before, port);
      if (b.verdict === 'BLOCK') { closedBefore = true; continue; }
      const a = evaluate(chain, after, port);
      if (a.verdict === 'ACCEPT') continue;
      if (a.verdict === 'UNKNOWN' || b.verdict === 'UNKNOWN') { reasons.push({ kind: 'firewall_unknown', rule: (a.rule ?? b.rule)!.text }); continue; }
      reasons.push({ kind: 'firewall', backend: chain.backend, acceptedBy: describeVerdict(chain, b), blockedBy: describeVerdict(chain, a) });
      const m = mirrorOf(chain, b, primaryDev, input.primaryIp);
      if (m) mirrors.push(m);
    }
    if (rp === 1 && !input.configureGuest) reasons.push({ kind: 'rp_filter', value: rp });
    const fixable = reasons.every((r) => r.kind === 'firewall' || r.kind === 'rp_filter')
      && reasons.filter((r) => r.kind === 'firewall').length === mirrors.length;
    const status: ExposureStatus = closedBefore ? 'closed_before'
      : reasons.length === 0 ? 'ok'
        : input.configureGuest && fixable ? 'fixed'
          : input.acceptPorts.includes(port) ? 'accepted' : 'at_risk';
    const name = serviceNameOf(port);
    tcp.push({
      port, bindIp: main.bindIp, ...(main.process ? { process: main.process } : {}), ...(name ? { service: name } : {}),
      status, reasons, mirrors: status === 'fixed' ? mirrors : [],
    });
  }
  const udp = facts.listeners.filter((l) => l.protocol === 'udp' && !isLoopback(l.bindIp));
  return { checked: true, tcp, udp, notCarried, newDevice };
}

/** One reason in words (guest-provided parts are untrusted: the Slack layer escapes them). */
export function reasonText(r: ExposureReason, newDevice: string): string {
  switch (r.kind) {
    case 'bound_to_primary': return `listens on the primary address ${r.address} only, not on the new NIC's`;
    case 'bound_to_address': return `listens on ${r.address} only`;
    case 'bound_to_device': return `bound to device ${r.device} only`;
    case 'firewall': return `host firewall accepts it by "${r.acceptedBy}" on the primary NIC; on ${newDevice} "${r.blockedBy}" drops it`;
    case 'firewall_unknown': return `host firewall rule "${r.rule}" may decide and is not understood here`;
    case 'rp_filter': return `rp_filter=${r.value} (strict) drops packets on ${newDevice} unless replies are policy-routed back through it (--configure-guest does that)`;
    case 'windows_profile': return `${r.newProfile ? `the new NIC (${newDevice}) is in the ${r.newProfile} firewall profile` : `the new NIC (${newDevice}) lands in an unidentified network with the Public firewall profile`}, where ${winVerdictText(r.blockedBy)}; on the primary NIC (${r.category}) ${winVerdictText(r.acceptedBy)} allows it`;
  }
}

/** How --configure-guest fixes it, in words. */
export function fixText(p: PortExposure, newDevice: string): string {
  const parts = p.mirrors.map((m) => `mirror "${m.rule.text}" for ${newDevice}`);
  if (p.reasons.some((r) => r.kind === 'rp_filter')) parts.push(`policy-route replies through ${newDevice} (rp_filter)`);
  if (p.windowsFix?.method === 'set_private') parts.push(`set ${newDevice}'s network to Private (Set-NetConnectionProfile), the primary NIC's profile`);
  if (p.windowsFix?.method === 'mirror') parts.push(`mirror rule "${p.windowsFix.ruleDisplayName}" for TCP ${p.port} on ${newDevice} only (New-NetFirewallRule -Profile Public -InterfaceAlias)`);
  return parts.join('; ');
}
