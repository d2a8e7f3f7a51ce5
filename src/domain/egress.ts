// Reading verification evidence (IP-echo output, SSH banners) and explaining where an instance egresses from.

import type { DnatEntry, Instance, NatGateway, SnatEntry, VSwitch } from './cloud-types.ts';
import {
  gatewayOfForwardTable, gatewayOfSnatTable, hasStatus, isIpMapping, snatCovers, snatIpsOf, snatSpecificity,
} from './dnat.ts';
import { isPublicIpv4, parseIpv4 } from './ipv4.ts';

const IPV4_CANDIDATE = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?!\.?\d)/g;

/**
 * The egress IP printed by an IP-echo page: myip.ipip.net's `当前 IP：203.0.113.20  来自于：…`, ifconfig.me's bare
 * IP, JSON such as `{"ip":"…"}`. Returns the first public IPv4, else the first IPv4 at all, else undefined.
 */
export function parseEgressIp(output: string): string | undefined {
  if (typeof output !== 'string' || output.length === 0) return undefined;
  // NFKC folds full-width digits and dots (２０３．０…) that some Chinese pages use.
  const text = output.normalize('NFKC');
  let first: string | undefined;
  for (const m of text.matchAll(IPV4_CANDIDATE)) {
    const ip = m[1]!;
    if (parseIpv4(ip) === undefined) continue;
    if (isPublicIpv4(ip)) return ip;
    first ??= ip;
  }
  return first;
}

export interface SshBanner {
  /** '2.0' (or '1.99'). */
  protoVersion: string;
  /** 'OpenSSH_8.9p1'. */
  softwareVersion: string;
  comments?: string;
  /** The identification line without CR/LF. */
  raw: string;
}

/**
 * Parses an SSH identification string (RFC 4253 §4.2: `SSH-protoversion-softwareversion SP comments CR LF`).
 * Servers may send other lines first, so the first line starting with `SSH-` counts.
 */
export function parseSshBanner(text: string): SshBanner | undefined {
  if (typeof text !== 'string') return undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (!line.startsWith('SSH-')) continue;
    // RFC 4253 forbids '-' in softwareversion, but real servers (Cisco) send it: accept any printable run.
    const m = /^SSH-(\d+\.\d+)-([\x21-\x7e]+)(?: (.*))?$/.exec(line);
    if (!m || line.length > 255) return undefined;
    const banner: SshBanner = { protoVersion: m[1]!, softwareVersion: m[2]!, raw: line };
    if (m[3]) banner.comments = m[3];
    return banner;
  }
  return undefined;
}

export type EgressKind = 'dnat-ip-mapping' | 'snat' | 'own-public-ip' | 'none';

export interface EgressClassification {
  kind: EgressKind;
  /** The public IP it leaves from (for SNAT with several IPs: the first; see `ips`). */
  ip?: string;
  /** Every candidate egress IP (SNAT entries may list several; any of them is used). */
  ips?: string[];
  /** The DNAT or SNAT entry responsible. */
  entryId?: string;
  /** True exactly for DNAT IP mappings: that is what natmigrate moves off. */
  needsMigration: boolean;
  reason: string;
  /** DNAT IP mapping: the other IP mappings to the same IP, beside `entryId`. */
  otherEntryIds?: string[];
  /** SNAT: what the entry covers the instance by, `vSwitch vsw-…` or `CIDR …`. */
  scope?: string;
  /** Own public IP: true when it is an EIP (else the instance's static public IP). */
  ownIsEip?: boolean;
}

export interface EgressContext {
  dnatEntries: readonly DnatEntry[];
  snatEntries: readonly SnatEntry[];
  natGateways: readonly NatGateway[];
  /** Optional: vSwitch CIDRs rank vSwitch-scoped SNAT entries against CIDR-scoped ones. */
  vSwitches?: readonly VSwitch[];
}

