// A Windows guest's firewall as the scenario describes it: which network category the primary NIC's network has, the
// policy of each firewall profile, and the inbound rules. Sources (Microsoft Learn):
// - Get-NetConnectionProfile / MSFT_NetConnectionProfile: NetworkCategory Public (0), Private (1), DomainAuthenticated (2);
//   a network Windows cannot identify ("Unidentified network") gets the Public category — so a new NIC lands in Public;
// - Get-NetFirewallProfile / MSFT_NetFirewallProfile: profiles Domain, Private, Public, each Enabled and with a
//   DefaultInboundAction (Block by default: "Windows Defender Firewall … blocks unsolicited inbound traffic");
// - New-NetFirewallRule / MSFT_NetFirewallRule: -Profile Any|Domain|Private|Public, -Action Allow|Block, and block rules
//   win over allow rules ("Windows Firewall rules: rule precedence").
// The image's built-in rules: RemoteDesktop-UserMode-In-TCP allows 3389 in every profile once Remote Desktop is on
// (Alibaba's Windows images have it on: unconfirmed which profiles, taken as Any).
import { z } from 'zod';

export const NETWORK_CATEGORIES = ['Public', 'Private', 'DomainAuthenticated'] as const;
export type NetworkCategory = (typeof NETWORK_CATEGORIES)[number];
export type FirewallProfileName = 'Domain' | 'Private' | 'Public';

const profileSchema = z.strictObject({
  enabled: z.boolean().default(true),
  defaultInboundAction: z.enum(['Block', 'Allow']).default('Block'),
});

export const windowsRuleSchema = z.strictObject({
  /** Name (the rule's id, `InstanceID` of its filters) and DisplayName. */
  name: z.string().min(1),
  displayName: z.string().optional(),
  action: z.enum(['Allow', 'Block']).default('Allow'),
  profiles: z.array(z.enum(['Any', 'Domain', 'Private', 'Public'])).min(1).default(['Any']),
  protocol: z.enum(['TCP', 'UDP']).default('TCP'),
  localPort: z.union([z.number().int().min(1).max(65535), z.literal('Any')]),
  /** `-InterfaceAlias`: the rule applies on that interface only. */
  interfaceAlias: z.string().optional(),
  enabled: z.boolean().default(true),
});

export const windowsFirewallSchema = z.strictObject({
  /** The category of the primary NIC's network (a domain member: DomainAuthenticated). */
  primaryCategory: z.enum(NETWORK_CATEGORIES).default('Private'),
  profiles: z.strictObject({
    Domain: profileSchema.prefault({}), Private: profileSchema.prefault({}), Public: profileSchema.prefault({}),
  }).prefault({}),
  /** Inbound rules; absent = the image's built-in rules only. */
  rules: z.array(windowsRuleSchema).optional(),
});

export type WindowsRule = z.output<typeof windowsRuleSchema>;
export type WindowsFirewallSpec = z.output<typeof windowsFirewallSchema>;

export const BUILTIN_RULES: WindowsRule[] = [
  { name: 'RemoteDesktop-UserMode-In-TCP', displayName: 'Remote Desktop - User Mode (TCP-In)', action: 'Allow', profiles: ['Any'], protocol: 'TCP', localPort: 3389, enabled: true },
];

export const DEFAULT_WINDOWS_FIREWALL: WindowsFirewallSpec = windowsFirewallSchema.parse({});

/** The firewall profile a network category selects (DomainAuthenticated → Domain). */
export const profileOf = (c: NetworkCategory): FirewallProfileName => (c === 'DomainAuthenticated' ? 'Domain' : c);
