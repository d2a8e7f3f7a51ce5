// The shell lines --configure-guest runs to mirror a host-firewall rule for the new NIC: the same rule with the
// primary NIC's interface and address swapped for the new one's ("$DEV", "$IP", set by the guest NIC script), placed
// just before the original, so nothing is opened wider than the rule it mirrors. Built from the parsed fields only,
// each checked against a strict pattern: guest output never reaches the script as text.
import type { InputRule } from './guest-listing.ts';
import type { FirewallMirror } from './service-exposure.ts';

const SAFE = { iface: /^[A-Za-z0-9_.-]+\+?$/, addr: /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, proto: /^(tcp|udp|icmp|all)$/, state: /^[A-Z]+(,[A-Z]+)*$/ };

function safe(r: InputRule): boolean {
  return (!r.inInterface || SAFE.iface.test(r.inInterface)) && (!r.source || SAFE.addr.test(r.source))
    && (!r.destination || SAFE.addr.test(r.destination)) && (!r.protocol || SAFE.proto.test(r.protocol))
    && (!r.state || SAFE.state.test(r.state)) && ['ACCEPT', 'DROP', 'REJECT'].includes(r.target);
}

/** The rule for the new NIC: the primary's interface → $DEV, a host match on the primary IP → $IP. */
function swapped(m: FirewallMirror): { iface?: string; dst?: string } {
  const r = m.rule;
  const iface = r.inInterface === m.primaryDev ? '"$DEV"' : r.inInterface;
  const dst = r.destination && (r.destination === m.primaryIp || r.destination === `${m.primaryIp}/32`) ? '"$IP"/32' : r.destination;
  return { ...(iface ? { iface } : {}), ...(dst ? { dst } : {}) };
}

function iptablesSpec(m: FirewallMirror): string {
  const r = m.rule;
  const s = swapped(m);
  const p: string[] = [];
  if (r.source) p.push(`-s ${r.source}`);
  if (s.dst) p.push(`-d ${s.dst}`);
  if (s.iface) p.push(`-i ${s.iface}`);
  if (r.protocol) p.push(`-p ${r.protocol}`);
  if (r.state) p.push(`-m state --state ${r.state}`);
  if (r.dport !== undefined && r.protocol) p.push(`-m ${r.protocol} --dport ${r.dport}`);
  p.push(`-j ${r.target}`);
  return p.join(' ');
}

function nftSpec(m: FirewallMirror): string {
  const r = m.rule;
  const s = swapped(m);
  const p: string[] = [];
  if (s.iface) p.push(`iifname ${s.iface}`);
  if (r.source) p.push(`ip saddr ${r.source}`);
  if (s.dst) p.push(`ip daddr ${s.dst.replace('/32', '')}`);
  if (r.state) p.push(`ct state ${r.state.toLowerCase()}`);
  if (r.protocol && r.dport !== undefined) p.push(`${r.protocol} dport ${r.dport}`);
  p.push(r.target.toLowerCase());
  return p.join(' ');
}

/**
 * Idempotent lines (a re-run changes nothing): iptables checks with -C before inserting at the original's position;
 * mirrors go in from the last position to the first so each position still names its original.
 */
export function firewallMirrorLines(mirrors: readonly FirewallMirror[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const m of [...mirrors].sort((a, b) => b.position - a.position)) {
    if (!safe(m.rule)) continue;
    if (m.backend === 'iptables') {
      const spec = iptablesSpec(m);
      if (seen.has(spec)) continue;
      seen.add(spec);
      lines.push(`iptables -w -C INPUT ${spec} 2>/dev/null || iptables -w -I INPUT ${m.position} ${spec}`);
    } else {
      const c = m.nftChain ?? { family: 'inet', table: 'filter', chain: 'input' };
      if (![c.family, c.table, c.chain].every((x) => /^[A-Za-z0-9_-]+$/.test(x))) continue;
      const spec = nftSpec(m);
      if (seen.has(spec)) continue;
      seen.add(spec);
      lines.push(`nft list ruleset | grep -qF -- "${spec.replace(/"/g, '\\"')}" || nft insert rule ${c.family} ${c.table} ${c.chain} ${spec}`);
    }
  }
  return lines;
}

/**
 * The mirrored rules, saved where the guest's boot-time firewall service loads them, so they survive a reboot (the
 * runtime `iptables -I` / `nft insert` alone lasts one boot). The file already holding the guest's rules wins (the
 * rule being mirrored came from it); else the distribution's usual one:
 * - iptables: /etc/sysconfig/iptables (iptables-services on Alibaba Cloud Linux and CentOS: `service iptables save`
 *   writes exactly `iptables-save`'s output there) or /etc/iptables/rules.v4 (iptables-persistent on Debian/Ubuntu);
 * - nftables: /etc/sysconfig/nftables.conf (Red Hat family) or /etc/nftables.conf (Debian/Ubuntu), each the file its
 *   nftables.service passes to `nft -f`; `flush ruleset` first, as those files start.
 * firewalld's permanent configuration is not handled (`firewall-cmd --permanent`): such a guest's mirror lasts one boot.
 */
export function firewallPersistLines(mirrors: readonly FirewallMirror[]): string[] {
  const backends = new Set(mirrors.filter((m) => safe(m.rule)).map((m) => m.backend));
  const pick = (rh: string, deb: string) => [
    'FWFILE=""',
    `for F in ${rh} ${deb}; do if [ -f "$F" ]; then FWFILE="$F"; fi; done`,
    `if [ -z "$FWFILE" ]; then if grep -qE '^ID="?(debian|ubuntu)' /etc/os-release; then FWFILE=${deb}; else FWFILE=${rh}; fi; fi`,
  ];
  const lines: string[] = [];
  if (backends.has('iptables')) {
    lines.push(...pick('/etc/sysconfig/iptables', '/etc/iptables/rules.v4'), 'iptables-save > "$FWFILE"', 'echo "saved the iptables rules to $FWFILE"');
  }
  if (backends.has('nftables')) {
    lines.push(...pick('/etc/sysconfig/nftables.conf', '/etc/nftables.conf'), 'echo "flush ruleset" > "$FWFILE"', 'nft list ruleset >> "$FWFILE"', 'echo "saved the nftables ruleset to $FWFILE"');
  }
  return lines;
}
