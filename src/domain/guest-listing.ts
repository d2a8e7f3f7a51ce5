// Reading a Linux guest's own account of its network services, as the standard tools print it: `ss -Hltnup`
// (ss(8)), `iptables-save` (iptables-save(8)), `nft list ruleset` (nft(8)), `sysctl …rp_filter` (sysctl(8)) and
// `ip -o addr` (ip-address(8)). Pure: text in, facts out; anything not understood is kept as "opaque" rather than
// guessed at, so the assessment can say it could not tell.

/** One listening socket. `bindIp` '0.0.0.0' = every address; `device`: bound to one interface (`%eth0`). */
export interface ListeningSocket { protocol: 'tcp' | 'udp'; bindIp: string; port: number; device?: string; process?: string }

/** One INPUT rule as far as a new inbound connection is concerned. */
export interface InputRule {
  inInterface?: string;
  source?: string;
  destination?: string;
  protocol?: string;
  dport?: number;
  /** Connection-state match (upper case, comma-separated); a rule whose states exclude NEW never matches a new connection. */
  state?: string;
  target: string;
  /** The rule as the tool printed it (shown to people; untrusted). */
  text: string;
  /** Options this parser does not model (other matches, a jump to a user chain): the rule's effect is unknown. */
  opaque?: boolean;
}

export interface InputChain {
  backend: 'iptables' | 'nftables'; policy: string; rules: InputRule[];
  /** nftables: the chain's family, table and name (`inet filter input`). */
  nftChain?: { family: string; table: string; chain: string };
}

export interface GuestNetworkFacts {
  listeners: ListeningSocket[];
  /** INPUT chains found (iptables filter table, nftables input hooks); empty = no host firewall rules. */
  chains: InputChain[];
  rpFilter: { all?: number; default?: number };
  /** Interface → IPv4 addresses. */
  addresses: Record<string, string[]>;
}

/** Splits the introspection script's output into its sections (`### name` lines). */
export function splitSections(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of output.split('\n')) {
    const m = /^### (\S+)$/.exec(line);
    if (m) { current = m[1]!; out[current] = ''; continue; }
    if (current !== undefined) out[current] += `${line}\n`;
  }
  return out;
}

/** `Address:Port` as ss prints it: `0.0.0.0:80`, `*:80`, `[::]:80`, `192.168.1.10%eth0:443`, `127.0.0.53%lo:53`. */
function splitLocal(s: string): { ip: string; port: number; device?: string } | undefined {
  const m = /^(\[[^\]]*\]|[^\s]*?)(?:%([^:\s]+))?:(\d+|\*)$/.exec(s);
  if (!m || m[3] === '*') return undefined;
  let ip = m[1]!;
  if (ip === '*' || ip === '[::]' || ip === '0.0.0.0') ip = '0.0.0.0';
  else if (ip.startsWith('[')) ip = ip.slice(1, -1);
  return { ip, port: Number(m[3]), ...(m[2] ? { device: m[2] } : {}) };
}

/** `ss -Hltnu[p]`: Netid State Recv-Q Send-Q Local Peer [Process]. A header line, if any, is skipped. */
export function parseSs(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6) continue;
    const [netid, state, , , local] = cols as [string, string, string, string, string];
    if (netid !== 'tcp' && netid !== 'udp') continue;
    if (netid === 'tcp' && state !== 'LISTEN') continue;
    const addr = splitLocal(local);
    if (!addr) continue;
    const proc = /users:\(\("([^"]*)"/.exec(line)?.[1];
    out.push({ protocol: netid, bindIp: addr.ip, port: addr.port, ...(addr.device ? { device: addr.device } : {}), ...(proc ? { process: proc } : {}) });
  }
  return out;
}

const KNOWN_IPT = new Set(['-A', '-s', '--source', '-d', '--destination', '-i', '--in-interface', '-p', '--protocol', '--dport', '--destination-port', '-m', '--match', '--state', '--ctstate', '-j', '--jump']);

/** One `-A INPUT …` line of iptables-save. */
export function parseIptablesRule(line: string): InputRule {
  const t = line.trim().split(/\s+/);
  const r: InputRule = { target: '', text: line.trim() };
  for (let i = 2; i < t.length; i++) {
    const a = t[i]!;
    const v = t[i + 1] ?? '';
    if (a === '!' || !KNOWN_IPT.has(a)) { r.opaque = true; continue; }
    i++;
    if (a === '-s' || a === '--source') r.source = v;
    else if (a === '-d' || a === '--destination') r.destination = v;
    else if (a === '-i' || a === '--in-interface') r.inInterface = v;
    else if (a === '-p' || a === '--protocol') r.protocol = v.toLowerCase();
    else if (a === '--dport' || a === '--destination-port') { if (/^\d+$/.test(v)) r.dport = Number(v); else r.opaque = true; }
    else if (a === '--state' || a === '--ctstate') r.state = v.toUpperCase();
    else if (a === '-m' || a === '--match') { if (!['tcp', 'udp', 'state', 'conntrack'].includes(v)) r.opaque = true; }
    else if (a === '-j' || a === '--jump') r.target = v;
  }
  if (!['ACCEPT', 'DROP', 'REJECT'].includes(r.target)) r.opaque = true;
  return r;
}

