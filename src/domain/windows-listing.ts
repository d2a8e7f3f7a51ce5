// Reading a Windows guest's own account of its network services, from one read-only RunPowerShellScript whose
// sections are cmdlet output through ConvertTo-Json. Pure: text in, facts out. Property names and enum values are the
// MSFT_* CIM classes' (Microsoft Learn): Get-NetTCPConnection (MSFT_NetTCPConnection: LocalAddress, LocalPort,
// OwningProcess), Get-NetConnectionProfile (MSFT_NetConnectionProfile: InterfaceAlias, InterfaceIndex, NetworkCategory
// Public 0 / Private 1 / DomainAuthenticated 2), Get-NetFirewallProfile (MSFT_NetFirewallProfile: Name, Enabled
// False 0 / True 1, DefaultInboundAction NotConfigured 0 / Allow 2 / Block 4), Get-NetFirewallRule (MSFT_NetFirewallRule:
// Name, DisplayName, Profile flags Domain 1 / Private 2 / Public 4 / Any 0, Action Allow 2 / Block 4) and its port,
// interface and address filters (InstanceID = the rule's Name), Get-NetIPAddress (IPAddress, InterfaceAlias).
// Windows PowerShell 5.1 writes enums as numbers, PowerShell 7 with -EnumsAsStrings as names: both are read. A single
// object comes without the surrounding array. NotConfigured inbound is read as Block (the default; unconfirmed).

export type WinCategory = 'Public' | 'Private' | 'DomainAuthenticated';
export type WinProfile = 'Domain' | 'Private' | 'Public';

export interface WinRule {
  name: string; displayName: string; action: 'Allow' | 'Block';
  /** Profiles the rule applies in; empty = Any. */
  profiles: WinProfile[];
  protocol: string; localPorts: string[]; interfaceAlias: string; remoteAddress: string;
}

export interface WindowsFacts {
  listeners: { bindIp: string; port: number; pid?: number }[];
  interfaces: { alias: string; index: number; category: WinCategory; ips: string[] }[];
  firewall: Record<WinProfile, { enabled: boolean; inbound: 'Allow' | 'Block' }>;
  rules: WinRule[];
}

/** The read-only script: every cmdlet's JSON under a `### name` line (the stack line says how --configure-guest configures). */
export const WINDOWS_INTROSPECTION_SCRIPT = [
  "$ProgressPreference = 'SilentlyContinue'",
  "Write-Output '### stack'", "Write-Output 'stack=windows'",
  "Write-Output '### tcp'", 'Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json',
  "Write-Output '### profiles'", 'Get-NetConnectionProfile | Select-Object Name,InterfaceAlias,InterfaceIndex,NetworkCategory | ConvertTo-Json',
  "Write-Output '### firewall'", 'Get-NetFirewallProfile | Select-Object Name,Enabled,DefaultInboundAction | ConvertTo-Json',
  "Write-Output '### rules'", 'Get-NetFirewallRule -Direction Inbound -Enabled True | Select-Object Name,DisplayName,Profile,Action | ConvertTo-Json',
  "Write-Output '### ports'", 'Get-NetFirewallRule -Direction Inbound -Enabled True | Get-NetFirewallPortFilter | Select-Object InstanceID,Protocol,LocalPort | ConvertTo-Json',
  "Write-Output '### ifaces'", 'Get-NetFirewallRule -Direction Inbound -Enabled True | Get-NetFirewallInterfaceFilter | Select-Object InstanceID,InterfaceAlias | ConvertTo-Json',
  "Write-Output '### raddrs'", 'Get-NetFirewallRule -Direction Inbound -Enabled True | Get-NetFirewallAddressFilter | Select-Object InstanceID,RemoteAddress | ConvertTo-Json',
  "Write-Output '### addresses'", 'Get-NetIPAddress -AddressFamily IPv4 | Select-Object IPAddress,InterfaceIndex,InterfaceAlias | ConvertTo-Json',
].join('\n');

type Obj = Record<string, unknown>;

