// The realism layer, rule by rule, through the real SDK clients: what a read shows right after a write, the EIP in
// binding, the transient codes, the RAM spellings, the Cloud Assistant agent states. Each test turns on the rule it
// checks (smallScenario names them off for the wire tests) and leaves the others off, so what it sees is that rule.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../src/util/until.ts';
import { createAlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { $Ecs, $Vpc, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import type { Sandbox, ScenarioInput } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

type Off = NonNullable<NonNullable<ScenarioInput['realism']>['off']>;
const only = (rule: 'staleReads' | 'eipInBinding' | 'transientCodes' | 'none'): Off =>
  (['staleReads', 'eipInBinding', 'transientCodes'] as const).filter((r) => r !== rule);

async function eniStatus(id: string): Promise<string | undefined> {
  const r = await sb!.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [id] }));
  return r.body?.networkInterfaceSets?.networkInterfaceSet?.[0]?.status;
}
async function entryStatus(id: string): Promise<string | undefined> {
  const r = await sb!.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: id }));
  return r.body?.forwardTableEntries?.forwardTableEntry?.[0]?.status;
}
const mappingReq = (over: Partial<$Vpc.CreateForwardEntryRequest> = {}) => new $Vpc.CreateForwardEntryRequest({
  regionId: R, forwardTableId: 'ftb-1', externalIp: '203.0.113.30', externalPort: 'Any', internalIp: '192.168.1.12', internalPort: 'Any', ipProtocol: 'Any', ...over,
});

describe('realism: staleReads', () => {
  it('a new ENI is listed only after readLagMs, and an attach shows the status of before meanwhile', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: only('staleReads'), readLagMs: 300 }, latencyMs: { eniAttach: 2_000 } }));
    const created = await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1' }));
    const id = created.body!.networkInterfaceId!;
    // It exists (writes see it) but a read does not list it yet.
    expect(sb.world.enis.has(id)).toBe(true);
    expect(await eniStatus(id)).toBeUndefined();
    await until(async () => (await eniStatus(id)) === 'Available', { what: 'the ENI to be listed', everyMs: 10 });
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, networkInterfaceId: id, instanceId: 'i-1' }));
    // The truth is Attaching; the read still says Available, then catches up.
    expect(sb.world.enis.get(id)!.status).toBe('Attaching');
    expect(await eniStatus(id)).toBe('Available');
    await until(async () => (await eniStatus(id)) === 'Attaching', { what: 'the read to catch up', everyMs: 10 });
  });

  it('a DNAT entry: created → not listed yet; deleted → still listed with the status of before', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: only('staleReads'), readLagMs: 300 }, latencyMs: { dnatDelete: 2_000 } }));
    expect(await entryStatus('fwd-1')).toBe('Available');
    await sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }));
    expect(await entryStatus('fwd-1')).toBe('Available');
    await until(async () => (await entryStatus('fwd-1')) === 'Deleting', { what: 'Deleting to show', everyMs: 10 });
    const made = await sb.vpc.createForwardEntry(mappingReq());
    expect(await entryStatus(made.body!.forwardEntryId!)).toBeUndefined();
    await until(async () => (await entryStatus(made.body!.forwardEntryId!)) !== undefined, { what: 'the new entry to be listed', everyMs: 10 });
  });
});

describe('realism: eipInBinding', () => {
  it('by default the EIP of a deleted IP mapping is in binding as long again as the delete took; the adapter retries through it', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: only('eipInBinding') }, latencyMs: { dnatDelete: 300 } }));
    await sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }));
    await until(async () => (await entryStatus('fwd-1')) === undefined, { what: 'the mapping to be gone', everyMs: 10 });
    const again = mappingReq({ externalIp: '203.0.113.10', internalIp: '192.168.1.11' });
    expect(await sdkError(sb.vpc.createForwardEntry(again))).toMatchObject({ code: 'OperationUnsupported.EipInBinding', statusCode: 400 });
    // The adapter retries the code with the same ClientToken until the EIP is free.
    const cloud = createAlibabaCloud({
      regionId: R, ecsEndpoint: sb.endpoint, vpcEndpoint: sb.endpoint, protocol: 'http', credentials: sb.credentials,
      retry: { baseDelayMs: 10, maxDelayMs: 200, busyBaseDelayMs: 60 },
    });
    const id = await cloud.createForwardEntry({
      forwardTableId: 'ftb-1', externalIp: '203.0.113.10', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any', clientToken: 'realism-eip-1',
    });
    expect(id).toMatch(/^fwd-/);
    const creates = sb.requests.filter((r) => r.action === 'CreateForwardEntry' && r.params.ClientToken === 'realism-eip-1');
    expect(new Set(creates.map((r) => r.code))).toEqual(new Set(['OperationUnsupported.EipInBinding', 'OK']));
  });

  it('named off, the EIP is free at once', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: only('none') }, latencyMs: { dnatDelete: 50 } }));
    await sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }));
    await until(async () => (await entryStatus('fwd-1')) === undefined, { what: 'the mapping to be gone', everyMs: 5 });
    await sb.vpc.createForwardEntry(mappingReq({ externalIp: '203.0.113.10', internalIp: '192.168.1.11' }));
  });
});

