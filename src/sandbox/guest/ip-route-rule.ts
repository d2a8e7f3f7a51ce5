// `ip route` (show, get, add, replace, change, append, del, flush) and `ip rule` (show, add, del) of the modelled
// guest, with iproute2's wording and exit codes for the errors scripts meet.
import { cidrContains, isIp, canonicalCidr } from '../ip.ts';
import { fail, ok, type ExecResult } from '../shell/shell-runtime.ts';
import { allRoutes, allRules, localIps, routeLookup } from './guest-routing.ts';
import { LOCAL_TABLE, MAIN_TABLE, nextRulePriority, tableName, type GuestRoute } from './guest-state.ts';
import type { GuestSession } from './guest-sync.ts';
import { FILE_EXISTS, fmtFrom, invalidTable, isDelete, isShow, noSuchDevice, opts, parseTable, prefixArg } from './ip-command-args.ts';

function fmtRoute(g: GuestSession, r: GuestRoute, withTable: boolean): string {
  const dev = g.state().nics.get(r.eniId)?.dev ?? '?';
  let s = r.dest === 'default' ? 'default' : r.dest;
  if (r.via) s += ` via ${r.via}`;
  s += ` dev ${dev}`;
  if (withTable && r.table !== MAIN_TABLE) s += ` table ${tableName(r.table)}`;
  if (r.proto !== 'boot') s += ` proto ${r.proto}`;
  if (r.proto === 'kernel') s += ' scope link';
  if (r.src) s += ` src ${r.src}`;
  if (r.metric !== undefined) s += ` metric ${r.metric}`;
  return s;
}

export function ipRoute(g: GuestSession, args: string[]): ExecResult {
  const [sub = 'show', ...rest] = args;
  g.nics();
  const st = () => g.state();
  if (isShow(sub)) {
    const o = opts(rest);
    const all = o.table === 'all';
    const table = all ? undefined : parseTable(o.table);
    if (!all && table === undefined) return invalidTable(o.table);
    const routes = allRoutes(st()).filter((r) => (all ? r.table !== LOCAL_TABLE : r.table === table));
    const order = (r: GuestRoute) => (r.dest === 'default' ? 0 : 1);
    const out = routes.sort((a, b) => a.table - b.table || order(a) - order(b) || (a.metric ?? 0) - (b.metric ?? 0)).map((r) => fmtRoute(g, r, all));
    return ok(out.length ? `${out.join('\n')}\n` : '');
  }
  if (sub === 'get') {
    const o = opts(rest);
    const dst = o._[0];
    if (!dst || !isIp(dst)) return fail(`Error: any valid prefix is expected rather than "${dst ?? ''}".\n`);
    const d = routeLookup(st(), dst, o.from);
    if (!d) return fail('RTNETLINK answers: Network is unreachable\n', 2);
    return ok(`${dst}${d.via ? ` via ${d.via}` : ''} dev ${d.nic.dev}${d.route.table !== MAIN_TABLE ? ` table ${tableName(d.route.table)}` : ''} src ${d.src} uid 0 \n    cache \n`);
  }
  if (sub === 'flush') {
    const o = opts(rest);
    if (o._[0] === 'cache') return ok();
    const table = parseTable(o.table);
    if (table === undefined) return invalidTable(o.table);
    st().routes = st().routes.filter((r) => r.table !== table || (o.dev !== undefined && st().nics.get(r.eniId)?.dev !== o.dev));
    return ok();
  }
  if (sub === 'add' || sub === 'replace' || sub === 'append' || isDelete(sub) || sub === 'change') {
    const o = opts(rest.filter((a) => a !== 'unicast' && a !== 'onlink'));
    const destRaw = o._[0];
    if (!destRaw) return fail('Error: either "to" is duplicate, or "default" is a garbage.\n');
    const dest = destRaw === 'default' || destRaw === '0.0.0.0/0' ? 'default' : prefixArg(destRaw);
    if (!dest) return fail(`Error: inet prefix is expected rather than "${destRaw}".\n`);
    const table = parseTable(o.table);
    if (table === undefined) return invalidTable(o.table);
    const metricRaw = o.metric ?? o.preference ?? o.priority;
    const metric = metricRaw === undefined ? undefined : Number(metricRaw);
    if (o.via !== undefined && !isIp(o.via)) return fail(`Error: inet address is expected rather than "${o.via}".\n`);
    const s = st();
    if (isDelete(sub)) {
      const idx = s.routes.findIndex((r) => r.table === table && r.dest === dest && (o.via === undefined || r.via === o.via)
        && (o.dev === undefined || s.nics.get(r.eniId)?.dev === o.dev) && (metric === undefined || (r.metric ?? 0) === metric));
      if (idx < 0) return fail('RTNETLINK answers: No such process\n', 2);
      s.routes.splice(idx, 1);
      return ok();
    }
    let nic = o.dev !== undefined ? g.byDev(o.dev) : undefined;
    if (o.dev !== undefined && !nic) return noSuchDevice(o.dev);
    if (!nic && o.via) {
      const gwVia = o.via;
      const onLink = allRoutes(s).find((r) => r.proto === 'kernel' && r.dest !== 'default' && cidrContains(r.dest, gwVia));
      nic = onLink ? g.nics().find((n) => n.eniId === onLink.eniId) : undefined;
      if (!nic) return fail('Error: Nexthop has invalid gateway.\n', 2);
    }
    if (!nic) return fail('Error: Device for nexthop is not up.\n', 2);
    const state = s.nics.get(nic.eniId)!;
    if (!state.up) return fail('Error: Nexthop device is not up.\n', 2);
    if (o.via && !rest.includes('onlink') && !state.addrs.some((a) => cidrContains(canonicalCidr(a), o.via!))) return fail('Error: Nexthop has invalid gateway.\n', 2);
    if (o.src && !localIps(s).includes(o.src)) return fail('Error: Invalid prefsrc address.\n', 2);
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
}

export function ipRule(g: GuestSession, args: string[]): ExecResult {
  const [sub = 'show', ...rest] = args;
  g.nics();
  if (isShow(sub)) {
    const out = allRules(g.state()).map((r) => `${r.priority}:\tfrom ${fmtFrom(r.from)} lookup ${tableName(r.table)}`);
    return ok(`${out.join('\n')}\n`);
  }
  if (sub === 'add' || isDelete(sub)) {
    const o = opts(rest);
    const fromRaw = o.from ?? 'all';
    const from = fromRaw === 'all' || fromRaw === '0/0' || fromRaw === '0.0.0.0/0' ? 'all' : prefixArg(fromRaw);
    if (!from) return fail(`Error: inet prefix is expected rather than "${fromRaw}".\n`);
    const tableRaw = o.table ?? o.lookup;
    const table = tableRaw === undefined ? (sub === 'add' ? MAIN_TABLE : undefined) : parseTable(tableRaw);
    if (tableRaw !== undefined && table === undefined) return fail(`Error: argument "${tableRaw}" is wrong: invalid table ID\n\n`);
    const prioRaw = o.priority ?? o.pref ?? o.preference ?? o.prio;
    const priority = prioRaw === undefined ? undefined : Number(prioRaw);
    const s = g.state();
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
}
