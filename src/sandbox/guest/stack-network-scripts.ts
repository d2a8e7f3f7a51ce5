// initscripts' network-scripts, as the `network` service (Alibaba Cloud Linux 2, CentOS 7) and NetworkManager's
// ifcfg-rh plugin (Alibaba Cloud Linux 3) read them: ifcfg-<name> (DEVICE, HWADDR, ONBOOT, BOOTPROTO, IPADDR,
// PREFIX/NETMASK, GATEWAY, DEFROUTE), route-<dev> and rule-<dev> in the `ip` argument format, each line given to
// `ip route add` / `ip rule add` (initscripts' sysconfig.txt; ifup-routes). A device whose HWADDR does not match is
// ignored with ifup's message; ONBOOT=no is not brought up; a static config without IPADDR is not brought up.
import { addressLines, filesIn, maskToPrefix, nicFor, type BootNic, type BootPlan, type Files } from './boot-nic.ts';

export const NETWORK_SCRIPTS_DIR = '/etc/sysconfig/network-scripts';

/** KEY=value lines (quotes removed, comments skipped). */
export function parseShellVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    vars.set(m[1]!, m[2]!.trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  return vars;
}

export function networkScriptsBoot(files: Files, nics: BootNic[], plan: BootPlan): void {
  for (const [name, text] of filesIn(files, NETWORK_SCRIPTS_DIR)) {
    if (!name.startsWith('ifcfg-') || name === 'ifcfg-lo') continue;
    const v = parseShellVars(text);
    const nic = nicFor(nics, v.get('DEVICE') ?? name.slice('ifcfg-'.length), v.get('HWADDR'));
    if ('error' in nic) { plan.log.push(`network-scripts: ${name}: ${nic.error}`); continue; }
    if (nic.primary) continue;
    if ((v.get('ONBOOT') ?? 'yes').toLowerCase() === 'no') continue;
    const proto = (v.get('BOOTPROTO') ?? 'none').toLowerCase();
    let address: string | 'dhcp';
    if (proto === 'dhcp') address = 'dhcp';
    else {
      const ip = v.get('IPADDR') ?? v.get('IPADDR0');
      const prefix = v.get('PREFIX') ?? (v.get('NETMASK') ? String(maskToPrefix(v.get('NETMASK')!) ?? '') : '');
      if (!ip) { plan.log.push(`network-scripts: ${name}: static configuration without IPADDR, not brought up`); continue; }
      address = `${ip}/${prefix || '32'}`;
    }
    plan.lines.push(...addressLines(nic.dev, address));
    if (v.get('GATEWAY') && (v.get('DEFROUTE') ?? 'yes').toLowerCase() !== 'no') plan.lines.push(`ip route add default via ${v.get('GATEWAY')} dev ${nic.dev}`);
    for (const [kind, file] of [['route', `route-${nic.dev}`], ['rule', `rule-${nic.dev}`]] as const) {
      const body = files.get(`${NETWORK_SCRIPTS_DIR}/${file}`);
      if (body === undefined) continue;
      for (const line of body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
        if (kind === 'route' && /^[A-Z]+\d*=/.test(line)) { plan.log.push(`network-scripts: ${file}: the ADDRESSn= format is not modelled`); break; }
        plan.lines.push(`ip ${kind} add ${line}`);
      }
    }
  }
}
