// The sandbox world the engine tests run in: one VPC, one NAT gateway, instances that migrate and instances
// the pre-flight must refuse, one reason each. Latencies are tens of ms so the suite stays fast.
import type { ScenarioInput } from '../../src/sandbox/scenario.ts';

export const EIP_SNAT = '203.0.113.20';

/** Instances that can be migrated: [instanceId, privateIp, DNAT EIP, guest brings the 2nd NIC up by itself]. */
export const MIGRATABLE: [string, string, string, boolean][] = [
  ['i-okaaaa0001', '192.168.1.10', '203.0.113.10', true],
  ['i-okaaaa0002', '192.168.1.11', '203.0.113.11', true],
  ['i-okaaaa0003', '192.168.1.12', '203.0.113.12', true],
  ['i-okaaaa0004', '192.168.1.13', '203.0.113.13', true],
  ['i-okaaaa0005', '192.168.1.14', '203.0.113.14', true],
  ['i-okaaaa0006', '192.168.1.15', '203.0.113.15', true],
  ['i-okaaaa0007', '192.168.1.16', '203.0.113.16', true],
  ['i-okaaaa0008', '192.168.1.17', '203.0.113.17', true],
  ['i-okaaaa0009', '192.168.1.18', '203.0.113.18', true],
  ['i-nocfg00001', '192.168.1.40', '203.0.113.40', false],
  ['i-nocfg00002', '192.168.1.41', '203.0.113.41', false],
];

export const REFUSALS = {
  noMapping: 'i-nomap00001',
  noSnat: 'i-nosnat0001',
  quota: 'i-quota00001',
  stopped: 'i-stopped001',
  ambiguous: 'i-ambig00001',
  notFound: 'i-missing0001',
} as const;

export function engineScenario(): ScenarioInput {
  const eips = [EIP_SNAT, ...MIGRATABLE.map((m) => m[2]), '203.0.113.31', '203.0.113.33', '203.0.113.34', '203.0.113.35', '203.0.113.36'];
  const inst = (instanceId: string, privateIp: string, extra: Record<string, unknown> = {}, vSwitchId = 'vsw-1') => ({
    instanceId, vSwitchId, privateIp, securityGroupIds: ['sg-1'], status: 'Running' as const, instanceType: 'ecs.g7.large', eniQuota: 3,
    guest: { sshBanner: 'SSH-2.0-OpenSSH_8.0', configuresSecondaryNic: true, cloudAssistant: true }, ...extra,
  });
  const mapping = (externalIp: string, internalIp: string) => ({
    forwardTableId: 'ftb-1', externalIp, externalPort: 'Any', internalIp, internalPort: 'Any', ipProtocol: 'Any',
  });
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 40, dnatDelete: 40, runCommand: 30 },
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }],
    vSwitches: [
      { vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
      { vSwitchId: 'vsw-2', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.2.0/24' },
    ],
    securityGroups: [
      { securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] },
      { securityGroupId: 'sg-2', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '1/65535', sourceCidrIp: '0.0.0.0/0' }] },
    ],
    instances: [
      ...MIGRATABLE.map(([id, ip, , self]) => inst(id, ip, { guest: { sshBanner: 'SSH-2.0-OpenSSH_8.0', configuresSecondaryNic: self, cloudAssistant: true } })),
      inst(REFUSALS.noMapping, '192.168.1.30'),
      inst(REFUSALS.noSnat, '192.168.2.10', {}, 'vsw-2'),
      inst(REFUSALS.quota, '192.168.1.32', { instanceType: 'ecs.one-eni', eniQuota: 1 }),
      inst(REFUSALS.stopped, '192.168.1.33', { status: 'Stopped' }),
      inst(REFUSALS.ambiguous, '192.168.1.34'),
    ],
    instanceTypes: { 'ecs.one-eni': { eniQuantity: 1 } },
    eips: eips.map((ipAddress, i) => ({ allocationId: `eip-${i + 1}`, ipAddress })),
    natGateways: [
      { natGatewayId: 'ngw-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-1', snatTableId: 'stb-1', eips: eips.filter((ip) => ip !== '203.0.113.34').map((ip) => `eip-${eips.indexOf(ip) + 1}`) },
      // A second gateway, so one instance can have two IP mappings (one per forward table).
      { natGatewayId: 'ngw-2', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-2', snatTableId: 'stb-2', eips: [`eip-${eips.indexOf('203.0.113.34') + 1}`] },
    ],
    snatEntries: [{ snatTableId: 'stb-1', sourceVSwitchId: 'vsw-1', snatIp: EIP_SNAT }],
    dnatEntries: [
      ...MIGRATABLE.map(([, ip, eip]) => mapping(eip, ip)),
      mapping('203.0.113.31', '192.168.2.10'),
      mapping('203.0.113.35', '192.168.1.32'),
      mapping('203.0.113.36', '192.168.1.33'),
      mapping('203.0.113.33', '192.168.1.34'),
      { ...mapping('203.0.113.34', '192.168.1.34'), forwardTableId: 'ftb-2' },
    ],
  };
}
