// --configure-guest on a Windows guest: the RunPowerShellScript that configures the new NIC so it keeps answering and
// survives a reboot, and the check of what the script read back. Pure (the script is text; the check parses its JSON).
// - Replies leave by the NIC they came in on without a route: Windows sends with the strong host model (a packet from
//   an address leaves through the interface that has it; "Strong and Weak Host Models", Microsoft Learn), and DHCP
//   gives the new NIC its own default gateway. What is not settled is which default route new outbound connections
//   take: both NICs get the same automatic metric (same link speed), so the new NIC's interface metric is set above any
//   automatic one (100) and egress stays on the primary NIC, towards the SNAT IP. Set-NetIPInterface writes the store
//   named by -PolicyStore: ActiveStore (until reboot) and PersistentStore (from the next boot), so both are written.
// - The new NIC's network is unidentified, hence Public: with the primary NIC's network Private, the new one is set to
//   Private (Set-NetConnectionProfile -NetworkCategory Private; a network keeps its category across reboots); with a
//   DomainAuthenticated primary (a category Set-NetConnectionProfile cannot set), each allowing rule is mirrored as a
//   rule for that one TCP port, Public profile, on the new NIC's interface only (New-NetFirewallRule; rules go to the
//   persistent store by default). Never wider than what the primary NIC's profile allowed.
import { parseIpv4 } from './ipv4.ts';
import type { PortExposure } from './service-exposure.ts';

/** Above every automatic interface metric (Windows gives 5–50 by link speed, KB 299540; newer releases up to 55: unconfirmed). */
export const NEW_NIC_METRIC = 100;

export interface WindowsNicConfig { eniIp: string; setPrivate: boolean; mirrorPorts: number[] }

/** What the plan's services report asks --configure-guest to do on Windows. */
export function windowsConfigOf(eniIp: string, tcp: readonly PortExposure[]): WindowsNicConfig {
  const fixes = tcp.filter((p) => p.status === 'fixed' && p.windowsFix);
  return {
    eniIp, setPrivate: fixes.some((p) => p.windowsFix!.method === 'set_private'),
    mirrorPorts: fixes.filter((p) => p.windowsFix!.method === 'mirror').map((p) => p.port).filter((n) => Number.isInteger(n) && n > 0 && n < 65536),
  };
}

export const mirrorRuleName = (port: number) => `natmigrate-mirror-tcp${port}`;

export function windowsNicScript(c: WindowsNicConfig): string {
  if (parseIpv4(c.eniIp) === undefined) throw new Error(`bad ENI address ${c.eniIp}`);
  const lines = [
    "$ErrorActionPreference = 'Stop'",
    `$idx = (Get-NetIPAddress -AddressFamily IPv4 -IPAddress '${c.eniIp}').InterfaceIndex`,
    `$alias = (Get-NetIPAddress -AddressFamily IPv4 -IPAddress '${c.eniIp}').InterfaceAlias`,
    `Set-NetIPInterface -InterfaceIndex $idx -AddressFamily IPv4 -InterfaceMetric ${NEW_NIC_METRIC} -PolicyStore ActiveStore`,
    `Set-NetIPInterface -InterfaceIndex $idx -AddressFamily IPv4 -InterfaceMetric ${NEW_NIC_METRIC} -PolicyStore PersistentStore`,
  ];
  if (c.setPrivate) lines.push('Set-NetConnectionProfile -InterfaceIndex $idx -NetworkCategory Private');
  for (const port of c.mirrorPorts) {
    // Idempotent: a rule left by an earlier attempt is removed first.
    lines.push(`Remove-NetFirewallRule -Name '${mirrorRuleName(port)}' -ErrorAction SilentlyContinue`);
    lines.push(`New-NetFirewallRule -Name '${mirrorRuleName(port)}' -DisplayName 'natmigrate: TCP ${port} on the new NIC' -Direction Inbound -Action Allow -Protocol TCP -LocalPort ${port} -Profile Public -InterfaceAlias $alias`);
  }
  lines.push(
    "Write-Output '### profile'", 'Get-NetConnectionProfile -InterfaceIndex $idx | Select-Object InterfaceAlias,InterfaceIndex,NetworkCategory | ConvertTo-Json',
    "Write-Output '### metric'", 'Get-NetIPInterface -InterfaceIndex $idx -AddressFamily IPv4 | Select-Object InterfaceIndex,InterfaceMetric,AutomaticMetric | ConvertTo-Json',
    "Write-Output '### rules'", 'Get-NetFirewallRule -Direction Inbound -Enabled True | Get-NetFirewallPortFilter | Select-Object InstanceID,Protocol,LocalPort | ConvertTo-Json',
  );
  return lines.join('\n');
}

function sections(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  let cur: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    const m = /^### (\S+)$/.exec(line);
    if (m) { cur = m[1]!; out[cur] = ''; } else if (cur) out[cur] += `${line}\n`;
  }
  return out;
}

function first(text: string | undefined): Record<string, unknown>[] {
  try {
    const v = JSON.parse((text ?? '').trim() || '[]') as unknown;
    return (Array.isArray(v) ? v : [v]).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
  } catch { return []; }
}

/** What the script read back, checked against what it was to set; `problems` empty = in place. */
export function checkWindowsConfig(output: string, c: WindowsNicConfig): { alias?: string; category?: string; metric?: number; problems: string[] } {
  const s = sections(output);
  const prof = first(s.profile)[0];
  const met = first(s.metric)[0];
  const rules = first(s.rules);
  const cat = prof ? ({ 0: 'Public', 1: 'Private', 2: 'DomainAuthenticated' } as Record<string, string>)[String(prof.NetworkCategory)] ?? String(prof.NetworkCategory) : undefined;
  const metric = met ? Number(met.InterfaceMetric) : undefined;
  const problems: string[] = [];
  if (metric !== NEW_NIC_METRIC) problems.push(`the new NIC's interface metric is ${metric ?? 'unknown'}, not ${NEW_NIC_METRIC}`);
  if (c.setPrivate && cat !== 'Private') problems.push(`the new NIC's network is ${cat ?? 'unknown'}, not Private`);
  for (const port of c.mirrorPorts) {
    if (!rules.some((r) => r.InstanceID === mirrorRuleName(port) && String(r.LocalPort) === String(port))) problems.push(`the mirrored rule for TCP ${port} is not in place`);
  }
  return { ...(prof ? { alias: String(prof.InterfaceAlias) } : {}), ...(cat ? { category: cat } : {}), ...(metric !== undefined ? { metric } : {}), problems };
}
