// Cloud Assistant: RunCommand and DescribeInvocationResults through the real SDK, and the modelled guest's commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $Ecs, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import { until } from '../../src/util/until.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: Sandbox & Clients;
beforeAll(async () => {
  sb = await startWithClients(smallScenario({
    instances: [
      ...smallScenario().instances!,
      { instanceId: 'i-noagent', vSwitchId: 'vsw-1', privateIp: '192.168.1.60', securityGroupIds: ['sg-1'], guest: { cloudAssistant: false } },
    ],
  }));
});
afterAll(async () => { await sb.close(); });

async function start(script: string, over: Partial<$Ecs.RunCommandRequest> = {}): Promise<string> {
  const r = await sb.ecs.runCommand(new $Ecs.RunCommandRequest({
    regionId: R, instanceId: ['i-1'], type: 'RunShellScript', commandContent: Buffer.from(script).toString('base64'), contentEncoding: 'Base64', ...over,
  }));
  expect(r.body!.commandId).toMatch(/^c-/);
  return r.body!.invokeId!;
}
async function results(invokeId: string, over: Partial<$Ecs.DescribeInvocationResultsRequest> = {}) {
  const r = await sb.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId, ...over }));
  return r.body!.invocation!;
}
async function finished(invokeId: string, instanceId = 'i-1') {
  return until(async () => {
    const x = (await results(invokeId, { instanceId })).invocationResults!.invocationResult![0]!;
    return x.invokeRecordStatus === 'Finished' ? x : undefined;
  }, { what: `invocation ${invokeId} to finish on ${instanceId}` });
}
const text = (b64?: string) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
async function sh(script: string, instanceId = 'i-1') {
  const x = await finished(await start(script, { instanceId: [instanceId] }), instanceId);
  return { status: x.invocationStatus, exitCode: x.exitCode, out: text(x.output) };
}

describe('Cloud Assistant', () => {
  it('goes Running → Success with Base64 output, and Running → Failed with the exit code', async () => {
    const id = await start('echo hello; hostname');
    const running = (await results(id)).invocationResults!.invocationResult![0]!;
    expect(running).toMatchObject({ invokeId: id, instanceId: 'i-1', invocationStatus: 'Running', invokeRecordStatus: 'Running', output: '' });
    expect(running.exitCode).toBeUndefined();
    const done = await finished(id);
    expect(done).toMatchObject({ invocationStatus: 'Success', invokeRecordStatus: 'Finished', exitCode: 0, errorCode: '', dropped: 0 });
    expect(text(done.output)).toBe('hello\niZ1Z\n');
    expect(done.finishedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const bad = await finished(await start('echo before; exit 3'));
    expect(bad).toMatchObject({ invocationStatus: 'Failed', exitCode: 3, errorCode: 'ExitCodeNonzero' });
    expect(text(bad.output)).toBe('before\n');
  });

  it('PlainText content and PlainText output encoding; parameters; several instances in one invocation', async () => {
    const r = await sb.ecs.runCommand(new $Ecs.RunCommandRequest({
      regionId: R, instanceId: ['i-1', 'i-2'], type: 'RunShellScript', commandContent: 'echo "{{greeting}} from $(hostname)"',
      enableParameter: true, parameters: { greeting: 'hi' },
    }));
    const id = r.body!.invokeId!;
    await finished(id, 'i-2');
    const both = await results(id, { contentEncoding: 'PlainText' });
    expect(both.totalCount).toBe(2);
    expect(Object.fromEntries(both.invocationResults!.invocationResult!.map((x) => [x.instanceId, x.output]))).toEqual({ 'i-1': 'hi from iZ1Z\n', 'i-2': 'hi from iZ2Z\n' });
  });

  it('times out a command that outlives its Timeout; ClientNotRunning without an agent; refuses stopped instances', async () => {
    const slow = await finished(await start('echo start; sleep 15; echo never', { timeout: 10 }));
    expect(slow).toMatchObject({ invocationStatus: 'Timeout', errorCode: 'ExecutionTimeout' });
    // `sleep` is modelled, not slept: 15 s of script time > 10 s Timeout, reported after latency.runCommand.
    const noAgent = await finished(await start('echo x', { instanceId: ['i-noagent'] }), 'i-noagent');
    expect(noAgent).toMatchObject({ invocationStatus: 'Failed', errorCode: 'ClientNotRunning' });
    expect(await sdkError(start('echo x', { instanceId: ['i-3'] }))).toMatchObject({ code: 'InvalidInstance.NotMatch', statusCode: 403 });
    expect(await sdkError(start('echo x', { instanceId: ['i-none'] }))).toMatchObject({ code: 'InvalidInstance.NotFound', statusCode: 404 });
    expect(await sdkError(start('echo x', { type: 'RunBatScript' }))).toMatchObject({ code: 'InvalidInstance.NotMatch' });
    expect(await sdkError(start('echo x', { type: 'RunPython' }))).toMatchObject({ code: 'InvalidCmdType.NotFound' });
  });

  it('ClientToken makes RunCommand idempotent', async () => {
    const a = await start('echo once', { clientToken: 'run-1' });
    const b = await start('echo once', { clientToken: 'run-1' });
    expect(b).toBe(a);
    expect(await sdkError(start('echo twice', { clientToken: 'run-1' }))).toMatchObject({ code: 'IdempotentParameterMismatch', statusCode: 403 });
  });

  it('truncates output beyond 24 KB and reports Dropped; pages results with PageSize ≤ 50', async () => {
    const big = await finished(await start('seq 1 6000'));
    const full = Array.from({ length: 6000 }, (_, k) => `${k + 1}\n`).join('');
    expect(big.dropped).toBe(Buffer.byteLength(full) - 24 * 1024);
    expect(text(big.output)).toBe(full.slice(0, 24 * 1024));
    const page = await sb.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, instanceId: 'i-1', pageSize: 2 }));
    expect(page.body!.invocation!.invocationResults!.invocationResult).toHaveLength(2);
    expect(page.body!.invocation!.totalCount).toBeGreaterThan(2);
    expect(await sdkError(sb.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, pageSize: 51 }))))
      .toMatchObject({ code: 'InvalidParam.PageSize', statusCode: 403 });
  });
});

