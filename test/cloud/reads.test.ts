import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFleetScenario, fleetIds, startSandbox } from '../../src/sandbox/index.ts';
import { createAlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { loadConfig } from '../../src/config.ts';
import { cloudOptionsFromConfig } from '../../src/runtime/compose.ts';
import { IDS, cloudOptions, harness, testScenario, type Harness } from './helpers.ts';

describe('reads against the sandbox (real SDK over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => { h = await harness(); });
  afterAll(async () => { await h.sb.close(); });

  it('describeInstance maps the instance, and sends InstanceIds as a JSON array string', async () => {
    h.mark();
    const i = await h.cloud.describeInstance(IDS.i1);
    expect(i).toMatchObject({
      instanceId: IDS.i1, instanceName: 'web-1', regionId: 'cn-hangzhou', zoneId: 'cn-hangzhou-h', status: 'Running',
      instanceType: 'ecs.g7.large', vpcId: IDS.vpc, vSwitchId: IDS.vswH, primaryIp: '192.168.1.10', securityGroupIds: [IDS.sg], publicIps: [],
    });
    expect(i!.eipAddress).toBeUndefined();
    expect(i!.networkInterfaces).toEqual([expect.objectContaining({ type: 'Primary', primaryIp: '192.168.1.10' })]);
    expect(h.seen('DescribeInstances')[0]!.params.InstanceIds).toBe(JSON.stringify([IDS.i1]));
  });

  it('describeInstance of an unknown id is undefined', async () => {
    expect(await h.cloud.describeInstance('i-nope')).toBeUndefined();
  });

  it('listInstances returns every instance of the VPC', async () => {
    const all = await h.cloud.listInstances({ vpcId: IDS.vpc });
    expect(all.map((i) => i.instanceId).sort()).toEqual([IDS.i1, IDS.i2, IDS.iStopped]);
    expect(await h.cloud.listInstances({ vpcId: 'vpc-other' })).toEqual([]);
  });

  it('eniQuantity reads DescribeInstanceTypes once per type (the catalogue does not change)', async () => {
    const calls = () => h.sb.requests.filter((r) => r.action === 'DescribeInstanceTypes').length;
    const before = calls();
    expect(await h.cloud.eniQuantity('ecs.g7.large')).toBeGreaterThanOrEqual(2);
    expect(await h.cloud.eniQuantity('ecs.nope.large')).toBeUndefined();
    expect(calls()).toBe(before + 2);
    await Promise.all([h.cloud.eniQuantity('ecs.g7.large'), h.cloud.eniQuantity('ecs.g7.large')]);
    expect(calls()).toBe(before + 2);
  });

  it('describeSecurityGroup maps rules (priority as a number); unknown → undefined', async () => {
    const sg = await h.cloud.describeSecurityGroup(IDS.sg);
    expect(sg).toMatchObject({ securityGroupId: IDS.sg, vpcId: IDS.vpc });
    expect(sg!.rules).toContainEqual(expect.objectContaining({
      direction: 'ingress', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', policy: 'Accept', priority: 5,
    }));
    expect(sg!.rules.find((r) => r.direction === 'ingress')!.ipProtocol.toLowerCase()).toBe('tcp');
    expect(await h.cloud.describeSecurityGroup('sg-nope')).toBeUndefined();
  });

  it('listVSwitches', async () => {
    const v = await h.cloud.listVSwitches({ vpcId: IDS.vpc });
    expect(v.sort((a, b) => a.vSwitchId.localeCompare(b.vSwitchId))).toEqual([
      { vSwitchId: IDS.vswH, vpcId: IDS.vpc, zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
      { vSwitchId: IDS.vswI, vpcId: IDS.vpc, zoneId: 'cn-hangzhou-i', cidr: '192.168.2.0/24' },
    ]);
  });

  it('listNatGateways by VPC and by id', async () => {
    const [g] = await h.cloud.listNatGateways({ vpcId: IDS.vpc });
    expect(g).toMatchObject({ natGatewayId: IDS.ngw, vpcId: IDS.vpc, status: 'Available', forwardTableIds: [IDS.ftb], snatTableIds: [IDS.stb], name: 'nat-t1' });
    expect(g!.ips.map((i) => i.ipAddress).sort()).toEqual(['198.51.100.7', '203.0.113.10', '203.0.113.20']);
    expect(g!.ips.find((i) => i.ipAddress === '203.0.113.20')!.usingStatus!.toLowerCase()).toBe('usedbysnattable');
    expect(await h.cloud.listNatGateways({ natGatewayId: IDS.ngw })).toHaveLength(1);
    expect(await h.cloud.listNatGateways({ vpcId: 'vpc-other' })).toEqual([]);
  });

  it('listForwardEntries, with server-side filters', async () => {
    const all = await h.cloud.listForwardEntries(IDS.ftb);
    expect(all).toEqual([expect.objectContaining({
      forwardEntryId: IDS.fwdMap, forwardTableId: IDS.ftb, externalIp: '203.0.113.10', internalIp: '192.168.1.10', status: 'Available',
    })]);
    expect(all[0]!.ipProtocol.toLowerCase()).toBe('any');
    expect(await h.cloud.listForwardEntries(IDS.ftb, { internalIp: '192.168.1.10' })).toHaveLength(1);
    expect(await h.cloud.listForwardEntries(IDS.ftb, { internalIp: '192.168.1.99' })).toEqual([]);
    expect(await h.cloud.listForwardEntries(IDS.ftb, { forwardEntryId: IDS.fwdMap })).toHaveLength(1);
  });

  it('listForwardEntries of an unknown table is an error, not an empty table', async () => {
    await expect(h.cloud.listForwardEntries('ftb-nope')).rejects.toMatchObject({ code: 'InvalidForwardTableId.NotFound', httpStatus: 404 });
  });

  it('listSnatEntries splits SnatIp', async () => {
    const s = await h.cloud.listSnatEntries(IDS.stb);
    expect(s).toEqual([expect.objectContaining({ snatEntryId: 'snat-t1', snatIp: '203.0.113.20', snatIps: ['203.0.113.20'], sourceVSwitchId: IDS.vswH })]);
  });

  it('listEips by address and by allocation id', async () => {
    const [e] = await h.cloud.listEips({ ipAddress: '203.0.113.10' });
    expect(e).toMatchObject({ allocationId: IDS.eipMap, ipAddress: '203.0.113.10', instanceId: IDS.ngw });
    expect(await h.cloud.listEips({ allocationId: IDS.eipSpare })).toHaveLength(1);
    expect(await h.cloud.listEips({ ipAddress: '198.51.100.99' })).toEqual([]);
  });

  it('listNetworkInterfaces: by instance, by ids (an empty id list asks nothing), by VPC', async () => {
    const prim = await h.cloud.listNetworkInterfaces({ instanceId: IDS.i1 });
    expect(prim).toHaveLength(1);
    expect(prim[0]).toMatchObject({ type: 'Primary', status: 'InUse', instanceId: IDS.i1, privateIp: '192.168.1.10', vpcId: IDS.vpc });
    expect(await h.cloud.listNetworkInterfaces({ networkInterfaceIds: [prim[0]!.networkInterfaceId] })).toHaveLength(1);
    h.mark();
    expect(await h.cloud.listNetworkInterfaces({ networkInterfaceIds: [] })).toEqual([]);
    expect(h.seen('DescribeNetworkInterfaces')).toHaveLength(0);
    expect((await h.cloud.listNetworkInterfaces({ vpcId: IDS.vpc })).length).toBe(3);
  });
});

describe('pagination walks every page', () => {
  it('NextToken (DescribeInstances, DescribeNetworkInterfaces) and PageNumber (forward table, EIPs) listings', async () => {
    const scenario = makeFleetScenario({ instances: 25 });
    const sb = await startSandbox({ scenario, port: 0 });
    try {
      const cloud = createAlibabaCloud(cloudOptions(sb, { maxPageSize: 10 }));
      const vpcId = scenario.vpcs![0]!.vpcId;

      const instances = await cloud.listInstances({ vpcId });
      expect(new Set(instances.map((i) => i.instanceId)).size).toBe(25);
      const instReqs = sb.requests.filter((r) => r.action === 'DescribeInstances');
      expect(instReqs).toHaveLength(3);
      expect(instReqs[0]!.params.MaxResults).toBe('10');
      expect(instReqs[1]!.params.NextToken).toBeTruthy();

      const enis = await cloud.listNetworkInterfaces({ vpcId });
      expect(enis).toHaveLength(25);
      expect(sb.requests.filter((r) => r.action === 'DescribeNetworkInterfaces')).toHaveLength(3);

      const entries = await cloud.listForwardEntries(fleetIds.forwardTable);
      expect(new Set(entries.map((e) => e.forwardEntryId)).size).toBe(25);
      const ftReqs = sb.requests.filter((r) => r.action === 'DescribeForwardTableEntries');
      expect(ftReqs.map((r) => r.params.PageNumber)).toEqual(['1', '2', '3']);
      expect(ftReqs[0]!.params.PageSize).toBe('10');

      const eips = await cloud.listEips({});
      expect(eips).toHaveLength(26);

      // Default page sizes are each API's maximum: one request each.
      const big = createAlibabaCloud(cloudOptions(sb));
      const before = sb.requests.length;
      expect(await big.listInstances({ vpcId })).toHaveLength(25);
      expect(await big.listForwardEntries(fleetIds.forwardTable)).toHaveLength(25);
      const after = sb.requests.slice(before);
      expect(after.map((r) => [r.action, r.params.MaxResults ?? r.params.PageSize])).toEqual([
        ['DescribeInstances', '100'], ['DescribeForwardTableEntries', '50'],
      ]);
    } finally {
      await sb.close();
    }
  });
});

describe('configuration', () => {
  it('the composition root maps the sandbox env map onto the adapter', async () => {
    const sb = await startSandbox({ scenario: testScenario(), port: 0 });
    try {
      const config = (env: Record<string, string>) => {
        const r = loadConfig(env, 'worker');
        if (!r.ok) throw new Error(r.problems.join('; '));
        return r.config;
      };
      const opts = cloudOptionsFromConfig(config(sb.env));
      expect(opts).toMatchObject({ regionId: 'cn-hangzhou', ecsEndpoint: sb.endpoint, vpcEndpoint: sb.endpoint, protocol: 'http' });
      const cloud = createAlibabaCloud(opts);
      expect((await cloud.describeInstance(IDS.i1))?.instanceId).toBe(IDS.i1);
      expect(cloudOptionsFromConfig(config({})).credentials).toBe('default-chain');
      expect(cloudOptionsFromConfig(config({})).protocol).toBe('https');
      expect(() => config({ NATMIGRATE_CLOUD_PROTOCOL: 'ftp' })).toThrow(/NATMIGRATE_CLOUD_PROTOCOL: 'ftp' is not one of http, https/);
    } finally {
      await sb.close();
    }
  });

  it("'default-chain' credentials resolve through @alicloud/credentials (env keys first)", async () => {
    const sb = await startSandbox({ scenario: testScenario(), port: 0 });
    const saved = { ...process.env };
    // Keys in the environment: the chain's first link answers and nothing else (no metadata service) is tried.
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = sb.credentials.accessKeyId;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = sb.credentials.accessKeySecret;
    process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
    try {
      const cloud = createAlibabaCloud(cloudOptions(sb, { credentials: 'default-chain' }));
      expect((await cloud.describeInstance(IDS.i1))?.instanceId).toBe(IDS.i1);
    } finally {
      for (const k of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED']) {
        if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
      }
      await sb.close();
    }
  });

  it('accepts an endpoint written as a URL (the SDK itself would build http://http//…)', async () => {
    const sb = await startSandbox({ scenario: testScenario(), port: 0 });
    try {
      const cloud = createAlibabaCloud(cloudOptions(sb, { ecsEndpoint: `http://${sb.endpoint}`, protocol: 'https' }));
      expect((await cloud.describeInstance(IDS.i1))?.instanceId).toBe(IDS.i1);
    } finally {
      await sb.close();
    }
  });
});
