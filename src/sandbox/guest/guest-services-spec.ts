// The scenario's description of what a guest serves and how it filters inbound traffic: listeners, a host firewall,
// reverse-path filtering. Zod schemas (merged into the guest schema) and the types the guest model reads.
// The host firewall is one `InboundFilter` per OS family: Linux netfilter here; a Windows firewall (per-NIC network
// profile and per-profile policy) is its own field, `windowsFirewall` (windows-firewall-spec.ts).
import { z } from 'zod';
import { isCidr, isIp } from '../ip.ts';
import { windowsFirewallSchema, type WindowsFirewallSpec } from './windows-firewall-spec.ts';

const portNo = z.number().int().min(1).max(65535);
const addrOrCidr = z.string().refine((s) => isIp(s) || isCidr(s), { message: 'expected an IPv4 address or CIDR' });

/** A listening socket (ss(8) shows it): what a process bound, and the bytes it sends when a client connects. */
export const listenerSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  port: portNo,
  /** 'any' = 0.0.0.0; 'primary' = the primary NIC's address (`listen 192.168.1.10:443;`); or a literal address. */
  bind: z.union([z.literal('any'), z.literal('primary'), z.string().refine(isIp, { message: 'expected any, primary or an IPv4 address' })]).default('any'),
  /** The bytes the service sends first (an SMTP/SSH banner); absent = it waits for the client (HTTP, TLS). Untrusted. */
  firstBytes: z.string().optional(),
  /** The process name ss -p shows. */
  process: z.string().default('app'),
});

/** One INPUT rule, in the terms iptables(8) and iptables-extensions(8) use. */
export const firewallRuleSchema = z.strictObject({
  /** `-i`: the interface the packet arrived on; a trailing `+` matches a prefix (`eth+`). */
  inInterface: z.string().optional(),
  /** `-s` / `-d`: an address or CIDR. */
  source: addrOrCidr.optional(),
  destination: addrOrCidr.optional(),
  protocol: z.enum(['tcp', 'udp', 'icmp']).optional(),
  /** `--dport` (needs a protocol). */
  dport: portNo.optional(),
  /** `-m state --state` / conntrack's `--ctstate`, e.g. 'RELATED,ESTABLISHED'. */
  state: z.string().optional(),
  target: z.enum(['ACCEPT', 'DROP', 'REJECT']),
});

const linuxFirewallSchema = z.strictObject({
  /** 'iptables': rules in iptables-legacy (iptables-save prints them); 'nftables': a native nft table inet filter. */
  backend: z.enum(['iptables', 'nftables']).default('iptables'),
  /** The INPUT chain's policy. */
  inputPolicy: z.enum(['ACCEPT', 'DROP']).default('ACCEPT'),
  rules: z.array(firewallRuleSchema).default([]),
});

export const guestFirewallSchema = linuxFirewallSchema;

/** net.ipv4.conf.{all,default}.rp_filter: 0 off, 1 strict, 2 loose (kernel ip-sysctl.rst). */
const rpValue = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export const rpFilterSchema = z.strictObject({ all: rpValue.default(0), default: rpValue.default(0) });

/**
 * Fields added to the scenario's guest. `hiddenInboundDrop`: an inbound filter the standard introspection does not
 * read (an XDP program, a security agent's own filter): it drops these TCP ports on every NIC but eth0.
 * All optional, so a guest that names none is exactly what it was before (sshd only, no filter, rp_filter 0).
 */
export const guestServicesFields = {
  services: z.array(listenerSchema).optional(),
  firewall: guestFirewallSchema.optional(),
  rpFilter: rpFilterSchema.optional(),
  hiddenInboundDrop: z.array(portNo).optional(),
  /** Windows guests: the network category of each NIC and the firewall profiles (windows-firewall-spec.ts). */
  windowsFirewall: windowsFirewallSchema.optional(),
};

export type ListenerSpec = z.output<typeof listenerSchema>;
export type FirewallRule = z.output<typeof firewallRuleSchema>;
export type LinuxFirewallSpec = z.output<typeof linuxFirewallSchema>;
export type RpFilterSpec = z.output<typeof rpFilterSchema>;

/** What the guest model reads off an instance's guest spec (all optional: older World builders omit them). */
export interface GuestServicesSpec {
  sshPort: number;
  sshBanner: string;
  services?: ListenerSpec[];
  firewall?: LinuxFirewallSpec;
  rpFilter?: RpFilterSpec;
  hiddenInboundDrop?: number[];
  windowsFirewall?: WindowsFirewallSpec;
}
