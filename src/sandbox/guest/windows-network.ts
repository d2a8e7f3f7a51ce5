// A modelled Windows guest's network as its cmdlets see it: each NIC's interface (alias, index, metric), the network
// category of the network it is on, the firewall profiles and rules, and whether a new inbound connection on a NIC gets
// through the firewall profile of that NIC's network. What Windows keeps across reboots is kept in the guest's files
// (standing in for the registry): a network's category (NetworkList\Profiles), rules made with New-NetFirewallRule
// (their default PolicyStore is PersistentStore) and interface metrics written to PersistentStore. Metrics written to
// ActiveStore only last until the next boot (Set-NetIPInterface -PolicyStore; New-NetRoute -PolicyStore, Microsoft Learn).
// Interface aliases "Ethernet", "Ethernet 2"… and the indexes are unconfirmed for Alibaba's images (its Chinese images
// name them "以太网").
import type { InstanceState } from '../model/cloud-resources.ts';
import type { GuestServicesSpec } from './guest-services-spec.ts';
import type { GuestSession, NicView } from './guest-sync.ts';
import {
  BUILTIN_RULES, DEFAULT_WINDOWS_FIREWALL, profileOf, type FirewallProfileName, type NetworkCategory, type WindowsFirewallSpec, type WindowsRule,
} from './windows-firewall-spec.ts';

const CATEGORY_KEY = 'HKLM/SOFTWARE/Microsoft/Windows NT/CurrentVersion/NetworkList/Profiles';
const RULES_KEY = 'HKLM/SYSTEM/CurrentControlSet/Services/SharedAccess/Parameters/FirewallPolicy/FirewallRules';
const METRIC_KEY = 'HKLM/SYSTEM/CurrentControlSet/Services/Tcpip/Parameters/Interfaces';
/** The automatic interface metric Windows gives a NIC of the ENI's link speed (unconfirmed; equal for every ENI). */
export const AUTOMATIC_METRIC = 15;

export interface WinInterface {
  nic: NicView; alias: string; index: number; mac: string; category: NetworkCategory; networkName: string; metric: number; automaticMetric: boolean;
}

const active = new WeakMap<InstanceState, { bootId: number; metrics: Map<string, number> }>();

function readJson<T>(g: GuestSession, key: string, empty: T): T {
  const raw = g.state().files.get(key);
  if (raw === undefined) return empty;
  try { return JSON.parse(raw) as T; } catch { return empty; }
}
const writeJson = (g: GuestSession, key: string, v: unknown) => g.state().files.set(key, JSON.stringify(v));

export function firewallSpecOf(inst: InstanceState): WindowsFirewallSpec {
  return (inst.guest as unknown as GuestServicesSpec).windowsFirewall ?? DEFAULT_WINDOWS_FIREWALL;
}

function activeMetrics(inst: InstanceState): Map<string, number> {
  let a = active.get(inst);
  if (!a || a.bootId !== inst.bootId) { a = { bootId: inst.bootId, metrics: new Map() }; active.set(inst, a); }
  return a.metrics;
}

/** Windows' MAC spelling: upper case, dashes (Get-NetAdapter's MacAddress). */
export const winMac = (mac: string) => mac.toUpperCase().replace(/:/g, '-');

export function interfacesOf(g: GuestSession): WinInterface[] {
  const spec = firewallSpecOf(g.inst);
  const cats = readJson<Record<string, NetworkCategory>>(g, CATEGORY_KEY, {});
  const persisted = readJson<Record<string, number>>(g, METRIC_KEY, {});
  const act = activeMetrics(g.inst);
  return g.nics().filter((n) => n.up && n.addrs.length > 0).map((nic) => {
    const n = Number(nic.dev.slice(3));
    const mac = winMac(nic.mac);
    const primary = nic.eni.type === 'Primary';
    const category = cats[mac] ?? (primary ? spec.primaryCategory : 'Public');
    const set = act.get(mac) ?? persisted[mac];
    return {
      nic, alias: n === 0 ? 'Ethernet' : `Ethernet ${n + 1}`, index: 6 + n * 3, mac, category,
      networkName: primary ? (category === 'DomainAuthenticated' ? 'corp.example' : 'Network') : cats[mac] ? `Network ${n + 1}` : 'Unidentified network',
      metric: set ?? AUTOMATIC_METRIC, automaticMetric: set === undefined,
    };
  });
}

