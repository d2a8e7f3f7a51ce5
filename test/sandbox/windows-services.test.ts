// Windows guests with services: each NIC's network category picks the firewall profile that decides at the public
// edge, the new NIC lands in the Public profile, and Cloud Assistant answers the Net* cmdlets through ConvertTo-Json
// the way Windows PowerShell 5.1 prints them; the network category and New-NetFirewallRule rules survive a reboot.
import { afterEach, describe, expect, it } from 'vitest';
import { splitSections } from '../../src/domain/guest-listing.ts';
import { parseWindowsIntrospection, WINDOWS_INTROSPECTION_SCRIPT } from '../../src/domain/windows-listing.ts';
import { edgeCheck, probeEdge, probeEdgePort, probeEdgeRdp, X224_CONNECTION_CONFIRM } from '../../src/sandbox/index.ts';
import type { Sandbox, ScenarioInput } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { $Ecs, $Vpc, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';

const R = 'cn-hangzhou';
const EIP = '203.0.113.10';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

function scenario(primaryCategory: 'Private' | 'DomainAuthenticated' = 'Private'): ScenarioInput {
  const base = smallScenario();
  return {
    ...base,
    latencyMs: { ...base.latencyMs!, instanceStop: 20, instanceStart: 20 },
    securityGroups: [...base.securityGroups!, { securityGroupId: 'sg-web', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '1/65535', sourceCidrIp: '0.0.0.0/0' }] }],
    instances: [{
      instanceId: 'i-1', vSwitchId: 'vsw-1', privateIp: '192.168.1.10', securityGroupIds: ['sg-web'], eniQuota: 3,
      guest: {
        image: 'windows2022', sshPort: 3389, sshBanner: 'RDP',
        services: [{ port: 80, process: 'System' }, { port: 8080, process: 'app' }],
        windowsFirewall: {
          primaryCategory,
          rules: [
            { name: 'RemoteDesktop-UserMode-In-TCP', displayName: 'Remote Desktop - User Mode (TCP-In)', localPort: 3389 },
            { name: 'IIS-WebServerRole-HTTP-In-TCP', displayName: 'World Wide Web Services (HTTP Traffic-In)', localPort: 80 },
            { name: 'app-8080', displayName: 'Line-of-business app', localPort: 8080, profiles: ['Domain', 'Private'] },
          ],
        },
      },
    }],
  };
}

async function ps(s: Sandbox & Clients, script: string): Promise<{ status: string; output: string }> {
  const r = await s.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: ['i-1'], type: 'RunPowerShellScript', commandContent: Buffer.from(script).toString('base64'), contentEncoding: 'Base64', timeout: 60 }));
  return until(async () => {
    const d = await s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: r.body!.invokeId }));
    const x = d.body!.invocation!.invocationResults!.invocationResult![0]!;
    return x.invocationStatus === 'Running' ? undefined : { status: x.invocationStatus!, output: Buffer.from(x.output ?? '', 'base64').toString('utf8') };
  }, { what: 'the PowerShell script' });
}

async function moveToEni(s: Sandbox & Clients): Promise<string> {
  const c = await s.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-web' }));
  const eniId = c.body!.networkInterfaceId!;
  await s.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: eniId }));
  await until(async () => (await s.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [eniId] }))).body!.networkInterfaceSets!.networkInterfaceSet![0]?.status === 'InUse', { what: 'InUse' });
  await s.vpc.modifyForwardEntry(new $Vpc.ModifyForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1', internalIp: c.body!.privateIpAddress! }));
  await until(() => { s.world.settle(); return s.world.dnatEntries.get('fwd-1')!.status === 'Available'; }, { what: 'the modify' });
  return c.body!.privateIpAddress!;
}

const answers = async (s: Sandbox, port: number) => (await probeEdgePort(s.edge, EIP, port, { timeoutMs: 400 })).answered;

