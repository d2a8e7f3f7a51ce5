// The egress-IP and public-edge model, before and after a migration driven by hand with the raw SDK clients.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { edgeCheck, egressIp, probeEdge } from '../../src/sandbox/index.ts';
import { $Ecs, $Vpc, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import { until } from '../../src/util/until.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

async function run(s: Sandbox & Clients, instanceId: string, script: string, plain = false): Promise<{ status: string; exitCode?: number; output: string }> {
  const r = await s.ecs.runCommand(new $Ecs.RunCommandRequest({
    regionId: R, instanceId: [instanceId], type: 'RunShellScript',
    commandContent: plain ? script : Buffer.from(script).toString('base64'), contentEncoding: plain ? 'PlainText' : 'Base64', timeout: 60,
  }));
  return until(async () => {
    const d = await s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: r.body!.invokeId }));
    const x = d.body!.invocation!.invocationResults!.invocationResult![0]!;
    if (x.invocationStatus === 'Running') return undefined;
    return { status: x.invocationStatus!, exitCode: x.exitCode, output: Buffer.from(x.output ?? '', 'base64').toString('utf8') };
  }, { what: `the script on ${instanceId} to finish` });
}

async function eniStatus(s: Sandbox & Clients, id: string): Promise<string | undefined> {
  const r = await s.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [id] }));
  return r.body!.networkInterfaceSets!.networkInterfaceSet![0]?.status;
}
async function dnatStatus(s: Sandbox & Clients, id: string): Promise<string | undefined> {
  const r = await s.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: id }));
  return r.body!.forwardTableEntries!.forwardTableEntry![0]?.status;
}

/** The documented procedure, step by step, with the raw SDK: returns the new ENI's id and IP. */
async function migrate(s: Sandbox & Clients, instanceId: string, vSwitchId: string, eip: string, oldEntry: string): Promise<{ eniId: string; eniIp: string }> {
  const c = await s.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId, securityGroupId: 'sg-1', clientToken: `eni-${instanceId}` }));
  const eniId = c.body!.networkInterfaceId!;
  const eniIp = c.body!.privateIpAddress!;
  expect(c.body!.status).toBe('Available');
  await s.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId, networkInterfaceId: eniId }));
  expect(await eniStatus(s, eniId)).toBe('Attaching');
  await until(async () => (await eniStatus(s, eniId)) === 'InUse', { what: `${eniId} to be InUse` });
  await s.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: oldEntry, clientToken: `del-${instanceId}` }));
  expect(await dnatStatus(s, oldEntry)).toBe('Deleting');
  await until(async () => (await dnatStatus(s, oldEntry)) === undefined, { what: `${oldEntry} to be deleted` });
  const n = await s.vpc.createForwardEntry(new $Vpc.CreateForwardEntryRequest({
    regionId: R, forwardTableId: 'ftb-1', externalIp: eip, externalPort: 'Any', internalIp: eniIp, internalPort: 'Any', ipProtocol: 'Any', clientToken: `cre-${instanceId}`,
  }));
  const newEntry = n.body!.forwardEntryId!;
  expect(await dnatStatus(s, newEntry)).toBe('Pending');
  await until(async () => (await dnatStatus(s, newEntry)) === 'Available', { what: `${newEntry} to be Available` });
  return { eniId, eniIp };
}

// The hand-driven migration re-creates the IP mapping right after deleting it, with no retry: it relaxes the EIP's
// "in binding" window by name (the engine's own tests keep it on and retry through it).
const HAND_DRIVEN = { off: ['staleReads', 'transientCodes', 'eipInBinding'] } as const;

