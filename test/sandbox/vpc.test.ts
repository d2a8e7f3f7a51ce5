// VPC APIs through the real SDK: NAT gateways, DNAT lifecycle and its constraints, SNAT, EIPs, vSwitches, paging.
import { afterEach, describe, expect, it } from 'vitest';
import { $Vpc, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import { until } from '../../src/util/until.ts';
import type { Sandbox, ScenarioInput } from '../../src/sandbox/index.ts';
import { edgeCheck } from '../../src/sandbox/edge/edge-check.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

const entryReq = (over: Partial<$Vpc.CreateForwardEntryRequest> = {}) => new $Vpc.CreateForwardEntryRequest({
  regionId: R, forwardTableId: 'ftb-1', externalIp: '203.0.113.30', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any', ...over,
});
async function entries(s: Sandbox & Clients, over: Partial<$Vpc.DescribeForwardTableEntriesRequest> = {}) {
  const r = await s.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1', pageSize: 50, ...over }));
  return r.body!;
}
const modifyReq = (over: Partial<$Vpc.ModifyForwardEntryRequest>) => new $Vpc.ModifyForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', ...over });
const statusOf = async (s: Sandbox & Clients, id: string) => (await entries(s, { forwardEntryId: id })).forwardTableEntries!.forwardTableEntry![0]?.status;

describe('VPC: ModifyForwardEntry', () => {
  const row = async (s: Sandbox & Clients, id: string) => (await entries(s, { forwardEntryId: id })).forwardTableEntries!.forwardTableEntry![0]!;

  it('moves an IP mapping in place: Pending, the old mapping forwarding meanwhile, then Available on the new IP; same id', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatModify: 300 } }));
    expect(edgeCheck(sb.world, '203.0.113.10', 22)).toMatchObject({ ok: true, internalIp: '192.168.1.10' });
    await sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.11', clientToken: 'tok-modify-1' }));
    expect(await row(sb, 'fwd-1')).toMatchObject({ status: 'Pending', internalIp: '192.168.1.11', externalIp: '203.0.113.10', ipProtocol: 'any' });
    // Only queries while Pending (SDK remark): another modify of the same entry is refused.
    expect(await sdkError(sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.10' }))))
      .toMatchObject({ code: 'IncorretForwardEntryStatus', statusCode: 400, message: expect.stringMatching(/not stable status/) });
    // The EIP is never unmapped: the old mapping answers until the change takes effect.
    expect(edgeCheck(sb.world, '203.0.113.10', 22)).toMatchObject({ ok: true, internalIp: '192.168.1.10' });
    await until(async () => (await statusOf(sb!, 'fwd-1')) === 'Available', { what: 'the modify to take effect' });
    expect(edgeCheck(sb.world, '203.0.113.10', 22)).toMatchObject({ internalIp: '192.168.1.11', banner: 'SSH-2.0-OpenSSH_7.4' });
    // The same token and parameters again: the first answer, nothing changes.
    await sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.11', clientToken: 'tok-modify-1' }));
    expect(await row(sb, 'fwd-1')).toMatchObject({ status: 'Available', internalIp: '192.168.1.11' });
  });

  it('checks the new values like a create, the entry itself excluded; unknown entries are NotFound', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatModify: 0, dnatCreate: 0 } }));
    await sb.vpc.createForwardEntry(entryReq({ externalIp: '203.0.113.30', externalPort: '22', internalIp: '192.168.1.12', internalPort: '22', ipProtocol: 'TCP' }));
    const m = (over: Partial<$Vpc.ModifyForwardEntryRequest>) => sdkError(sb!.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', ...over })));
    expect(await m({ internalIp: '10.0.1.5' })).toMatchObject({ code: 'Forbidden.InternalIpOutOfVpcCIDR' });
    expect(await m({ internalIp: '192.168.1.300' })).toMatchObject({ code: 'InvalidInternalIp.Malformed' });
    expect(await m({ externalPort: '80' })).toMatchObject({ code: 'InvalidParameter' }); // Any protocol needs Any ports
    expect(await m({ forwardEntryId: 'fwd-nope', internalIp: '192.168.1.11' })).toMatchObject({ code: 'InvalidForwardEntryId.NotFound', statusCode: 404 });
    // Moving onto its own current values is allowed (no conflict with itself).
    await sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.10' }));
  });

  it('an EIP whose mapping just moved is "in binding" for latencyMs.eipRebind (OperationUnsupported.EipInBinding)', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatModify: 0, eipRebind: 400 } }));
    await sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.11' }));
    expect(await statusOf(sb, 'fwd-1')).toBe('Available');
    expect(await sdkError(sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.10' }))))
      .toMatchObject({ code: 'OperationUnsupported.EipInBinding', statusCode: 400 });
    await until(async () => sb!.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.10' })).then(() => true, () => false),
      { what: 'the EIP to settle', timeoutMs: 5000 });
  });

  it('is a RAM action of its own (vpc:ModifyForwardEntry)', async () => {
    sb = await startWithClients(smallScenario({ deniedActions: ['vpc:ModifyForwardEntry'] }));
    expect(await sdkError(sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: 'fwd-1', internalIp: '192.168.1.11' }))))
      .toMatchObject({ code: 'Forbidden.RAM', statusCode: 403 });
  });
});

