// Which world the demo runs in and which instances it drives: the built-in scenario with short (but non-zero) cloud
// latencies, or a scenario file as given; the instance to migrate and one the pre-flight should refuse.
import { defaultScenario, loadScenario, type Scenario, type World } from '../sandbox/index.ts';
import { cidrContains } from '../sandbox/ip.ts';
import type { ExpectedLatencies } from '../engine/options.ts';

/**
 * Realistic shapes, short waits: every asynchronous transition still goes through its intermediate state (the
 * engine polls for it), but the whole run stays well under a minute.
 */
const DEMO_LATENCY_MS: Scenario['latencyMs'] = {
  apiMs: 15, eniAttach: 600, eniDetach: 400, eniDelete: 300, dnatCreate: 600, dnatDelete: 500, dnatModify: 600, runCommand: 400, edge: 30,
};

/**
 * What the engine expects of this scenario's cloud: its own latencies. The product's defaults are Alibaba's typical
 * seconds (NATMIGRATE_POLL_SCHEDULE=typical); against the demo's hundreds of ms they would read late.
 */
export function scenarioLatencies(s: Scenario): Partial<ExpectedLatencies> {
  const l = s.latencyMs;
  return {
    eniAttach: l.eniAttach, eniDetach: l.eniDetach, eniDelete: l.eniDelete, dnatCreate: l.dnatCreate, dnatDelete: l.dnatDelete,
    dnatModify: l.dnatModify ?? l.dnatCreate, runCommand: l.runCommand,
  };
}

/** The default scenario with demo latencies; a file (`--scenario`) is used exactly as written. */
export function demoScenario(file?: string): Scenario {
  if (file) return loadScenario(file);
  return { ...defaultScenario, latencyMs: { ...DEMO_LATENCY_MS } };
}

export interface InstanceFacts {
  instanceId: string;
  name: string;
  privateIp: string;
  /** The EIP of the Available DNAT IP mapping (any protocol, any port) that targets the primary IP, if any. */
  mappingIp?: string;
  mappingEntryId?: string;
  /** First IP of the SNAT entry that covers the instance's vSwitch or IP, if any. */
  snatIp?: string;
  configuresSecondaryNic: boolean;
  sshPort: number;
  sshBanner: string;
  /** A Windows guest (OSType windows): verified on RDP and with PowerShell. */
  windows: boolean;
}

export function instanceFacts(world: World, instanceId: string): InstanceFacts | undefined {
  world.settle();
  const inst = world.instances.get(instanceId);
  if (!inst) return undefined;
  const mapping = [...world.dnatEntries.values()].find(
    (d) => d.internalIp === inst.privateIp && d.ipProtocol.toLowerCase() === 'any' && d.status === 'Available',
  );
  // The most specific covering entry wins, as in the cloud: a vSwitch entry, else the narrowest CIDR.
  const snats = [...world.snatEntries.values()];
  const byVsw = snats.find((s) => s.sourceVSwitchId === inst.vSwitchId);
  const byCidr = snats
    .filter((s) => !s.sourceVSwitchId && cidrContains(s.sourceCidr, inst.privateIp))
    .sort((a, b) => Number(b.sourceCidr.split('/')[1]) - Number(a.sourceCidr.split('/')[1]))[0];
  const snat = byVsw ?? byCidr;
  return {
    instanceId,
    name: inst.name,
    privateIp: inst.privateIp,
    ...(mapping ? { mappingIp: mapping.externalIp, mappingEntryId: mapping.forwardEntryId } : {}),
    ...(snat ? { snatIp: snat.snatIp.split(',')[0]!.trim() } : {}),
    configuresSecondaryNic: inst.guest.configuresSecondaryNic,
    sshPort: inst.guest.sshPort,
    sshBanner: inst.guest.sshBanner,
    windows: inst.guest.image === 'windows2022',
  };
}

/**
 * The instance to migrate (first Linux one with an IP mapping and SNAT coverage, preferring one whose image brings a
 * new NIC up by itself), one the pre-flight should refuse (an IP mapping but no SNAT coverage, else no mapping at
 * all), and a Windows instance migrated after it.
 */
export function pickInstances(world: World): { target?: string; refused?: string; windows?: string } {
  const all = [...world.instances.keys()].map((id) => instanceFacts(world, id)!);
  const ready = all.filter((f) => f.mappingIp && f.snatIp);
  const target = (ready.find((f) => f.configuresSecondaryNic && !f.windows) ?? ready.find((f) => !f.windows) ?? ready[0])?.instanceId;
  const refused = (all.find((f) => f.mappingIp && !f.snatIp) ?? all.find((f) => !f.mappingIp))?.instanceId;
  // A Windows instance to migrate next to the Linux one (with --configure-guest: its new NIC lands in Public).
  const windows = ready.find((f) => f.windows && f.instanceId !== target)?.instanceId;
  return { ...(target ? { target } : {}), ...(refused ? { refused } : {}), ...(windows ? { windows } : {}) };
}
