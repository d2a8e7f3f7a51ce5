// The sandbox world of the Slack end-to-end tests: one VPC, one NAT gateway with a SNAT entry for vsw-1,
// instances with a DNAT IP mapping each, and one the pre-flight refuses (vsw-2 has no SNAT coverage).
import type { ScenarioInput } from '../../src/sandbox/index.ts';

export const SNAT_IP = '203.0.113.20';

/** [instanceId, privateIp, DNAT EIP] */
export const MIGRATABLE: [string, string, string][] = Array.from({ length: 9 }, (_, i) => [
  `i-slackmig0${i + 1}`,
  `192.168.1.${10 + i}`,
  `203.0.113.${40 + i}`,
]);
export const NO_SNAT = 'i-slacknosnat1';

export function slackScenario(): ScenarioInput {
  const eips = [SNAT_IP, ...MIGRATABLE.map((m) => m[2]), '203.0.113.90'];
  const inst = (instanceId: string, privateIp: string, vSwitchId = 'vsw-1') => ({
    instanceId, vSwitchId, privateIp, securityGroupIds: ['sg-1'], status: 'Running' as const, instanceType: 'ecs.g7.large', eniQuota: 3,
    guest: { sshBanner: 'SSH-2.0-OpenSSH_8.9p1', configuresSecondaryNic: true, cloudAssistant: true },
  });
  const mapping = (externalIp: string, internalIp: string) => ({
    forwardTableId: 'ftb-1', externalIp, externalPort: 'Any', internalIp, internalPort: 'Any', ipProtocol: 'Any',
  });
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, runCommand: 20 },
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }],
    vSwitches: [
      { vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
      { vSwitchId: 'vsw-2', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.2.0/24' },
    ],
    securityGroups: [{ securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] }],
    instances: [...MIGRATABLE.map(([id, ip]) => inst(id, ip)), inst(NO_SNAT, '192.168.2.10', 'vsw-2')],
    eips: eips.map((ipAddress, i) => ({ allocationId: `eip-${i + 1}`, ipAddress })),
    natGateways: [{ natGatewayId: 'ngw-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-1', snatTableId: 'stb-1', eips: eips.map((_, i) => `eip-${i + 1}`) }],
    snatEntries: [{ snatTableId: 'stb-1', sourceVSwitchId: 'vsw-1', snatIp: SNAT_IP }],
    dnatEntries: [...MIGRATABLE.map(([, ip, eip]) => mapping(eip, ip)), mapping('203.0.113.90', '192.168.2.10')],
  } as ScenarioInput;
}
