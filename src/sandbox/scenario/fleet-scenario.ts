// Large scenarios built in code: one VPC, one NAT gateway, N instances each with its own EIP on a DNAT IP mapping,
// and one SNAT entry covering them all — what the fleet tests and benchmarks migrate.
import { formatIp, parseIp } from '../ip.ts';
import { DEFAULT_CREDENTIALS, type ScenarioInput } from './scenario-schema.ts';

export interface FleetOptions {
  /** Number of instances, each with its own EIP + DNAT IP mapping (max 760). */
  instances: number;
  regionId?: string;
  credentials?: { accessKeyId: string; accessKeySecret: string };
  latencyMs?: ScenarioInput['latencyMs'];
  qps?: Record<string, number>;
  /** Which guests bring secondary NICs up on their own: all, none, or every other one. Default 'all'. */
  configuresSecondaryNic?: boolean | 'alternate';
  /** EniQuantity of every instance (primary included). Default 3. */
  eniQuota?: number;
  /** Instances whose index is in this set get no DNAT mapping (they already egress via SNAT). */
  withoutMapping?: (index: number) => boolean;
  faults?: ScenarioInput['faults'];
  deniedActions?: string[];
  seed?: number;
}

/** Public documentation ranges (RFC 5737) the fake EIPs come from; 203.0.113.1 is kept for SNAT. */
function* publicIps(): Generator<string> {
  for (const block of ['203.0.113.0', '198.51.100.0', '192.0.2.0']) {
    const base = parseIp(block)!;
    for (let h = 1; h <= 254; h++) yield formatIp(base + h);
  }
}

export const fleetIds = {
  vpc: 'vpc-fleet0000000000001',
  vSwitch: 'vsw-fleet000000000000h',
  securityGroup: 'sg-fleet00000000000001',
  natGateway: 'ngw-fleet0000000000001',
  forwardTable: 'ftb-fleet0000000000001',
  snatTable: 'stb-fleet0000000000001',
  snatEip: 'eip-fleetsnat000000001',
  instance: (i: number) => `i-fleet${String(i + 1).padStart(5, '0')}`,
  eip: (i: number) => `eip-fleet${String(i + 1).padStart(5, '0')}`,
  forwardEntry: (i: number) => `fwd-fleet${String(i + 1).padStart(5, '0')}`,
};

/** Private IP of fleet instance i: 192.168.16.10 onwards inside the /20 vSwitch. */
export const fleetPrivateIp = (i: number) => formatIp(parseIp('192.168.16.10')! + i);

export function makeFleetScenario(opts: FleetOptions): ScenarioInput {
  const n = opts.instances;
  if (!Number.isInteger(n) || n < 1 || n > 760) throw new Error('makeFleetScenario: instances must be an integer from 1 to 760');
  const ips = publicIps();
  const snatIp = ips.next().value as string;
  const eips = [{ allocationId: fleetIds.snatEip, ipAddress: snatIp, name: 'fleet-snat' }];
  const instances: NonNullable<ScenarioInput['instances']> = [];
  const dnatEntries: NonNullable<ScenarioInput['dnatEntries']> = [];
  for (let i = 0; i < n; i++) {
    const ip = fleetPrivateIp(i);
    const eip = ips.next().value as string;
    eips.push({ allocationId: fleetIds.eip(i), ipAddress: eip, name: `fleet-${i + 1}` });
    const auto = opts.configuresSecondaryNic === undefined || opts.configuresSecondaryNic === true
      || (opts.configuresSecondaryNic === 'alternate' && i % 2 === 0);
    instances.push({
      instanceId: fleetIds.instance(i), name: `fleet-${String(i + 1).padStart(4, '0')}`, vSwitchId: fleetIds.vSwitch, privateIp: ip,
      securityGroupIds: [fleetIds.securityGroup], status: 'Running', instanceType: 'ecs.g7.large', eniQuota: opts.eniQuota ?? 3,
      tags: { fleet: 'yes' }, guest: { configuresSecondaryNic: auto, cloudAssistant: true },
    });
    if (!opts.withoutMapping?.(i)) {
      dnatEntries.push({
        forwardTableId: fleetIds.forwardTable, forwardEntryId: fleetIds.forwardEntry(i), externalIp: eip, externalPort: 'Any',
        internalIp: ip, internalPort: 'Any', ipProtocol: 'Any', name: `fleet-${i + 1}`,
      });
    }
  }
  return {
    regionId: opts.regionId ?? 'cn-hangzhou',
    credentials: opts.credentials ?? { ...DEFAULT_CREDENTIALS },
    latencyMs: opts.latencyMs ?? { eniAttach: 50, eniDetach: 50, eniDelete: 20, dnatCreate: 50, dnatDelete: 50, dnatModify: 50, runCommand: 50 },
    qps: opts.qps ?? {},
    vpcs: [{ vpcId: fleetIds.vpc, cidr: '192.168.0.0/16', name: 'fleet-vpc' }],
    vSwitches: [{ vSwitchId: fleetIds.vSwitch, vpcId: fleetIds.vpc, zoneId: `${opts.regionId ?? 'cn-hangzhou'}-h`, cidr: '192.168.16.0/20', name: 'fleet-h' }],
    securityGroups: [{ securityGroupId: fleetIds.securityGroup, vpcId: fleetIds.vpc, name: 'fleet', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] }],
    instances,
    eips,
    natGateways: [{
      natGatewayId: fleetIds.natGateway, vpcId: fleetIds.vpc, vSwitchId: fleetIds.vSwitch, forwardTableId: fleetIds.forwardTable,
      snatTableId: fleetIds.snatTable, name: 'fleet-nat', eips: eips.map((e) => e.allocationId),
    }],
    snatEntries: [{ snatTableId: fleetIds.snatTable, snatEntryId: 'snat-fleet000000000001', sourceVSwitchId: fleetIds.vSwitch, snatIp, name: 'fleet' }],
    dnatEntries,
    forwardEntryQuota: Math.max(100, 2 * n + 10),
    faults: opts.faults ?? [],
    deniedActions: opts.deniedActions ?? [],
    seed: opts.seed ?? 1,
  };
}
