import { fleetIds, fleetPrivateIp, makeFleetScenario, type ScenarioInput } from '../../src/sandbox/index.ts';

export { fleetIds, fleetPrivateIp };

/** Small latencies: a batch of 20 should take seconds. */
export const FAST = { eniAttach: 30, eniDetach: 30, eniDelete: 15, dnatCreate: 30, dnatDelete: 30, runCommand: 30 };

/**
 * A VPC of `n` instances for the scan: most on DNAT IP mappings; every fifth already egresses through SNAT; one
 * cannot take another ENI, one has its own EIP, one is stopped, one has no SNAT coverage (another vSwitch).
 */
export function scanScenario(n = 60): ScenarioInput & { instances: NonNullable<ScenarioInput['instances']>; eips: NonNullable<ScenarioInput['eips']> } {
  const s = makeFleetScenario({ instances: n, latencyMs: FAST, withoutMapping: (i) => i % 5 === 4 }) as ScenarioInput & {
    instances: NonNullable<ScenarioInput['instances']>; eips: NonNullable<ScenarioInput['eips']>;
  };
  // Instance 3: an instance type with one ENI, so the second cannot be attached.
  s.instanceTypes = { ...(s.instanceTypes ?? {}), 'ecs.one-eni': { eniQuantity: 1 } };
  s.instances[2]!.instanceType = 'ecs.one-eni';
  s.instances[2]!.eniQuota = 1;
  // Instance 10 (no mapping): its own EIP.
  s.eips.push({ allocationId: 'eip-ownaaaa000000001', ipAddress: '192.0.2.250', name: 'own' });
  s.instances[9]!.eipAddress = '192.0.2.250';
  // Instance 7: stopped.
  s.instances[6]!.status = 'Stopped';
  // Instance 12: in a vSwitch no SNAT entry covers.
  s.vSwitches = [...(s.vSwitches ?? []), { vSwitchId: 'vsw-fleet00000000000k', vpcId: fleetIds.vpc, zoneId: 'cn-hangzhou-h', cidr: '192.168.64.0/20', name: 'fleet-k' }];
  s.instances[11]!.vSwitchId = 'vsw-fleet00000000000k';
  s.instances[11]!.privateIp = '192.168.64.10';
  const dnat = s.dnatEntries!.find((d) => d.forwardEntryId === fleetIds.forwardEntry(11))!;
  dnat.internalIp = '192.168.64.10';
  return s;
}

/** `n` instances, all on DNAT IP mappings, one SNAT entry; `noRoute` lists guests that do not route the second NIC. */
export function batchScenario(n: number, noRoute: number[] = []): ScenarioInput {
  const s = makeFleetScenario({ instances: n, latencyMs: FAST });
  for (const i of noRoute) s.instances![i]!.guest = { ...s.instances![i]!.guest, configuresSecondaryNic: false };
  return s;
}