describe('VPC: DNAT entries', () => {
  it('create goes Pending→Available, delete goes Deleting→gone', async () => {
    sb = await startWithClients();
    const id = (await sb.vpc.createForwardEntry(entryReq({ forwardEntryName: 'natmigrate' }))).body!.forwardEntryId!;
    expect(id).toMatch(/^fwd-/);
    const row = (await entries(sb, { forwardEntryId: id })).forwardTableEntries!.forwardTableEntry![0]!;
    expect(row).toEqual({
      forwardEntryId: id, forwardTableId: 'ftb-1', natGatewayId: 'ngw-1', externalIp: '203.0.113.30', externalPort: 'any', internalIp: '192.168.1.11',
      internalPort: 'any', ipProtocol: 'any', forwardEntryName: 'natmigrate', status: 'Pending',
    });
    await until(async () => (await statusOf(sb!, id)) === 'Available', { what: 'the DNAT entry to be Available' });
    await sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: id }));
    expect(await statusOf(sb, id)).toBe('Deleting');
    await until(async () => (await statusOf(sb!, id)) === undefined, { what: 'the DNAT entry to be gone' });
    expect(await sdkError(sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: id }))))
      .toMatchObject({ code: 'InvalidForwardEntryId.NotFound', statusCode: 404 });
  });

  it('refuses any table write while an entry is Pending, and a second delete while Deleting (IncorretForwardEntryStatus)', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatCreate: 400, dnatDelete: 400 } }));
    const id = (await sb.vpc.createForwardEntry(entryReq())).body!.forwardEntryId!;
    const busy = await sdkError(sb.vpc.createForwardEntry(entryReq({ externalIp: '198.51.100.40', internalIp: '192.168.1.12' })));
    expect(busy).toMatchObject({ code: 'IncorretForwardEntryStatus', statusCode: 400 });
    expect(await sdkError(sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }))))
      .toMatchObject({ code: 'IncorretForwardEntryStatus' });
    await until(async () => (await statusOf(sb!, id)) === 'Available', { what: 'the DNAT entry to be Available' });
    await sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }));
    const again = await sdkError(sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' })));
    expect(again).toMatchObject({ code: 'IncorretForwardEntryStatus', statusCode: 400 });
    expect(again.message).toMatch(/not stable status/);
    // An entry being modified (Pending) blocks writes too.
    await sb.vpc.modifyForwardEntry(modifyReq({ forwardEntryId: id, internalIp: '192.168.1.12' }));
    expect(await sdkError(sb.vpc.createForwardEntry(entryReq({ externalIp: '198.51.100.40', internalIp: '192.168.1.13' })))).toMatchObject({ code: 'IncorretForwardEntryStatus' });
  });

  it('an IP used by an IP mapping cannot be reused by any DNAT entry, even while the mapping is Deleting', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatDelete: 200, dnatCreate: 20 } }));
    const port = await sdkError(sb.vpc.createForwardEntry(entryReq({ externalIp: '203.0.113.10', externalPort: '80', internalPort: '80', ipProtocol: 'TCP' })));
    expect(port).toMatchObject({ code: 'OperationUnsupported.ForwardEntry', statusCode: 400 });
    await sb.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1' }));
    const whileDeleting = await sdkError(sb.vpc.createForwardEntry(entryReq({ externalIp: '203.0.113.10' })));
    expect(whileDeleting).toMatchObject({ code: 'OperationUnsupported.ForwardEntry', statusCode: 400 });
    expect(whileDeleting.message).toMatch(/Deleting/);
    await until(async () => (await statusOf(sb!, 'fwd-1')) === undefined, { what: 'the DNAT entry to be gone' });
    // Realism (eipInBinding): once the mapping is gone its EIP stays "in binding" as long again as the delete took.
    expect(await sdkError(sb.vpc.createForwardEntry(entryReq({ externalIp: '203.0.113.10' })))).toMatchObject({ code: 'OperationUnsupported.EipInBinding' });
    await until(() => sb!.vpc.createForwardEntry(entryReq({ externalIp: '203.0.113.10' })).then(() => true, () => false), { what: 'the EIP to leave its binding state' });
  });

  it('enforces uniqueness, EIP ownership, SNAT exclusivity, VPC CIDR and value formats', async () => {
    sb = await startWithClients(smallScenario({ latencyMs: { dnatCreate: 0 } }));
    const c = (over: Partial<$Vpc.CreateForwardEntryRequest>) => sdkError(sb!.vpc.createForwardEntry(entryReq(over)));
    await sb.vpc.createForwardEntry(entryReq({ externalIp: '203.0.113.30', externalPort: '22', internalPort: '22', ipProtocol: 'TCP' }));
    expect(await c({ externalIp: '203.0.113.30', externalPort: '22', internalIp: '192.168.1.12', internalPort: '22', ipProtocol: 'tcp' }))
      .toMatchObject({ code: 'OperationUnsupported.ForwardEntry', message: expect.stringMatching(/Duplicated destination ip port/) });
    expect(await c({ externalIp: '198.51.100.40', externalPort: '2222', internalPort: '22', ipProtocol: 'TCP' }))
      .toMatchObject({ code: 'OperationUnsupported.ForwardEntry', message: expect.stringMatching(/Duplicated source ip port/) });
    expect(await c({ externalIp: '203.0.113.30' })).toMatchObject({ code: 'OperationUnsupported.ForwardEntry' }); // IP mapping over a port entry
    expect(await c({ externalIp: '198.51.100.99' })).toMatchObject({ code: 'InvalidIp.NotInNatgw', statusCode: 400 });
    expect(await c({ externalIp: '203.0.113.77' })).toMatchObject({ code: 'InvalidExternalIp.NotFound', statusCode: 404 });
    expect(await c({ externalIp: '203.0.113.20' })).toMatchObject({ code: 'Forbidden.ExternalIp.UsedInSnatTable', statusCode: 400 });
    expect(await c({ externalIp: '198.51.100.40', internalIp: '10.0.1.5' })).toMatchObject({ code: 'Forbidden.InternalIpOutOfVpcCIDR' });
    expect(await c({ forwardTableId: 'ftb-nope' })).toMatchObject({ code: 'InvalidForwardTableId.NotFound', statusCode: 404 });
    expect(await c({ ipProtocol: 'icmp' })).toMatchObject({ code: 'InvalidProtocal.ValueNotSupported' });
    expect(await c({ externalIp: '198.51.100.40', ipProtocol: 'TCP' })).toMatchObject({ code: 'InvalidParameter' }); // TCP with Any ports
    expect(await c({ externalIp: '198.51.100.40', externalPort: '70000', internalPort: '22', ipProtocol: 'TCP' })).toMatchObject({ code: 'InvalidExternalPort.Malformed' });
    expect(await c({ externalIp: '1.2.3' })).toMatchObject({ code: 'InvalidExternalIp.Malformed' });
    expect(await c({ externalIp: '198.51.100.40', dryRun: true })).toMatchObject({ code: 'DryRunOperation' });
    expect((await entries(sb)).totalCount).toBe(2); // the dry run created nothing
  });

  it('ClientToken: Create and Delete are idempotent; reuse with other parameters is refused', async () => {
    sb = await startWithClients();
    const a = await sb.vpc.createForwardEntry(entryReq({ clientToken: 'c-1' }));
    const b = await sb.vpc.createForwardEntry(entryReq({ clientToken: 'c-1' }));
    expect(b.body!.forwardEntryId).toBe(a.body!.forwardEntryId);
    expect(await sdkError(sb.vpc.createForwardEntry(entryReq({ clientToken: 'c-1', internalIp: '192.168.1.12' }))))
      .toMatchObject({ code: 'IdempotentParameterMismatch', statusCode: 403 });
    const id = a.body!.forwardEntryId!;
    await until(async () => (await statusOf(sb!, id)) === 'Available', { what: 'the DNAT entry to be Available' });
    const del = () => sb!.vpc.deleteForwardEntry(new $Vpc.DeleteForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1', forwardEntryId: id, clientToken: 'd-1' }));
    await del();
    await del(); // a retried delete with the same token succeeds instead of failing on the Deleting entry
    expect(await statusOf(sb, id)).toBe('Deleting');
  });

  it('pages a 61-entry table: PageSize ≤ 50, default 10', async () => {
    const base = smallScenario();
    const eips = Array.from({ length: 60 }, (_, k) => ({ allocationId: `eip-p${k}`, ipAddress: `198.51.100.${100 + k}` }));
    const scenario: ScenarioInput = {
      ...base,
      eips: [...base.eips!, ...eips],
      natGateways: [{ ...base.natGateways![0]!, eips: [...base.natGateways![0]!.eips!, ...eips.map((e) => e.allocationId)] }],
      dnatEntries: [...base.dnatEntries!, ...eips.map((e, k) => ({ forwardTableId: 'ftb-1', forwardEntryId: `fwd-p${String(k).padStart(2, '0')}`, externalIp: e.ipAddress, externalPort: '22', internalIp: `192.168.3.${k + 1}`, internalPort: '22', ipProtocol: 'TCP' }))],
    };
    sb = await startWithClients(scenario);
    const def = await sb.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-1' }));
    expect(def.body).toMatchObject({ totalCount: 61, pageNumber: 1, pageSize: 10 });
    expect(def.body!.forwardTableEntries!.forwardTableEntry).toHaveLength(10);
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const r = await entries(sb, { pageNumber: page, pageSize: 50 });
      ids.push(...r.forwardTableEntries!.forwardTableEntry!.map((e) => e.forwardEntryId!));
      if (page * r.pageSize! >= r.totalCount!) break;
    }
    expect(ids).toHaveLength(61);
    expect(new Set(ids).size).toBe(61);
    expect(await sdkError(entries(sb, { pageSize: 51 }))).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(await sdkError(entries(sb, { pageNumber: 0 }))).toMatchObject({ code: 'InvalidParameter' });
    const beyond = await entries(sb, { pageNumber: 3, pageSize: 50 });
    expect(beyond.forwardTableEntries!.forwardTableEntry).toEqual([]);
    // Server-side filters, case-insensitive on protocol and ports.
    const one = await entries(sb, { externalIp: '198.51.100.107', ipProtocol: 'tcp' });
    expect(one.forwardTableEntries!.forwardTableEntry!.map((e) => e.forwardEntryId)).toEqual(['fwd-p07']);
    const byInternal = await entries(sb, { internalIp: '192.168.1.10', ipProtocol: 'ANY' });
    expect(byInternal.forwardTableEntries!.forwardTableEntry!.map((e) => e.forwardEntryId)).toEqual(['fwd-1']);
    const viaNat = await sb.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, natGatewayId: 'ngw-1', pageSize: 5 }));
    expect(viaNat.body!.totalCount).toBe(61);
    expect(await sdkError(sb.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R })))).toMatchObject({ code: 'MissingParameter' });
    expect(await sdkError(sb.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: R, forwardTableId: 'ftb-x' }))))
      .toMatchObject({ code: 'InvalidForwardTableId.NotFound', statusCode: 404 });
  });

  it('respects the forward entry quota', async () => {
    sb = await startWithClients(smallScenario({ forwardEntryQuota: 1 }));
    expect(await sdkError(sb.vpc.createForwardEntry(entryReq()))).toMatchObject({ code: 'QuotaExceeded' });
  });
});

