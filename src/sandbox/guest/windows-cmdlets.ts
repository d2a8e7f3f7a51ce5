// The networking cmdlets of a modelled Windows guest (NetTCPIP, NetConnection, NetSecurity modules), returning the CIM
// objects' properties as Windows PowerShell 5.1 holds them, and the pipeline cmdlets Select-Object and ConvertTo-Json
// printing them the way 5.1 does: enums as their numbers, a single object not wrapped in an array, 4-space indents and
// `":  "`. Property names and enum values (Microsoft Learn, the MSFT_* classes):
// - MSFT_NetTCPConnection (Get-NetTCPConnection): LocalAddress, LocalPort, RemoteAddress, RemotePort, State (Listen = 2), OwningProcess;
// - MSFT_NetConnectionProfile (Get-NetConnectionProfile): Name, InterfaceAlias, InterfaceIndex, NetworkCategory
//   (Public 0, Private 1, DomainAuthenticated 2), IPv4Connectivity (Internet 4);
// - MSFT_NetFirewallProfile (Get-NetFirewallProfile): Name, Enabled (GpoBoolean: False 0, True 1), DefaultInboundAction
//   (NotConfigured 0, Allow 2, Block 4; a profile left at its default shows NotConfigured, which blocks: unconfirmed);
// - MSFT_NetFirewallRule: Name, DisplayName, Enabled (True 1, False 2), Profile (flags: Any 0, Domain 1, Private 2,
//   Public 4), Direction (Inbound 1), Action (Allow 2, Block 4); MSFT_NetProtocolPortFilter: InstanceID, Protocol,
//   LocalPort; MSFT_NetInterfaceFilter: InstanceID, InterfaceAlias;
// - MSFT_NetIPAddress: IPAddress, InterfaceIndex, InterfaceAlias, AddressFamily (IPv4 2), PrefixLength;
// - MSFT_NetIPInterface: InterfaceIndex, InterfaceAlias, AddressFamily, InterfaceMetric, AutomaticMetric (Disabled 0, Enabled 1).
// Set-NetConnectionProfile refuses DomainAuthenticated ("cannot be set": the docs say only Public and Private can be set).
import { listenersOf } from './guest-services.ts';
import type { GuestSession } from './guest-sync.ts';
import { NETWORK_CATEGORIES, type NetworkCategory, type WindowsRule } from './windows-firewall-spec.ts';
import { addRule, firewallSpecOf, interfacesOf, removeRule, rulesOf, setCategory, setMetric } from './windows-network.ts';

export type PsObject = Record<string, unknown>;
export type PsValue = PsObject[];
export type CmdletResult = { value: PsValue } | { error: string };

const CATEGORY_NO: Record<NetworkCategory, number> = { Public: 0, Private: 1, DomainAuthenticated: 2 };
const PROFILE_BIT: Record<string, number> = { Any: 0, Domain: 1, Private: 2, Public: 4 };
const pidOf = (name: string) => 1000 + (name.split('').reduce((a, c) => a * 31 + c.charCodeAt(0), 7) % 8000);

/** `-Name value` pairs and switches of one cmdlet call. */
export function namedArgs(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) continue;
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('-')) { m.set(a.slice(1).toLowerCase(), next); i++; } else m.set(a.slice(1).toLowerCase(), 'true');
  }
  return m;
}

function tcpConnections(g: GuestSession, a: Map<string, string>): CmdletResult {
  const state = a.get('state');
  if (state && state.toLowerCase() !== 'listen') return { value: [] };
  return {
    value: listenersOf(g.inst).filter((l) => l.protocol === 'tcp').map((l) => ({
      LocalAddress: l.bindIp, LocalPort: l.port, RemoteAddress: '0.0.0.0', RemotePort: 0, State: 2, AppliedSetting: null, OwningProcess: pidOf(l.process),
    })),
  };
}

function connectionProfiles(g: GuestSession, a: Map<string, string>): CmdletResult {
  const idx = a.get('interfaceindex');
  return {
    value: interfacesOf(g).filter((i) => !idx || String(i.index) === idx).map((i) => ({
      Name: i.networkName, InterfaceAlias: i.alias, InterfaceIndex: i.index, NetworkCategory: CATEGORY_NO[i.category],
      DomainAuthenticationKind: 0, IPv4Connectivity: 4, IPv6Connectivity: 1,
    })),
  };
}