/** `iptables-save`: the INPUT chain of the filter table (other tables and chains are not on the inbound path we model). */
export function parseIptablesSave(text: string): InputChain | undefined {
  let table = '';
  let policy: string | undefined;
  const rules: InputRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) { table = line.slice(1); continue; }
    if (table !== 'filter') continue;
    const pol = /^:INPUT (\S+)/.exec(line);
    if (pol) { policy = pol[1]!; continue; }
    if (line.startsWith('-A INPUT ')) rules.push(parseIptablesRule(line));
  }
  return policy === undefined ? undefined : { backend: 'iptables', policy, rules };
}

/** One nft rule of an input chain (the statement forms nft(8) prints for the matches we model). */
export function parseNftRule(line: string): InputRule {
  const t = line.trim().split(/\s+/);
  const r: InputRule = { target: '', text: line.trim() };
  for (let i = 0; i < t.length; i++) {
    const a = t[i]!;
    const next = () => t[++i] ?? '';
    if (a === 'iifname' || a === 'iif') { const v = next().replace(/^"|"$/g, ''); r.inInterface = v.endsWith('*') ? `${v.slice(0, -1)}+` : v; }
    else if (a === 'ip') { const k = next(); const v = next(); if (k === 'saddr') r.source = v; else if (k === 'daddr') r.destination = v; else r.opaque = true; if (v.startsWith('{') || v.startsWith('@') || v === '!=') r.opaque = true; }
    else if (a === 'ct' && t[i + 1] === 'state') { i++; r.state = next().toUpperCase(); }
    else if ((a === 'tcp' || a === 'udp') && t[i + 1] === 'dport') { i++; r.protocol = a; const v = next(); if (/^\d+$/.test(v)) r.dport = Number(v); else r.opaque = true; }
    else if (a === 'meta' && t[i + 1] === 'l4proto') { i++; r.protocol = next(); }
    else if (a === 'accept' || a === 'drop' || a === 'reject') r.target = a.toUpperCase();
    else if (a === 'counter') { /* no effect on the verdict */ }
    else r.opaque = true;
  }
  if (!r.target) r.opaque = true;
  return r;
}

/** `nft list ruleset`: every chain hooked to input with a filter type. */
export function parseNftRuleset(text: string): InputChain[] {
  const chains: InputChain[] = [];
  let current: InputChain | undefined;
  let inChain = false;
  let table = { family: 'inet', table: 'filter' };
  let chainName = 'input';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const t = /^table (\w+) (\S+) \{$/.exec(line);
    if (t) { table = { family: t[1]!, table: t[2]! }; continue; }
    const c = /^chain (\S+) \{$/.exec(line);
    if (c) { inChain = true; current = undefined; chainName = c[1]!; continue; }
    if (!inChain) continue;
    if (line === '}') { if (current) chains.push(current); current = undefined; inChain = false; continue; }
    const hook = /type filter hook input priority [^;]+;(?:\s*policy (\w+);)?/.exec(line);
    if (hook) { current = { backend: 'nftables', policy: (hook[1] ?? 'accept').toUpperCase(), rules: [], nftChain: { ...table, chain: chainName } }; continue; }
    if (current && line) current.rules.push(parseNftRule(line));
  }
  return chains;
}

/** `sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter` → { all, default }. */
export function parseRpFilter(text: string): { all?: number; default?: number } {
  const out: { all?: number; default?: number } = {};
  for (const m of text.matchAll(/^net\.ipv4\.conf\.(all|default)\.rp_filter\s*=\s*(\d)\s*$/gm)) out[m[1] as 'all' | 'default'] = Number(m[2]);
  return out;
}

/** `ip -o addr`: `2: eth0    inet 192.168.1.10/24 brd … scope global dynamic eth0\ …` → { eth0: ['192.168.1.10'] }. */
export function parseIpOAddr(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of text.matchAll(/^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\//gm)) (out[m[1]!] ??= []).push(m[2]!);
  return out;
}

/** The introspection script's sections, parsed. */
export function parseGuestNetwork(sections: Record<string, string>): GuestNetworkFacts {
  const ipt = parseIptablesSave(sections['iptables-save'] ?? '');
  return {
    listeners: parseSs(sections.ss ?? ''),
    chains: [...(ipt && (ipt.rules.length > 0 || ipt.policy !== 'ACCEPT') ? [ipt] : []), ...parseNftRuleset(sections.nft ?? '')],
    rpFilter: parseRpFilter(sections.sysctl ?? ''),
    addresses: parseIpOAddr(sections.ip ?? ''),
  };
}
