// IPv4 arithmetic for the sandbox's network model. Addresses are handled as unsigned 32-bit numbers.

export function parseIp(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function isIp(s: string): boolean {
  return parseIp(s) !== undefined;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

interface Cidr {
  base: number;
  prefix: number;
  /** First address after the block. */
  end: number;
}

/** Parses 'a.b.c.d/n'; a bare address is a /32. Host bits are masked off like the kernel does. */
export function parseCidr(s: string): Cidr | undefined {
  const [ip, p] = s.trim().split('/');
  const addr = parseIp(ip ?? '');
  if (addr === undefined) return undefined;
  const prefix = p === undefined ? 32 : /^\d{1,2}$/.test(p) ? Number(p) : NaN;
  if (!(prefix >= 0 && prefix <= 32)) return undefined;
  const size = 2 ** (32 - prefix);
  const base = addr - (addr % size);
  return { base, prefix, end: base + size };
}

export function isCidr(s: string): boolean {
  return s.includes('/') && parseCidr(s) !== undefined;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIp(ip);
  return c !== undefined && a !== undefined && a >= c.base && a < c.end;
}

/** True when block `inner` lies entirely inside block `outer`. */
export function cidrWithin(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && i.base >= o.base && i.end <= o.end;
}

export function prefixOf(cidr: string): number {
  return parseCidr(cidr)?.prefix ?? 32;
}

export function netmask(prefix: number): string {
  return formatIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** The network address in canonical 'a.b.c.d/n' form. */
export function canonicalCidr(cidr: string): string {
  const c = parseCidr(cidr);
  return c ? `${formatIp(c.base)}/${c.prefix}` : cidr;
}

/**
 * Alibaba reserves the first and the last three addresses of a vSwitch block; the gateway is the
 * third-from-last (x.x.x.253 in a /24).
 */
export function vSwitchGateway(cidr: string): string {
  const c = parseCidr(cidr)!;
  return formatIp(c.end - 3);
}

/** The last address a vSwitch hands out (where a NAT gateway in it sits); undefined for a malformed block. */
export function lastUsableIp(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  return c ? formatIp(c.end - 4) : undefined;
}

/** Lowest free host address of a vSwitch block, skipping the reserved ones; undefined when full. */
export function allocateIp(cidr: string, used: Set<string>): string | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  for (let a = c.base + 1; a < c.end - 3; a++) {
    const ip = formatIp(a);
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

/** Host addresses a vSwitch can hand out. */
export function usableCount(cidr: string): number {
  const c = parseCidr(cidr);
  return c ? Math.max(0, c.end - c.base - 4) : 0;
}

export function isReservedInVSwitch(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIp(ip);
  if (!c || a === undefined) return true;
  return a === c.base || a >= c.end - 3;
}

/** A comma-separated parameter or field, as the API writes SnatIp ("a, b" → ["a", "b"]). */
export function commaList(s: string): string[] {
  return s.split(',').map((x) => x.trim());
}
