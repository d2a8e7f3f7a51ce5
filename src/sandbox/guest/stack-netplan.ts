// netplan (netplan.io/reference): /etc/netplan/*.yaml read in lexical order, later files overriding earlier ones per
// interface. network.ethernets.<id>: match.macaddress (else the id is the device name), set-name, dhcp4, addresses,
// gateway4 (deprecated), routes [{to, via, table, metric}], routing-policy [{from, to, table, priority}].
// `netplan generate` stops at the first error (bad YAML, an unknown key, a routing-policy entry without a table, a
// route without `to`), and then none of the netplan configuration is applied.
import { parse } from 'yaml';
import { addressLines, filesIn, nicFor, type BootNic, type BootPlan, type Files } from './boot-nic.ts';

export const NETPLAN_DIR = '/etc/netplan';

const ETHERNET_KEYS = new Set(['match', 'set-name', 'dhcp4', 'dhcp6', 'addresses', 'gateway4', 'routes', 'routing-policy', 'nameservers', 'mtu', 'optional', 'dhcp4-overrides']);
type Eth = Record<string, unknown>;

function ethernetsOf(files: Files): Map<string, Eth> | { error: string } {
  const merged = new Map<string, Eth>();
  for (const [name, text] of filesIn(files, NETPLAN_DIR)) {
    if (!name.endsWith('.yaml')) continue;
    let doc: unknown;
    try { doc = parse(text); } catch (e) { return { error: `${name}: ${(e as Error).message.split('\n')[0]}` }; }
    const eths = (doc as { network?: { ethernets?: Record<string, Eth> } } | null)?.network?.ethernets ?? {};
    if (typeof eths !== 'object') return { error: `${name}: network.ethernets is not a mapping` };
    for (const [id, eth] of Object.entries(eths)) {
      const bad = Object.keys(eth ?? {}).find((k) => !ETHERNET_KEYS.has(k));
      if (bad) return { error: `${name}: Error in network definition: unknown key '${bad}'` };
      merged.set(id, { ...(merged.get(id) ?? {}), ...(eth ?? {}) });
    }
  }
  return merged;
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export function netplanBoot(files: Files, nics: BootNic[], plan: BootPlan): void {
  const eths = ethernetsOf(files);
  if ('error' in eths) { plan.log.push(`netplan: ${eths.error}; no netplan configuration applied`); return; }
  const lines: string[] = [];
  for (const [id, eth] of eths) {
    const match = eth.match as { macaddress?: string; name?: string } | undefined;
    const nic = nicFor(nics, match?.macaddress ? undefined : (match?.name ?? id), match?.macaddress);
    if ('error' in nic) { plan.log.push(`netplan: ${id}: ${nic.error}`); continue; }
    if (nic.primary) continue;
    const routes = (eth.routes ?? []) as Record<string, unknown>[];
    const policy = (eth['routing-policy'] ?? []) as Record<string, unknown>[];
    const badRoute = routes.find((r) => r.to === undefined);
    if (badRoute) { plan.log.push(`netplan: ${id}: Error in network definition: route is missing 'to'; no netplan configuration applied`); return; }
    const badRule = policy.find((r) => r.table === undefined || (r.from === undefined && r.to === undefined));
    if (badRule) { plan.log.push(`netplan: ${id}: Error in network definition: routing-policy entry needs a table and 'from' or 'to'; no netplan configuration applied`); return; }
    const addrs = ((eth.addresses ?? []) as unknown[]).map(String);
    if (eth.dhcp4 === true || eth.dhcp4 === 'true') lines.push(...addressLines(nic.dev, 'dhcp'));
    for (const a of addrs) lines.push(...addressLines(nic.dev, a));
    if (eth.dhcp4 !== true && !addrs.length) lines.push(`ip link set dev ${nic.dev} up`);
    if (eth.gateway4) lines.push(`ip route add default via ${str(eth.gateway4)} dev ${nic.dev}`);
    for (const r of routes) {
      const to = str(r.to) === 'default' || str(r.to) === '0.0.0.0/0' ? 'default' : str(r.to);
      lines.push(`ip route add ${to}${r.via ? ` via ${str(r.via)}` : ''} dev ${nic.dev}${r.metric !== undefined ? ` metric ${str(r.metric)}` : ''}${r.table !== undefined ? ` table ${str(r.table)}` : ''}`);
    }
    for (const r of policy) {
      lines.push(`ip rule add${r.from ? ` from ${str(r.from)}` : ''}${r.to ? ` to ${str(r.to)}` : ''} table ${str(r.table)}${r.priority !== undefined ? ` priority ${str(r.priority)}` : ''}`);
    }
  }
  plan.lines.push(...lines);
}
