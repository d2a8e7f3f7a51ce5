// The sandbox world the engine tests run in: one VPC, one NAT gateway, instances that migrate and instances
// the pre-flight must refuse, one reason each. Latencies are tens of ms so the suite stays fast.
import type { ScenarioInput } from '../../src/sandbox/index.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';

export const EIP_SNAT = '203.0.113.20';
/** Mapped on ngw-2's forward table, so REFUSALS.ambiguous has two IP mappings. */
const SECOND_TABLE_EIP = '203.0.113.34';

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
  ['i-okaaaa0010', '192.168.1.19', '203.0.113.19', true],
  ['i-okaaaa0011', '192.168.1.21', '203.0.113.21', true],
  ['i-okaaaa0012', '192.168.1.22', '203.0.113.22', true],
  ['i-okaaaa0013', '192.168.1.23', '203.0.113.23', true],
  ['i-okaaaa0014', '192.168.1.24', '203.0.113.24', true],
  ['i-okaaaa0015', '192.168.1.25', '203.0.113.25', true],
  ['i-okaaaa0016', '192.168.1.26', '203.0.113.26', true],
  ['i-okaaaa0017', '192.168.1.27', '203.0.113.27', true],
  ['i-okaaaa0018', '192.168.1.28', '203.0.113.28', true],
  ['i-okaaaa0019', '192.168.1.50', '203.0.113.50', true],
  ['i-okaaaa0020', '192.168.1.51', '203.0.113.51', true],
  ['i-okaaaa0021', '192.168.1.52', '203.0.113.52', true],
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
  const world = natWorld({
    latencyMs: { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 40, dnatDelete: 40, runCommand: 30 },
    snatIp: EIP_SNAT,
    eips: [...MIGRATABLE.map((m) => m[2]), '203.0.113.31', '203.0.113.33', SECOND_TABLE_EIP, '203.0.113.35', '203.0.113.36'],
    uncoveredVSwitch: true,
    instances: [
      ...MIGRATABLE.map(([id, ip, , self]) => worldInstance(id, ip, { guest: { configuresSecondaryNic: self } })),
      worldInstance(REFUSALS.noMapping, '192.168.1.30'),
      worldInstance(REFUSALS.noSnat, '192.168.2.10', { vSwitchId: 'vsw-2' }),
      worldInstance(REFUSALS.quota, '192.168.1.32', { instanceType: 'ecs.one-eni', eniQuota: 1 }),
      worldInstance(REFUSALS.stopped, '192.168.1.33', { status: 'Stopped' }),
      worldInstance(REFUSALS.ambiguous, '192.168.1.34'),
    ],
    dnatEntries: [
      ...MIGRATABLE.map(([, ip, eip]) => ipMapping(eip, ip)),
      ipMapping('203.0.113.31', '192.168.2.10'),
      ipMapping('203.0.113.35', '192.168.1.32'),
      ipMapping('203.0.113.36', '192.168.1.33'),
      ipMapping('203.0.113.33', '192.168.1.34'),
      ipMapping(SECOND_TABLE_EIP, '192.168.1.34', 'ftb-2'),
    ],
  });
  const secondTableEipId = world.eips.find((e) => e.ipAddress === SECOND_TABLE_EIP)!.allocationId;
  return {
    ...world,
    securityGroups: [
      ...world.securityGroups,
      { securityGroupId: 'sg-2', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '1/65535', sourceCidrIp: '0.0.0.0/0' }] },
    ],
    instanceTypes: { 'ecs.one-eni': { eniQuantity: 1 } },
    natGateways: [
      ...world.natGateways.map((g) => ({ ...g, eips: g.eips?.filter((id) => id !== secondTableEipId) })),
      // A second gateway, so one instance can have two IP mappings (one per forward table).
      { natGatewayId: 'ngw-2', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-2', snatTableId: 'stb-2', eips: [secondTableEipId] },
    ],
  };
}
