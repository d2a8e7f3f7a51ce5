// Linux routing inside the guest: the kernel's connected routes, policy rules, route selection, and the question
// the public edge asks — would replies to a NIC's address leave through that same NIC?
import { canonicalCidr, cidrContains, prefixOf } from '../ip.ts';
import type { EniState } from '../model/cloud-resources.ts';
import type { GuestSession } from './guest-sync.ts';
import { addressOf, DEFAULT_TABLE, LOCAL_TABLE, MAIN_TABLE, type GuestNicState, type GuestRoute, type GuestRule, type GuestState } from './guest-state.ts';

/** Connected routes the kernel derives from the addresses of up links, plus the stored ones. */
export function allRoutes(st: GuestState): GuestRoute[] {
  const kernel: GuestRoute[] = [];
  for (const nic of st.nics.values()) {
    if (!nic.up) continue;
    for (const a of nic.addrs) kernel.push({ table: MAIN_TABLE, dest: canonicalCidr(a), eniId: nic.eniId, proto: 'kernel', src: addressOf(a) });
  }
  return [...st.routes, ...kernel];
}

/** The stored rules plus the kernel's three defaults (local, main, default), by priority. */
export function allRules(st: GuestState): GuestRule[] {
  return [{ priority: 0, from: 'all', table: LOCAL_TABLE }, ...st.rules, { priority: 32766, from: 'all', table: MAIN_TABLE }, { priority: 32767, from: 'all', table: DEFAULT_TABLE }]
    .sort((a, b) => a.priority - b.priority);
}

interface RouteDecision { route: GuestRoute; nic: GuestNicState; src: string; via?: string }

/** Linux route selection: policy rules by priority, longest prefix then lowest metric within a table. */
export function routeLookup(st: GuestState, dst: string, src?: string): RouteDecision | undefined {
  const routes = allRoutes(st);
  for (const rule of allRules(st)) {
    if (rule.table === LOCAL_TABLE) continue;
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
    const first = nic.addrs[0];
    const chosen = src ?? best.src ?? (first === undefined ? undefined : addressOf(first));
    if (!chosen) continue;
    return { route: best, nic, src: chosen, via: best.via };
  }
  return undefined;
}

/** Every address configured on any NIC. */
export function localIps(st: GuestState): string[] {
  return [...st.nics.values()].flatMap((n) => n.addrs.map(addressOf));
}

/** Like the kernel: routes whose gateway is no longer on-link go away. */
export function dropUnreachableRoutes(st: GuestState, eniId: string): void {
  const nic = st.nics.get(eniId)!;
  st.routes = st.routes.filter((r) => r.eniId !== eniId || !r.via || (nic.up && nic.addrs.some((a) => cidrContains(canonicalCidr(a), r.via!))));
}

/**
 * Would the guest answer a connection from `clientIp` to `eni`'s IP out of that same NIC? Needs the link up,
 * the address configured, and a route for replies (sourced from that IP) that leaves through that NIC.
 */
export function replyPath(g: GuestSession, eni: EniState, clientIp: string): { ok: true } | { ok: false; reason: string } {
  g.nics();
  const st = g.state();
  const nic = st.nics.get(eni.networkInterfaceId);
  if (!nic) return { ok: false, reason: `the guest has no NIC for ${eni.networkInterfaceId}` };
  if (!nic.up) return { ok: false, reason: `${nic.dev} is down in the guest` };
  if (!nic.addrs.some((a) => addressOf(a) === eni.privateIp)) return { ok: false, reason: `${eni.privateIp} is not configured on ${nic.dev}` };
  const d = routeLookup(st, clientIp, eni.privateIp);
  if (!d) return { ok: false, reason: `the guest has no route back to ${clientIp} from ${eni.privateIp}` };
  if (d.nic.eniId !== eni.networkInterfaceId) {
    return { ok: false, reason: `replies from ${eni.privateIp} leave through ${d.nic.dev}, not ${nic.dev} (no source policy routing)` };
  }
  return { ok: true };
}
