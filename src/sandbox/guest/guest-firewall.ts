// The Linux host firewall of a modelled guest: the INPUT chain as netfilter evaluates it for a new inbound
// connection, printed as `iptables-save` (iptables-save(8)) or `nft list ruleset` (nft(8)) print it, and changed by
// `iptables -A|-I|-D|-C INPUT …` (iptables(8)) and `nft add|insert rule inet filter input …`.
// Runtime rules live for one boot. A boot loads what the image's firewall service reads from disk (firewallFileOf):
// the scenario's rules are that file's first content; a script that saves the runtime rules there (`iptables-save >
// /etc/sysconfig/iptables`, `nft list ruleset > /etc/nftables.conf`) changes what the next boot loads.
import { canonicalCidr, cidrContains } from '../ip.ts';
import type { InstanceState } from '../model/cloud-resources.ts';
import { imageOf, type GuestImage } from './guest-images.ts';
import { fail, ok, type ExecResult } from '../shell/shell-runtime.ts';
import type { FirewallRule, LinuxFirewallSpec } from './guest-services-spec.ts';

export interface FirewallState { backend: 'iptables' | 'nftables'; policy: 'ACCEPT' | 'DROP'; rules: FirewallRule[] }

const runtime = new WeakMap<InstanceState, { bootId: number; fw: FirewallState; sysctl: Map<string, number> }>();

/**
 * Where the image's boot-time firewall service reads its rules:
 * - iptables on the Red Hat family (Alibaba Cloud Linux 2/3, CentOS 7): iptables-services' iptables.service runs
 *   `iptables-restore /etc/sysconfig/iptables` (and `service iptables save` writes it);
 * - iptables on Debian and Ubuntu: iptables-persistent's netfilter-persistent restores /etc/iptables/rules.v4;
 * - nftables: nftables.service runs `nft -f /etc/sysconfig/nftables.conf` on the Red Hat family and
 *   `nft -f /etc/nftables.conf` on Debian and Ubuntu (each distribution's unit file).
 * firewalld is not modelled.
 */
export function firewallFileOf(image: GuestImage | undefined, backend: FirewallState['backend']): string {
  const debianLike = /^ID="?(debian|ubuntu)/m.test(imageOf(image).osRelease);
  if (backend === 'nftables') return debianLike ? '/etc/nftables.conf' : '/etc/sysconfig/nftables.conf';
  return debianLike ? '/etc/iptables/rules.v4' : '/etc/sysconfig/iptables';
}

/** The scenario's firewall as the image ships it on disk (undefined: no firewall configured). */
export function shippedFirewallFile(inst: InstanceState): [string, string] | undefined {
  const spec = (inst.guest as { firewall?: LinuxFirewallSpec }).firewall;
  if (!spec || imageOf(inst.guest.image).osType !== 'linux') return undefined;
  const fw: FirewallState = { backend: spec.backend, policy: spec.inputPolicy, rules: spec.rules };
  const text = fw.backend === 'iptables' ? iptablesSave(fw, new Date(0)) : `flush ruleset\n${nftListRuleset(fw)}`;
  return [firewallFileOf(inst.guest.image, spec.backend), text];
}

/** What the boot-time service loads from the file: the INPUT policy and rules (iptables-restore / nft -f input). */
export function loadFirewallFile(text: string, backend: FirewallState['backend']): FirewallState | undefined {
  const fw: FirewallState = { backend, policy: 'ACCEPT', rules: [] };
  let filter = backend === 'nftables';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (backend === 'iptables') {
      if (line.startsWith('*')) filter = line === '*filter';
      if (!filter) continue;
      const pol = /^:INPUT (ACCEPT|DROP)\b/.exec(line);
      if (pol) fw.policy = pol[1] as FirewallState['policy'];
      if (!line.startsWith('-A INPUT ')) continue;
      const rule = parseIptablesRule(line.slice('-A INPUT '.length).split(/\s+/));
      if (typeof rule === 'string') return undefined; // iptables-restore refuses the whole file
      fw.rules.push(rule);
    } else {
      const pol = /^type filter hook input .*policy (accept|drop);/.exec(line);
      if (pol) { fw.policy = pol[1]!.toUpperCase() as FirewallState['policy']; continue; }
      if (!line || line.startsWith('#') || /^(flush|table|chain|type|\}|policy)\b/.test(line)) continue;
      const rule = parseNftRule(line.split(/\s+/));
      if (typeof rule === 'string') return undefined; // nft -f refuses the whole file
      fw.rules.push(rule);
    }
  }
  return fw;
}

