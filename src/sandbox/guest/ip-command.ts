// The `ip` command (iproute2) of the modelled guest: option parsing and dispatch, `ip addr` and `ip link`.
// `ip route` and `ip rule` are in ip-route-rule.ts.
import { formatIp, parseCidr } from '../ip.ts';
import { fail, ok, type Command, type ExecResult } from '../shell/shell-runtime.ts';
import { dropUnreachableRoutes } from './guest-routing.ts';
import { addressOf } from './guest-state.ts';
import type { GuestSession, NicView } from './guest-sync.ts';
import { FILE_EXISTS, isDelete, isPrefix, isShow, noSuchDevice, opts } from './ip-command-args.ts';
import { ipRoute, ipRule } from './ip-route-rule.ts';

export function ipCommand(g: GuestSession): Command {
  return (argsIn) => {
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
    if (isPrefix(obj, 'address', 1)) return ipAddr(g, rest, only4, oneline);
    if (isPrefix(obj, 'link', 1)) return ipLink(g, rest);
    if (isPrefix(obj, 'rule', 2)) return ipRule(g, rest);
    if (isPrefix(obj, 'route', 1)) return ipRoute(g, rest);
    return fail(`Object "${obj}" is unknown, try "ip help".\n`, 1);
  };
}

type Link = NicView | 'lo';

/** The links `ip addr|link show [dev] DEV` lists: all (lo first), or the one named. */
function linksNamed(g: GuestSession, devArg: string | undefined): Link[] | ExecResult {
  const list = g.nics();
  if (devArg && devArg !== 'lo' && !list.some((n) => n.dev === devArg)) return fail(`Device "${devArg}" does not exist.\n`);
  return (['lo' as const, ...list] as Link[]).filter((n) => !devArg || (n === 'lo' ? devArg === 'lo' : n.dev === devArg));
}

function fmtLink(n: Link, withLink: boolean, mode: string): string[] {
  if (n === 'lo') {
    const l = [`1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN ${mode}group default qlen 1000`];
    if (withLink) l.push('    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00');
    return l;
  }
  const flags = n.up ? '<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP' : '<BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN';
  const l = [`${n.index}: ${n.dev}: ${flags} ${mode}group default qlen 1000`];
  if (withLink) l.push(`    link/ether ${n.mac} brd ff:ff:ff:ff:ff:ff`);
  return l;
}

function fmtInet(a: string, dev: string, dynamic: boolean): string {
  const c = parseCidr(a)!;
  const brd = formatIp(c.end - 1);
  return `inet ${a} brd ${brd} scope global ${dynamic ? 'dynamic ' : ''}${dev}`;
}

function ipAddr(g: GuestSession, args: string[], only4: boolean, oneline: boolean): ExecResult {
  const [sub = 'show', ...rest] = args;
  if (isShow(sub) || sub === 'lst') {
    const targets = linksNamed(g, rest.filter((a) => a !== 'dev' && a !== 'up')[0]);
    if (!Array.isArray(targets)) return targets;
    const out: string[] = [];
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
  if (sub === 'add' || isDelete(sub) || sub === 'flush') {
    const o = opts(rest);
    const devName = o.dev ?? (sub === 'flush' ? o._[0] : undefined);
    if (!devName) return fail('Not enough information: "dev" argument is required.\n');
    const nic = g.byDev(devName);
    if (!nic) return noSuchDevice(devName);
    const state = g.state().nics.get(nic.eniId)!;
    if (sub === 'flush') {
      state.addrs = [];
      dropUnreachableRoutes(g.state(), state.eniId);
      return ok();
    }
    const a = o._[0];
    if (!a || !parseCidr(a)) return fail(`Error: inet prefix is expected rather than "${a ?? ''}".\n`);
    const addr = a.includes('/') ? a : `${a}/32`;
    const exists = state.addrs.findIndex((x) => addressOf(x) === addressOf(addr));
    if (sub === 'add') {
      if (exists >= 0) return FILE_EXISTS;
      state.addrs.push(addr);
      return ok();
    }
    if (exists < 0) return fail('RTNETLINK answers: Cannot assign requested address\n', 2);
    state.addrs.splice(exists, 1);
    dropUnreachableRoutes(g.state(), state.eniId);
    return ok();
  }
  return fail(`Command "${sub}" is unknown, try "ip address help".\n`);
}

export function ipLink(g: GuestSession, args: string[]): ExecResult {
  const [sub = 'show', ...rest] = args;
  if (isShow(sub)) {
    const targets = linksNamed(g, rest.filter((a) => a !== 'dev')[0]);
    if (!Array.isArray(targets)) return targets;
    return ok(`${targets.flatMap((n) => fmtLink(n, true, 'mode DEFAULT ')).join('\n')}\n`);
  }
  if (sub === 'set') {
    const words = rest.filter((a) => a !== 'dev');
    const devName = words[0];
    if (!devName) return fail('Not enough information: "dev" argument is required.\n');
    const nic = g.byDev(devName);
    if (!nic && devName !== 'lo') return noSuchDevice(devName);
    if (!nic) return ok();
    const state = g.state().nics.get(nic.eniId)!;
    if (words.includes('up')) state.up = true;
    if (words.includes('down')) {
      state.up = false;
      g.state().routes = g.state().routes.filter((r) => r.eniId !== nic.eniId);
    }
    return ok();
  }
  return fail(`Command "${sub}" is unknown, try "ip link help".\n`);
}
