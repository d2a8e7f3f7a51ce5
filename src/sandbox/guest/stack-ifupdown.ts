// ifupdown (interfaces(5)): /etc/network/interfaces and the files it pulls in with `source <glob>` and
// `source-directory <dir>`; at boot `ifup -a` brings up every `auto` interface: `iface <dev> inet static` with
// `address` (CIDR, or with `netmask`) and `gateway`, or `inet dhcp`, then runs its `up`/`post-up` commands in order.
// A static stanza without an address fails ("Missing required variable: address") and is not brought up.
import { addressLines, filesIn, maskToPrefix, nicFor, type BootNic, type BootPlan, type Files } from './boot-nic.ts';

export const INTERFACES = '/etc/network/interfaces';

interface Stanza { dev: string; method: string; options: [string, string][]; file: string }

function globFiles(files: Files, pattern: string): [string, string][] {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash);
  const re = new RegExp(`^${pattern.slice(slash + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return filesIn(files, dir).filter(([n]) => re.test(n)).map(([n, c]): [string, string] => [`${dir}/${n}`, c]);
}

function read(files: Files, path: string, text: string, auto: Set<string>, stanzas: Stanza[], depth = 0): void {
  let current: Stanza | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'source' && depth < 5) { for (const [p, c] of globFiles(files, rest.join(' '))) read(files, p, c, auto, stanzas, depth + 1); current = undefined; continue; }
    if (word === 'source-directory' && depth < 5) {
      for (const [n, c] of filesIn(files, rest[0] ?? '')) if (/^[a-zA-Z0-9_-]+$/.test(n)) read(files, `${rest[0]}/${n}`, c, auto, stanzas, depth + 1);
      current = undefined;
      continue;
    }
    if (word === 'auto' || word === 'allow-hotplug' || word === 'allow-auto') { for (const d of rest) auto.add(d); current = undefined; continue; }
    if (word === 'iface') { current = { dev: rest[0] ?? '', method: rest[2] ?? '', options: [], file: path }; stanzas.push(current); continue; }
    if (current) current.options.push([word!, rest.join(' ')]);
  }
}

export function ifupdownBoot(files: Files, nics: BootNic[], plan: BootPlan): void {
  const main = files.get(INTERFACES);
  if (main === undefined) return;
  const auto = new Set<string>();
  const stanzas: Stanza[] = [];
  read(files, INTERFACES, main, auto, stanzas);
  for (const s of stanzas) {
    if (s.dev === 'lo' || !auto.has(s.dev)) continue;
    const nic = nicFor(nics, s.dev, undefined);
    if ('error' in nic) { plan.log.push(`ifupdown: ${s.file}: ${nic.error}`); continue; }
    if (nic.primary) continue;
    const opt = (k: string) => s.options.find(([n]) => n === k)?.[1];
    if (s.method === 'dhcp') plan.lines.push(...addressLines(s.dev, 'dhcp'));
    else if (s.method === 'static') {
      const address = opt('address');
      if (!address) { plan.log.push(`ifupdown: ${s.file}: ${s.dev}: Missing required variable: address`); continue; }
      const mask = opt('netmask');
      const prefix = address.includes('/') ? '' : `/${mask ? (/^\d+$/.test(mask) ? mask : maskToPrefix(mask) ?? 32) : 32}`;
      plan.lines.push(...addressLines(s.dev, `${address}${prefix}`));
      if (opt('gateway')) plan.lines.push(`ip route add default via ${opt('gateway')} dev ${s.dev}`);
    } else if (s.method === 'manual') plan.lines.push(`ip link set dev ${s.dev} up`);
    else { plan.log.push(`ifupdown: ${s.file}: ${s.dev}: method "${s.method}" is not modelled`); continue; }
    for (const [k, v] of s.options) if (k === 'up' || k === 'post-up') plan.lines.push(v);
  }
}