/** The guest's runtime netfilter state and sysctl overrides for the current boot. */
export function runtimeOf(inst: InstanceState): { fw: FirewallState; sysctl: Map<string, number> } {
  let r = runtime.get(inst);
  if (!r || r.bootId !== inst.bootId) {
    const spec: LinuxFirewallSpec = (inst.guest as { firewall?: LinuxFirewallSpec }).firewall ?? { backend: 'iptables', inputPolicy: 'ACCEPT', rules: [] };
    const fromSpec: FirewallState = { backend: spec.backend, policy: spec.inputPolicy, rules: spec.rules.map((x) => ({ ...x })) };
    // A file written by the guest (saved rules) wins over the one the image shipped with (the scenario's rules).
    const saved = inst.guestState?.files.get(firewallFileOf(inst.guest.image, spec.backend));
    const loaded = saved !== undefined ? loadFirewallFile(saved, spec.backend) : undefined;
    // A file the service cannot read loads nothing: the chain stays empty with policy ACCEPT (the unit fails).
    const fw = saved === undefined ? fromSpec : loaded ?? { backend: spec.backend, policy: 'ACCEPT' as const, rules: [] };
    r = { bootId: inst.bootId, fw, sysctl: new Map() };
    runtime.set(inst, r);
  }
  return r;
}

/** A new TCP/UDP connection as the INPUT chain sees it. */
export interface InboundPacket { inDev: string; src: string; dst: string; protocol: 'tcp' | 'udp'; dport: number }

const ifaceMatches = (pattern: string, dev: string) => (pattern.endsWith('+') ? dev.startsWith(pattern.slice(0, -1)) : pattern === dev);

/** Does the rule match a packet opening a NEW connection? (A state match without NEW never does.) */
export function ruleMatches(r: FirewallRule, p: InboundPacket): boolean {
  if (r.inInterface && !ifaceMatches(r.inInterface, p.inDev)) return false;
  if (r.source && !cidrContains(canonicalCidr(withPrefix(r.source)), p.src)) return false;
  if (r.destination && !cidrContains(canonicalCidr(withPrefix(r.destination)), p.dst)) return false;
  if (r.protocol && r.protocol !== p.protocol) return false;
  if (r.dport !== undefined && r.dport !== p.dport) return false;
  if (r.state && !r.state.toUpperCase().split(',').includes('NEW')) return false;
  return true;
}

/** First matching rule wins; none → the chain's policy. */
export function evaluateInput(fw: FirewallState, p: InboundPacket): { verdict: 'ACCEPT' | 'DROP' | 'REJECT'; rule?: FirewallRule } {
  const rule = fw.rules.find((r) => ruleMatches(r, p));
  return rule ? { verdict: rule.target, rule } : { verdict: fw.policy };
}

const withPrefix = (a: string) => (a.includes('/') ? a : `${a}/32`);

/** A rule the way iptables-save prints it: -s, -d, -i, -p, matches, -j (iptables-save(8)). */
export function iptablesRuleText(r: FirewallRule): string {
  const parts = ['-A INPUT'];
  if (r.source) parts.push(`-s ${canonicalCidr(withPrefix(r.source))}`);
  if (r.destination) parts.push(`-d ${canonicalCidr(withPrefix(r.destination))}`);
  if (r.inInterface) parts.push(`-i ${r.inInterface}`);
  if (r.protocol) parts.push(`-p ${r.protocol}`);
  if (r.state) parts.push(`-m state --state ${r.state.toUpperCase()}`);
  if (r.dport !== undefined && r.protocol) parts.push(`-m ${r.protocol} --dport ${r.dport}`);
  parts.push(`-j ${r.target}`);
  return parts.join(' ');
}