describe('egress IP and public edge: a hand-driven migration', () => {
  it('moves a self-configuring guest from the DNAT EIP to the SNAT IP while SSH keeps working through the EIP', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: [...HAND_DRIVEN.off] } }));
    // Before: egress through the IP mapping's EIP, SSH reachable on it.
    const before = await run(sb, 'i-1', 'curl -s https://myip.ipip.net');
    expect(before).toMatchObject({ status: 'Success', exitCode: 0 });
    expect(before.output).toBe('当前 IP：203.0.113.10  来自于：中国 浙江 杭州  阿里云\n');
    expect(await probeEdge(sb.edge, '203.0.113.10', 22)).toBe('SSH-2.0-OpenSSH_8.0');

    const { eniIp } = await migrate(sb, 'i-1', 'vsw-1', '203.0.113.10', 'fwd-1');

    // After: the instance leaves through SNAT; the EIP now lands on the ENI, and the guest routes replies out of eth1.
    const after = await run(sb, 'i-1', 'curl -s https://myip.ipip.net; curl -s ifconfig.me');
    expect(after.output).toBe('当前 IP：203.0.113.20  来自于：中国 浙江 杭州  阿里云\n203.0.113.20\n');
    expect(await probeEdge(sb.edge, '203.0.113.10', 22)).toBe('SSH-2.0-OpenSSH_8.0');
    const v = edgeCheck(sb.world, '203.0.113.10', 22);
    expect(v).toMatchObject({ ok: true, internalIp: eniIp, instanceId: 'i-1' });
    const guest = await run(sb, 'i-1', 'ip -4 addr show eth1; ip rule; ip route show table 1001');
    expect(guest.output).toContain(`inet ${eniIp}/24`);
    expect(guest.output).toContain(`from ${eniIp} lookup 1001`);
    expect(guest.output).toContain('default via 192.168.1.253 dev eth1');
  });

  it('a guest that does not configure the secondary NIC fails the SSH check until a script adds policy routing', async () => {
    sb = await startWithClients(smallScenario({
      realism: { off: [...HAND_DRIVEN.off] },
      dnatEntries: [{ forwardTableId: 'ftb-1', forwardEntryId: 'fwd-2', externalIp: '203.0.113.30', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any' }],
    }));
    expect(await probeEdge(sb.edge, '203.0.113.30', 22)).toBe('SSH-2.0-OpenSSH_7.4');
    const { eniIp } = await migrate(sb, 'i-2', 'vsw-1', '203.0.113.30', 'fwd-2');
    expect(await probeEdge(sb.edge, '203.0.113.30', 22, { timeoutMs: 300 })).toBeUndefined();
    expect(edgeCheck(sb.world, '203.0.113.30', 22).reason).toMatch(/eth1 is down/);

    // Address without policy routing is not enough: replies would leave through eth0.
    const half = await run(sb, 'i-2', 'ip link set eth1 up && ip addr add ' + eniIp + '/24 dev eth1');
    expect(half.exitCode).toBe(0);
    expect(await probeEdge(sb.edge, '203.0.113.30', 22, { timeoutMs: 300 })).toBeUndefined();
    expect(edgeCheck(sb.world, '203.0.113.30', 22).reason).toMatch(/leave through eth0, not eth1/);

    const script = [
      'set -e',
      'MAC=$(cat /sys/class/net/eth1/address)',
      'MD=http://100.100.100.200/latest/meta-data/network/interfaces/macs/$MAC',
      'IP=$(curl -s $MD/primary-ip-address)',
      'GW=$(curl -s $MD/gateway)',
      'ip route add default via $GW dev eth1 table 1001',
      'ip rule add from $IP lookup 1001',
      'echo configured $IP via $GW',
    ].join('\n');
    const done = await run(sb, 'i-2', script);
    expect(done).toMatchObject({ status: 'Success', exitCode: 0, output: `configured ${eniIp} via 192.168.1.253\n` });
    expect(await probeEdge(sb.edge, '203.0.113.30', 22)).toBe('SSH-2.0-OpenSSH_7.4');
    expect((await run(sb, 'i-2', 'curl -s https://api.ipify.org')).output).toBe('203.0.113.20\n');

    // Re-running is not idempotent by itself (Linux says File exists) unless the script tolerates it.
    const again = await run(sb, 'i-2', `ip rule add from ${eniIp} lookup 1001`);
    expect(again).toMatchObject({ status: 'Failed', exitCode: 2, output: 'RTNETLINK answers: File exists\n' });
    expect((await run(sb, 'i-2', `ip rule add from ${eniIp} lookup 1001 || true; echo ok`)).output).toBe('RTNETLINK answers: File exists\nok\n');

    // A reboot drops unpersisted config; rc.local written by a script is replayed at boot.
    sb.world.setInstanceStatus('i-2', 'Stopped');
    sb.world.setInstanceStatus('i-2', 'Running');
    expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(false);
    await run(sb, 'i-2', `cat > /etc/rc.local <<EOF\nip link set eth1 up\nip addr add ${eniIp}/24 dev eth1\nip route add default via 192.168.1.253 dev eth1 table 1001\nip rule add from ${eniIp} lookup 1001\nEOF\nchmod +x /etc/rc.local`);
    sb.world.setInstanceStatus('i-2', 'Stopped');
    sb.world.setInstanceStatus('i-2', 'Running');
    expect(edgeCheck(sb.world, '203.0.113.30', 22).ok).toBe(true);
  });

  it('egress falls back from DNAT mapping to SNAT to a timeout', async () => {
    sb = await startWithClients();
    expect(egressIp(sb.world, 'i-1')).toBe('203.0.113.10');
    expect(egressIp(sb.world, 'i-2')).toBe('203.0.113.20');
    expect(egressIp(sb.world, 'i-4')).toBeUndefined(); // vsw-2 has no SNAT entry
    const r = await run(sb, 'i-4', 'curl -sS -m 5 https://myip.ipip.net; echo "exit=$?"; curl -s ifconfig.me || echo "silent $?"');
    expect(r.output).toBe('curl: (28) Connection timed out after 5001 milliseconds\nexit=28\nsilent 28\n');
    // A second SNAT entry by CIDR, with several IPs: the first one is used.
    sb.world.snatEntries.set('snat-2', { snatEntryId: 'snat-2', snatTableId: 'stb-1', natGatewayId: 'ngw-1', snatIp: '203.0.113.30,198.51.100.40', sourceCidr: '192.168.2.0/24', name: '', status: 'Available' });
    expect((await run(sb, 'i-4', 'curl -s icanhazip.com')).output).toBe('203.0.113.30\n');
    // An instance with its own EIP egresses through it, ahead of SNAT.
    sb.world.instances.get('i-2')!.eipAddress = '198.51.100.99';
    expect(egressIp(sb.world, 'i-2')).toBe('198.51.100.99');
    // …and ahead of a DNAT IP mapping, which only takes effect for an IP without an EIP.
    sb.world.instances.get('i-1')!.eipAddress = '198.51.100.98';
    expect(egressIp(sb.world, 'i-1')).toBe('198.51.100.98');
    // Other sites: no DNS in the sandbox; private addresses refuse.
    const other = await run(sb, 'i-1', 'curl -sS https://example.com; echo $?; curl -sS http://192.168.1.11/; echo $?');
    expect(other.output).toBe('curl: (6) Could not resolve host: example.com\n6\ncurl: (7) Failed to connect to 192.168.1.11 port 80 after 0 ms: Couldn\'t connect to server\n7\n');
  });

  it('the edge stays silent unless every link of the path holds', async () => {
    sb = await startWithClients();
    const w = sb.world;
    expect(edgeCheck(w, '203.0.113.10', 22).ok).toBe(true);
    expect(edgeCheck(w, '203.0.113.10', 80).reason).toMatch(/security groups sg-1 do not allow TCP 80/);
    expect(edgeCheck(w, '203.0.113.30', 22).reason).toMatch(/no Available DNAT entry/);
    expect(edgeCheck(w, '198.51.100.99', 22).reason).toMatch(/not bound/);
    expect(edgeCheck(w, '203.0.113.99', 22).reason).toMatch(/not an EIP/);
    // Port forwarding (TCP 2222 → 22) works; UDP does not carry SSH.
    w.addDnatEntry({ forwardTableId: 'ftb-1', externalIp: '203.0.113.30', externalPort: '2222', internalIp: '192.168.1.11', internalPort: '22', ipProtocol: 'TCP' });
    expect(await probeEdge(sb.edge, '203.0.113.30', 2222)).toBe('SSH-2.0-OpenSSH_7.4');
    w.addDnatEntry({ forwardTableId: 'ftb-1', externalIp: '198.51.100.40', externalPort: '22', internalIp: '192.168.1.12', internalPort: '22', ipProtocol: 'UDP' });
    expect(edgeCheck(w, '198.51.100.40', 22).ok).toBe(false);
    // A stopped instance, a closed security group, a different sshd port, an SG source that excludes the client.
    w.addDnatEntry({ forwardTableId: 'ftb-1', externalIp: '198.51.100.40', externalPort: '22', internalIp: '192.168.1.12', internalPort: '22', ipProtocol: 'TCP' });
    expect(edgeCheck(w, '198.51.100.40', 22).reason).toMatch(/i-3 is Stopped/);
    w.setInstanceStatus('i-3', 'Running');
    expect(edgeCheck(w, '198.51.100.40', 22).ok).toBe(true);
    w.instances.get('i-3')!.securityGroupIds = ['sg-closed'];
    expect(edgeCheck(w, '198.51.100.40', 22).ok).toBe(false);
    w.instances.get('i-3')!.securityGroupIds = ['sg-1'];
    w.instances.get('i-3')!.guest.sshPort = 2200;
    expect(edgeCheck(w, '198.51.100.40', 22).reason).toMatch(/sshd is on 2200/);
    w.instances.get('i-3')!.guest.sshPort = 22;
    w.securityGroups.get('sg-1')!.rules[0]!.cidr = '10.0.0.0/8';
    expect(edgeCheck(w, '198.51.100.40', 22, '198.51.100.200').ok).toBe(false);
    expect(edgeCheck(w, '198.51.100.40', 22, '10.1.2.3').ok).toBe(true);
    // A Drop rule with a better priority wins.
    w.securityGroups.get('sg-1')!.rules.push({ direction: 'ingress', ipProtocol: 'ALL', portRange: '-1/-1', cidr: '0.0.0.0/0', policy: 'Drop', priority: 1, description: '', ruleId: 'sgr-x' });
    w.securityGroups.get('sg-1')!.rules[0]!.priority = 2;
    expect(edgeCheck(w, '198.51.100.40', 22, '10.1.2.3').reason).toMatch(/drops TCP 22/);
    expect(sb.edgeLog.some((e) => e.dstPort === 2222 && e.ok)).toBe(true);
  });

  it('a DNAT entry being created is not whole until Available, and edge latency delays the banner', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatCreate: 150, edge: 120 } }));
    await sb.vpc.createForwardEntry(new $Vpc.CreateForwardEntryRequest({
      regionId: R, forwardTableId: 'ftb-1', externalIp: '203.0.113.30', externalPort: '22', internalIp: '192.168.1.11', internalPort: '22', ipProtocol: 'TCP',
    }));
    expect(edgeCheck(sb.world, '203.0.113.30', 22).reason).toMatch(/is Pending/);
    expect(await probeEdge(sb.edge, '203.0.113.30', 22, { timeoutMs: 100 })).toBeUndefined();
    await until(() => edgeCheck(sb!.world, '203.0.113.30', 22).ok, { what: 'the new DNAT entry to make the path whole', timeoutMs: 2000 });
    const t0 = Date.now();
    expect(await probeEdge(sb.edge, '203.0.113.30', 22)).toBe('SSH-2.0-OpenSSH_7.4');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('the edge drops a connection whose first line is not a PROXY v1 header', async () => {
    sb = await startWithClients();
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(sb!.edge.port, sb!.edge.host, () => s.write('SSH-2.0-client\r\n'));
      s.on('close', () => resolve(true));
      s.on('data', () => resolve(false));
      setTimeout(() => resolve(false), 1000);
    });
    expect(closed).toBe(true);
  });
});