function firewallProfiles(g: GuestSession): CmdletResult {
  const spec = firewallSpecOf(g.inst);
  return {
    value: (['Domain', 'Private', 'Public'] as const).map((name) => ({
      Name: name, Enabled: spec.profiles[name].enabled ? 1 : 0,
      DefaultInboundAction: spec.profiles[name].defaultInboundAction === 'Allow' ? 2 : 0, DefaultOutboundAction: 0, AllowInboundRules: 2,
    })),
  };
}

const profileFlags = (r: WindowsRule) => (r.profiles.includes('Any') ? 0 : r.profiles.reduce((n, p) => n | PROFILE_BIT[p]!, 0));

function firewallRules(g: GuestSession, a: Map<string, string>): CmdletResult {
  const dir = a.get('direction');
  if (dir && dir.toLowerCase() !== 'inbound') return { value: [] };
  const en = a.get('enabled')?.toLowerCase();
  return {
    value: rulesOf(g).filter((r) => en === undefined || (en === 'true') === r.enabled).map((r) => ({
      Name: r.name, DisplayName: r.displayName ?? r.name, Enabled: r.enabled ? 1 : 2, Profile: profileFlags(r), Direction: 1, Action: r.action === 'Allow' ? 2 : 4,
      _rule: r,
    })),
  };
}

function ipAddresses(g: GuestSession, a: Map<string, string>): CmdletResult {
  const want = a.get('ipaddress');
  const rows = interfacesOf(g).map((i) => ({ IPAddress: i.nic.ip, InterfaceIndex: i.index, InterfaceAlias: i.alias, AddressFamily: 2, PrefixLength: i.nic.prefix, PrefixOrigin: 3 }));
  const out = want ? rows.filter((r) => r.IPAddress === want) : rows;
  if (want && out.length === 0) return { error: `Get-NetIPAddress : No MSFT_NetIPAddress objects found with property 'IPAddress' equal to '${want}'.  Verify the value of the property and retry.` };
  return { value: out };
}

function ipInterfaces(g: GuestSession, a: Map<string, string>): CmdletResult {
  const idx = a.get('interfaceindex');
  return {
    value: interfacesOf(g).filter((i) => !idx || String(i.index) === idx)
      .map((i) => ({ InterfaceIndex: i.index, InterfaceAlias: i.alias, AddressFamily: 2, InterfaceMetric: i.metric, AutomaticMetric: i.automaticMetric ? 1 : 0, Dhcp: 1 })),
  };
}

function ifaceByIndex(g: GuestSession, cmd: string, a: Map<string, string>) {
  const idx = a.get('interfaceindex');
  const alias = a.get('interfacealias');
  const i = interfacesOf(g).find((x) => (idx !== undefined && String(x.index) === idx) || (alias !== undefined && x.alias === alias));
  return i ?? { error: `${cmd} : No MSFT_${cmd === 'Set-NetIPInterface' ? 'NetIPInterface' : 'NetConnectionProfile'} objects found with property 'InterfaceIndex' equal to '${idx ?? alias ?? ''}'.` };
}

function setConnectionProfile(g: GuestSession, a: Map<string, string>): CmdletResult {
  const i = ifaceByIndex(g, 'Set-NetConnectionProfile', a);
  if ('error' in i) return i;
  const cat = NETWORK_CATEGORIES.find((c) => c.toLowerCase() === a.get('networkcategory')?.toLowerCase());
  if (!cat) return { error: `Set-NetConnectionProfile : Cannot bind parameter 'NetworkCategory'. Specify one of the following enumerator names and try again: Public, Private, DomainAuthenticated` };
  if (cat === 'DomainAuthenticated') return { error: 'Set-NetConnectionProfile : Unable to set NetworkCategory to \'DomainAuthenticated\'. This NetworkCategory type will be set when the network is authenticated to a domain controller.' };
  setCategory(g, i.mac, cat);
  return { value: [] };
}

function setIpInterface(g: GuestSession, a: Map<string, string>): CmdletResult {
  const i = ifaceByIndex(g, 'Set-NetIPInterface', a);
  if ('error' in i) return i;
  const metric = Number(a.get('interfacemetric'));
  if (!Number.isInteger(metric) || metric < 0 || metric > 9999) return { error: `Set-NetIPInterface : Cannot validate argument on parameter 'InterfaceMetric'.` };
  const store = (a.get('policystore') ?? '').toLowerCase();
  setMetric(g, i.mac, metric, store === 'persistentstore' ? 'PersistentStore' : store === 'activestore' ? 'ActiveStore' : 'Both');
  return { value: [] };
}