/** `iptables-save` (iptables-legacy v1.8): the filter table; nothing when the rules live in native nftables. */
export function iptablesSave(fw: FirewallState, now: Date): string {
  if (fw.backend !== 'iptables') return '';
  const stamp = now.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, d, dd, mo, y, t) => `${d} ${mo} ${String(dd).padStart(2, ' ')} ${t} ${y}`);
  return [
    `# Generated by iptables-save v1.8.4 on ${stamp}`,
    '*filter',
    `:INPUT ${fw.policy} [0:0]`,
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...fw.rules.map(iptablesRuleText),
    'COMMIT',
    `# Completed on ${stamp}`,
    '',
  ].join('\n');
}

/** One rule in nft syntax (nft(8) "PAYLOAD EXPRESSION", "CONNTRACK EXPRESSION"). */
export function nftRuleText(r: FirewallRule): string {
  const parts: string[] = [];
  if (r.inInterface) parts.push(`iifname "${r.inInterface.endsWith('+') ? `${r.inInterface.slice(0, -1)}*` : r.inInterface}"`);
  if (r.source) parts.push(`ip saddr ${nftAddr(r.source)}`);
  if (r.destination) parts.push(`ip daddr ${nftAddr(r.destination)}`);
  if (r.state) parts.push(`ct state ${r.state.toLowerCase()}`);
  if (r.protocol && r.dport !== undefined) parts.push(`${r.protocol} dport ${r.dport}`);
  else if (r.protocol) parts.push(`meta l4proto ${r.protocol}`);
  parts.push(r.target === 'REJECT' ? 'reject' : r.target.toLowerCase());
  return parts.join(' ');
}

const nftAddr = (a: string) => (a.endsWith('/32') ? a.slice(0, -3) : a.includes('/') ? canonicalCidr(a) : a);

/** `nft list ruleset`: the native table; empty under iptables-legacy (its rules are not in nftables). */
export function nftListRuleset(fw: FirewallState): string {
  if (fw.backend !== 'nftables') return '';
  return [
    'table inet filter {',
    '\tchain input {',
    `\t\ttype filter hook input priority filter; policy ${fw.policy.toLowerCase()};`,
    ...fw.rules.map((r) => `\t\t${nftRuleText(r)}`),
    '\t}',
    '}',
    '',
  ].join('\n');
}

/** Parses the rule part of `iptables -A INPUT …` (the options iptables-save prints, plus `-m conntrack --ctstate`). */
function parseIptablesRule(args: string[]): FirewallRule | string {
  const r: Partial<FirewallRule> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    const take = () => { i++; return v ?? ''; };
    if (a === '-i' || a === '--in-interface') r.inInterface = take();
    else if (a === '-s' || a === '--source') r.source = take();
    else if (a === '-d' || a === '--destination') r.destination = take();
    else if (a === '-p' || a === '--protocol') { const p = take().toLowerCase(); if (p !== 'tcp' && p !== 'udp' && p !== 'icmp') return `unknown protocol "${p}" specified`; r.protocol = p; }
    else if (a === '--dport' || a === '--destination-port') r.dport = Number(take());
    else if (a === '--state' || a === '--ctstate') r.state = take().toUpperCase();
    else if (a === '-m' || a === '--match') take();
    else if (a === '-j' || a === '--jump') { const t = take().toUpperCase(); if (t !== 'ACCEPT' && t !== 'DROP' && t !== 'REJECT') return `Couldn't load target \`${t}'`; r.target = t; }
    else return `unknown option "${a}"`;
  }
  if (!r.target) return 'no target given';
  return r as FirewallRule;
}

const sameRule = (a: FirewallRule, b: FirewallRule) => iptablesRuleText(a) === iptablesRuleText(b);

