import type { DnatEntry, DnatSpec, NatGateway, VSwitch } from './cloud-types.ts';
import type { PlanWarningEntry } from './plan-warning.ts';
import type { CutoverMethod } from './steps.ts';

/** Ports the new DNAT entry forwards: every port (an IP mapping to the ENI) or a list of TCP ports. */
export type PortSelection = { kind: 'all' } | { kind: 'list'; ports: number[] };

export interface MigrationOptions {
  ports: PortSelection;
  /** Bring the secondary NIC up with source policy routing through Cloud Assistant. */
  configureGuest: boolean;
  /** Override the ENI's vSwitch (must be in the instance's zone). */
  vSwitchId?: string;
  /** Override the ENI's security groups. */
  securityGroupIds?: string[];
  /** TCP ports the requester accepts may stop answering through the ENI (`--accept-port`). */
  acceptPorts?: number[];
  /** The TCP port verification connects to through the public IP (default: 22, or 3389 on Windows). */
  verifyPort?: number;
  /** `--allow-stop`: an instance whose family attaches a secondary ENI only while Stopped may be stopped and started. */
  allowStop?: boolean;
}

/** Why the pre-flight says no. Stable codes: users see them and the README explains each. */
export type RefusalCode =
  | 'InstanceNotFound'
  | 'InstanceNotRunning'
  | 'AttachRequiresStop'
  | 'NoNatGateway'
  | 'NoIpMapping'
  | 'AlreadyMigrated'
  | 'AmbiguousIpMapping'
  | 'NoSnatCoverage'
  | 'EipUsedBySnat'
  | 'EipNotOnNatGateway'
  | 'InstanceHasPublicIp'
  | 'EniQuotaFull'
  | 'CloudAssistantUnavailable'
  | 'SshNotAllowed'
  | 'BadOption'
  | 'PermissionDenied'
  | 'ServiceAtRisk';

/** Which option a BadOption refusal is about (its `details.problem`). */
export type BadOptionProblem =
  | 'ports_empty' | 'ports_too_many' | 'ports_invalid' | 'ports_repeated'
  | 'vswitch_not_found' | 'vswitch_other_vpc' | 'vswitch_other_zone'
  | 'security_groups_empty' | 'security_group_not_found' | 'security_group_other_vpc';

export interface Refusal {
  code: RefusalCode;
  /** One sentence a person can act on. */
  message: string;
  /** Facts behind it (entry ids, counts, the denied RAM action…). */
  details?: Record<string, unknown>;
}

/** What the ENI will be created with. */
export interface EniSpec {
  vSwitchId: string;
  zoneId: string;
  vpcId: string;
  securityGroupIds: string[];
  name: string;
  description: string;
  tags: Record<string, string>;
}

/** The new DNAT entries, minus the ENI private IP that is only known once the ENI exists. */
export interface NewDnatTemplate {
  forwardTableId: string;
  externalIp: string;
  externalPort: string;
  internalPort: string;
  ipProtocol: string;
  forwardEntryName: string;
}

/** The exact, reviewable change for one instance. Built by the pure planner from live state. */
export interface Plan {
  regionId: string;
  instanceId: string;
  instanceName?: string;
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  primaryIp: string;
  natGatewayId: string;
  /** The DNAT IP-mapping entry that will be deleted, every field as read. */
  entryToDelete: DnatEntry;
  /** The exact CreateForwardEntry request that recreates it. */
  restoreRecipe: DnatSpec;
  eni: EniSpec;
  /** One per selected port ('Any'/'Any'/'Any' when all ports). */
  newEntries: NewDnatTemplate[];
  /**
   * How the cutover moves the mapping: all ports → 'modify' (ModifyForwardEntry in place, falling back to delete and
   * re-create if the API refuses); a port list → 'recreate'. Derived from options.ports.
   */
  cutover: CutoverMethod;
  /** SNAT IPs the instance is expected to leave from afterwards (any of them is fine). */
  expectedEgressIps: string[];
  /** The SNAT entries that cover the instance. */
  snatEntryIds: string[];
  /** Port checked through the public IP after the cutover: 22 (SSH), or 3389 (RDP) on Windows. */
  sshPort: number;
  /**
   * The family takes a secondary ENI only while Stopped and --allow-stop was given: after the approval the instance
   * is stopped, the ENI attached, and the instance started again.
   */
  stopToAttach?: boolean;
  /** Set for Windows guests: verification runs PowerShell and checks RDP. */
  guestOs?: 'windows';
  /** True when the selected ports do not forward `sshPort`, so the SSH check is skipped (only egress is verified). */
  skipSshVerify?: boolean;
  options: MigrationOptions;
  /** The guest's listening sockets and, per carried TCP port, whether it still answers through the ENI (absent = not looked at). */
  services?: import('./service-exposure.ts').ServiceReport;
  /** Non-blocking observations worth showing (e.g. the SG does not open the SSH port). */
  warnings: PlanWarningEntry[];
  /** With --configure-guest: the guest's network stack as the plan's probe found it (informational, not hashed). */
  guestNetwork?: import('./guest-network.ts').GuestNetworkProbe;
  /** sha256 over everything above that, if it changed, would make an approval stale. */
  hash: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; refusal: Refusal };

/**
 * Live state the planner needs, gathered read-only by the engine through the cloud port.
 * The planner is pure: same input, same plan (and hash).
 */
export interface PlanInput {
  regionId: string;
  instanceId: string;
  /** undefined when DescribeInstances did not return it. */
  instance: import('./cloud-types.ts').Instance | undefined;
  /** EniQuantity of the instance type (primary included); undefined if unknown. */
  eniQuantity: number | undefined;
  /** ENIs currently attached to (or being attached to) the instance, primary included. */
  instanceEnis: import('./cloud-types.ts').NetworkInterface[];
  /** NAT gateways of the instance's VPC. */
  natGateways: import('./cloud-types.ts').NatGateway[];
  /** Every DNAT entry of those gateways' forward tables. */
  dnatEntries: DnatEntry[];
  /** Every SNAT entry of those gateways' SNAT tables. */
  snatEntries: import('./cloud-types.ts').SnatEntry[];
  /** vSwitches of the VPC, read when they matter: a --vswitch override (its VPC and zone) or SNAT entries ranked by a vSwitch's CIDR. */
  vSwitches: import('./cloud-types.ts').VSwitch[];
  /** Security groups the ENI will get (for the SSH-port warning). */
  securityGroups: import('./cloud-types.ts').SecurityGroup[];
  options: MigrationOptions;
  /**
   * DescribeCloudAssistantStatus for the instance: `read` false when it was not asked (then nothing is checked);
   * `agent` undefined when the API did not answer for the instance.
   */
  cloudAssistant?: { read: boolean; agent?: import('./cloud-types.ts').CloudAssistantAgent };
  /** The guest introspection script's output, or why there is none; absent = not looked at (the gate's recheck). */
  guest?: { output: string } | { error: string };
  /** With --configure-guest: what the read-only probe in the guest found. */
  guestNetwork?: import('./guest-network.ts').GuestNetworkProbe;
}

/**
 * Facts of the plan's read that cannot change for the ids the plan names, so the approval gate's recheck reuses them:
 * a vSwitch's CIDR and zone, a NAT gateway's forward and SNAT table ids (none of these can be modified).
 */
export interface StablePlanFacts {
  natGateways: NatGateway[];
  vSwitches: VSwitch[];
}

