// Plain snapshots of cloud resources, as the engine and the pure core see them.
// They carry no SDK types: the Alibaba adapter maps SDK models into these, the sandbox never sees them.

export type InstanceStatus = 'Pending' | 'Running' | 'Starting' | 'Stopping' | 'Stopped' | (string & {});

export interface InstanceNic {
  networkInterfaceId: string;
  type: 'Primary' | 'Secondary';
  primaryIp: string;
  macAddress?: string;
}

export interface Instance {
  instanceId: string;
  instanceName?: string;
  regionId: string;
  zoneId: string;
  status: InstanceStatus;
  instanceType: string;
  vpcId: string;
  vSwitchId: string;
  /** Primary private IP of the primary NIC. */
  primaryIp: string;
  securityGroupIds: string[];
  /** Static public IP(s) of the instance itself (classic "public IP"), if any. */
  publicIps: string[];
  /** EIP bound directly to the instance, if any. */
  eipAddress?: string;
  networkInterfaces: InstanceNic[];
  /** OSType from DescribeInstances: 'linux' or 'windows' (Windows guests take RunPowerShellScript). */
  osType?: string;
}

export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting' | (string & {});

export interface NetworkInterface {
  networkInterfaceId: string;
  status: EniStatus;
  type: 'Primary' | 'Secondary' | (string & {});
  instanceId?: string;
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  privateIp: string;
  macAddress?: string;
  securityGroupIds: string[];
  tags: Record<string, string>;
  name?: string;
  description?: string;
}

export interface NatGatewayIp {
  ipAddress: string;
  allocationId: string;
  /** UsedByForwardTable | UsedBySnatTable | UsedByForwardSnatTable | Idle (compare case-insensitively). */
  usingStatus?: string;
}

export interface NatGateway {
  natGatewayId: string;
  vpcId: string;
  status: string;
  forwardTableIds: string[];
  snatTableIds: string[];
  ips: NatGatewayIp[];
  name?: string;
}

export type DnatStatus = 'Pending' | 'Available' | 'Deleting' | 'Modifying' | (string & {});

/** The fields that define a DNAT entry: exactly what CreateForwardEntry takes. */
export interface DnatSpec {
  forwardTableId: string;
  externalIp: string;
  /** 'Any' or a port / port range such as '22' or '1000/2000'. */
  externalPort: string;
  internalIp: string;
  internalPort: string;
  /** 'Any' | 'TCP' | 'UDP' (compare case-insensitively). */
  ipProtocol: string;
  forwardEntryName?: string;
}

export interface DnatEntry extends DnatSpec {
  forwardEntryId: string;
  natGatewayId?: string;
  status: DnatStatus;
}

export interface SnatEntry {
  snatEntryId: string;
  snatTableId: string;
  natGatewayId?: string;
  /** The SnatIp field verbatim; it may hold several comma-separated IPs. */
  snatIp: string;
  /** snatIp split on commas and trimmed. */
  snatIps: string[];
  sourceCidr?: string;
  sourceVSwitchId?: string;
  status: string;
  snatEntryName?: string;
}

export interface Eip {
  allocationId: string;
  ipAddress: string;
  status: string;
  /** Resource the EIP is bound to (a NAT gateway id, an instance id, an ENI id). */
  instanceId?: string;
  /** Nat | EcsInstance | NetworkInterface | … */
  instanceType?: string;
}

export interface VSwitch {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  cidr: string;
}

export interface SecurityGroupRule {
  direction: 'ingress' | 'egress' | (string & {});
  /** TCP | UDP | ICMP | GRE | ALL (compare case-insensitively). */
  ipProtocol: string;
  /** '22/22', '1/65535', '-1/-1'. */
  portRange: string;
  sourceCidrIp?: string;
  policy: 'Accept' | 'Drop' | (string & {});
  priority: number;
}

export interface SecurityGroup {
  securityGroupId: string;
  vpcId: string;
  rules: SecurityGroupRule[];
}

export type InvocationStatus =
  | 'Pending' | 'Running' | 'Success' | 'Failed' | 'Error' | 'Timeout' | 'Cancelled'
  | 'Stopping' | 'Terminated' | 'Invalid' | 'Aborted' | 'Scheduled' | (string & {});

export interface InvocationResult {
  invokeId: string;
  instanceId: string;
  status: InvocationStatus;
  exitCode?: number;
  /** Decoded (UTF-8) output. */
  output: string;
  errorCode?: string;
  errorInfo?: string;
}

/**
 * DescribeCloudAssistantStatus for one instance. `running` is CloudAssistantStatus "true" (a heartbeat within the last
 * 2 minutes); an agent that is installed but silent has a version and an old heartbeat; an absent one has neither.
 */
export interface CloudAssistantAgent {
  instanceId: string;
  running: boolean;
  /** Empty when the agent is not installed. */
  version: string;
  lastHeartbeatTime?: string;
  osType?: string;
}