export function setCategory(g: GuestSession, mac: string, category: NetworkCategory): void {
  writeJson(g, CATEGORY_KEY, { ...readJson<Record<string, NetworkCategory>>(g, CATEGORY_KEY, {}), [mac]: category });
}

export function setMetric(g: GuestSession, mac: string, metric: number, store: 'ActiveStore' | 'PersistentStore' | 'Both'): void {
  if (store !== 'PersistentStore') activeMetrics(g.inst).set(mac, metric);
  if (store !== 'ActiveStore') writeJson(g, METRIC_KEY, { ...readJson<Record<string, number>>(g, METRIC_KEY, {}), [mac]: metric });
}

/** The inbound rules: the scenario's (or the image's built-in ones), then those New-NetFirewallRule added. */
export function rulesOf(g: GuestSession): WindowsRule[] {
  return [...(firewallSpecOf(g.inst).rules ?? BUILTIN_RULES), ...readJson<WindowsRule[]>(g, RULES_KEY, [])];
}

export function addRule(g: GuestSession, r: WindowsRule): 'added' | 'exists' {
  if (rulesOf(g).some((x) => x.name === r.name)) return 'exists';
  writeJson(g, RULES_KEY, [...readJson<WindowsRule[]>(g, RULES_KEY, []), r]);
  return 'added';
}

/** Removes a rule New-NetFirewallRule added (the scenario's own rules stay). */
export function removeRule(g: GuestSession, name: string): boolean {
  const added = readJson<WindowsRule[]>(g, RULES_KEY, []);
  if (!added.some((r) => r.name === name)) return false;
  writeJson(g, RULES_KEY, added.filter((r) => r.name !== name));
  return true;
}

const ruleText = (r: WindowsRule) => `"${r.displayName ?? r.name}" (${r.action} ${r.protocol} ${r.localPort}, profile ${r.profiles.join(',')}${r.interfaceAlias ? `, interface ${r.interfaceAlias}` : ''})`;

/**
 * A new inbound connection on `iface`: the firewall profile of its network decides. A disabled profile lets it in;
 * otherwise a matching block rule drops it, a matching allow rule lets it in, and the profile's DefaultInboundAction
 * decides the rest (Block drops silently).
 */
export function windowsFirewallVerdict(g: GuestSession, iface: WinInterface, protocol: 'tcp' | 'udp', port: number): { ok: boolean; reason: string } {
  const profile: FirewallProfileName = profileOf(iface.category);
  const p = firewallSpecOf(g.inst).profiles[profile];
  const where = `${iface.alias} (${iface.networkName}, ${iface.category} → the ${profile} profile)`;
  if (!p.enabled) return { ok: true, reason: `the ${profile} firewall profile is off on ${where}` };
  const matches = rulesOf(g).filter((r) => r.enabled && r.protocol.toLowerCase() === protocol && (r.localPort === 'Any' || r.localPort === port)
    && (r.profiles.includes('Any') || r.profiles.includes(profile)) && (!r.interfaceAlias || r.interfaceAlias === iface.alias));
  const block = matches.find((r) => r.action === 'Block');
  if (block) return { ok: false, reason: `the Windows firewall blocks it on ${where}: rule ${ruleText(block)}` };
  const allow = matches.find((r) => r.action === 'Allow');
  if (allow) return { ok: true, reason: `rule ${ruleText(allow)} allows it on ${where}` };
  if (p.defaultInboundAction === 'Allow') return { ok: true, reason: `the ${profile} profile allows inbound by default on ${where}` };
  return { ok: false, reason: `the Windows firewall drops it on ${where}: no rule allows ${protocol.toUpperCase()} ${port} in the ${profile} profile, whose default inbound action is Block` };
}
