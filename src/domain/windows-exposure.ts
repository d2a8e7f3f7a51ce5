// Will each service a Windows guest's IP mapping carries still answer once its traffic arrives on the new NIC? The new
// NIC lands in an unidentified network, which Windows puts in the Public category, so the Public firewall profile
// decides there (Get-NetConnectionProfile, "Unidentified network"; Microsoft Learn). Pure: the facts of
// windows-listing.ts in, one PortExposure per carried TCP port out. What --configure-guest can do about it, never
// opening more than the primary NIC's profile allowed:
// - the primary NIC's network is Private: set the new NIC's network to Private too (Set-NetConnectionProfile), so the
//   same profile and rules apply to both;
// - it is DomainAuthenticated (which Set-NetConnectionProfile cannot set): mirror the allowing rule as a new rule for
//   that one port, in the Public profile, on the new NIC's interface only, when the rule has no remote-address limit.
import type { ExposureInput, ExposureReason, ExposureStatus, PortExposure, ServiceReport, WinVerdict } from './service-exposure.ts';
import { serviceNameOf } from './service-exposure.ts';
import type { WinProfile, WinRule, WindowsFacts } from './windows-listing.ts';

type Verdict = { ok: boolean; by: WinVerdict; rule?: WinRule };

const profileOfCategory = (c: string): WinProfile => (c === 'DomainAuthenticated' ? 'Domain' : c === 'Private' ? 'Private' : 'Public');

function portMatches(spec: string, port: number): boolean {
  if (spec === 'Any') return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
  return m ? port >= Number(m[1]) && port <= Number(m[2] ?? m[1]) : false;
}

/** A new inbound TCP connection to `port` on an interface whose network selects `profile`. */
function evaluate(facts: WindowsFacts, profile: WinProfile, alias: string | undefined, port: number): Verdict {
  const p = facts.firewall[profile];
  if (!p.enabled) return { ok: true, by: { by: 'profile_off', profile } };
  const matching = facts.rules.filter((r) => (r.profiles.length === 0 || r.profiles.includes(profile))
    && (r.protocol === 'TCP' || r.protocol === 'Any') && r.localPorts.some((s) => portMatches(s, port))
    && (r.interfaceAlias === 'Any' || (alias !== undefined && r.interfaceAlias.split(',').includes(alias))));
  const block = matching.find((r) => r.action === 'Block');
  if (block) return { ok: false, by: { by: 'rule_blocks', rule: block.displayName }, rule: block };
  const allow = matching.find((r) => r.action === 'Allow');
  if (allow) return { ok: true, by: { by: 'rule_allows', rule: allow.displayName }, rule: allow };
  return p.inbound === 'Allow' ? { ok: true, by: { by: 'profile_default', profile } } : { ok: false, by: { by: 'no_rule', port, profile } };
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

export function assessWindowsServices(facts: WindowsFacts, input: ExposureInput): ServiceReport {
  const primary = facts.interfaces.find((i) => i.ips.includes(input.primaryIp)) ?? facts.interfaces[0];
  const category = primary?.category ?? 'Public';
  // At the gate's recheck the staged ENI is already a NIC: judge it as it is (its category, its interface alias).
  const staged = input.stagedIp ? facts.interfaces.find((i) => i.ips.includes(input.stagedIp!)) : undefined;
  const newDevice = staged?.alias ?? `Ethernet ${facts.interfaces.filter((i) => i !== staged).length + 1}`;
  const newProfile = staged ? profileOfCategory(staged.category) : 'Public';
  const carried = (p: number) => input.ports.kind === 'all' || input.ports.ports.includes(p);
  const byPort = new Map<number, WindowsFacts['listeners']>();
  for (const l of facts.listeners) if (!isLoopback(l.bindIp)) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  const tcp: PortExposure[] = [];
  const notCarried: number[] = [];
  for (const [port, socks] of [...byPort.entries()].sort((a, b) => a[0] - b[0])) {
    if (!carried(port)) { notCarried.push(port); continue; }
    const any = socks.find((s) => s.bindIp === '0.0.0.0' || s.bindIp === '::');
    const main = any ?? socks[0]!;
    const reasons: ExposureReason[] = [];
    if (!any) reasons.push(main.bindIp === input.primaryIp ? { kind: 'bound_to_primary', address: main.bindIp } : { kind: 'bound_to_address', address: main.bindIp });
    const before = evaluate(facts, profileOfCategory(category), primary?.alias, port);
    const after = evaluate(facts, newProfile, staged?.alias, port);
    let windowsFix: PortExposure['windowsFix'];
    if (before.ok && !after.ok) {
      reasons.push({ kind: 'windows_profile', category, acceptedBy: before.by, blockedBy: after.by, ...(newProfile !== 'Public' ? { newProfile } : {}) });
      if (category === 'Private') windowsFix = { method: 'set_private' };
      else if (before.rule && before.rule.remoteAddress === 'Any' && !after.rule) windowsFix = { method: 'mirror', ruleName: before.rule.name, ruleDisplayName: before.rule.displayName };
    }
    const fixable = windowsFix !== undefined && reasons.every((r) => r.kind === 'windows_profile');
    const status: ExposureStatus = !before.ok ? 'closed_before'
      : reasons.length === 0 ? 'ok'
        : input.configureGuest && fixable ? 'fixed'
          : input.acceptPorts.includes(port) ? 'accepted' : 'at_risk';
    const name = serviceNameOf(port);
    tcp.push({
      port, bindIp: main.bindIp, ...(name ? { service: name } : {}), status, reasons, mirrors: [],
      ...(windowsFix && fixable && status !== 'closed_before' ? { windowsFix } : {}),
    });
  }
  return { checked: true, tcp, udp: [], notCarried, newDevice, windows: { primaryCategory: category, ...(primary ? { primaryAlias: primary.alias } : {}) } };
}
