// Which instances the drift sweep re-checks: Running, with an Available DNAT entry on a watched gateway that forwards
// the verification port (SSH, or RDP on Windows) to a secondary NIC.
import { describe, expect, it } from 'vitest';
import type { DnatEntry, Instance } from '../../src/domain/cloud-types.ts';
import type { VpcState } from '../../src/domain/inventory.ts';
import { migratedTargets } from '../../src/domain/migrated-targets.ts';

function inst(id: string, eniIp: string, over: Partial<Instance> = {}): Instance {
  return {
    instanceId: id, regionId: 'cn-hangzhou', zoneId: 'z', status: 'Running', instanceType: 'ecs.g7.large', vpcId: 'vpc-1', vSwitchId: 'vsw-1',
    primaryIp: `${eniIp}0`, securityGroupIds: [], publicIps: [],
    networkInterfaces: [{ networkInterfaceId: `eni-${id}p`, type: 'Primary', primaryIp: `${eniIp}0` }, { networkInterfaceId: `eni-${id}`, type: 'Secondary', primaryIp: eniIp }],
    ...over,
  };
}
const entry = (externalIp: string, internalIp: string, over: Partial<DnatEntry> = {}): DnatEntry => ({
  forwardEntryId: `fwd-${externalIp}`, forwardTableId: 'ftb-1', externalIp, externalPort: 'Any', internalIp, internalPort: 'Any', ipProtocol: 'Any', status: 'Available', ...over,
});

function state(instances: Instance[], dnatEntries: DnatEntry[]): VpcState {
  return {
    regionId: 'cn-hangzhou', vpcId: 'vpc-1', instances, dnatEntries, snatEntries: [], vSwitches: [], networkInterfaces: [], eniQuantities: {},
    natGateways: [
      { natGatewayId: 'ngw-1', vpcId: 'vpc-1', status: 'Available', forwardTableIds: ['ftb-1'], snatTableIds: ['stb-1'], ips: [] },
      { natGatewayId: 'ngw-2', vpcId: 'vpc-1', status: 'Available', forwardTableIds: ['ftb-2'], snatTableIds: ['stb-2'], ips: [] },
    ],
  } as unknown as VpcState;
}

describe('migratedTargets', () => {
  it('picks the instances whose secondary NIC gets the verification port from a watched gateway', () => {
    const s = state([
      inst('i-a', '10.0.0.1'),
      inst('i-b', '10.0.0.2', { status: 'Stopped' }),
      inst('i-c', '10.0.0.3'),
      inst('i-d', '10.0.0.4'),
      inst('i-e', '10.0.0.5', { osType: 'windows' }),
      inst('i-f', '10.0.0.6'),
      inst('i-g', '10.0.0.7'),
    ], [
      entry('203.0.113.1', '10.0.0.1'),
      entry('203.0.113.2', '10.0.0.2'),
      entry('203.0.113.3', '10.0.0.3', { status: 'Pending' }),
      entry('203.0.113.4', '10.0.0.4', { forwardTableId: 'ftb-2' }),
      entry('203.0.113.5', '10.0.0.5'),
      entry('203.0.113.6', '10.0.0.6', { ipProtocol: 'TCP', externalPort: '2022', internalPort: '22' }),
      entry('203.0.113.7', '10.0.0.7', { ipProtocol: 'TCP', externalPort: '443', internalPort: '443' }),
      entry('203.0.113.8', '10.0.0.10'), // the primary IP of i-a: an IP mapping, not a migration
    ]);
    expect(migratedTargets(s, ['ngw-1']).map((t) => [t.instanceId, t.eip, t.port, t.windows ?? false])).toEqual([
      ['i-a', '203.0.113.1', 22, false],
      ['i-e', '203.0.113.5', 3389, true],
      ['i-f', '203.0.113.6', 2022, false],
    ]);
    expect(migratedTargets(s, ['ngw-2']).map((t) => t.instanceId)).toEqual(['i-d']);
  });
});
