// Guests with services: listeners, a host firewall and rp_filter decide what answers through the public edge before
// and after a migration; Cloud Assistant prints them with the standard introspection commands.
import { afterEach, describe, expect, it } from 'vitest';
import { edgeCheck, probeEdgePort } from '../../src/sandbox/index.ts';
import type { Sandbox, ScenarioInput } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { $Ecs, $Vpc, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

async function run(s: Sandbox & Clients, instanceId: string, script: string): Promise<{ status: string; exitCode?: number; output: string }> {
  const r = await s.ecs.runCommand(new $Ecs.RunCommandRequest({
    regionId: R, instanceId: [instanceId], type: 'RunShellScript', commandContent: Buffer.from(script).toString('base64'), contentEncoding: 'Base64', timeout: 60,
  }));
  return until(async () => {
    const d = await s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: r.body!.invokeId }));
    const x = d.body!.invocation!.invocationResults!.invocationResult![0]!;
    if (x.invocationStatus === 'Running') return undefined;
    return { status: x.invocationStatus!, exitCode: x.exitCode, output: Buffer.from(x.output ?? '', 'base64').toString('utf8') };
  }, { what: `the script on ${instanceId} to finish` });
}

/** Creates and attaches an ENI, then moves the IP mapping onto it in place (ModifyForwardEntry). */
async function moveToEni(s: Sandbox & Clients): Promise<string> {
  const c = await s.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-web', clientToken: 'eni-1' }));
  const eniId = c.body!.networkInterfaceId!;
  await s.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: eniId }));
  await until(async () => {
    const r = await s.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [eniId] }));
    return r.body!.networkInterfaceSets!.networkInterfaceSet![0]?.status === 'InUse';
  }, { what: 'the ENI to be InUse' });
  await s.vpc.modifyForwardEntry(new $Vpc.ModifyForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1', internalIp: c.body!.privateIpAddress! }));
  await until(async () => {
    const r = await s.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }));
    const e = r.body!.forwardTableEntries!.forwardTableEntry![0]!;
    return e.status === 'Available' && e.internalIp === c.body!.privateIpAddress;
  }, { what: 'the entry to be Available on the ENI' });
  return c.body!.privateIpAddress!;
}

type Guest = NonNullable<NonNullable<ScenarioInput['instances']>[number]['guest']>;
function scenario(guest: Guest): ScenarioInput {
  const base = smallScenario();
  return {
    ...base,
    securityGroups: [...base.securityGroups!, { securityGroupId: 'sg-web', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '1/65535', sourceCidrIp: '0.0.0.0/0' }] }],
    instances: [{ instanceId: 'i-1', vSwitchId: 'vsw-1', privateIp: '192.168.1.10', securityGroupIds: ['sg-web'], eniQuota: 3, guest: { configuresSecondaryNic: true, ...guest } }],
  };
}

const answers = async (s: Sandbox, port: number) => (await probeEdgePort(s.edge, '203.0.113.10', port, { timeoutMs: 400 })).answered;