/** ConvertTo-Json output: an array, one object, or nothing. */
function objects(text: string | undefined): Obj[] | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!t) return [];
  try {
    const v = JSON.parse(t) as unknown;
    const list = Array.isArray(v) ? v : [v];
    return list.filter((x): x is Obj => typeof x === 'object' && x !== null);
  } catch { return undefined; }
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : v === undefined || v === null ? [] : [str(v)]);

function category(v: unknown): WinCategory | undefined {
  const s = str(v);
  return ({ 0: 'Public', 1: 'Private', 2: 'DomainAuthenticated', Public: 'Public', Private: 'Private', DomainAuthenticated: 'DomainAuthenticated' } as Record<string, WinCategory>)[s];
}
const enabledOf = (v: unknown) => v === true || v === 1 || str(v) === 'True' || str(v) === '1';
const inboundOf = (v: unknown): 'Allow' | 'Block' => (str(v) === '2' || str(v) === 'Allow' ? 'Allow' : 'Block');
const actionOf = (v: unknown): 'Allow' | 'Block' => (str(v) === '4' || str(v) === 'Block' ? 'Block' : 'Allow');

function profilesOf(v: unknown): WinProfile[] {
  const s = str(v);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return (['Domain', 'Private', 'Public'] as const).filter((p, i) => (n & (1 << i)) !== 0);
  }
  return s.split(/,\s*/).filter((p): p is WinProfile => p === 'Domain' || p === 'Private' || p === 'Public');
}

/** The facts, or why the output could not be read. */
export function parseWindowsIntrospection(sections: Record<string, string>): WindowsFacts | { error: string } {
  const tcp = objects(sections.tcp);
  const profiles = objects(sections.profiles);
  const firewall = objects(sections.firewall);
  const rules = objects(sections.rules);
  if (!tcp || !profiles || !firewall || !rules) return { error: 'the Windows introspection printed no readable JSON' };
  const byName = (sec: string | undefined) => new Map((objects(sec) ?? []).map((o) => [str(o.InstanceID), o]));
  const ports = byName(sections.ports);
  const ifaces = byName(sections.ifaces);
  const raddrs = byName(sections.raddrs);
  const addrs = objects(sections.addresses) ?? [];
  const fw = { Domain: { enabled: true, inbound: 'Block' as const }, Private: { enabled: true, inbound: 'Block' as const }, Public: { enabled: true, inbound: 'Block' as const } } as WindowsFacts['firewall'];
  for (const p of firewall) {
    const name = str(p.Name);
    if (name === 'Domain' || name === 'Private' || name === 'Public') fw[name] = { enabled: enabledOf(p.Enabled), inbound: inboundOf(p.DefaultInboundAction) };
  }
  return {
    listeners: tcp.flatMap((o) => {
      const port = Number(o.LocalPort);
      return Number.isInteger(port) ? [{ bindIp: str(o.LocalAddress), port, ...(typeof o.OwningProcess === 'number' ? { pid: o.OwningProcess } : {}) }] : [];
    }),
    interfaces: profiles.flatMap((o) => {
      const c = category(o.NetworkCategory);
      const alias = str(o.InterfaceAlias);
      return c ? [{ alias, index: Number(o.InterfaceIndex), category: c, ips: addrs.filter((a) => str(a.InterfaceAlias) === alias).map((a) => str(a.IPAddress)) }] : [];
    }),
    firewall: fw,
    rules: rules.map((o) => {
      const name = str(o.Name);
      const pf = ports.get(name);
      return {
        name, displayName: str(o.DisplayName) || name, action: actionOf(o.Action), profiles: profilesOf(o.Profile),
        protocol: str(pf?.Protocol) || 'Any', localPorts: pf ? strs(pf.LocalPort) : ['Any'],
        interfaceAlias: strs(ifaces.get(name)?.InterfaceAlias).join(',') || 'Any', remoteAddress: strs(raddrs.get(name)?.RemoteAddress).join(',') || 'Any',
      };
    }),
  };
}
