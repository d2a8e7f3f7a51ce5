// A Windows guest through the unmodified SDK: OSType windows, Cloud Assistant takes RunPowerShellScript and refuses
// RunShellScript, the IP-echo fetch in PowerShell shows the egress IP, and a secondary ENI answers without any
// configuration (DHCP, strong host model), before and after a reboot through RebootInstance.
import { afterEach, describe, expect, it } from 'vitest';
import { edgeCheck } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { $Ecs, $Vpc, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

function windowsScenario() {
  const base = smallScenario();
  return smallScenario({
    latencyMs: { ...base.latencyMs!, instanceStop: 30, instanceStart: 30 },
    securityGroups: [...base.securityGroups!.map((g) => (g.securityGroupId === 'sg-1' ? { ...g, ingress: [...(g.ingress ?? []), { ipProtocol: 'tcp', portRange: '3389/3389', sourceCidrIp: '0.0.0.0/0' }] } : g))],
    instances: base.instances!.map((i) => (i.instanceId === 'i-2' ? { ...i, guest: { configuresSecondaryNic: false, image: 'windows2022', sshPort: 3389, sshBanner: 'RDP' } } : i)) as never,
    dnatEntries: [...base.dnatEntries!, { forwardTableId: 'ftb-1', forwardEntryId: 'fwd-2', externalIp: '203.0.113.30', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any' }],
  });
}

async function ps(s: Sandbox & Clients, script: string): Promise<{ status: string; exitCode?: number; output: string }> {
  const r = await s.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: ['i-2'], type: 'RunPowerShellScript', commandContent: Buffer.from(script).toString('base64'), contentEncoding: 'Base64', timeout: 60 }));
  return until(async () => {
    const d = await s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: r.body!.invokeId }));
    const x = d.body!.invocation!.invocationResults!.invocationResult![0]!;
    return x.invocationStatus === 'Running' ? undefined : { status: x.invocationStatus!, exitCode: x.exitCode, output: Buffer.from(x.output ?? '', 'base64').toString('utf8') };
  }, { what: 'the PowerShell script' });
}

describe('Windows guests', () => {
  it('report OSType windows, take PowerShell only, and show their egress IP from PowerShell', async () => {
    sb = await startWithClients(windowsScenario());
    const d = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-1', 'i-2']) }));
    expect(d.body!.instances!.instance!.map((i) => [i.instanceId, i.OSType ?? i.osType])).toEqual([['i-1', 'linux'], ['i-2', 'windows']]);
    const shell = await sdkError(sb.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: ['i-2'], type: 'RunShellScript', commandContent: 'echo hi', contentEncoding: 'PlainText' })));
    expect(shell).toMatchObject({ code: 'InvalidInstance.NotMatch' });
    expect(shell.message).toMatch(/RunShellScript cannot run on a Windows instance/);
    const linuxPs = await sdkError(sb.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: ['i-1'], type: 'RunPowerShellScript', commandContent: 'Write-Output hi', contentEncoding: 'PlainText' })));
    expect(linuxPs).toMatchObject({ code: 'InvalidInstance.NotMatch' });

    expect(await ps(sb, "$ProgressPreference = 'SilentlyContinue'\n(Invoke-WebRequest -UseBasicParsing -Uri 'https://api.ipify.org' -TimeoutSec 10).Content")).toMatchObject({ status: 'Success', output: '203.0.113.30\n' });
    expect((await ps(sb, "Invoke-RestMethod https://myip.ipip.net")).output).toMatch(/当前 IP：203\.0\.113\.30/);
    const unknown = await ps(sb, 'ip addr');
    expect(unknown).toMatchObject({ status: 'Failed', exitCode: 1 });
    expect(unknown.output).toMatch(/The term 'ip' is not recognized as the name of a cmdlet/);
    expect((await ps(sb, "(Invoke-WebRequest -UseBasicParsing 'https://example.com').Content")).output).toMatch(/The remote name could not be resolved: 'example.com'/);
  });

  it('a secondary ENI answers on its EIP without configuration, egress moves to SNAT, and both survive a reboot', async () => {
    sb = await startWithClients(windowsScenario());
    const c = await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1' }));
    const eniId = c.body!.networkInterfaceId!;
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-2', networkInterfaceId: eniId }));
    await until(async () => (await sb!.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [eniId] }))).body!.networkInterfaceSets!.networkInterfaceSet![0]!.status === 'InUse', { what: 'InUse' });
    await sb.vpc.modifyForwardEntry(new $Vpc.ModifyForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-2', internalIp: c.body!.privateIpAddress! }));
    await until(() => { sb!.world.settle(); return sb!.world.dnatEntries.get('fwd-2')!.status === 'Available'; }, { what: 'the modify' });
    expect(edgeCheck(sb.world, '203.0.113.30', 3389)).toMatchObject({ ok: true, internalIp: c.body!.privateIpAddress });
    expect((await ps(sb, "(Invoke-WebRequest -UseBasicParsing -Uri 'https://api.ipify.org').Content")).output).toBe('203.0.113.20\n');
    await sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-2' }));
    await until(async () => (await sb!.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-2']) }))).body!.instances!.instance![0]!.status === 'Running', { what: 'Running' });
    expect(edgeCheck(sb.world, '203.0.113.30', 3389).ok).toBe(true);
    expect((await ps(sb, "(Invoke-WebRequest -UseBasicParsing -Uri 'https://api.ipify.org').Content")).output).toBe('203.0.113.20\n');
  });
});
