// Each image's network stack at boot, through the unmodified SDK: the --configure-guest script writes persistent
// configuration for whatever stack the image runs, a reboot through RebootInstance keeps the secondary NIC answering
// on its EIP and egressing through the SNAT IP, and a file that is wrong does not configure the NIC.
import { afterEach, describe, expect, it } from 'vitest';
import { guestNicScript } from '../../src/engine/migration/guest-nic-script.ts';
import { edgeCheck, egressIp } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { $Ecs, $Vpc, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

const IMAGES = ['alinux3', 'alinux2', 'centos7', 'ubuntu2204', 'debian12'] as const;

function scenarioWith(image: string) {
  const base = smallScenario();
  return smallScenario({
    latencyMs: { ...base.latencyMs!, instanceStop: 30, instanceStart: 30 },
    instances: base.instances!.map((i) => (i.instanceId === 'i-2' ? { ...i, guest: { ...i.guest, image } } : i)) as never,
  });
}

async function run(s: Sandbox & Clients, instanceId: string, script: string): Promise<{ status: string; output: string }> {
  const r = await s.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: [instanceId], type: 'RunShellScript', commandContent: Buffer.from(script).toString('base64'), contentEncoding: 'Base64', timeout: 60 }));
  return until(async () => {
    const d = await s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: r.body!.invokeId }));
    const x = d.body!.invocation!.invocationResults!.invocationResult![0]!;
    return x.invocationStatus === 'Running' ? undefined : { status: x.invocationStatus!, output: Buffer.from(x.output ?? '', 'base64').toString('utf8') };
  }, { what: 'the script' });
}

/** Attaches a new ENI to i-2 and maps EIP 203.0.113.30 to it (all ports). */
async function stage(s: Sandbox & Clients): Promise<{ eniIp: string; mac: string }> {
  const c = await s.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1' }));
  const eniId = c.body!.networkInterfaceId!;
  await s.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-2', networkInterfaceId: eniId }));
  await until(async () => (await s.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [eniId] }))).body!.networkInterfaceSets!.networkInterfaceSet![0]!.status === 'InUse', { what: 'InUse' });
  const n = await s.vpc.createForwardEntry(new $Vpc.CreateForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', externalIp: '203.0.113.30', externalPort: 'Any', internalIp: c.body!.privateIpAddress!, internalPort: 'Any', ipProtocol: 'Any' }));
  await until(() => { s.world.settle(); return s.world.dnatEntries.get(n.body!.forwardEntryId!)?.status === 'Available'; }, { what: 'the entry' });
  return { eniIp: c.body!.privateIpAddress!, mac: c.body!.macAddress! };
}

async function reboot(s: Sandbox & Clients, id: string): Promise<void> {
  await s.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: id }));
  await until(async () => {
    const r = await s.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify([id]) }));
    return r.body!.instances!.instance![0]!.status === 'Running' && s.world.instances.get(id)!.status === 'Running';
  }, { what: `${id} to be Running again` });
}

describe('guest images and their network stacks', () => {
  for (const image of IMAGES) {
    it(`${image}: the configure-guest script persists the NIC's policy routing, and it survives a reboot through the API`, async () => {
      sb = await startWithClients(scenarioWith(image));
      const { eniIp, mac } = await stage(sb);
      expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(false);
      const r = await run(sb, 'i-2', guestNicScript({ mac, ip: eniIp, cidr: '192.168.1.0/24', table: 1001 }));
      expect(r.status, r.output).toBe('Success');
      expect(r.output).toMatch(new RegExp(`^persisted ${image === 'ubuntu2204' ? 'netplan' : image === 'debian12' ? 'ifupdown' : image === 'alinux3' ? 'networkmanager' : 'network-scripts'} `, 'm'));
      expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(true);
      await reboot(sb, 'i-2');
      expect(edgeCheck(sb.world, '203.0.113.30', 22)).toMatchObject({ ok: true });
      expect(egressIp(sb.world, 'i-2')).toBe('203.0.113.20');
      // Twice is the same as once, and still survives.
      expect((await run(sb, 'i-2', guestNicScript({ mac, ip: eniIp, cidr: '192.168.1.0/24', table: 1001 }))).status).toBe('Success');
      await reboot(sb, 'i-2');
      expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(true);
      expect((await run(sb, 'i-2', 'ip rule show')).output.match(new RegExp(`from ${eniIp.replace(/\./g, '\\.')} lookup 1001`, 'g'))).toHaveLength(1);
    });
  }

  it('without persistence a reboot through the API loses the reply path', async () => {
    sb = await startWithClients(scenarioWith('alinux3'));
    const { eniIp } = await stage(sb);
    await run(sb, 'i-2', `ip link set eth1 up; ip addr add ${eniIp}/24 dev eth1; ip route add default via 192.168.1.253 dev eth1 table 1001; ip rule add from ${eniIp} lookup 1001`);
    expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(true);
    await reboot(sb, 'i-2');
    expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(false);
  });

  it('a wrong file does not configure the NIC, and the stack says why', async () => {
    const cases: [string, (ip: string, mac: string) => string, RegExp][] = [
      ['centos7', (ip) => `printf 'DEVICE=eth1\\nHWADDR=00:16:3e:ff:ff:ff\\nBOOTPROTO=static\\nIPADDR=${ip}\\nPREFIX=24\\n' > /etc/sysconfig/network-scripts/ifcfg-eth1; echo 'default via 192.168.1.253 dev eth1 table 1001' > /etc/sysconfig/network-scripts/route-eth1; echo 'from ${ip} table 1001' > /etc/sysconfig/network-scripts/rule-eth1`, /different MAC address/],
      ['alinux3', (ip, mac) => `printf '[connection]\\ntype=ethernet\\ninterface-name=eth1\\n[ethernet]\\nmac-address=${mac}\\n[ipv4]\\nmethod=manual\\naddress1=${ip}/24\\nroute1=0.0.0.0/0,192.168.1.253\\nroute1_options=table=1001\\nrouting-rule1=from ${ip}/32 table 1001\\n' > /etc/NetworkManager/system-connections/eth1.nmconnection`, /no priority/],
      ['ubuntu2204', (ip, mac) => `printf 'network:\\n  version: 2\\n  ethernets:\\n    e1:\\n      match: {macaddress: "${mac}"}\\n      addresses: [${ip}/24]\\n      routes: [{to: default, via: 192.168.1.253, table: 1001}]\\n      routing-policy: [{from: ${ip}/32}]\\n' > /etc/netplan/60-eth1.yaml`, /routing-policy entry needs a table/],
      ['debian12', () => `printf 'auto eth1\\niface eth1 inet static\\n    post-up ip rule add from 1.2.3.4 table 1001\\n' > /etc/network/interfaces.d/eth1`, /Missing required variable: address/],
    ];
    for (const [image, write, why] of cases) {
      sb = await startWithClients(scenarioWith(image));
      const { eniIp, mac } = await stage(sb);
      expect((await run(sb, 'i-2', write(eniIp, mac))).status).toBe('Success');
      await reboot(sb, 'i-2');
      expect(edgeCheck(sb.world, '203.0.113.30', 22).ok, image).toBe(false);
      expect((await run(sb, 'i-2', 'cat /var/log/boot-network.log')).output, image).toMatch(why);
      await sb.close();
      sb = undefined;
    }
  });
});
