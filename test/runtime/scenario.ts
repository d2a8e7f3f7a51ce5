// The sandbox world of the runtime tests: one VPC and NAT gateway with SNAT for vsw-1, N instances each with a DNAT
// IP mapping, short latencies so whole migrations take well under a second of cloud time.
import type { ScenarioInput } from '../../src/sandbox/index.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';

export const SNAT_IP = '203.0.113.20';

/** [instanceId, privateIp, DNAT EIP] */
export const INSTANCES: [string, string, string][] = Array.from({ length: 8 }, (_, i) => [
  `i-rtmig0${i + 1}`,
  `192.168.1.${10 + i}`,
  `203.0.113.${40 + i}`,
]);

export function runtimeScenario(): ScenarioInput {
  return natWorld({
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, runCommand: 20 },
    snatIp: SNAT_IP,
    eips: INSTANCES.map((m) => m[2]),
    instances: INSTANCES.map(([id, ip]) => worldInstance(id, ip, { guest: { sshBanner: 'SSH-2.0-OpenSSH_8.9p1' } })),
    dnatEntries: INSTANCES.map(([, ip, eip]) => ipMapping(eip, ip)),
  });
}