/**
 * Where an instance's Internet traffic leaves from, in Alibaba's precedence: its own static public IP or EIP,
 * then a DNAT IP mapping to its primary IP, then the most specific Available SNAT entry covering it.
 * Only NAT gateways of the instance's VPC count.
 */
export function classifyEgress(instance: Instance, ctx: EgressContext): EgressClassification {
  const own = [instance.eipAddress ?? '', ...instance.publicIps].map((s) => s.trim()).filter(Boolean);
  if (own.length > 0) {
    const which = instance.eipAddress?.trim() ? 'EIP' : 'public IP';
    return { kind: 'own-public-ip', ip: own[0]!, ips: own, needsMigration: false, ownIsEip: which === 'EIP',
      reason: `egresses through its own ${which} ${own[0]}, which wins over DNAT and SNAT` };
  }

  const gateways = ctx.natGateways.filter((g) => g.vpcId === instance.vpcId);
  if (gateways.length === 0) {
    return { kind: 'none', needsMigration: false, reason: `no public egress: VPC ${instance.vpcId} has no NAT gateway and the instance has no public IP` };
  }
  const inVpc = (tableOwner: NatGateway | undefined, natGatewayId: string | undefined): boolean =>
    tableOwner !== undefined || (natGatewayId !== undefined && gateways.some((g) => g.natGatewayId === natGatewayId));

  const mappings = ctx.dnatEntries
    .filter((e) => inVpc(gatewayOfForwardTable(gateways, e.forwardTableId), e.natGatewayId))
    .filter((e) => isIpMapping(e) && e.internalIp === instance.primaryIp && !hasStatus(e, 'Deleting'))
    .sort((a, b) => a.forwardEntryId.localeCompare(b.forwardEntryId));
  const mapping = mappings[0];
  if (mapping) {
    const more = mappings.length > 1 ? ` (and ${mappings.length - 1} more IP mapping${mappings.length > 2 ? 's' : ''}: ${mappings.slice(1).map((e) => e.forwardEntryId).join(', ')})` : '';
    return { kind: 'dnat-ip-mapping', ip: mapping.externalIp, ips: mappings.map((e) => e.externalIp), entryId: mapping.forwardEntryId, needsMigration: true,
      ...(mappings.length > 1 ? { otherEntryIds: mappings.slice(1).map((e) => e.forwardEntryId) } : {}),
      reason: `egresses through EIP ${mapping.externalIp} of DNAT IP mapping ${mapping.forwardEntryId}${more} instead of the SNAT IP` };
  }

  const vswCidr = ctx.vSwitches?.find((v) => v.vSwitchId === instance.vSwitchId)?.cidr;
  const covering = ctx.snatEntries
    .filter((s) => inVpc(gatewayOfSnatTable(gateways, s.snatTableId), s.natGatewayId))
    .filter((s) => hasStatus(s, 'Available') && snatIpsOf(s).length > 0 && snatCovers(s, { vSwitchId: instance.vSwitchId, ip: instance.primaryIp }))
    .sort((a, b) => snatSpecificity(b, vswCidr) - snatSpecificity(a, vswCidr) || a.snatEntryId.localeCompare(b.snatEntryId));
  const snat = covering[0];
  if (snat) {
    const ips = snatIpsOf(snat);
    const scope = snat.sourceVSwitchId === instance.vSwitchId ? `vSwitch ${instance.vSwitchId}` : `CIDR ${snat.sourceCidr}`;
    return { kind: 'snat', ip: ips[0]!, ips, entryId: snat.snatEntryId, needsMigration: false, scope,
      reason: `egresses through SNAT entry ${snat.snatEntryId} (${scope}) as ${ips.join(' or ')}` };
  }
  return { kind: 'none', needsMigration: false,
    reason: `no public egress: no DNAT IP mapping and no Available SNAT entry covers vSwitch ${instance.vSwitchId} or ${instance.primaryIp}` };
}