describe('VPC: NAT gateways, SNAT, EIPs, vSwitches', () => {
  it('DescribeNatGateways shows tables and each EIP with its UsingStatus', async () => {
    sb = await startWithClients();
    const r = await sb.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: R, vpcId: 'vpc-1' }));
    expect(r.body).toMatchObject({ totalCount: 1, pageNumber: 1, pageSize: 10 });
    const n = r.body!.natGateways!.natGateway![0]!;
    expect(n).toMatchObject({ natGatewayId: 'ngw-1', vpcId: 'vpc-1', status: 'Available', natType: 'Enhanced', networkType: 'internet',
      forwardTableIds: { forwardTableId: ['ftb-1'] }, snatTableIds: { snatTableId: ['stb-1'] } });
    const usage = Object.fromEntries(n.ipLists!.ipList!.map((i) => [i.ipAddress, i.usingStatus]));
    expect(usage).toEqual({ '203.0.113.10': 'UsedByForwardTable', '203.0.113.20': 'UsedBySnatTable', '203.0.113.30': 'Idle', '198.51.100.40': 'Idle' });
    expect(n.ipLists!.ipList!.find((i) => i.ipAddress === '203.0.113.20')!.snatEntryEnabled).toBe(true);
    const none = await sb.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: R, vpcId: 'vpc-2' }));
    expect(none.body!.natGateways!.natGateway).toEqual([]);
    expect(await sdkError(sb.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: R, pageSize: 51 })))).toMatchObject({ code: 'InvalidParameter' });
  });

  it('DescribeSnatTableEntries, DescribeEipAddresses and DescribeVSwitches answer with filters', async () => {
    sb = await startWithClients(smallScenario({
      snatEntries: [
        { snatTableId: 'stb-1', snatEntryId: 'snat-1', sourceVSwitchId: 'vsw-1', snatIp: '203.0.113.20' },
        { snatTableId: 'stb-1', snatEntryId: 'snat-2', sourceCidr: '192.168.2.0/24', snatIp: '203.0.113.30,198.51.100.40' },
      ],
    }));
    const s = await sb.vpc.describeSnatTableEntries(new $Vpc.DescribeSnatTableEntriesRequest({ regionId: R, snatTableId: 'stb-1' }));
    expect(s.body!.snatTableEntries!.snatTableEntry).toEqual([
      expect.objectContaining({ snatEntryId: 'snat-1', snatIp: '203.0.113.20', sourceVSwitchId: 'vsw-1', sourceCIDR: '192.168.1.0/24', status: 'Available', natGatewayId: 'ngw-1' }),
      expect.objectContaining({ snatEntryId: 'snat-2', snatIp: '203.0.113.30,198.51.100.40', sourceVSwitchId: '', sourceCIDR: '192.168.2.0/24' }),
    ]);
    const byIp = await sb.vpc.describeSnatTableEntries(new $Vpc.DescribeSnatTableEntriesRequest({ regionId: R, natGatewayId: 'ngw-1', snatIp: '198.51.100.40' }));
    expect(byIp.body!.snatTableEntries!.snatTableEntry!.map((e) => e.snatEntryId)).toEqual(['snat-2']);
    expect(await sdkError(sb.vpc.describeSnatTableEntries(new $Vpc.DescribeSnatTableEntriesRequest({ regionId: R, snatTableId: 'stb-x' }))))
      .toMatchObject({ code: 'InvalidSnatTableId.NotFound', statusCode: 404 });

    const e = await sb.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R, eipAddress: '203.0.113.10' }));
    expect(e.body!.eipAddresses!.eipAddress).toEqual([expect.objectContaining({ allocationId: 'eip-1', ipAddress: '203.0.113.10', status: 'InUse', instanceId: 'ngw-1', instanceType: 'Nat', bandwidth: '5' })]);
    const free = await sb.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R, status: 'Available' }));
    expect(free.body!.eipAddresses!.eipAddress!.map((x) => x.allocationId)).toEqual(['eip-loose']);
    const onNat = await sb.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R, associatedInstanceType: 'Nat', associatedInstanceId: 'ngw-1', pageSize: 100 }));
    expect(onNat.body!.totalCount).toBe(4);
    expect(await sdkError(sb.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R, pageSize: 101 })))).toMatchObject({ code: 'InvalidParameter' });

    const v = await sb.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: R, vpcId: 'vpc-1' }));
    expect(v.body!.vSwitches!.vSwitch!.map((x) => [x.vSwitchId, x.zoneId, x.cidrBlock])).toEqual([['vsw-1', 'cn-hangzhou-h', '192.168.1.0/24'], ['vsw-2', 'cn-hangzhou-i', '192.168.2.0/24']]);
    // 252 usable addresses in a /24, minus three instances and the NAT gateway's own address.
    expect(v.body!.vSwitches!.vSwitch![0]!.availableIpAddressCount).toBe(252 - 3 - 1);
    const z = await sb.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: R, zoneId: 'cn-hangzhou-i' }));
    expect(z.body!.vSwitches!.vSwitch!.map((x) => x.vSwitchId)).toEqual(['vsw-2']);
  });
});
