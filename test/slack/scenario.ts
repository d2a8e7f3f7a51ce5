// The sandbox world of the Slack end-to-end tests: one VPC, one NAT gateway with a SNAT entry for vsw-1,
// instances with a DNAT IP mapping each, and one the pre-flight refuses (vsw-2 has no SNAT coverage).
import type { ScenarioInput } from '../../src/sandbox/index.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';

export const SNAT_IP = '203.0.113.20';

/** [instanceId, privateIp, DNAT EIP] */
export const MIGRATABLE: [string, string, string][] = Array.from({ length: 9 }, (_, i) => [
  `i-slackmig0${i + 1}`,
  `192.168.1.${10 + i}`,
  `203.0.113.${40 + i}`,
]);
export const NO_SNAT = 'i-slacknosnat1';

export function slackScenario(): ScenarioInput {
  const guest = { sshBanner: 'SSH-2.0-OpenSSH_8.9p1' };
  return natWorld({
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, runCommand: 20 },
    snatIp: SNAT_IP,
    eips: [...MIGRATABLE.map((m) => m[2]), '203.0.113.90'],
    uncoveredVSwitch: true,
    instances: [...MIGRATABLE.map(([id, ip]) => worldInstance(id, ip, { guest })), worldInstance(NO_SNAT, '192.168.2.10', { vSwitchId: 'vsw-2', guest })],
    dnatEntries: [...MIGRATABLE.map(([, ip, eip]) => ipMapping(eip, ip)), ipMapping('203.0.113.90', '192.168.2.10')],
  });
}