describe('Windows guests with services', () => {
  it('the cmdlets answer in their JSON shapes, and the domain parser reads them', async () => {
    sb = await startWithClients(scenario());
    const tcp = await ps(sb, 'Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json');
    expect(tcp.status).toBe('Success');
    expect(tcp.output).toMatch(/^\[\r?\n {4}\{\r?\n {8}"LocalAddress":  "0\.0\.0\.0",/); // 5.1's layout: 4-space indent, '":  '
    expect(JSON.parse(tcp.output).map((x: { LocalPort: number }) => x.LocalPort)).toEqual([3389, 80, 8080]);
    const prof = JSON.parse((await ps(sb, 'Get-NetConnectionProfile | Select-Object Name,InterfaceAlias,InterfaceIndex,NetworkCategory | ConvertTo-Json')).output);
    expect(prof).toEqual({ Name: 'Network', InterfaceAlias: 'Ethernet', InterfaceIndex: 6, NetworkCategory: 1 }); // one object, no array
    const fw = JSON.parse((await ps(sb, 'Get-NetFirewallProfile | Select-Object Name,Enabled,DefaultInboundAction | ConvertTo-Json')).output);
    expect(fw).toEqual([{ Name: 'Domain', Enabled: 1, DefaultInboundAction: 0 }, { Name: 'Private', Enabled: 1, DefaultInboundAction: 0 }, { Name: 'Public', Enabled: 1, DefaultInboundAction: 0 }]);
    const all = await ps(sb, WINDOWS_INTROSPECTION_SCRIPT);
    expect(all.status).toBe('Success');
    const facts = parseWindowsIntrospection(splitSections(all.output));
    expect(facts).toMatchObject({
      interfaces: [{ alias: 'Ethernet', category: 'Private', ips: ['192.168.1.10'] }],
      firewall: { Public: { enabled: true, inbound: 'Block' } },
    });
    expect('rules' in facts && facts.rules.find((r) => r.name === 'app-8080')).toMatchObject({ profiles: ['Domain', 'Private'], localPorts: ['8080'], action: 'Allow', interfaceAlias: 'Any', remoteAddress: 'Any' });
    expect((await ps(sb, 'Set-NetConnectionProfile -InterfaceIndex 6 -NetworkCategory DomainAuthenticated')).output).toMatch(/Unable to set NetworkCategory to 'DomainAuthenticated'/);
  });

  it('the new NIC lands in the Public profile: 8080 stops answering there; set to Private it answers, and keeps answering after a reboot', async () => {
    sb = await startWithClients(scenario());
    expect([await answers(sb, 3389), await answers(sb, 80), await answers(sb, 8080)]).toEqual([true, true, true]);
    const eniIp = await moveToEni(sb);
    expect([await answers(sb, 3389), await answers(sb, 80), await answers(sb, 8080)]).toEqual([true, true, false]);
    expect(edgeCheck(sb.world, EIP, 8080).reason).toMatch(/Ethernet 2 \(Unidentified network, Public → the Public profile\): no rule allows TCP 8080 in the Public profile/);
    const prof = JSON.parse((await ps(sb, 'Get-NetConnectionProfile | Select-Object InterfaceAlias,NetworkCategory | ConvertTo-Json')).output);
    expect(prof).toEqual([{ InterfaceAlias: 'Ethernet', NetworkCategory: 1 }, { InterfaceAlias: 'Ethernet 2', NetworkCategory: 0 }]);

    const set = await ps(sb, `$idx = (Get-NetIPAddress -AddressFamily IPv4 -IPAddress '${eniIp}').InterfaceIndex\nSet-NetConnectionProfile -InterfaceIndex $idx -NetworkCategory Private\nSet-NetIPInterface -InterfaceIndex $idx -InterfaceMetric 100 -PolicyStore ActiveStore`);
    expect(set.status).toBe('Success');
    expect(await answers(sb, 8080)).toBe(true);
    await sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-1' }));
    await until(async () => (await sb!.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-1']) }))).body!.instances!.instance![0]!.status === 'Running', { what: 'Running' });
    expect(sb.world.instances.get('i-1')!.bootId).toBeGreaterThan(1);
    expect(await answers(sb, 8080)).toBe(true); // the network keeps its category
    // An ActiveStore metric is gone after the reboot: back to the automatic one.
    expect(JSON.parse((await ps(sb, 'Get-NetIPInterface -InterfaceIndex 9 | Select-Object InterfaceMetric,AutomaticMetric | ConvertTo-Json')).output)).toEqual({ InterfaceMetric: 15, AutomaticMetric: 1 });
  });

  it('Remote Desktop at the edge: nothing first, a Connection Confirm to an X.224 Connection Request, nothing to anything else', async () => {
    sb = await startWithClients(scenario());
    expect(X224_CONNECTION_CONFIRM.toString('hex')).toBe('030000130ed000001234000200080002000000');
    expect(await probeEdgeRdp(sb.edge, EIP)).toBe(X224_CONNECTION_CONFIRM.toString('hex'));
    expect(await probeEdge(sb.edge, EIP, 3389, { timeoutMs: 300 })).toBeUndefined(); // an SSH-style wait for a banner: silence
    expect(await probeEdgePort(sb.edge, EIP, 3389, { timeoutMs: 400 })).toMatchObject({ answered: true, firstBytes: '' }); // a clean close on EOF
    await moveToEni(sb);
    expect(await probeEdgeRdp(sb.edge, EIP)).toBe(X224_CONNECTION_CONFIRM.toString('hex')); // the RDP rule is for every profile
  });

  it('a rule mirrored for the new NIC only (Public, its interface) lets one port in, and survives a reboot', async () => {
    sb = await startWithClients(scenario('DomainAuthenticated'));
    const eniIp = await moveToEni(sb);
    expect(await answers(sb, 8080)).toBe(false);
    const r = await ps(sb, `$alias = (Get-NetIPAddress -AddressFamily IPv4 -IPAddress '${eniIp}').InterfaceAlias\nNew-NetFirewallRule -Name 'm-8080' -Direction Inbound -Action Allow -Protocol TCP -LocalPort 8080 -Profile Public -InterfaceAlias $alias | Select-Object Name,Profile | ConvertTo-Json`);
    expect(r).toMatchObject({ status: 'Success' });
    expect(JSON.parse(r.output)).toEqual({ Name: 'm-8080', Profile: 4 });
    expect(await answers(sb, 8080)).toBe(true);
    expect((await ps(sb, "New-NetFirewallRule -Name 'm-8080' -LocalPort 8080 -Profile Public")).status).toBe('Failed');
    await sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-1' }));
    await until(async () => (await sb!.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-1']) }))).body!.instances!.instance![0]!.status === 'Running', { what: 'Running' });
    expect(await answers(sb, 8080)).toBe(true);
  });
});
