// The guest's filesystem as scripts see it: a few fixed directories and files, /sys/class/net built from the NICs,
// /proc answers for the sysctls scripts read, and whatever scripts write (kept across reboots).
import type { VirtualFs } from '../shell/shell-runtime.ts';
import { shippedFirewallFile } from './guest-firewall.ts';
import { imageOf } from './guest-images.ts';
import type { GuestSession } from './guest-sync.ts';

export function guestFs(g: GuestSession): VirtualFs {
  const st = g.state();
  const devs = () => g.nics();
  const baseDirs = ['/', '/etc', '/root', '/tmp', '/sys', '/sys/class', '/sys/class/net', '/proc', '/proc/sys', '/etc/sysconfig',
    '/etc/sysconfig/network-scripts', '/etc/iptables', '/etc/systemd', '/etc/systemd/network', '/etc/rc.d', '/etc/iproute2', '/usr', '/usr/local', '/usr/local/bin', '/var', '/var/log'];
  const staticFiles = (): Map<string, string> => new Map([
    ['/etc/hostname', `${g.inst.guest.hostname}\n`],
    ['/etc/os-release', imageOf(g.inst.guest.image).osRelease],
    ...Object.entries(imageOf(g.inst.guest.image).files),
    ['/etc/iproute2/rt_tables', '255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n'],
    // The firewall the image loads at boot (the scenario's rules), where its firewall service reads them.
    ...(shippedFirewallFile(g.inst) ? [shippedFirewallFile(g.inst)!] : []),
  ]);
  const sysFile = (path: string): string | undefined => {
    const m = /^\/sys\/class\/net\/([^/]+)\/(address|operstate|mtu)$/.exec(path);
    if (!m) return undefined;
    if (m[1] === 'lo') return m[2] === 'address' ? '00:00:00:00:00:00\n' : m[2] === 'mtu' ? '65536\n' : 'unknown\n';
    const nic = devs().find((n) => n.dev === m[1]);
    if (!nic) return undefined;
    return m[2] === 'address' ? `${nic.mac}\n` : m[2] === 'mtu' ? '1500\n' : nic.up ? 'up\n' : 'down\n';
  };
  const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p).replace(/^~(?=\/|$)/, '/root');
  return {
    read(p0) {
      const p = norm(p0);
      if (p.startsWith('/sys/')) return sysFile(p);
      if (/^\/proc\/sys\/net\/ipv4\/conf\/[^/]+\/rp_filter$/.test(p)) return '0\n';
      if (/^\/proc\/sys\/net\/ipv4\/ip_forward$/.test(p)) return '0\n';
      return st.files.get(p) ?? staticFiles().get(p);
    },
    write(p0, content, append) {
      const p = norm(p0);
      if (p.startsWith('/proc/')) return undefined; // sysctl-style writes: accepted, not modelled
      if (p.startsWith('/sys/')) return 'Operation not permitted';
      if (this.kind(p) === 'dir') return 'Is a directory';
      st.files.set(p, (append ? (st.files.get(p) ?? staticFiles().get(p) ?? '') : '') + content);
      return undefined;
    },
    kind(p0) {
      const p = norm(p0);
      if (baseDirs.includes(p)) return 'dir';
      const m = /^\/sys\/class\/net\/([^/]+)(\/.*)?$/.exec(p);
      if (m) {
        if (m[1] !== 'lo' && !devs().some((n) => n.dev === m[1])) return undefined;
        return m[2] ? (sysFile(p) !== undefined ? 'file' : undefined) : 'dir';
      }
      if (this.read(p) !== undefined) return 'file';
      const prefix = `${p}/`;
      if ([...st.files.keys(), ...staticFiles().keys()].some((f) => f.startsWith(prefix))) return 'dir';
      return undefined;
    },
    list(d0) {
      const d = norm(d0);
      if (d === '/sys/class/net') return [...devs().map((n) => n.dev), 'lo'].sort();
      if (/^\/sys\/class\/net\/[^/]+$/.test(d)) return this.kind(d) ? ['address', 'mtu', 'operstate'] : undefined;
      if (this.kind(d) !== 'dir') return undefined;
      const prefix = d === '/' ? '/' : `${d}/`;
      const names = new Set<string>();
      for (const p of [...baseDirs, ...st.files.keys(), ...staticFiles().keys()]) {
        if (p.startsWith(prefix) && p !== d) names.add(p.slice(prefix.length).split('/')[0]!);
      }
      return [...names].filter(Boolean).sort();
    },
  };
}