function newFirewallRule(g: GuestSession, a: Map<string, string>): CmdletResult {
  const name = a.get('name') ?? `{${Math.random().toString(16).slice(2, 10)}}`;
  const port = a.get('localport');
  const profiles = (a.get('profile') ?? 'Any').split(',').map((p) => p.trim());
  if (!port || !/^\d+$/.test(port) || (a.get('direction') ?? 'Inbound').toLowerCase() !== 'inbound' || profiles.some((p) => !(p in PROFILE_BIT))) {
    return { error: 'New-NetFirewallRule : The sandbox models inbound rules with one -LocalPort and -Profile Any|Domain|Private|Public.' };
  }
  const r: WindowsRule = {
    name, displayName: a.get('displayname') ?? name, action: (a.get('action') ?? 'Allow').toLowerCase() === 'block' ? 'Block' : 'Allow',
    profiles: profiles as WindowsRule['profiles'], protocol: (a.get('protocol') ?? 'TCP').toUpperCase() === 'UDP' ? 'UDP' : 'TCP',
    localPort: Number(port), ...(a.get('interfacealias') ? { interfaceAlias: a.get('interfacealias')! } : {}), enabled: true,
  };
  if (addRule(g, r) === 'exists') return { error: `New-NetFirewallRule : Cannot create a file when that file already exists.` };
  return { value: [{ Name: r.name, DisplayName: r.displayName, Enabled: 1, Profile: profileFlags(r), Direction: 1, Action: r.action === 'Allow' ? 2 : 4 }] };
}

/** Filters of the rules piped in: port filters (Get-NetFirewallPortFilter) or interface filters. */
function ruleFilters(input: PsValue, kind: 'port' | 'interface' | 'address'): CmdletResult {
  return {
    value: input.filter((o) => o._rule).map((o) => {
      const r = o._rule as WindowsRule;
      return kind === 'port'
        ? { InstanceID: r.name, Protocol: r.protocol, LocalPort: String(r.localPort), RemotePort: 'Any', IcmpType: 'Any', DynamicTarget: 0 }
        : kind === 'interface' ? { InstanceID: r.name, InterfaceAlias: r.interfaceAlias ?? 'Any' }
          : { InstanceID: r.name, LocalAddress: 'Any', RemoteAddress: 'Any' };
    }),
  };
}

/** One cmdlet of a pipeline; `input` is what the previous one produced. Undefined: not a cmdlet this guest knows. */
export function netCmdlet(g: GuestSession, name: string, args: string[], input: PsValue): CmdletResult | undefined {
  const a = namedArgs(args);
  switch (name.toLowerCase()) {
    case 'get-nettcpconnection': return tcpConnections(g, a);
    case 'get-netconnectionprofile': return connectionProfiles(g, a);
    case 'get-netfirewallprofile': return firewallProfiles(g);
    case 'get-netfirewallrule': return firewallRules(g, a);
    case 'get-netfirewallportfilter': return ruleFilters(input, 'port');
    case 'get-netfirewallinterfacefilter': return ruleFilters(input, 'interface');
    case 'get-netfirewalladdressfilter': return ruleFilters(input, 'address');
    case 'get-netipaddress': return ipAddresses(g, a);
    case 'get-netipinterface': return ipInterfaces(g, a);
    case 'set-netconnectionprofile': return setConnectionProfile(g, a);
    case 'set-netipinterface': return setIpInterface(g, a);
    case 'new-netfirewallrule': return newFirewallRule(g, a);
    case 'remove-netfirewallrule': {
      const n = a.get('name') ?? '';
      return removeRule(g, n) ? { value: [] } : { error: `Remove-NetFirewallRule : No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '${n}'.` };
    }
    default: return undefined;
  }
}

/** Select-Object a,b,c (positional or -Property). */
export function selectObject(input: PsValue, args: string[]): PsValue {
  const list = (args[0]?.toLowerCase() === '-property' ? args.slice(1) : args).join(',').split(',').map((s) => s.trim()).filter(Boolean);
  return input.map((o) => Object.fromEntries(list.map((p) => [Object.keys(o).find((k) => k.toLowerCase() === p.toLowerCase()) ?? p, o[Object.keys(o).find((k) => k.toLowerCase() === p.toLowerCase()) ?? p] ?? null])));
}

/** ConvertTo-Json as Windows PowerShell 5.1 prints it (internal `_` properties are not CIM properties). */
export function convertToJson(input: PsValue, compress: boolean): string {
  const clean = input.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('_'))));
  if (clean.length === 0) return '';
  const v = clean.length === 1 ? clean[0] : clean;
  if (compress) return JSON.stringify(v);
  return JSON.stringify(v, null, 4).replace(/^(\s*"[^"]*"):\s/gm, '$1:  ');
}