describe('the modelled guest', () => {
  it('reads interfaces, routes, rules, MACs and instance metadata like Linux and the metadata service', async () => {
    const r = await sh([
      'ip -4 -o addr show eth0 | awk \'{print $4}\'',
      'ip route show | head -n 1',
      'ip rule show | wc -l',
      'cat /sys/class/net/eth0/address',
      'ls /sys/class/net',
      'curl -s http://100.100.100.200/latest/meta-data/instance-id; echo',
      'curl -s http://100.100.100.200/latest/meta-data/network/interfaces/macs/',
      'echo',
      'M=$(cat /sys/class/net/eth0/address)',
      'curl -s http://100.100.100.200/latest/meta-data/network/interfaces/macs/$M/netmask; echo',
      'curl -sf http://100.100.100.200/latest/meta-data/nope || echo "404 -> $?"',
      'ip route get 8.8.8.8',
    ].join('\n'));
    const mac = sb.world.instances.get('i-1')!.macAddress;
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe([
      '192.168.1.10/24',
      'default via 192.168.1.253 dev eth0 proto dhcp metric 100',
      '3',
      mac,
      'eth0\nlo',
      'i-1',
      `${mac}/`,
      '255.255.255.0',
      '404 -> 22',
      '8.8.8.8 via 192.168.1.253 dev eth0 src 192.168.1.10 uid 0 ',
      '    cache ',
      '',
    ].join('\n'));
  });

  it('answers like Linux to mistakes: unknown commands, missing devices, duplicates, unreachable gateways', async () => {
    const r = await sh([
      'frobnicate --now; echo "rc=$?"',
      'ip link set eth7 up; echo "rc=$?"',
      'ip addr add 192.168.1.10/24 dev eth0; echo "rc=$?"',
      'ip route add default via 10.9.9.9 dev eth0 table 7; echo "rc=$?"',
      'ip route add default via 192.168.1.253 dev eth0 table 7; echo "rc=$?"',
      'ip route show table 7',
      'ip rule add from 192.168.1.10 table 7 pref 100; ip rule | head -n 2',
      'ip neigh; echo "rc=$?"',
    ].join('\n'));
    expect(r.out).toBe([
      'bash: line 1: frobnicate: command not found', 'rc=127',
      'Cannot find device "eth7"', 'rc=1',
      'RTNETLINK answers: File exists', 'rc=2',
      'Error: Nexthop has invalid gateway.', 'rc=2',
      'rc=0',
      'default via 192.168.1.253 dev eth0',
      '0:\tfrom all lookup local', '100:\tfrom 192.168.1.10 lookup 7',
      'Object "neigh" is unknown, try "ip help".', 'rc=1',
      '',
    ].join('\n'));
  });

  it('set -e stops at the first failure; `|| true` and if/for/pipes behave', async () => {
    const stop = await sh('set -e\necho one\nip link set eth9 up\necho two');
    expect(stop).toMatchObject({ status: 'Failed', exitCode: 1, out: 'one\nCannot find device "eth9"\n' });
    const ok = await sh([
      'set -euo pipefail',
      'ip link set eth9 up 2>/dev/null || true',
      'for d in $(ls /sys/class/net); do if [ "$d" != lo ]; then echo "nic $d"; fi; done',
      'cat > /tmp/cfg <<EOF',
      'IP=$(ip -4 -o addr show eth0 | awk \'{print $4}\' | cut -d/ -f1)',
      'EOF',
      'cat /tmp/cfg',
    ].join('\n'));
    expect(ok).toMatchObject({ status: 'Success', exitCode: 0, out: 'nic eth0\nIP=192.168.1.10\n' });
  });
});
