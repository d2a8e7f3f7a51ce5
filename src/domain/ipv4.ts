// IPv4 arithmetic on unsigned 32-bit numbers. Garbage in → undefined/false out; nothing throws.

export function parseIpv4(s: string): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\s*$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    // '01' is ambiguous (octal in some parsers); Alibaba never prints it, so refuse it.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const o = Number(part);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join('.');
}

export interface Ipv4Range {
  /** First address (inclusive). */
  start: number;
  /** Last address (inclusive). */
  end: number;
  prefix: number;
}

/** '10.0.0.0/8' → range; a bare address counts as /32. Host bits set ('10.0.0.5/8') are tolerated like Alibaba does. */
export function parseCidr(s: string): Ipv4Range | undefined {
  if (typeof s !== 'string') return undefined;
  const [ipPart, prefixPart, ...extra] = s.trim().split('/');
  if (extra.length > 0 || ipPart === undefined) return undefined;
  const ip = parseIpv4(ipPart);
  if (ip === undefined) return undefined;
  let prefix = 32;
  if (prefixPart !== undefined) {
    if (!/^\d{1,2}$/.test(prefixPart)) return undefined;
    prefix = Number(prefixPart);
    if (prefix > 32) return undefined;
  }
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ip / size) * size;
  return { start, end: start + size - 1, prefix };
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const n = parseIpv4(ip);
  const r = parseCidr(cidr);
  return n !== undefined && r !== undefined && n >= r.start && n <= r.end;
}

// Addresses that are never someone's public egress IP. Documentation ranges (192.0.2/24, 198.51.100/24,
// 203.0.113/24) are deliberately NOT here: fixtures and the sandbox use them as public addresses.
const NON_PUBLIC: readonly Ipv4Range[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
  '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4',
].map((c) => parseCidr(c)!);

export function isPublicIpv4(ip: string): boolean {
  const n = parseIpv4(ip);
  if (n === undefined) return false;
  return !NON_PUBLIC.some((r) => n >= r.start && n <= r.end);
}

/** Does the CIDR contain at least one public address? ('0.0.0.0/0' yes, '10.0.0.0/8' no, '10.0.0.0/7' yes: 11/8.) */
export function cidrHasPublicAddress(cidr: string): boolean {
  const r = parseCidr(cidr);
  if (!r) return false;
  // Walk the range, jumping over non-public blocks; anything left uncovered is public.
  let cursor = r.start;
  const sorted = [...NON_PUBLIC].sort((a, b) => a.start - b.start);
  for (const block of sorted) {
    if (block.end < cursor) continue;
    if (block.start > cursor) return true; // gap before this block
    cursor = block.end + 1;
    if (cursor > r.end) return false;
  }
  return cursor <= r.end;
}

/** Is range `inner` entirely inside range `outer`? */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && i.start >= o.start && i.end <= o.end;
}
