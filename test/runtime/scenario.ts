// The sandbox world of the runtime tests: one VPC and NAT gateway with SNAT for vsw-1, N instances each with a DNAT
// IP mapping, short latencies so whole migrations take well under a second of cloud time.
import type { ScenarioInput } from '../../src/sandbox/index.ts';

export const SNAT_IP = '203.0.113.20';

/** [instanceId, privateIp, DNAT EIP] */
export const INSTANCES: [string, string, string][] = Array.from({ length: 8 }, (_, i) => [
  `i-rtmig0${i + 1}`,
  `192.168.1.${10 + i}`,
  `203.0.113.${40 + i}`,
]);

export function runtimeScenario(): ScenarioInput {
  const eips = [SNAT_IP, ...INSTANCES.map((m) => m[2])];
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, runCommand: 20 },
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }],
    vSwitches: [{ vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' }],
    securityGroups: [{ securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] }],
    instances: INSTANCES.map(([instanceId, privateIp]) => ({
      instanceId, vSwitchId: 'vsw-1', privateIp, securityGroupIds: ['sg-1'], status: 'Running' as const, instanceType: 'ecs.g7.large', eniQuota: 3,
      guest: { sshBanner: 'SSH-2.0-OpenSSH_8.9p1', configuresSecondaryNic: true, cloudAssistant: true },
    })),
    eips: eips.map((ipAddress, i) => ({ allocationId: `eip-${i + 1}`, ipAddress })),
    natGateways: [{ natGatewayId: 'ngw-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-1', snatTableId: 'stb-1', eips: eips.map((_, i) => `eip-${i + 1}`) }],
    snatEntries: [{ snatTableId: 'stb-1', sourceVSwitchId: 'vsw-1', snatIp: SNAT_IP }],
    dnatEntries: INSTANCES.map(([, ip, eip]) => ({
      forwardTableId: 'ftb-1', externalIp: eip, externalPort: 'Any', internalIp: ip, internalPort: 'Any', ipProtocol: 'Any',
    })),
  } as ScenarioInput;
}
