// StopInstance, StartInstance and RebootInstance through the unmodified ECS SDK: the documented statuses in order,
// IncorrectInstanceStatus from the wrong status, DryRun, and a new boot dropping what the guest did not persist.
import { afterEach, describe, expect, it } from 'vitest';
import { edgeCheck } from '../../src/sandbox/index.ts';
import { until } from '../../src/util/until.ts';
import { $Ecs, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

async function status(s: Sandbox & Clients, id: string): Promise<string> {
  const r = await s.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify([id]) }));
  return r.body!.instances!.instance![0]!.status!;
}

/** Every status the instance shows until it settles on `final` (consecutive duplicates removed). */
async function watch(s: Sandbox & Clients, id: string, final: string): Promise<string[]> {
  const seen: string[] = [];
  await until(async () => {
    const st = await status(s, id);
    if (seen[seen.length - 1] !== st) seen.push(st);
    return st === final && seen.length > 1;
  }, { what: `${id} to be ${final}`, everyMs: 5 });
  return seen;
}

const slowPower = () => smallScenario({ latencyMs: { apiMs: 0, eniAttach: 100, eniDetach: 100, eniDelete: 80, dnatCreate: 100, dnatDelete: 100, runCommand: 80, edge: 0, instanceStop: 120, instanceStart: 120 } });

describe('ECS power operations', () => {
  it('stop goes Running → Stopping → Stopped, start Stopped → Starting → Running, reboot through both', async () => {
    sb = await startWithClients(slowPower());
    await sb.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: 'i-2' }));
    expect(await watch(sb, 'i-2', 'Stopped')).toEqual(['Stopping', 'Stopped']);
    await sb.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: 'i-2' }));
    expect(await watch(sb, 'i-2', 'Running')).toEqual(['Starting', 'Running']);
    await sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-2' }));
    expect(await watch(sb, 'i-2', 'Running')).toEqual(['Stopping', 'Starting', 'Running']);
  });

  it('answers IncorrectInstanceStatus from the wrong status, InvalidInstanceId.NotFound for no instance, DryRunOperation on a dry run', async () => {
    sb = await startWithClients(slowPower());
    const start = await sdkError(sb.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: 'i-2' })));
    expect(start).toMatchObject({ code: 'IncorrectInstanceStatus', statusCode: 403 });
    const reboot = await sdkError(sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-3' })));
    expect(reboot).toMatchObject({ code: 'IncorrectInstanceStatus' });
    const stopStopped = await sdkError(sb.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: 'i-3' })));
    expect(stopStopped).toMatchObject({ code: 'IncorrectInstanceStatus' });
    const none = await sdkError(sb.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: 'i-nope' })));
    expect(none).toMatchObject({ code: 'InvalidInstanceId.NotFound', statusCode: 404 });
    const dry = await sdkError(sb.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: 'i-2', dryRun: true })));
    expect(dry).toMatchObject({ code: 'DryRunOperation' });
    expect(await status(sb, 'i-2')).toBe('Running');
    // While a reboot is in flight, neither another reboot nor a start is accepted.
    await sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-2' }));
    expect(await sdkError(sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-2' })))).toMatchObject({ code: 'IncorrectInstanceStatus' });
    expect(await sdkError(sb.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: 'i-2' })))).toMatchObject({ code: 'IncorrectInstanceStatus' });
  });

  it('a reboot through the API drops the guest configuration that was only applied at run time', async () => {
    sb = await startWithClients(slowPower());
    // i-1 answers on its DNAT EIP; deleting its default route at run time breaks the reply path, and goes away with a reboot.
    expect(edgeCheck(sb.world, '203.0.113.10', 22).ok).toBe(true);
    const inv = await sb.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: ['i-1'], type: 'RunShellScript', commandContent: 'ip route del default', timeout: 60, contentEncoding: 'PlainText' }));
    expect(inv.body!.invokeId).toBeTruthy();
    await until(() => !edgeCheck(sb!.world, '203.0.113.10', 22).ok, { what: 'the rule to break the reply path' });
    await sb.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: 'i-1' }));
    expect(edgeCheck(sb.world, '203.0.113.10', 22).reason).toMatch(/is Stopping/);
    await watch(sb, 'i-1', 'Running');
    expect(edgeCheck(sb.world, '203.0.113.10', 22).ok).toBe(true);
  });
});

describe('families that take a secondary ENI only while Stopped', () => {
  it('AttachNetworkInterface to a Running ecs.t5 is refused; stopped, it attaches; started again, the NIC is there', async () => {
    const base = slowPower();
    sb = await startWithClients({ ...base, instances: base.instances!.map((i) => (i.instanceId === 'i-2' ? { ...i, instanceType: 'ecs.t5-lc1m1.small' } : i)) });
    const c = await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1' }));
    const eniId = c.body!.networkInterfaceId!;
    const refused = await sdkError(sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-2', networkInterfaceId: eniId })));
    expect(refused).toMatchObject({ code: 'InvalidOperation.InvalidEcsState', statusCode: 400 });
    expect(refused.message).toMatch(/family ecs\.t5 attach a secondary ENI only when Stopped/);
    // A g7 (i-1) takes it while Running.
    const c1 = await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1' }));
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: c1.body!.networkInterfaceId! }));

    await sb.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: 'i-2' }));
    await watch(sb, 'i-2', 'Stopped');
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-2', networkInterfaceId: eniId }));
    await until(async () => (await sb!.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [eniId] }))).body!.networkInterfaceSets!.networkInterfaceSet![0]!.status === 'InUse', { what: 'InUse' });
    await sb.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: 'i-2' }));
    await watch(sb, 'i-2', 'Running');
    const nics = (await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-2']) }))).body!.instances!.instance![0]!.networkInterfaces!.networkInterface!;
    expect(nics.map((n) => n.type)).toEqual(['Primary', 'Secondary']);
  });
});
