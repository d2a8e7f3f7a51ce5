// The standard Linux introspection commands of a modelled guest, in their real output formats: `ss` (iproute2
// ss(8): -H no header, -l listening, -t TCP, -u UDP, -n numeric, -p process), `sysctl` (sysctl(8), the rp_filter
// keys of ip-sysctl.rst), `iptables-save` (iptables-save(8)), `iptables` and `nft` (nft(8)). `ip -o addr` is ip-command.ts.
import { fail, ok, type Command, type ExecResult } from '../shell/shell-runtime.ts';
import { iptablesCommand, iptablesSave, nftCommand, runtimeOf } from './guest-firewall.ts';
import { listenersOf, type Listener } from './guest-services.ts';
import type { GuestSession } from './guest-sync.ts';

/** Listen backlog ss shows as Send-Q: nginx's default 511, everyone else somaxconn's old default 128. */
const backlogOf = (l: Listener) => (l.process === 'nginx' ? 511 : 128);
/** Stable fake pids per process name, so `ss -p` output reads like a real host's. */
const pidOf = (name: string, port: number) => 1000 + ((name.split('').reduce((a, c) => a * 31 + c.charCodeAt(0), 7) + port) % 8000);

function ssLine(l: Listener, withProcess: boolean): string {
  const local = `${l.bindIp === '0.0.0.0' ? '0.0.0.0' : l.bindIp}:${l.port}`;
  const cols = [
    l.protocol.padEnd(5), (l.protocol === 'tcp' ? 'LISTEN' : 'UNCONN').padEnd(6), '0'.padEnd(6), String(l.protocol === 'tcp' ? backlogOf(l) : 0).padEnd(6),
    local.padStart(20), '0.0.0.0:*'.padEnd(20),
  ];
  if (withProcess) cols.push(`users:(("${l.process}",pid=${pidOf(l.process, l.port)},fd=${l.protocol === 'tcp' ? 6 : 7}))`);
  return cols.join(' ').trimEnd();
}

/** `ss [-H] [-l] [-t] [-u] [-n] [-p]` (combined short options as well). */
function ss(g: GuestSession, args: string[]): ExecResult {
  const flags = new Set<string>();
  for (const a of args) {
    if (!/^-[A-Za-z]+$/.test(a)) return fail(`ss: unsupported argument "${a}"\n`, 255);
    for (const c of a.slice(1)) flags.add(c);
  }
  if (!flags.has('l') && !flags.has('a')) return ok(flags.has('H') ? '' : 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n');
  const both = !flags.has('t') && !flags.has('u');
  const rows = listenersOf(g.inst)
    .filter((l) => both || flags.has(l.protocol === 'tcp' ? 't' : 'u'))
    .sort((a, b) => (a.protocol === b.protocol ? 0 : a.protocol === 'udp' ? -1 : 1))
    .map((l) => ssLine(l, flags.has('p')));
  const header = flags.has('H') ? [] : ['Netid State  Recv-Q Send-Q   Local Address:Port    Peer Address:Port Process'];
  return ok([...header, ...rows].map((r) => `${r}\n`).join(''));
}

const RP_KEY = /^net\.ipv4\.conf\.([A-Za-z0-9_.-]+)\.rp_filter$/;

/** `sysctl [-n] [-w] key[=value]…`: reads and writes the rp_filter keys; other writes are accepted as before. */
function sysctl(g: GuestSession, args: string[]): ExecResult {
  const valuesOnly = args.includes('-n');
  const { sysctl: overrides } = runtimeOf(g.inst);
  const devs = new Set(['all', 'default', 'lo', ...g.nics().map((n) => n.dev)]);
  let out = '';
  let err = '';
  for (const a of args.filter((x) => !x.startsWith('-'))) {
    const eq = a.indexOf('=');
    const key = (eq >= 0 ? a.slice(0, eq) : a).trim().replace(/\//g, '.');
    const m = RP_KEY.exec(key);
    if (eq >= 0) {
      const value = a.slice(eq + 1).trim();
      if (m) {
        if (!devs.has(m[1]!)) { err += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`; continue; }
        if (!/^[012]$/.test(value)) { err += `sysctl: setting key "${key}": Invalid argument\n`; continue; }
        overrides.set(key, Number(value));
      }
      out += valuesOnly ? `${value}\n` : `${key} = ${value}\n`;
      continue;
    }
    if (!m || !devs.has(m[1]!)) { err += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`; continue; }
    const spec = (g.inst.guest as { rpFilter?: { all: number; default: number } }).rpFilter ?? { all: 0, default: 0 };
    const dev = m[1]!;
    const value = overrides.get(key) ?? (dev === 'all' ? spec.all : overrides.get('net.ipv4.conf.default.rp_filter') ?? spec.default);
    out += valuesOnly ? `${value}\n` : `${key} = ${value}\n`;
  }
  return { stdout: out, stderr: err, code: err ? 255 : 0 };
}

export function introspectionCommands(g: GuestSession): Record<string, Command> {
  return {
    ss: (a) => ss(g, a),
    sysctl: (a) => sysctl(g, a),
    'iptables-save': () => ok(iptablesSave(runtimeOf(g.inst).fw, new Date())),
    iptables: (a) => iptablesCommand(runtimeOf(g.inst).fw, a),
    nft: (a) => nftCommand(runtimeOf(g.inst).fw, a),
  };
}
