// The modelled guest OS behind Cloud Assistant: NICs (eth0 = primary, eth1… in attach order), addresses, routing
// tables and policy rules with Linux semantics, a small filesystem, and the commands scripts use to inspect and
// configure them (`ip`, `curl`, `dhclient`, …). The public edge asks it how replies to a NIC's IP would be routed.
import { canonicalCidr, cidrContains, formatIp, isIp, netmask, parseCidr, prefixOf, vSwitchGateway } from './ip.ts';
import { coreutils, runShell, type Command, type ExecResult, type VirtualFs } from './shell.ts';
import type { EniState, InstanceState, World } from './world.ts';

export interface GuestNicState { eniId: string; dev: string; up: boolean; /** 'ip/prefix' */ addrs: string[] }
export interface GuestRoute {
  table: number;
  /** 'default' or a canonical CIDR. */
  dest: string;
  via?: string;
  eniId: string;
  metric?: number;
  proto: string;
  src?: string;
}
export interface GuestRule { priority: number; /** 'all' or a canonical CIDR */ from: string; table: number }
export interface GuestState {
  nics: Map<string, GuestNicState>;
  /** Routes other than the kernel's connected ones (those are derived from addresses of up links). */
  routes: GuestRoute[];
  rules: GuestRule[];
  files: Map<string, string>;
  bootId: number;
}

export function newGuestState(): GuestState {
  return { nics: new Map(), routes: [], rules: [], files: new Map(), bootId: 0 };
}

const MAIN = 254;
const TABLE_NAMES: Record<string, number> = { main: 254, local: 255, default: 253 };
const tableName = (t: number) => (t === 254 ? 'main' : t === 255 ? 'local' : t === 253 ? 'default' : String(t));
/** Table a self-configuring image (multi-nic-util style) uses for ethN. */
export const autoTable = (devNumber: number) => 1000 + devNumber;

interface NicView extends GuestNicState { eni: EniState; mac: string; ip: string; prefix: number; gateway: string; vSwitchCidr: string; index: number }

/**
 * Brings the guest's view in line with the cloud: NICs appear once their ENI is InUse and vanish when it is not;
 * a new boot drops everything not persisted (and then runs /etc/rc.local if a script wrote one).
 */
export function syncGuest(world: World, inst: InstanceState): NicView[] {
  world.settle();
  const st = inst.guestState;
  if (st.bootId !== inst.bootId) {
    const files = st.files;
    Object.assign(st, newGuestState(), { files, bootId: inst.bootId });
    const rc = files.get('/etc/rc.local') ?? files.get('/etc/rc.d/rc.local');
    if (rc !== undefined) {
      syncNics(world, inst);
      runShell(rc, { commands: guestCommands(world, inst), fs: guestFs(world, inst) });
    }
  }
  return syncNics(world, inst);
}

function syncNics(world: World, inst: InstanceState): NicView[] {
  const st = inst.guestState;
  const primary = world.enis.get(inst.primaryEniId);
  const present = [
    ...(primary ? [primary] : []),
    ...world.enisOf(inst.instanceId).filter((e) => e.type === 'Secondary' && e.status === 'InUse'),
  ];
  const ids = new Set(present.map((e) => e.networkInterfaceId));
  for (const id of [...st.nics.keys()]) {
    if (!ids.has(id)) { st.nics.delete(id); st.routes = st.routes.filter((r) => r.eniId !== id); }
  }
  for (const eni of present) {
    if (st.nics.has(eni.networkInterfaceId)) continue;
    const vsw = world.vSwitches.get(eni.vSwitchId);
    const cidr = vsw?.cidr ?? `${eni.privateIp}/24`;
    const prefix = prefixOf(cidr);
    const gw = vSwitchGateway(cidr);
    if (eni.type === 'Primary') {
      st.nics.set(eni.networkInterfaceId, { eniId: eni.networkInterfaceId, dev: 'eth0', up: true, addrs: [`${eni.privateIp}/${prefix}`] });
      st.routes.push({ table: MAIN, dest: 'default', via: gw, eniId: eni.networkInterfaceId, metric: 100, proto: 'dhcp' });
      continue;
    }
    const taken = new Set([...st.nics.values()].map((n) => n.dev));
    let n = 1;
    while (taken.has(`eth${n}`)) n++;
    const dev = `eth${n}`;
    if (inst.guest.configuresSecondaryNic) {
      const table = autoTable(n);
      st.nics.set(eni.networkInterfaceId, { eniId: eni.networkInterfaceId, dev, up: true, addrs: [`${eni.privateIp}/${prefix}`] });
      st.routes.push({ table: MAIN, dest: 'default', via: gw, eniId: eni.networkInterfaceId, metric: table, proto: 'dhcp' });
      st.routes.push({ table, dest: 'default', via: gw, eniId: eni.networkInterfaceId, proto: 'dhcp' });
      const from = `${eni.privateIp}/32`;
      if (!st.rules.some((r) => r.from === from && r.table === table)) st.rules.push({ priority: nextRulePriority(st), from, table });
    } else {
      st.nics.set(eni.networkInterfaceId, { eniId: eni.networkInterfaceId, dev, up: false, addrs: [] });
    }
  }
  return [...st.nics.values()].map((nic) => {
    const eni = world.enis.get(nic.eniId)!;
    const cidr = world.vSwitches.get(eni.vSwitchId)?.cidr ?? `${eni.privateIp}/24`;
    return { ...nic, eni, mac: eni.macAddress, ip: eni.privateIp, prefix: prefixOf(cidr), gateway: vSwitchGateway(cidr), vSwitchCidr: cidr, index: Number(nic.dev.slice(3)) + 2 };
  }).sort((a, b) => a.index - b.index);
}

