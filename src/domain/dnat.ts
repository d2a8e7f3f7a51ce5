// DNAT / SNAT semantics the planner and the scanner share (DescribeForwardTableEntries / CreateForwardEntry remarks in @alicloud/vpc20160428, and the NAT gateway's SNAT docs).

import type { DnatSpec, NatGateway, SnatEntry } from './cloud-types.ts';
import { ipInCidr, parseCidr } from './ipv4.ts';

export { ipInCidr } from './ipv4.ts';

const eqi = (a: string | undefined, b: string): boolean => (a ?? '').trim().toLowerCase() === b.toLowerCase();

/** An IP mapping maps every port: IpProtocol, ExternalPort and InternalPort all `Any` (the API's casing varies). */
export function isIpMapping(entry: Pick<DnatSpec, 'ipProtocol' | 'externalPort' | 'internalPort'>): boolean {
  return eqi(entry.ipProtocol, 'any') && eqi(entry.externalPort, 'any') && eqi(entry.internalPort, 'any');
}

/** Status comparisons are case-insensitive: docs and API disagree on casing. */
export function hasStatus(resource: { status?: string }, status: string): boolean {
  return eqi(resource.status, status);
}

/** `'47.96.1.2, 47.96.1.3'` → ['47.96.1.2', '47.96.1.3'] (trimmed, empties dropped, duplicates removed, order kept). */
export function splitSnatIps(snatIp: string | undefined): string[] {
  if (typeof snatIp !== 'string') return [];
  const out: string[] = [];
  for (const part of snatIp.split(',')) {
    const ip = part.trim();
    if (ip && !out.includes(ip)) out.push(ip);
  }
  return out;
}

/** Every IP of an SNAT entry, from both the verbatim field and the pre-split list (adapters may fill either). */
export function snatIpsOf(entry: Pick<SnatEntry, 'snatIp' | 'snatIps'>): string[] {
  const out = splitSnatIps(entry.snatIp);
  for (const ip of entry.snatIps ?? []) {
    const t = ip.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * Does the SNAT entry give this source its egress? SNAT entries are scoped by SourceVSwitchId or by SourceCIDR
 * (some carry both); either matching is coverage.
 */
export function snatCovers(snat: Pick<SnatEntry, 'sourceVSwitchId' | 'sourceCidr'>, source: { vSwitchId: string; ip: string }): boolean {
  if (snat.sourceVSwitchId && snat.sourceVSwitchId === source.vSwitchId) return true;
  if (snat.sourceCidr && ipInCidr(source.ip, snat.sourceCidr)) return true;
  return false;
}

/**
 * How specific an SNAT entry is for a source (a longer prefix is more specific): Alibaba prefers the finer
 * SNAT entry when several cover an address. vSwitch-scoped entries use their vSwitch CIDR when known.
 */
export function snatSpecificity(snat: Pick<SnatEntry, 'sourceVSwitchId' | 'sourceCidr'>, vSwitchCidr?: string): number {
  const c = snat.sourceCidr ? parseCidr(snat.sourceCidr) : undefined;
  if (c) return c.prefix;
  const v = vSwitchCidr ? parseCidr(vSwitchCidr) : undefined;
  return v ? v.prefix : 0;
}

/**
 * Whether ranking the SNAT entries that cover a source needs its vSwitch's CIDR: only when several cover it and one
 * of them is scoped by vSwitch with no CIDR of its own (snatSpecificity). Else the plan need not read the vSwitches.
 */
export function snatRankNeedsVSwitchCidr(snat: readonly Pick<SnatEntry, 'sourceVSwitchId' | 'sourceCidr'>[], source: { vSwitchId: string; ip: string }): boolean {
  const covering = snat.filter((s) => snatCovers(s, source));
  return covering.length > 1 && covering.some((s) => !(s.sourceCidr && parseCidr(s.sourceCidr)));
}

/** The NAT gateway that owns a forward table. */
export function gatewayOfForwardTable(gateways: readonly NatGateway[], forwardTableId: string): NatGateway | undefined {
  return gateways.find((g) => g.forwardTableIds.includes(forwardTableId));
}

/** The NAT gateway that owns an SNAT table. */
export function gatewayOfSnatTable(gateways: readonly NatGateway[], snatTableId: string): NatGateway | undefined {
  return gateways.find((g) => g.snatTableIds.includes(snatTableId));
}

/** 'TCP 47.96.1.1:22 → 10.0.0.5:22' or 'IP mapping 47.96.1.1 → 10.0.0.5', for messages. */
export function describeDnat(e: Pick<DnatSpec, 'externalIp' | 'externalPort' | 'internalIp' | 'internalPort' | 'ipProtocol'>): string {
  if (isIpMapping(e)) return `IP mapping ${e.externalIp} → ${e.internalIp}`;
  return `${e.ipProtocol.toUpperCase()} ${e.externalIp}:${e.externalPort} → ${e.internalIp}:${e.internalPort}`;
}