describe('guest services through the public edge', () => {
  it('nginx on 0.0.0.0 answers on both paths; a service on the primary address only stops answering on the ENI', async () => {
    sb = await startWithClients(scenario({
      services: [
        { port: 80, process: 'nginx' }, { port: 443, process: 'nginx' },
        { port: 25, bind: 'primary', process: 'master', firstBytes: '220 mail.example.com ESMTP Postfix\r\n' },
        { protocol: 'udp', port: 51820, process: 'wireguard' },
      ],
    }));
    const ss = await run(sb, 'i-1', 'ss -Hltnu');
    expect(ss.output.split('\n').filter(Boolean).map((l) => l.split(/\s+/))).toEqual([
      ['udp', 'UNCONN', '0', '0', '0.0.0.0:51820', '0.0.0.0:*'],
      ['tcp', 'LISTEN', '0', '128', '0.0.0.0:22', '0.0.0.0:*'],
      ['tcp', 'LISTEN', '0', '511', '0.0.0.0:80', '0.0.0.0:*'],
      ['tcp', 'LISTEN', '0', '511', '0.0.0.0:443', '0.0.0.0:*'],
      ['tcp', 'LISTEN', '0', '128', '192.168.1.10:25', '0.0.0.0:*'],
    ]);
    expect((await run(sb, 'i-1', 'ss -Hltnp')).output).toMatch(/192\.168\.1\.10:25 +0\.0\.0\.0:\* +users:\(\("master",pid=\d+,fd=6\)\)/);
    const smtp = await probeEdgePort(sb.edge, '203.0.113.10', 25);
    expect(smtp).toMatchObject({ answered: true, firstBytes: '220 mail.example.com ESMTP Postfix\r\n' });
    expect(await answers(sb, 443)).toBe(true);

    const eniIp = await moveToEni(sb);
    expect(await answers(sb, 80)).toBe(true);
    expect(await answers(sb, 443)).toBe(true);
    expect(await answers(sb, 22)).toBe(true);
    const after25 = await probeEdgePort(sb.edge, '203.0.113.10', 25, { timeoutMs: 400 });
    expect(after25).toMatchObject({ answered: false, refused: true });
    expect(edgeCheck(sb.world, '203.0.113.10', 25).reason).toBe(`nothing listens on ${eniIp}:25 in the guest (master is bound to 192.168.1.10:25 only)`);
  });

  it('an INPUT rule on eth0 with a default DROP: silent on eth1 until the rule is mirrored; iptables-save shows both', async () => {
    sb = await startWithClients(scenario({
      services: [{ port: 443, process: 'nginx' }],
      firewall: { inputPolicy: 'DROP', rules: [
        { inInterface: 'lo', target: 'ACCEPT' },
        { state: 'RELATED,ESTABLISHED', target: 'ACCEPT' },
        { protocol: 'tcp', dport: 22, target: 'ACCEPT' },
        { inInterface: 'eth0', protocol: 'tcp', dport: 443, target: 'ACCEPT' },
      ] },
    }));
    expect(await answers(sb, 443)).toBe(true);
    await moveToEni(sb);
    expect(await answers(sb, 22)).toBe(true);
    const silent = await probeEdgePort(sb.edge, '203.0.113.10', 443, { timeoutMs: 300 });
    expect(silent).toMatchObject({ answered: false, refused: false });
    expect(edgeCheck(sb.world, '203.0.113.10', 443).reason).toMatch(/the guest firewall drops it: the INPUT policy DROP/);

    const fix = await run(sb, 'i-1', 'iptables -C INPUT -i eth1 -p tcp -m tcp --dport 443 -j ACCEPT 2>/dev/null || iptables -I INPUT 4 -i eth1 -p tcp -m tcp --dport 443 -j ACCEPT; iptables-save');
    expect(fix.output.replace(/ on .*\n/g, '\n')).toBe([
      '# Generated by iptables-save v1.8.4', '*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
      '-A INPUT -i lo -j ACCEPT', '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A INPUT -i eth1 -p tcp -m tcp --dport 443 -j ACCEPT', '-A INPUT -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT', 'COMMIT', '# Completed', '',
    ].join('\n'));
    expect(await answers(sb, 443)).toBe(true);
    // Runtime rules last one boot: after a reboot the boot-time rules are back.
    sb.world.setInstanceStatus('i-1', 'Stopped');
    sb.world.setInstanceStatus('i-1', 'Running');
    expect((await run(sb, 'i-1', 'iptables-save')).output).not.toContain('-i eth1');
  });

  it('nftables: nft list ruleset prints the native table, iptables-save prints nothing; nft insert mirrors a rule', async () => {
    sb = await startWithClients(scenario({
      services: [{ port: 8443, process: 'java' }],
      firewall: { backend: 'nftables', inputPolicy: 'DROP', rules: [{ protocol: 'tcp', dport: 22, target: 'ACCEPT' }, { destination: '192.168.1.10', protocol: 'tcp', dport: 8443, target: 'ACCEPT' }] },
    }));
    const out = await run(sb, 'i-1', 'iptables-save; nft list ruleset');
    expect(out.output).toBe('table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 22 accept\n\t\tip daddr 192.168.1.10 tcp dport 8443 accept\n\t}\n}\n');
    const eniIp = await moveToEni(sb);
    expect(await answers(sb, 8443)).toBe(false);
    await run(sb, 'i-1', `nft insert rule inet filter input ip daddr ${eniIp} tcp dport 8443 accept`);
    expect(await answers(sb, 8443)).toBe(true);
  });

  it('strict rp_filter drops packets on a NIC whose route back leaves by another one; sysctl prints the keys', async () => {
    sb = await startWithClients(scenario({ configuresSecondaryNic: false, services: [{ port: 80, process: 'nginx' }], rpFilter: { all: 1, default: 1 } }));
    const sys = await run(sb, 'i-1', 'sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter');
    expect(sys.output).toBe('net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.default.rp_filter = 1\n');
    const eniIp = await moveToEni(sb);
    await run(sb, 'i-1', `ip link set eth1 up && ip addr add ${eniIp}/24 dev eth1`);
    expect(edgeCheck(sb.world, '203.0.113.10', 80).reason).toBe('rp_filter=1 (strict) on eth1 drops packets from 198.51.100.200: the route back leaves by eth0');
    await run(sb, 'i-1', `ip route add default via 192.168.1.253 dev eth1 table 1001 && ip rule add from ${eniIp} lookup 1001`);
    expect(await answers(sb, 80)).toBe(true);
    expect((await run(sb, 'i-1', 'sysctl -w net.ipv4.conf.all.rp_filter=2; sysctl -n net.ipv4.conf.all.rp_filter; sysctl net.ipv4.conf.eth9.rp_filter')).output)
      .toBe('net.ipv4.conf.all.rp_filter = 2\n2\nsysctl: cannot stat /proc/sys/net/ipv4/conf/eth9/rp_filter: No such file or directory\n');
  });

  it('a filter introspection cannot see: port answers before, silent after, though ss and iptables-save look fine', async () => {
    sb = await startWithClients(scenario({ services: [{ port: 8080, process: 'java' }], hiddenInboundDrop: [8080] }));
    expect(await answers(sb, 8080)).toBe(true);
    await moveToEni(sb);
    expect(await answers(sb, 8080)).toBe(false);
    expect((await run(sb, 'i-1', 'iptables-save')).output).not.toContain('8080');
  });
});
