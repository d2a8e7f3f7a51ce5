// NetworkManager keyfiles (nm-settings-keyfile(5), nm-settings-nmcli(5)): /etc/NetworkManager/system-connections/
// *.nmconnection, INI groups [connection] (type, interface-name, autoconnect), [ethernet] (mac-address) and [ipv4]
// (method auto|manual, address1=ip/prefix[,gw], gateway, never-default, route-table, routeN=dest[,gw[,metric]],
// routeN_options=table=N, routing-ruleN="priority P from X table T"). A routing rule without a priority is invalid
// (libnm validates that priority is set), and an invalid connection is not activated at all. NetworkManager also
// ignores keyfiles not owned by root or readable by others; file modes are not modelled here.
import { addressLines, filesIn, nicFor, type BootNic, type BootPlan, type Files } from './boot-nic.ts';

export const KEYFILE_DIR = '/etc/NetworkManager/system-connections';

export function parseIni(text: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const g = /^\[([^\]]+)\]$/.exec(line);
    if (g) { current = groups.get(g[1]!) ?? new Map(); groups.set(g[1]!, current); continue; }
    const eq = line.indexOf('=');
    if (eq > 0 && current) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return groups;
}

const truthy = (v: string | undefined) => v !== undefined && ['true', 'yes', '1'].includes(v.toLowerCase());

/** The routes and rules of one [ipv4] group as `ip` arguments, or why the connection is invalid. */
function ipv4Lines(ipv4: Map<string, string>, dev: string): { routes: string[]; rules: string[] } | { error: string } {
  const defaultTable = ipv4.get('route-table');
  const routes: string[] = [];
  const rules: string[] = [];
  for (const [k, v] of ipv4) {
    const r = /^routes?(\d+)$/.exec(k);
    if (r) {
      const [dest, gw, metric] = v.split(',').map((x) => x.trim());
      const table = /(?:^|,)table=(\d+)/.exec(ipv4.get(`${k}_options`) ?? '')?.[1] ?? defaultTable;
      routes.push(`${dest === '0.0.0.0/0' ? 'default' : dest}${gw && gw !== '0.0.0.0' ? ` via ${gw}` : ''} dev ${dev}${metric ? ` metric ${metric}` : ''}${table && table !== '0' ? ` table ${table}` : ''}`);
      continue;
    }
    if (/^routing-rule\d+$/.test(k)) {
      const words = v.split(/\s+/);
      if (!words.includes('priority')) return { error: `invalid ${k} "${v}": the rule has no priority` };
      rules.push(words.join(' ').replace(/^priority (\d+)\s*(.*)$/, '$2 priority $1'));
    }
  }
  return { routes, rules };
}

export function networkManagerBoot(files: Files, nics: BootNic[], plan: BootPlan): void {
  for (const [name, text] of filesIn(files, KEYFILE_DIR)) {
    if (!name.endsWith('.nmconnection')) continue;
    const ini = parseIni(text);
    const conn = ini.get('connection');
    const type = conn?.get('type');
    if (!conn || (type !== 'ethernet' && type !== '802-3-ethernet')) { plan.log.push(`NetworkManager: ${name}: not an ethernet connection`); continue; }
    if (conn.get('autoconnect') !== undefined && !truthy(conn.get('autoconnect'))) continue;
    const nic = nicFor(nics, conn.get('interface-name'), ini.get('ethernet')?.get('mac-address'));
    if ('error' in nic) { plan.log.push(`NetworkManager: ${name}: ${nic.error}`); continue; }
    if (nic.primary) continue;
    const ipv4 = ini.get('ipv4') ?? new Map<string, string>();
    const method = ipv4.get('method') ?? 'auto';
    const extra = ipv4Lines(ipv4, nic.dev);
    if ('error' in extra) { plan.log.push(`NetworkManager: ${name}: ${extra.error}; connection not activated`); continue; }
    let address: string | 'dhcp';
    let gateway = ipv4.get('gateway');
    if (method === 'auto') address = 'dhcp';
    else if (method === 'manual') {
      const a = ipv4.get('address1') ?? ipv4.get('addresses1') ?? ipv4.get('addresses');
      if (!a) { plan.log.push(`NetworkManager: ${name}: method=manual without an address; connection not activated`); continue; }
      const [addr, gw] = a.split(/[,;]/).map((x) => x.trim());
      address = addr!.includes('/') ? addr! : `${addr}/32`;
      gateway ??= gw;
    } else { plan.log.push(`NetworkManager: ${name}: ipv4.method=${method} is not modelled`); continue; }
    plan.lines.push(...addressLines(nic.dev, address));
    if (gateway && !truthy(ipv4.get('never-default'))) {
      const table = ipv4.get('route-table');
      plan.lines.push(`ip route add default via ${gateway} dev ${nic.dev}${table && table !== '0' ? ` table ${table}` : ''}`);
    }
    plan.lines.push(...extra.routes.map((r) => `ip route add ${r}`), ...extra.rules.map((r) => `ip rule add ${r}`));
  }
}