/** `iptables [-w] -A|-I|-D|-C INPUT [pos] rule…` and `iptables -P INPUT policy`. */
export function iptablesCommand(fw: FirewallState, argsIn: string[]): ExecResult {
  const args = argsIn.filter((a) => a !== '-w' && a !== '--wait');
  if (fw.backend !== 'iptables') return fail('iptables v1.8.4 (legacy): can\'t initialize iptables table `filter\': Table does not exist (do you need to insmod?)\n', 3);
  const [op, chain, ...rest] = args;
  if (chain !== 'INPUT') return fail(`iptables: No chain/target/match by that name.\n`, 1);
  if (op === '-P') { const p = rest[0]?.toUpperCase(); if (p !== 'ACCEPT' && p !== 'DROP') return fail('iptables: Bad policy name.\n', 2); fw.policy = p; return ok(); }
  let pos: number | undefined;
  if (op === '-I' && rest[0] && /^\d+$/.test(rest[0])) pos = Number(rest.shift()) - 1;
  const rule = parseIptablesRule(rest);
  if (typeof rule === 'string') return fail(`iptables v1.8.4 (legacy): ${rule}\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
  const at = fw.rules.findIndex((r) => sameRule(r, rule));
  switch (op) {
    case '-A': fw.rules.push(rule); return ok();
    case '-I': fw.rules.splice(pos ?? 0, 0, rule); return ok();
    case '-C': return at >= 0 ? ok() : fail('iptables: Bad rule (does a matching rule exist in that chain?).\n', 1);
    case '-D': if (at < 0) return fail('iptables: Bad rule (does a matching rule exist in that chain?).\n', 1); fw.rules.splice(at, 1); return ok();
    default: return fail(`iptables v1.8.4 (legacy): unknown option "${op ?? ''}"\n`, 2);
  }
}

/** Parses an nft rule in the subset nftRuleText prints. */
function parseNftRule(tokens: string[]): FirewallRule | string {
  const r: Partial<FirewallRule> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = () => tokens[++i] ?? '';
    if (t === 'iifname') { const v = next().replace(/^"|"$/g, ''); r.inInterface = v.endsWith('*') ? `${v.slice(0, -1)}+` : v; }
    else if (t === 'ip') { const k = next(); const v = next(); if (k === 'saddr') r.source = v; else if (k === 'daddr') r.destination = v; else return `syntax error near "${k}"`; }
    else if (t === 'ct') { next(); r.state = next().toUpperCase(); }
    else if (t === 'tcp' || t === 'udp') { r.protocol = t; if (next() !== 'dport') return 'syntax error: expected dport'; r.dport = Number(next()); }
    else if (t === 'meta') { next(); const p = next(); if (p === 'tcp' || p === 'udp' || p === 'icmp') r.protocol = p; }
    else if (t === 'accept' || t === 'drop' || t === 'reject') r.target = t.toUpperCase() as FirewallRule['target'];
    else return `syntax error, unexpected "${t}"`;
  }
  if (!r.target) return 'syntax error: the rule has no verdict';
  return r as FirewallRule;
}

/** `nft list ruleset` and `nft add|insert rule inet filter input …`. */
export function nftCommand(fw: FirewallState, args: string[]): ExecResult {
  if (args[0] === 'list' && args[1] === 'ruleset') return ok(nftListRuleset(fw));
  if ((args[0] === 'add' || args[0] === 'insert') && args[1] === 'rule') {
    if (fw.backend !== 'nftables' || args[2] !== 'inet' || args[3] !== 'filter' || args[4] !== 'input') {
      return fail(`Error: No such file or directory; did you mean table 'filter' in family inet?\n`, 1);
    }
    const rule = parseNftRule(args.slice(5));
    if (typeof rule === 'string') return fail(`Error: ${rule}\n`, 1);
    if (args[0] === 'add') fw.rules.push(rule); else fw.rules.unshift(rule);
    return ok();
  }
  return fail(`Error: syntax error, unexpected ${args[0] ?? 'end of file'}\n`, 1);
}
