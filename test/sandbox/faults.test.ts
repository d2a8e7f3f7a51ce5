// Fault injection and throttling, seen through the real SDK's error classes.
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError, ServerError, ThrottlingError } from '@alicloud/openapi-core';
import { $Ecs, $Vpc, clientsFor, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import { sleep } from '../../src/util/sleep.ts';
import { until } from '../../src/util/until.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

const natReq = () => new $Vpc.DescribeNatGatewaysRequest({ regionId: R });
const entryReq = (over: Partial<$Vpc.CreateForwardEntryRequest> = {}) => new $Vpc.CreateForwardEntryRequest({
  regionId: R, forwardTableId: 'ftb-1', externalIp: '203.0.113.30', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any', ...over,
});

describe('fault injection', () => {
  it('a scripted error hits only the first N calls of its action', async () => {
    sb = await startWithClients(smallScenario({ faults: [{ action: 'CreateForwardEntry', code: 'OperationConflict', httpStatus: 400, times: 1 }] }));
    const e = await sdkError(sb.vpc.createForwardEntry(entryReq()));
    expect(e).toBeInstanceOf(ClientError);
    expect(e).toMatchObject({ code: 'OperationConflict', statusCode: 400 });
    await sb.vpc.describeNatGateways(natReq()); // other actions are untouched
    const ok = await sb.vpc.createForwardEntry(entryReq());
    expect(ok.body!.forwardEntryId).toMatch(/^fwd-/);
    expect(sb.requests.filter((r) => r.action === 'CreateForwardEntry').map((r) => r.code)).toEqual(['OperationConflict', 'OK']);
  });

  it('5xx faults surface as ServerError; runtime add() and clear() work', async () => {
    sb = await startWithClients();
    sb.faults.add({ action: 'DescribeInstances', code: 'ServiceUnavailable' });
    const e = await sdkError(sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R })));
    expect(e).toBeInstanceOf(ServerError);
    expect(e).toMatchObject({ code: 'ServiceUnavailable', statusCode: 503 });
    sb.faults.add({ action: '*', code: 'InternalError', httpStatus: 500, message: 'boom' });
    const e2 = await sdkError(sb.vpc.describeNatGateways(natReq()));
    expect(e2).toMatchObject({ code: 'InternalError', statusCode: 500 });
    expect(e2.message).toMatch(/boom/);
    sb.faults.clear();
    await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R }));
    expect(() => sb!.faults.add({ action: '', code: 'X' })).toThrow(/invalid fault/);
  });

  it('a latency spike makes the SDK time out while the write still happens; the ClientToken retry returns the same entry', async () => {
    sb = await startWithClients();
    sb.faults.add({ action: 'CreateForwardEntry', latencyMs: 600, times: 1 });
    const slow = clientsFor(sb, { readTimeout: 200 });
    const t0 = Date.now();
    const e = await sdkError(slow.vpc.createForwardEntry(entryReq({ clientToken: 'tok-slow' })));
    expect(e.name).toBe('RequestTimeoutError');
    expect(Date.now() - t0).toBeLessThan(550);
    const retry = await sb.vpc.createForwardEntry(entryReq({ clientToken: 'tok-slow' }));
    expect([...sb.world.dnatEntries.keys()]).toContain(retry.body!.forwardEntryId);
    expect(sb.world.dnatEntries.size).toBe(2); // the mapping from the scenario + exactly one new entry
  });

  it('throttles above the per-action QPS with Throttling.User and x-acs-retry-after (ms) on ThrottlingError.retryAfter', async () => {
    sb = await startWithClients(smallScenario({ qps: { default: 1000, DescribeNatGateways: 3 } }));
    for (let k = 0; k < 3; k++) await sb.vpc.describeNatGateways(natReq());
    const e = await sdkError(sb.vpc.describeNatGateways(natReq()));
    expect(e).toBeInstanceOf(ThrottlingError);
    expect(e).toMatchObject({ code: 'Throttling.User', statusCode: 400 });
    expect(e.message).toMatch(/user flow control/);
    expect(e.retryAfter).toBeGreaterThan(0);
    expect(e.retryAfter).toBeLessThanOrEqual(334);
    await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R })); // other actions have their own bucket
    // Waiting exactly the advertised retry-after is the client's side of the contract under test, not a guess.
    await sleep(e.retryAfter! + 5);
    await sb.vpc.describeNatGateways(natReq());
  });

  it('a scripted Throttling fault carries its retryAfterMs', async () => {
    sb = await startWithClients();
    sb.faults.add({ action: 'DescribeInstances', code: 'Throttling', retryAfterMs: 1234, times: 1 });
    const e = await sdkError(sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R })));
    expect(e).toBeInstanceOf(ThrottlingError);
    expect(e.retryAfter).toBe(1234);
  });

  it('Forbidden.RAM carries AccessDeniedDetail, from deniedActions and from a fault', async () => {
    sb = await startWithClients(smallScenario({ deniedActions: ['vpc:DeleteForwardEntry'] }));
    const e = await sdkError(sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' })));
    expect(e).toMatchObject({ name: 'ClientError', code: 'Forbidden.RAM', statusCode: 403 });
    expect(e.accessDeniedDetail).toMatchObject({ AuthAction: 'vpc:DeleteForwardEntry', NoPermissionType: 'ImplicitDeny' });
    expect(sb.world.dnatEntries.get('fwd-1')!.status).toBe('Available');
    sb.faults.add({ action: 'RunCommand', code: 'Forbidden.RAM', times: 1 });
    const e2 = await sdkError(sb.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, instanceId: ['i-1'], type: 'RunShellScript', commandContent: 'true' })));
    expect(e2).toMatchObject({ code: 'Forbidden.RAM', statusCode: 403 });
    expect(e2.accessDeniedDetail).toMatchObject({ AuthAction: 'ecs:RunCommand' });
  });

  it('asyncFailure: the call is accepted but the attach falls back to Available and the DNAT entry vanishes', async () => {
    sb = await startWithClients();
    sb.faults.add({ action: 'AttachNetworkInterface', asyncFailure: true, times: 1 });
    sb.faults.add({ action: 'CreateForwardEntry', asyncFailure: true, times: 1 });
    const id = (await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1' }))).body!.networkInterfaceId!;
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: id }));
    const status = async () => (await sb!.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [id] }))).body!.networkInterfaceSets!.networkInterfaceSet![0]!;
    expect((await status()).status).toBe('Attaching');
    const after = await until(async () => { const s = await status(); return s.status !== 'Attaching' ? s : undefined; }, { what: 'the attach to end' });
    expect(after).toMatchObject({ status: 'Available', instanceId: '' });
    const fwd = (await sb.vpc.createForwardEntry(entryReq())).body!.forwardEntryId!;
    expect(sb.world.dnatEntries.get(fwd)?.status).toBe('Pending');
    await until(async () => {
      const r = await sb!.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: fwd }));
      return r.body!.forwardTableEntries!.forwardTableEntry!.length === 0;
    }, { what: `the failed DNAT entry ${fwd} to vanish` });
  });

  it('afterMs arms a fault later; probability hits are repeatable for the same seed', async () => {
    sb = await startWithClients();
    const armedAt = Date.now();
    sb.faults.add({ action: 'DescribeVSwitches', code: 'ServiceUnavailable', afterMs: 300 });
    await sb.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: R }));
    const armed = await until(() => sb!.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: R })).then(() => undefined, (e: unknown) => e),
      { what: 'the afterMs fault to arm', timeoutMs: 5000 });
    expect(Date.now() - armedAt).toBeGreaterThanOrEqual(300);
    expect(armed).toMatchObject({ code: 'ServiceUnavailable' });
    const pattern = async () => {
      const s = await startWithClients(smallScenario({ seed: 7, faults: [{ action: 'DescribeEipAddresses', code: 'ServiceUnavailable', probability: 0.5 }] }));
      const out: string[] = [];
      for (let k = 0; k < 16; k++) {
        out.push(await s.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R })).then(() => 'ok', (e: { code: string }) => e.code));
      }
      await s.close();
      return out.join(',');
    };
    const a = await pattern();
    expect(a).toContain('ok');
    expect(a).toContain('ServiceUnavailable');
    expect(await pattern()).toBe(a);
  });
});
