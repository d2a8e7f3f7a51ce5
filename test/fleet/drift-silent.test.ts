// The drift sweep re-checks migrated instances: SSH through the EIP, as the verification did. An instance whose
// guest configuration was only applied at run time goes silent after a reboot through RebootInstance; the drift
// channel hears about it once (no Plan button: it needs someone in the guest), and again only if it recovers and
// goes silent again. With the configuration persisted (--configure-guest's script) it survives the next reboot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestNicScript } from '../../src/engine/migration/guest-nic-script.ts';
import { makeFleetScenario } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { $Ecs, $Vpc, clientsFor, type Clients } from '../sandbox/sdk-clients.ts';
import { DRIFT_CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { FAST, fleetIds } from './scenarios.ts';

const R = 'cn-hangzhou';
let env: FleetEnv;
let sdk: Clients;

beforeAll(async () => {
  env = await startFleetEnv({
    name: 'drift-silent', slack: true,
    // The test migrates by hand with the raw SDK (no retries): those calls get no transient codes (named off). The sweep
    // itself still reads through the realism layer's lag.
    scenario: { ...makeFleetScenario({ instances: 2, latencyMs: { ...FAST, instanceStop: 30, instanceStart: 30 }, withoutMapping: () => true, configuresSecondaryNic: false }), realism: { off: ['transientCodes'] } },
    drift: { intervalMs: 250, natGatewayIds: [fleetIds.natGateway], channelId: DRIFT_CHANNEL, regionId: R },
    // A sweep gives a silent instance verifyTimeoutMs to answer (its SSH re-check window): 1 s here instead of the
    // fleet tests' 3 s, so each sweep that finds it silent takes 1 s. Ample for an instance that answers: the
    // sandbox's reboot takes 60 ms (instanceStop + instanceStart above) and SSH through the edge answers at once.
    options: { verifyTimeoutMs: 1_000 },
  });
  sdk = clientsFor(env.sandbox);
});
afterAll(async () => { await env?.close(); });

const plain = (s: string) => s.replace(/[*`]/g, '');
const alerts = () => env.slack!.channelMessages(DRIFT_CHANNEL).filter((m) => m.text.startsWith('Drift on'));
const sweeps = () => env.sandbox.requests.filter((r) => r.action === 'DescribeSnatTableEntries').length;
async function moreSweeps(n: number): Promise<void> {
  const from = sweeps();
  await env.slack!.waitFor(() => sweeps() >= from + n, { timeoutMs: 30_000, what: `${n} more sweeps` });
  await env.outbox!.waitIdle({ timeoutMs: 10_000 });
}

async function run(instanceId: string, script: string): Promise<string> {
  const r = await sdk.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: [instanceId], type: 'RunShellScript', commandContent: Buffer.from(script).toString('base64'), contentEncoding: 'Base64', timeout: 60 }));
  return until(async () => {
    const d = await sdk.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: r.body!.invokeId }));
    const x = d.body!.invocation!.invocationResults!.invocationResult![0]!;
    return x.invocationStatus === 'Running' ? undefined : x.invocationStatus;
  }, { what: 'the script' });
}

async function reboot(instanceId: string): Promise<void> {
  await sdk.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId }));
  await until(async () => (await sdk.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify([instanceId]) }))).body!.instances?.instance?.[0]?.status === 'Running', { what: 'Running again' });
}

describe('drift sweep: migrated instances must keep answering', () => {
  it('reports a migrated instance that stopped answering SSH on its EIP after a reboot, once', async () => {
    const id = fleetIds.instance(0);
    const eip = env.sandbox.world.eips.get(fleetIds.eip(0))!.ipAddress;
    // Migrated by hand with the raw SDK: ENI attached, configured at run time only, EIP mapped to it.
    const c = await sdk.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: fleetIds.vSwitch, securityGroupId: fleetIds.securityGroup }));
    const eniId = c.body!.networkInterfaceId!;
    const ip = c.body!.privateIpAddress!;
    await sdk.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: id, networkInterfaceId: eniId }));
    await until(async () => (await sdk.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [eniId] }))).body!.networkInterfaceSets?.networkInterfaceSet?.[0]?.status === 'InUse', { what: 'InUse (a new ENI shows after the read lag)' });
    expect(await run(id, `ip link set eth1 up; ip addr add ${ip}/20 dev eth1; ip route add default via 192.168.31.253 dev eth1 table 1001; ip rule add from ${ip} lookup 1001`)).toBe('Success');
    await sdk.vpc.createForwardEntry(new $Vpc.CreateForwardEntryRequest({ regionId: R, forwardTableId: fleetIds.forwardTable, externalIp: eip, externalPort: 'Any', internalIp: ip, internalPort: 'Any', ipProtocol: 'Any' }));
    await moreSweeps(4);
    expect(alerts()).toHaveLength(0);

    await reboot(id);
    const a = await env.slack!.waitFor(() => alerts()[0], { timeoutMs: 30_000, what: 'the not-answering alert' });
    const shown = plain(env.slack!.render(a));
    expect(shown).toContain(`Drift on ${fleetIds.natGateway}: ${id} (fleet-0001) was migrated but no longer answers on its public IP`);
    expect(shown).toContain(`SSH through ${eip}:22 (forwarded to ${ip}) did not answer`);
    expect(shown).not.toContain('[Plan]');
    await moreSweeps(3);
    expect(alerts()).toHaveLength(1);

    // Fixed for good: the configure-guest script (run time + persisted); it answers again, then survives a reboot.
    const mac = c.body!.macAddress!;
    expect(await run(id, guestNicScript({ mac, ip, cidr: '192.168.16.0/20', table: 1001 }))).toBe('Success');
    await moreSweeps(3);
    await reboot(id);
    await moreSweeps(4);
    expect(alerts()).toHaveLength(1);
  });
});