function nextRulePriority(st: GuestState): number {
  const prios = [32766, 32767, ...st.rules.map((r) => r.priority)].filter((p) => p > 0);
  return Math.min(...prios) - 1;
}

/** Connected routes the kernel derives from the addresses of up links, plus the stored ones. */
function allRoutes(st: GuestState): GuestRoute[] {
  const kernel: GuestRoute[] = [];
  for (const nic of st.nics.values()) {
    if (!nic.up) continue;
    for (const a of nic.addrs) kernel.push({ table: MAIN, dest: canonicalCidr(a), eniId: nic.eniId, proto: 'kernel', src: a.split('/')[0] });
  }
  return [...st.routes, ...kernel];
}

function allRules(st: GuestState): GuestRule[] {
  return [{ priority: 0, from: 'all', table: 255 }, ...st.rules, { priority: 32766, from: 'all', table: MAIN }, { priority: 32767, from: 'all', table: 253 }]
    .sort((a, b) => a.priority - b.priority);
}

export interface RouteDecision { route: GuestRoute; nic: GuestNicState; src: string; via?: string }

/** Linux route selection: policy rules by priority, longest prefix then lowest metric within a table. */
export function routeLookup(st: GuestState, dst: string, src?: string): RouteDecision | undefined {
  const routes = allRoutes(st);
  for (const rule of allRules(st)) {
    if (rule.table === 255) continue;
    if (rule.from !== 'all' && !(src && cidrContains(rule.from, src))) continue;
    let best: GuestRoute | undefined;
    let bestLen = -1;
    for (const r of routes) {
      if (r.table !== rule.table) continue;
      const len = r.dest === 'default' ? 0 : cidrContains(r.dest, dst) ? prefixOf(r.dest) : -1;
      if (len < 0) continue;
      if (len > bestLen || (len === bestLen && (r.metric ?? 0) < (best?.metric ?? 0))) { best = r; bestLen = len; }
    }
    if (!best) continue;
    const nic = st.nics.get(best.eniId);
    if (!nic?.up) continue;
    const chosen = src ?? best.src ?? nic.addrs[0]?.split('/')[0];
    if (!chosen) continue;
    return { route: best, nic, src: chosen, via: best.via };
  }
  return undefined;
}

/**
 * Would the guest answer a connection from `clientIp` to `eni`'s IP out of that same NIC? Needs the link up,
 * the address configured, and a route for replies (sourced from that IP) that leaves through that NIC.
 */
export function replyPath(world: World, inst: InstanceState, eni: EniState, clientIp: string): { ok: true } | { ok: false; reason: string } {
  syncGuest(world, inst);
  const st = inst.guestState;
  const nic = st.nics.get(eni.networkInterfaceId);
  if (!nic) return { ok: false, reason: `the guest has no NIC for ${eni.networkInterfaceId}` };
  if (!nic.up) return { ok: false, reason: `${nic.dev} is down in the guest` };
  if (!nic.addrs.some((a) => a.split('/')[0] === eni.privateIp)) return { ok: false, reason: `${eni.privateIp} is not configured on ${nic.dev}` };
  const d = routeLookup(st, clientIp, eni.privateIp);
  if (!d) return { ok: false, reason: `the guest has no route back to ${clientIp} from ${eni.privateIp}` };
  if (d.nic.eniId !== eni.networkInterfaceId) {
    return { ok: false, reason: `replies from ${eni.privateIp} leave through ${d.nic.dev}, not ${nic.dev} (no source policy routing)` };
  }
  return { ok: true };
}