describe('realism: transientCodes', () => {
  it('answers busy codes of the action and ServiceUnavailable at transientRate; a lost answer after a tokened write is replayed by the token', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: only('transientCodes'), transientRate: 0.5 }, seed: 7 }));
    const codes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const e = await sb.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1' })).then(() => 'OK', (x: { code: string }) => x.code);
      codes.add(e);
    }
    expect(codes).toEqual(new Set(['OK', 'TaskConflict', 'ServiceUnavailable']));
    // A tokened write: whatever the answers, retrying with the same token creates one ENI.
    const before = sb.world.enis.size;
    let id: string | undefined;
    for (let i = 0; i < 20 && !id; i++) {
      id = await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1', clientToken: 'realism-tok' }))
        .then((r) => r.body?.networkInterfaceId, () => undefined);
    }
    expect(id).toMatch(/^eni-/);
    expect(sb.world.enis.size).toBe(before + 1);
    const lost = sb.requests.filter((r) => r.action === 'CreateNetworkInterface' && r.code === 'ServiceUnavailable');
    const busy = sb.requests.filter((r) => r.action === 'CreateNetworkInterface' && r.code === 'OperationConflict');
    expect(lost.length + busy.length).toBeGreaterThan(0);
  });

  it('named off, no call is answered with a transient code', async () => {
    sb = await startWithClients(smallScenario({ realism: { off: only('none'), transientRate: 1 } }));
    for (let i = 0; i < 10; i++) await sb.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1' }));
    expect(sb.requests.every((r) => r.code === 'OK')).toBe(true);
  });
});

describe('realism: RAM spellings', () => {
  it.each(['Forbidden.RAM', 'Forbidden', 'Forbbiden.SubUser'] as const)('a denied action answers %s (403, AccessDeniedDetail); the adapter reads it as a permission denial', async (code) => {
    sb = await startWithClients(smallScenario({ deniedActions: ['vpc:DescribeNatGateways'], realism: { off: only('none'), ramDenialCode: code } }));
    const e = await sdkError(sb.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: R })));
    expect(e).toMatchObject({ code, statusCode: 403 });
    const cloud = createAlibabaCloud({ regionId: R, ecsEndpoint: sb.endpoint, vpcEndpoint: sb.endpoint, protocol: 'http', credentials: sb.credentials });
    const err = await cloud.listNatGateways({}).then(() => undefined, (x: unknown) => x as { code: string; isPermissionDenied: boolean });
    expect(err).toMatchObject({ code, isPermissionDenied: true });
  });
});

describe('realism: Cloud Assistant agent states', () => {
  const agents = (): ScenarioInput => {
    const s = smallScenario({ realism: { off: only('none') } });
    const [i1, i2, i3, i4] = s.instances!;
    return { ...s, instances: [i1!, { ...i2!, guest: { ...i2!.guest, cloudAssistant: 'absent' } }, i3!, { ...i4!, guest: { cloudAssistant: 'notResponding' } }] };
  };

  it('DescribeCloudAssistantStatus answers per instance: running, absent, not responding, and a stopped instance', async () => {
    sb = await startWithClients(agents());
    const r = await sb.ecs.describeCloudAssistantStatus(new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: R, instanceId: ['i-1', 'i-2', 'i-3', 'i-4'] }));
    const rows = Object.fromEntries((r.body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus ?? []).map((x) => [x.instanceId, x]));
    expect(rows['i-1']).toMatchObject({ cloudAssistantStatus: 'true', cloudAssistantVersion: expect.stringMatching(/^\d/), OSType: 'Linux' });
    expect(rows['i-2']).toMatchObject({ cloudAssistantStatus: 'false', cloudAssistantVersion: '', lastHeartbeatTime: '' });
    expect(rows['i-3']).toMatchObject({ cloudAssistantStatus: 'false' }); // Stopped: no heartbeat
    expect(rows['i-4']).toMatchObject({ cloudAssistantStatus: 'false', cloudAssistantVersion: expect.stringMatching(/^\d/) });
    expect(Date.parse(rows['i-4']!.lastHeartbeatTime!)).toBeLessThan(Date.now() - 120_000);
    // Through the adapter.
    const cloud = createAlibabaCloud({ regionId: R, ecsEndpoint: sb.endpoint, vpcEndpoint: sb.endpoint, protocol: 'http', credentials: sb.credentials });
    const seen = await cloud.cloudAssistantStatus(['i-1', 'i-2', 'i-4']);
    expect(seen.map((a) => [a.instanceId, a.running, !!a.version])).toEqual([['i-1', true, true], ['i-2', false, false], ['i-4', false, true]]);
  });

  it('invocations end Failed with ClientNotRunning (absent) and ClientNotResponse (not responding)', async () => {
    sb = await startWithClients(agents());
    const run = async (instanceId: string) => {
      const inv = await sb!.ecs.runCommand(new $Ecs.RunCommandRequest({ regionId: R, type: 'RunShellScript', commandContent: 'echo hi', instanceId: [instanceId] }));
      return until(async () => {
        const res = await sb!.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: inv.body!.invokeId! }));
        const row = res.body?.invocation?.invocationResults?.invocationResult?.[0];
        return row && row.invocationStatus !== 'Running' ? row : undefined;
      }, { what: 'the invocation to end', everyMs: 20 });
    };
    expect(await run('i-2')).toMatchObject({ invocationStatus: 'Failed', errorCode: 'ClientNotRunning' });
    expect(await run('i-4')).toMatchObject({ invocationStatus: 'Failed', errorCode: 'ClientNotResponse' });
    expect(await run('i-1')).toMatchObject({ invocationStatus: 'Success' });
  });
});
