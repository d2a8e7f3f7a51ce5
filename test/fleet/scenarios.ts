import { fleetIds, fleetPrivateIp, makeFleetScenario, type ScenarioInput } from '../../src/sandbox/index.ts';

export { fleetIds, fleetPrivateIp };

/** Small latencies: a batch of 20 should take seconds. */
export const FAST = { eniAttach: 30, eniDetach: 30, eniDelete: 15, dnatCreate: 30, dnatDelete: 30, runCommand: 30 };

/**
 * A VPC of `n` instances for the scan: most on DNAT IP mappings; every fifth already egresses through SNAT; one
 * cannot take another ENI, one has its own EIP, one is stopped, one has no SNAT coverage (another vSwitch), one has
 * no Cloud Assistant agent.
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
  // Instance 14: its Cloud Assistant agent is not installed (the verification could not run).
  s.instances[13]!.guest = { ...s.instances[13]!.guest, cloudAssistant: 'absent' };
  return s;
}

/** `n` instances, all on DNAT IP mappings, one SNAT entry; `noRoute` lists guests that do not route the second NIC. */
export function batchScenario(n: number, noRoute: number[] = []): ScenarioInput {
  const s = makeFleetScenario({ instances: n, latencyMs: FAST });
  for (const i of noRoute) s.instances![i]!.guest = { ...s.instances![i]!.guest, configuresSecondaryNic: false };
  return s;
}

/**
 * `n` instances (beyond the 760 of the documentation ranges) on DNAT IP mappings, one SNAT entry: the instances past
 * 760 take their EIPs from 198.18.0.0/15 (RFC 2544, benchmarking, never routed). Nothing dials them: the sandbox's
 * public edge is on loopback.
 */
export function largeBatchScenario(n: number, latencyMs: ScenarioInput['latencyMs'] = FAST): ScenarioInput {
  const base = Math.min(n, 760);
  const s = makeFleetScenario({ instances: base, latencyMs });
  const gw = s.natGateways![0]!;
  for (let i = base; i < n; i++) {
    const ip = `198.18.${Math.floor((i - base) / 250)}.${((i - base) % 250) + 1}`;
    const model = s.instances![0]!;
    s.instances!.push({ ...model, instanceId: fleetIds.instance(i), name: `fleet-${String(i + 1).padStart(4, '0')}`, privateIp: fleetPrivateIp(i), tags: { fleet: 'yes' } });
    s.eips!.push({ allocationId: fleetIds.eip(i), ipAddress: ip, name: `fleet-${i + 1}` });
    gw.eips = [...(gw.eips ?? []), fleetIds.eip(i)];
    s.dnatEntries!.push({
      forwardTableId: fleetIds.forwardTable, forwardEntryId: fleetIds.forwardEntry(i), externalIp: ip, externalPort: 'Any',
      internalIp: fleetPrivateIp(i), internalPort: 'Any', ipProtocol: 'Any', name: `fleet-${i + 1}`,
    });
  }
  s.forwardEntryQuota = 2 * n + 10;
  return s;
}
