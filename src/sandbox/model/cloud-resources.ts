// The resources of the sandbox cloud as the state model stores them (what the API answers are built from).
import type { GuestImage } from '../guest/guest-images.ts';
import type { GuestState } from '../guest/guest-state.ts';

export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting';
export type DnatStatus = 'Pending' | 'Available' | 'Deleting' | 'Modifying';

export interface VpcState { vpcId: string; cidr: string; name: string }
export interface VSwitchState { vSwitchId: string; vpcId: string; zoneId: string; cidr: string; name: string }
export interface SgRuleState {
  direction: 'ingress' | 'egress';
  /** Upper case, as DescribeSecurityGroupAttribute returns it: TCP, UDP, ICMP, GRE, ALL. */
  ipProtocol: string;
  portRange: string;
  /** Source CIDR for ingress rules, destination CIDR for egress rules. */
  cidr: string;
  policy: 'Accept' | 'Drop';
  priority: number;
  description: string;
  ruleId: string;
}
export interface SecurityGroupState { securityGroupId: string; vpcId: string; name: string; rules: SgRuleState[] }
interface GuestSpec {
  sshBanner: string; sshPort: number; configuresSecondaryNic: boolean; cloudAssistant: boolean | 'running' | 'absent' | 'notResponding'; hostname: string;
  image?: GuestImage;
}
export interface InstanceState {
  instanceId: string;
  name: string;
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  privateIp: string;
  securityGroupIds: string[];
  status: string;
  instanceType: string;
  eniQuota?: number;
  publicIp?: string;
  eipAddress?: string;
  tags: Record<string, string>;
  primaryEniId: string;
  macAddress: string;
  guest: GuestSpec;
  guestState: GuestState;
  /** Bumped each time the instance (re)enters Running; the guest drops unpersisted network config on a new boot. */
  bootId: number;
  createdAt: number;
}
export interface EniState {
  networkInterfaceId: string;
  type: 'Primary' | 'Secondary';
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  privateIp: string;
  macAddress: string;
  securityGroupIds: string[];
  tags: Record<string, string>;
  name: string;
  description: string;
  createdAt: number;
  status: EniStatus;
  /** When the current status began (transitions are computed from it). */
  since: number;
  instanceId?: string;
  deviceIndex?: number;
  /** The pending attach/detach will fail (fault injection). */
  failPending?: boolean;
}
export interface EipState { allocationId: string; ipAddress: string; bandwidth: number; name: string; natGatewayId?: string; instanceId?: string }
export interface NatGatewayState {
  natGatewayId: string; vpcId: string; vSwitchId: string; forwardTableId: string; snatTableId: string;
  name: string; spec: string; eipIds: string[];
}
export interface DnatState {
  forwardEntryId: string;
  forwardTableId: string;
  natGatewayId: string;
  externalIp: string;
  /** Stored as the API returns it: lower-case 'any' / 'tcp' / 'udp', ports as digits or 'any'. */
  externalPort: string;
  internalIp: string;
  internalPort: string;
  ipProtocol: string;
  name: string;
  status: DnatStatus;
  since: number;
  failPending?: boolean;
  /** While a ModifyForwardEntry is Pending: the mapping that keeps forwarding until the change takes effect. */
  previous?: { externalIp: string; externalPort: string; internalIp: string; internalPort: string; ipProtocol: string };
}
export interface SnatState {
  snatEntryId: string; snatTableId: string; natGatewayId: string; snatIp: string;
  sourceVSwitchId?: string; sourceCidr: string; name: string; status: 'Available';
}
export interface InvocationInstanceResult {
  instanceId: string;
  startedAt: number;
  /** When the result becomes terminal. */
  finishAt: number;
  finalStatus: 'Success' | 'Failed' | 'Error' | 'Timeout';
  exitCode?: number;
  output: string;
  errorCode: string;
  errorInfo: string;
}
export interface InvocationState {
  invokeId: string;
  commandId: string;
  name: string;
  commandContent: string;
  createdAt: number;
  username: string;
  results: InvocationInstanceResult[];
}

export interface DnatSpecInput {
  forwardTableId: string; externalIp: string; externalPort: string; internalIp: string; internalPort: string; ipProtocol: string; name?: string;
}

/** The public address a packet from a private IP leaves the cloud with, and which rule gave it. */
export interface CloudEgress { ip: string; via: 'dnat' | 'publicIp' | 'eip' | 'snat'; entryId?: string }