// ── filesystem ───────────────────────────────────────────────────────────
function guestFs(world: World, inst: InstanceState): VirtualFs {
  const st = inst.guestState;
  const devs = () => syncGuest(world, inst);
  const baseDirs = ['/', '/etc', '/root', '/tmp', '/sys', '/sys/class', '/sys/class/net', '/proc', '/proc/sys', '/etc/sysconfig',
    '/etc/sysconfig/network-scripts', '/etc/systemd', '/etc/systemd/network', '/etc/rc.d', '/etc/iproute2', '/usr', '/usr/local', '/usr/local/bin', '/var', '/var/log'];
  const staticFiles = (): Map<string, string> => new Map([
    ['/etc/hostname', `${inst.guest.hostname}\n`],
    ['/etc/os-release', 'NAME="Alibaba Cloud Linux"\nVERSION="3 (Soaring Falcon)"\nID="alinux"\nVERSION_ID="3"\nPRETTY_NAME="Alibaba Cloud Linux 3 (Soaring Falcon)"\n'],
    ['/etc/iproute2/rt_tables', '255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n'],
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

// ── commands ─────────────────────────────────────────────────────────────
const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0 });
const fail = (stderr: string, code = 1): ExecResult => ({ stdout: '', stderr, code });
const FILE_EXISTS = fail('RTNETLINK answers: File exists\n', 2);

/** Host names whose page echoes the caller's public IP. */
export const IP_ECHO_HOSTS = ['myip.ipip.net', 'ifconfig.me', 'ipinfo.io', 'api.ipify.org', 'icanhazip.com', 'ipv4.icanhazip.com', 'checkip.amazonaws.com'];
const METADATA_HOST = '100.100.100.200';
/** A notional address of the IP-echo sites, used only for route lookups (nothing is dialled). */
const INTERNET_PROBE = '203.0.113.254';

const REGION_LOCATION: Record<string, string> = {
  'cn-hangzhou': '中国 浙江 杭州', 'cn-shanghai': '中国 上海 上海', 'cn-beijing': '中国 北京 北京', 'cn-shenzhen': '中国 广东 深圳',
  'cn-qingdao': '中国 山东 青岛', 'cn-zhangjiakou': '中国 河北 张家口', 'cn-hongkong': '中国 香港',
};

export function guestCommands(world: World, inst: InstanceState): Record<string, Command> {
  const nics = () => syncGuest(world, inst);
  const st = () => inst.guestState;
  const byDev = (dev: string) => nics().find((n) => n.dev === dev);

  const fmtLink = (n: NicView | 'lo', withLink: boolean, mode: string): string[] => {
    if (n === 'lo') {
      const l = [`1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN ${mode}group default qlen 1000`];
      if (withLink) l.push('    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00');
      return l;
    }
    const flags = n.up ? '<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP' : '<BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN';
    const l = [`${n.index}: ${n.dev}: ${flags} ${mode}group default qlen 1000`];
    if (withLink) l.push(`    link/ether ${n.mac} brd ff:ff:ff:ff:ff:ff`);
    return l;
  };
  const fmtInet = (a: string, dev: string, dynamic: boolean): string => {
    const c = parseCidr(a)!;
    const brd = formatIp(c.end - 1);
    return `inet ${a} brd ${brd} scope global ${dynamic ? 'dynamic ' : ''}${dev}`;
  };

  const ipAddr = (args: string[], only4: boolean, oneline: boolean): ExecResult => {
    const [sub = 'show', ...rest] = args;
    if (isPrefix(sub, 'show') || isPrefix(sub, 'list') || sub === 'lst') {
      const devArg = rest.filter((a) => a !== 'dev' && a !== 'up')[0];
      const list = nics();
      if (devArg && devArg !== 'lo' && !list.some((n) => n.dev === devArg)) return fail(`Device "${devArg}" does not exist.\n`);
      const out: string[] = [];
      const targets: (NicView | 'lo')[] = ['lo' as const, ...list].filter((n) => !devArg || (n === 'lo' ? devArg === 'lo' : n.dev === devArg));
      for (const n of targets) {
        const inets = n === 'lo' ? ['127.0.0.1/8'] : n.addrs;
        if (only4 && !inets.length) continue;
        const dev = n === 'lo' ? 'lo' : n.dev;
        const idx = n === 'lo' ? 1 : n.index;
        const dynamic = (a: string) => n !== 'lo' && a === `${n.ip}/${n.prefix}`;
        if (oneline) {
          for (const a of inets) out.push(`${idx}: ${dev}    ${n === 'lo' ? `inet ${a} scope host lo` : fmtInet(a, dev, dynamic(a))}\\       valid_lft forever preferred_lft forever`);
          continue;
        }
        out.push(...fmtLink(n, !only4, ''));
        for (const a of inets) {
          out.push(`    ${n === 'lo' ? `inet ${a} scope host lo` : fmtInet(a, dev, dynamic(a))}`);
          out.push('       valid_lft forever preferred_lft forever');
        }
      }
      return ok(out.length ? `${out.join('\n')}\n` : '');
    }
    if (sub === 'add' || isPrefix(sub, 'delete', 3) || sub === 'flush') {
      const o = opts(rest);
      const devName = o.dev ?? (sub === 'flush' ? o._[0] : undefined);
      if (!devName) return fail('Not enough information: "dev" argument is required.\n');
      const nic = byDev(devName);
      if (!nic) return fail(`Cannot find device "${devName}"\n`);
      const state = st().nics.get(nic.eniId)!;
      if (sub === 'flush') {
        state.addrs = [];
        dropUnreachable(state.eniId);
        return ok();
      }
      const a = o._[0];
      if (!a || !parseCidr(a)) return fail(`Error: inet prefix is expected rather than "${a ?? ''}".\n`);
      const addr = a.includes('/') ? a : `${a}/32`;
      const exists = state.addrs.findIndex((x) => x.split('/')[0] === addr.split('/')[0]);
      if (sub === 'add') {
        if (exists >= 0) return FILE_EXISTS;
        state.addrs.push(addr);
        return ok();
      }
      if (exists < 0) return fail('RTNETLINK answers: Cannot assign requested address\n', 2);
      state.addrs.splice(exists, 1);
      dropUnreachable(state.eniId);
      return ok();
    }
    return fail(`Command "${sub}" is unknown, try "ip address help".\n`);
  };

  /** Like the kernel: routes whose gateway is no longer on-link go away. */
  const dropUnreachable = (eniId: string) => {
    const s = st();
    const nic = s.nics.get(eniId)!;
    s.routes = s.routes.filter((r) => r.eniId !== eniId || !r.via || (nic.up && nic.addrs.some((a) => cidrContains(canonicalCidr(a), r.via!))));
  };

  const ipLink = (args: string[]): ExecResult => {
    const [sub = 'show', ...rest] = args;
    if (isPrefix(sub, 'show') || isPrefix(sub, 'list')) {
      const devArg = rest.filter((a) => a !== 'dev')[0];
      const list = nics();
      if (devArg && devArg !== 'lo' && !list.some((n) => n.dev === devArg)) return fail(`Device "${devArg}" does not exist.\n`);
      const out = (['lo' as const, ...list] as (NicView | 'lo')[])
        .filter((n) => !devArg || (n === 'lo' ? devArg === 'lo' : n.dev === devArg))
        .flatMap((n) => fmtLink(n, true, 'mode DEFAULT '));
      return ok(`${out.join('\n')}\n`);
    }
    if (sub === 'set') {
      const words = rest.filter((a) => a !== 'dev');
      const devName = words[0];
      if (!devName) return fail('Not enough information: "dev" argument is required.\n');
      const nic = byDev(devName);
      if (!nic && devName !== 'lo') return fail(`Cannot find device "${devName}"\n`);
      if (!nic) return ok();
      const state = st().nics.get(nic.eniId)!;
      if (words.includes('up')) state.up = true;
      if (words.includes('down')) {
        state.up = false;
        st().routes = st().routes.filter((r) => r.eniId !== nic.eniId);
      }
      return ok();
    }
    return fail(`Command "${sub}" is unknown, try "ip link help".\n`);
  };

  const fmtRoute = (r: GuestRoute, withTable: boolean): string => {
    const dev = st().nics.get(r.eniId)?.dev ?? '?';
    let s = r.dest === 'default' ? 'default' : r.dest;
    if (r.via) s += ` via ${r.via}`;
    s += ` dev ${dev}`;
    if (withTable && r.table !== MAIN) s += ` table ${tableName(r.table)}`;
    if (r.proto !== 'boot') s += ` proto ${r.proto}`;
    if (r.proto === 'kernel') s += ' scope link';
    if (r.src) s += ` src ${r.src}`;
    if (r.metric !== undefined) s += ` metric ${r.metric}`;
    return s;
  };

  const parseTable = (v: string | undefined): number | undefined => {
    if (v === undefined) return MAIN;
    if (TABLE_NAMES[v] !== undefined) return TABLE_NAMES[v];
    return /^\d+$/.test(v) && Number(v) < 2 ** 32 ? Number(v) : undefined;
  };

  const ipRoute = (args: string[]): ExecResult => {
    const [sub = 'show', ...rest] = args;
    nics();
    if (isPrefix(sub, 'show') || isPrefix(sub, 'list')) {
      const o = opts(rest);
      const all = o.table === 'all';
      const table = all ? undefined : parseTable(o.table);
      if (!all && table === undefined) return fail(`Error: argument "${o.table}" is wrong: table id value is invalid\n\n`);
      const routes = allRoutes(st()).filter((r) => (all ? r.table !== 255 : r.table === table));
      const order = (r: GuestRoute) => (r.dest === 'default' ? 0 : 1);
      const out = routes.sort((a, b) => a.table - b.table || order(a) - order(b) || (a.metric ?? 0) - (b.metric ?? 0)).map((r) => fmtRoute(r, all));
      return ok(out.length ? `${out.join('\n')}\n` : '');
    }
    if (sub === 'get') {
      const o = opts(rest);
      const dst = o._[0];
      if (!dst || !isIp(dst)) return fail(`Error: any valid prefix is expected rather than "${dst ?? ''}".\n`);
      const d = routeLookup(st(), dst, o.from);
      if (!d) return fail('RTNETLINK answers: Network is unreachable\n', 2);
      return ok(`${dst}${d.via ? ` via ${d.via}` : ''} dev ${d.nic.dev}${d.route.table !== MAIN ? ` table ${tableName(d.route.table)}` : ''} src ${d.src} uid 0 \n    cache \n`);
    }
    if (sub === 'flush') {
      const o = opts(rest);
      if (o._[0] === 'cache') return ok();
      const table = parseTable(o.table);
      if (table === undefined) return fail(`Error: argument "${o.table}" is wrong: table id value is invalid\n\n`);
      st().routes = st().routes.filter((r) => r.table !== table || (o.dev !== undefined && st().nics.get(r.eniId)?.dev !== o.dev));
      return ok();
    }
    if (sub === 'add' || sub === 'replace' || sub === 'append' || isPrefix(sub, 'delete', 3) || sub === 'change') {
      const o = opts(rest.filter((a) => a !== 'unicast' && a !== 'onlink'));
      const destRaw = o._[0];
      if (!destRaw) return fail('Error: either "to" is duplicate, or "default" is a garbage.\n');
      const dest = destRaw === 'default' || destRaw === '0.0.0.0/0' ? 'default' : parseCidr(destRaw) ? canonicalCidr(destRaw.includes('/') ? destRaw : `${destRaw}/32`) : undefined;
      if (!dest) return fail(`Error: inet prefix is expected rather than "${destRaw}".\n`);
      const table = parseTable(o.table);
      if (table === undefined) return fail(`Error: argument "${o.table}" is wrong: table id value is invalid\n\n`);
      const metricRaw = o.metric ?? o.preference ?? o.priority;
      const metric = metricRaw === undefined ? undefined : Number(metricRaw);
      if (o.via !== undefined && !isIp(o.via)) return fail(`Error: inet address is expected rather than "${o.via}".\n`);
      const s = st();
      if (isPrefix(sub, 'delete', 3)) {
        const idx = s.routes.findIndex((r) => r.table === table && r.dest === dest && (o.via === undefined || r.via === o.via)
          && (o.dev === undefined || s.nics.get(r.eniId)?.dev === o.dev) && (metric === undefined || (r.metric ?? 0) === metric));
        if (idx < 0) return fail('RTNETLINK answers: No such process\n', 2);
        s.routes.splice(idx, 1);
        return ok();
      }
      let nic = o.dev !== undefined ? byDev(o.dev) : undefined;
      if (o.dev !== undefined && !nic) return fail(`Cannot find device "${o.dev}"\n`);
      if (!nic && o.via) {
        const gwVia = o.via;
        const onLink = allRoutes(s).find((r) => r.proto === 'kernel' && r.dest !== 'default' && cidrContains(r.dest, gwVia));
        nic = onLink ? nics().find((n) => n.eniId === onLink.eniId) : undefined;
        if (!nic) return fail('Error: Nexthop has invalid gateway.\n', 2);
      }
      if (!nic) return fail('Error: Device for nexthop is not up.\n', 2);
      const state = s.nics.get(nic.eniId)!;
      if (!state.up) return fail('Error: Nexthop device is not up.\n', 2);
      if (o.via && !rest.includes('onlink') && !state.addrs.some((a) => cidrContains(canonicalCidr(a), o.via!))) return fail('Error: Nexthop has invalid gateway.\n', 2);
      if (o.src && !allLocalIps().includes(o.src)) return fail('Error: Invalid prefsrc address.\n', 2);
      const route: GuestRoute = { table, dest, via: o.via, eniId: nic.eniId, metric, proto: o.proto ?? 'boot', src: o.src };
      const same = (r: GuestRoute) => r.table === table && r.dest === dest && (r.metric ?? 0) === (metric ?? 0);
      const existing = s.routes.findIndex(same);
      const kernelClash = allRoutes(s).some((r) => r.proto === 'kernel' && same(r));
      if (sub === 'replace' || sub === 'change') {
        if (existing >= 0) s.routes[existing] = route; else if (sub === 'change') return fail('RTNETLINK answers: No such file or directory\n', 2); else s.routes.push(route);
        return ok();
      }
      if (existing >= 0 || kernelClash) return FILE_EXISTS;
      s.routes.push(route);
      return ok();
    }
    return fail(`Command "${sub}" is unknown, try "ip route help".\n`);
  };

  const allLocalIps = () => [...st().nics.values()].flatMap((n) => n.addrs.map((a) => a.split('/')[0]!));

  const ipRule = (args: string[]): ExecResult => {
    const [sub = 'show', ...rest] = args;
    nics();
    if (isPrefix(sub, 'show') || isPrefix(sub, 'list')) {
      const out = allRules(st()).map((r) => `${r.priority}:\tfrom ${fmtFrom(r.from)} lookup ${tableName(r.table)}`);
      return ok(`${out.join('\n')}\n`);
    }
    if (sub === 'add' || isPrefix(sub, 'delete', 3)) {
      const o = opts(rest);
      const fromRaw = o.from ?? 'all';
      const from = fromRaw === 'all' || fromRaw === '0/0' || fromRaw === '0.0.0.0/0' ? 'all'
        : parseCidr(fromRaw) ? canonicalCidr(fromRaw.includes('/') ? fromRaw : `${fromRaw}/32`) : undefined;
      if (!from) return fail(`Error: inet prefix is expected rather than "${fromRaw}".\n`);
      const tableRaw = o.table ?? o.lookup;
      const table = tableRaw === undefined ? (sub === 'add' ? MAIN : undefined) : parseTable(tableRaw);
      if (tableRaw !== undefined && table === undefined) return fail(`Error: argument "${tableRaw}" is wrong: invalid table ID\n\n`);
      const prioRaw = o.priority ?? o.pref ?? o.preference ?? o.prio;
      const priority = prioRaw === undefined ? undefined : Number(prioRaw);
      const s = st();
      if (sub === 'add') {
        if (s.rules.some((r) => r.from === from && r.table === table && (priority === undefined || r.priority === priority))) return FILE_EXISTS;
        s.rules.push({ priority: priority ?? nextRulePriority(s), from, table: table! });
        return ok();
      }
      const idx = s.rules.findIndex((r) => (o.from === undefined || r.from === from) && (table === undefined || r.table === table) && (priority === undefined || r.priority === priority));
      if (idx < 0) return fail('RTNETLINK answers: No such file or directory\n', 2);
      s.rules.splice(idx, 1);
      return ok();
    }
    return fail(`Command "${sub}" is unknown, try "ip rule help".\n`);
  };

  const ip: Command = (argsIn) => {
    let only4 = false;
    let oneline = false;
    const args = [...argsIn];
    while (args[0]?.startsWith('-')) {
      const f = args.shift()!;
      if (f === '-4') only4 = true;
      else if (f === '-6') return ok();
      else if (f === '-o' || f === '-oneline') oneline = true;
      else if (['-s', '-d', '-details', '-c', '-color', '-br', '-brief', '-stats'].includes(f)) continue;
      else return fail(`Option "${f}" is unknown, try "ip -help".\n`, 255);
    }
    const [obj, ...rest] = args;
    if (!obj) return fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n', 255);
    if (isPrefix(obj, 'address', 1)) return ipAddr(rest, only4, oneline);
    if (isPrefix(obj, 'link', 1)) return ipLink(rest);
    if (isPrefix(obj, 'rule', 2)) return ipRule(rest);
    if (isPrefix(obj, 'route', 1)) return ipRoute(rest);
    return fail(`Object "${obj}" is unknown, try "ip help".\n`, 1);
  };

  const dhclient = (args: string[]): ExecResult => {
    const release = args.includes('-r');
    const devsArg = args.filter((a) => !a.startsWith('-'));
    const targets = devsArg.length ? devsArg : nics().map((n) => n.dev);
    for (const d of targets) {
      const nic = byDev(d);
      if (!nic) return fail(`Cannot find device "${d}"\n`);
      const state = st().nics.get(nic.eniId)!;
      const lease = `${nic.ip}/${nic.prefix}`;
      if (release) { state.addrs = state.addrs.filter((a) => a !== lease); dropUnreachable(nic.eniId); continue; }
      state.up = true;
      if (!state.addrs.includes(lease)) state.addrs.push(lease);
    }
    return ok();
  };

  const metadata = (path: string): { status: number; body: string } => {
    const list = nics();
    const p = path.replace(/^\/latest\/meta-data\/?/, '');
    const vpc = world.vpcs.get(inst.vpcId);
    const vsw = world.vSwitches.get(inst.vSwitchId);
    const primary = list.find((n) => n.eni.type === 'Primary');
    const top: Record<string, string | undefined> = {
      'instance-id': inst.instanceId, 'region-id': world.regionId, 'zone-id': inst.zoneId, hostname: inst.guest.hostname,
      'private-ipv4': inst.privateIp, mac: primary?.mac ?? inst.macAddress, 'vpc-id': inst.vpcId, 'vswitch-id': inst.vSwitchId,
      'vpc-cidr-block': vpc?.cidr, 'vswitch-cidr-block': vsw?.cidr, 'network-type': 'vpc', 'instance/instance-type': inst.instanceType,
      eipv4: inst.eipAddress, 'public-ipv4': inst.publicIp, 'owner-account-id': world.accountId,
    };
    if (!path.startsWith('/latest/meta-data')) return { status: 404, body: NOT_FOUND };
    if (p === '') return { status: 200, body: [...Object.keys(top).filter((k) => top[k] !== undefined && !k.includes('/')), 'instance/', 'network/'].sort().join('\n') };
    if (top[p] !== undefined) return { status: 200, body: top[p]! };
    const cloudNics = [world.enis.get(inst.primaryEniId)!, ...world.enisOf(inst.instanceId).filter((e) => e.type === 'Secondary' && e.status === 'InUse')];
    if (p === 'network/interfaces/macs' || p === 'network/interfaces/macs/') return { status: 200, body: cloudNics.map((e) => `${e.macAddress}/`).join('\n') };
    const m = /^network\/interfaces\/macs\/([0-9a-f:]{17})\/?(.*)$/.exec(p);
    const eni = m ? cloudNics.find((e) => e.macAddress === m[1]) : undefined;
    if (m && eni) {
      const cidr = world.vSwitches.get(eni.vSwitchId)?.cidr ?? `${eni.privateIp}/24`;
      const attrs: Record<string, string> = {
        'device-number': String(eni.deviceIndex ?? 0), gateway: vSwitchGateway(cidr), netmask: netmask(prefixOf(cidr)),
        'network-interface-id': eni.networkInterfaceId, 'primary-ip-address': eni.privateIp, 'private-ipv4s': JSON.stringify([eni.privateIp]),
        'vpc-cidr-block': world.vpcs.get(eni.vpcId)?.cidr ?? '', 'vpc-id': eni.vpcId, 'vswitch-cidr-block': cidr, 'vswitch-id': eni.vSwitchId,
      };
      if (m[2] === '') return { status: 200, body: Object.keys(attrs).sort().join('\n') };
      if (attrs[m[2]!] !== undefined) return { status: 200, body: attrs[m[2]!]! };
    }
    return { status: 404, body: NOT_FOUND };
  };

  const curl: Command = (args, _stdin, sh) => {
    const flags = new Set<string>();
    const urls: string[] = [];
    let outFile: string | undefined;
    let writeOut: string | undefined;
    let maxTime: number | undefined;
    let iface: string | undefined;
    const valueShort = 'mowHAXdueExbcTrCK';
    const valueLong = new Set(['--max-time', '--connect-timeout', '--output', '--write-out', '--header', '--user-agent', '--request', '--data', '--data-raw',
      '--data-binary', '--retry', '--retry-delay', '--retry-max-time', '--user', '--referer', '--proxy', '--interface', '--cookie', '--cookie-jar',
      '--resolve', '--upload-file', '--cacert', '--cert', '--key', '--config', '--dns-servers', '--max-filesize', '--limit-rate', '--range', '--continue-at']);
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a.startsWith('--')) {
        const [name, inline] = a.split('=', 2) as [string, string | undefined];
        if (valueLong.has(name)) {
          const v = inline ?? args[++k] ?? '';
          if (name === '--max-time' || name === '--connect-timeout') maxTime = Math.min(maxTime ?? Infinity, Number(v));
          if (name === '--output') outFile = v;
          if (name === '--write-out') writeOut = v;
          if (name === '--interface') iface = v;
          continue;
        }
        flags.add(name);
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const f = a[j]!;
          if (valueShort.includes(f)) {
            const v = a.slice(j + 1) || args[++k] || '';
            if (f === 'm') maxTime = Math.min(maxTime ?? Infinity, Number(v));
            if (f === 'o') outFile = v;
            if (f === 'w') writeOut = v;
            break;
          }
          flags.add(`-${f}`);
        }
        continue;
      }
      urls.push(a);
    }
    const silent = flags.has('-s') || flags.has('--silent');
    const showError = flags.has('-S') || flags.has('--show-error');
    const failOnHttp = flags.has('-f') || flags.has('--fail');
    const error = (code: number, msg: string): ExecResult => ({ stdout: '', stderr: silent && !showError ? '' : `curl: (${code}) ${msg}\n`, code });
    if (!urls.length) return fail("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
    let stdout = '';
    let last: ExecResult = ok();
    for (const raw of urls) {
      let url: URL;
      try { url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`); } catch { return error(3, 'URL rejected: Malformed input to a URL function'); }
      const host = url.hostname;
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      let result: { status: number; body: string };
      if (host === METADATA_HOST) {
        result = metadata(url.pathname);
      } else {
        const route = egressRoute(world, inst, iface);
        if ('error' in route) return error(route.error === 'iface' ? 45 : 7, route.error === 'iface' ? `Failed binding local connection end` : `Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server`);
        const isEcho = IP_ECHO_HOSTS.includes(host);
        if (isIp(host) && (cidrContains('127.0.0.0/8', host) || cidrContains(world.vpcs.get(inst.vpcId)?.cidr ?? '0.0.0.0/32', host))) {
          return error(7, `Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server`);
        }
        const out = world.cloudEgress(inst, route.src, route.eni);
        if (!out) {
          return maxTime !== undefined && Number.isFinite(maxTime)
            ? error(28, `Connection timed out after ${Math.round(maxTime * 1000) + 1} milliseconds`)
            : error(28, `Failed to connect to ${host} port ${port} after 130000 ms: Connection timed out`);
        }
        if (!isEcho) return error(6, `Could not resolve host: ${host}`);
        result = { status: 200, body: echoPage(host, url.pathname, out.ip, world.regionId) };
      }
      if (result.status >= 400 && failOnHttp) return { ...error(22, `The requested URL returned error: ${result.status}`), stdout };
      if (outFile && outFile !== '/dev/null') sh.fs.write(outFile, result.body, false);
      else if (!outFile) stdout += result.body;
      if (writeOut) stdout += writeOut.replace(/%\{http_code\}/g, String(result.status)).replace(/\\n/g, '\n');
      last = ok();
    }
    return { stdout, stderr: '', code: last.code };
  };

  const noop: Command = () => ok();
  return {
    ...coreutils,
    ip, curl, dhclient: (a) => dhclient(a),
    ifup: (a) => dhclient(a.slice(0, 1)),
    ifdown: (a) => ipLink(['set', a[0] ?? '', 'down']),
    hostname: (a) => (a.includes('-I') ? ok(`${allLocalIps().join(' ')} \n`) : ok(`${inst.guest.hostname}\n`)),
    systemctl: noop,
    service: noop,
    nmcli: noop,
    sysctl: (a) => ok(a.filter((x) => x.includes('=')).map((x) => `${x.replace('=', ' = ')}\n`).join('')),
  };
}

const NOT_FOUND = '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1></body></html>\n';

function echoPage(host: string, path: string, ip: string, regionId: string): string {
  if (host === 'myip.ipip.net') return `当前 IP：${ip}  来自于：${REGION_LOCATION[regionId] ?? '中国'}  阿里云\n`;
  if (host === 'ipinfo.io' && !path.startsWith('/ip')) return `{\n  "ip": "${ip}",\n  "org": "AS37963 Hangzhou Alibaba Advertising Co.,Ltd."\n}`;
  return `${ip}\n`;
}

/** Which NIC and source IP an outbound connection to the internet uses (optionally bound with --interface). */
function egressRoute(world: World, inst: InstanceState, iface?: string): { src: string; eni: EniState } | { error: 'iface' | 'unreachable' } {
  const list = syncGuest(world, inst);
  let src: string | undefined;
  if (iface) {
    const nic = list.find((n) => n.dev === iface || n.addrs.some((a) => a.split('/')[0] === iface));
    if (!nic || !nic.up || !nic.addrs.length) return { error: 'iface' };
    src = isIp(iface) ? iface : nic.addrs[0]!.split('/')[0]!;
  }
  const d = routeLookup(inst.guestState, INTERNET_PROBE, src);
  if (!d) return { error: 'unreachable' };
  const eni = world.enis.get(d.nic.eniId);
  if (!eni) return { error: 'unreachable' };
  // A source address that is not the NIC's own cloud IP is dropped by the VPC (source/destination check).
  if (d.src !== eni.privateIp) return { error: 'unreachable' };
  return { src: d.src, eni };
}

/** Runs a Cloud Assistant script on the instance's modelled guest. */
export function runGuestScript(world: World, inst: InstanceState, script: string): { output: string; exitCode: number; sleepMs: number } {
  syncGuest(world, inst);
  return runShell(script, { commands: guestCommands(world, inst), fs: guestFs(world, inst), env: { HOME: '/root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', USER: 'root' } });
}

/** Egress IP of the instance as an IP-echo page would show it, or undefined when the request would time out. */
export function egressIpOf(world: World, inst: InstanceState): string | undefined {
  const r = egressRoute(world, inst);
  return 'error' in r ? undefined : world.cloudEgress(inst, r.src, r.eni)?.ip;
}

function isPrefix(word: string, full: string, min = 1): boolean {
  return word.length >= min && full.startsWith(word);
}

function fmtFrom(from: string): string {
  return from === 'all' ? 'all' : from.endsWith('/32') ? from.slice(0, -3) : from;
}

const OPT_KEYS = ['dev', 'via', 'table', 'lookup', 'metric', 'preference', 'priority', 'pref', 'prio', 'proto', 'src', 'from', 'to', 'scope',
  'brd', 'broadcast', 'label', 'oif', 'iif', 'mtu', 'type'] as const;
type IpOpts = { _: string[] } & Partial<Record<(typeof OPT_KEYS)[number], string>>;

/** `key value` option pairs of ip(8) commands; bare words go to `_`. */
function opts(args: string[]): IpOpts {
  const out: IpOpts = { _: [] };
  for (let k = 0; k < args.length; k++) {
    const a = args[k] === 'protocol' ? 'proto' : args[k]!;
    if ((OPT_KEYS as readonly string[]).includes(a)) out[a as (typeof OPT_KEYS)[number]] = args[++k];
    else out._.push(a);
  }
  return out;
}

