// The small sandbox world the engine, Slack, runtime and crash tests migrate in: one VPC (vpc-1, 192.168.0.0/16)
// with vsw-1 (192.168.1.0/24) and sg-1 (SSH open), one NAT gateway ngw-1 (forward table ftb-1, SNAT table stb-1)
// whose SNAT entry covers vsw-1, and instances behind full-IP DNAT mappings. Each suite adds its own oddities.
import type { ScenarioInput } from '../../src/sandbox/index.ts';

type Instance = NonNullable<ScenarioInput['instances']>[number];
type Guest = NonNullable<Instance['guest']>;
type DnatEntry = NonNullable<ScenarioInput['dnatEntries']>[number];

/** The scenario with the lists a suite may want to extend typed as present. */
export type NatWorld = ScenarioInput & {
  [K in 'vSwitches' | 'securityGroups' | 'eips' | 'natGateways']-?: NonNullable<ScenarioInput[K]>;
};

/** A running ecs.g7.large in vsw-1 / sg-1 with room for two more ENIs; its guest routes a new NIC by itself. */
export function worldInstance(instanceId: string, privateIp: string, over: Partial<Omit<Instance, 'guest'>> & { guest?: Partial<Guest> } = {}): Instance {
  const { guest, ...rest } = over;
  return {
    instanceId, vSwitchId: 'vsw-1', privateIp, securityGroupIds: ['sg-1'], status: 'Running', instanceType: 'ecs.g7.large', eniQuota: 3,
    ...rest,
    guest: { sshBanner: 'SSH-2.0-OpenSSH_8.0', configuresSecondaryNic: true, cloudAssistant: true, ...guest },
  };
}

/** A full-IP DNAT mapping (any port, any protocol): what a migration moves onto an ENI. */
export function ipMapping(externalIp: string, internalIp: string, forwardTableId = 'ftb-1'): DnatEntry {
  return { forwardTableId, externalIp, externalPort: 'Any', internalIp, internalPort: 'Any', ipProtocol: 'Any' };
}

export interface NatWorldInput {
  latencyMs: NonNullable<ScenarioInput['latencyMs']>;
  snatIp: string;
  /** The other public IPs, all bound to ngw-1. Allocation ids follow the order: eip-1 is the SNAT IP, then eip-2… */
  eips: string[];
  instances: Instance[];
  dnatEntries: DnatEntry[];
  /** Also vsw-2 (192.168.2.0/24), which no SNAT entry covers. */
  uncoveredVSwitch?: boolean;
}

export function natWorld(w: NatWorldInput): NatWorld {
  const eips = [w.snatIp, ...w.eips].map((ipAddress, i) => ({ allocationId: `eip-${i + 1}`, ipAddress }));
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: w.latencyMs,
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }],
    vSwitches: [
      { vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
      ...(w.uncoveredVSwitch ? [{ vSwitchId: 'vsw-2', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.2.0/24' }] : []),
    ],
    securityGroups: [{ securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] }],
    instances: w.instances,
    eips,
    natGateways: [{ natGatewayId: 'ngw-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-1', snatTableId: 'stb-1', eips: eips.map((e) => e.allocationId) }],
    snatEntries: [{ snatTableId: 'stb-1', sourceVSwitchId: 'vsw-1', snatIp: w.snatIp }],
    dnatEntries: w.dnatEntries,
  };
}
