// ECS APIs through the real SDK: instances, instance types, ENI lifecycle and its constraints, security groups, tags.
import { afterEach, describe, expect, it } from 'vitest';
import { $Ecs, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';
import { until } from '../../src/util/until.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const R = 'cn-hangzhou';
let sb: (Sandbox & Clients) | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

async function eni(s: Sandbox & Clients, id: string) {
  const r = await s.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [id] }));
  return r.body!.networkInterfaceSets!.networkInterfaceSet![0];
}
async function create(s: Sandbox & Clients, over: Partial<$Ecs.CreateNetworkInterfaceRequest> = {}) {
  const r = await s.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1', ...over }));
  return r.body!;
}

describe('ECS: DescribeInstances / DescribeInstanceTypes', () => {
  it('describes instances in the documented shape, with filters', async () => {
    sb = await startWithClients(smallScenario({
      instances: [
        ...smallScenario().instances!,
        { instanceId: 'i-5', name: 'web-5', vSwitchId: 'vsw-1', privateIp: '192.168.1.50', securityGroupIds: ['sg-1'], eipAddress: '198.51.100.99', publicIp: '198.51.100.98', tags: { app: 'web' } },
      ],
    }));
    const r = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-5', 'i-1', 'i-nope']) }));
    const b = r.body!;
    expect(b.totalCount).toBe(2);
    const i5 = b.instances!.instance!.find((i) => i.instanceId === 'i-5')!;
    expect(i5).toMatchObject({
      instanceName: 'web-5', status: 'Running', zoneId: 'cn-hangzhou-h', regionId: R, instanceNetworkType: 'vpc', instanceType: 'ecs.g7.large',
      vpcAttributes: { vpcId: 'vpc-1', vSwitchId: 'vsw-1', privateIpAddress: { ipAddress: ['192.168.1.50'] } },
      securityGroupIds: { securityGroupId: ['sg-1'] }, publicIpAddress: { ipAddress: ['198.51.100.98'] },
      eipAddress: { ipAddress: '198.51.100.99', allocationId: 'eip-loose' }, tags: { tag: [{ tagKey: 'app', tagValue: 'web' }] },
    });
    expect(i5.networkInterfaces!.networkInterface![0]).toMatchObject({ type: 'Primary', primaryIpAddress: '192.168.1.50', macAddress: expect.stringMatching(/^00:16:3e:/) });
    const byStatus = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, status: 'Stopped' }));
    expect(byStatus.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-3']);
    const byVsw = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, vSwitchId: 'vsw-2' }));
    expect(byVsw.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-4']);
    const byIp = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, privateIpAddresses: JSON.stringify(['192.168.1.11']) }));
    expect(byIp.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-2']);
    const byTag = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, tag: [new $Ecs.DescribeInstancesRequestTag({ key: 'app', value: 'web' })] }));
    expect(byTag.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-5']);
    expect(await sdkError(sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: 'i-1' })))).toMatchObject({ code: 'InvalidInstanceIds.Malformed', statusCode: 400 });
  });

  it('pages with PageNumber/PageSize and with NextToken/MaxResults, and rejects out-of-range sizes', async () => {
    sb = await startWithClients();
    const p2 = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, pageSize: 3, pageNumber: 2 }));
    expect(p2.body).toMatchObject({ totalCount: 4, pageNumber: 2, pageSize: 3 });
    expect(p2.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-4']);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: 3, nextToken: token }));
      seen.push(...r.body!.instances!.instance!.map((i) => i.instanceId!));
      token = r.body!.nextToken || undefined;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual(['i-1', 'i-2', 'i-3', 'i-4']);
    expect(await sdkError(sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, pageSize: 101 })))).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(await sdkError(sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, nextToken: 'garbage!' })))).toMatchObject({ code: 'InvalidParameter' });
  });

  it('reports EniQuantity per instance type: scenario table, else an instance eniQuota, else built-in', async () => {
    sb = await startWithClients(smallScenario({ instanceTypes: { 'ecs.custom.large': { eniQuantity: 6 } } }));
    const r = await sb.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({ instanceTypes: ['ecs.g7.large', 'ecs.custom.large', 'ecs.g6.large', 'ecs.unknown'] }));
    const byId = Object.fromEntries(r.body!.instanceTypes!.instanceType!.map((t) => [t.instanceTypeId, t.eniQuantity]));
    expect(byId).toEqual({ 'ecs.g7.large': 3, 'ecs.custom.large': 6, 'ecs.g6.large': 2 });
    // MaxResults is at most 100 since 2023-11-15 (the SDK's remark: "1600 is no longer supported").
    expect(await sdkError(sb.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({ maxResults: 1600 })))).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    await sb.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({ maxResults: 100 }));
  });
});

describe('ECS: ENI lifecycle', () => {
  it('creates Available, attaches Available→Attaching→InUse, detaches Detaching→Available, deletes Deleting→gone', async () => {
    sb = await startWithClients();
    const c = await create(sb, { networkInterfaceName: 'natmigrate-i-1', description: 'staged by test', tag: [new $Ecs.CreateNetworkInterfaceRequestTag({ key: 'owner', value: 'natmigrate' })] });
    expect(c).toMatchObject({ status: 'Available', type: 'Secondary', vpcId: 'vpc-1', vSwitchId: 'vsw-1', zoneId: 'cn-hangzhou-h',
      securityGroupIds: { securityGroupId: ['sg-1'] }, tags: { tag: [{ tagKey: 'owner', tagValue: 'natmigrate' }] } });
    expect(c.privateIpAddress).toBe('192.168.1.1'); // lowest free address of vsw-1
    expect(c.privateIpSets!.privateIpSet![0]).toMatchObject({ privateIpAddress: '192.168.1.1', primary: true });
    const id = c.networkInterfaceId!;
    expect((await eni(sb, id))).toMatchObject({ status: 'Available', instanceId: '' });

    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: id }));
    expect(await eni(sb, id)).toMatchObject({ status: 'Attaching', instanceId: 'i-1', attachment: { instanceId: 'i-1', deviceIndex: 1 } });
    await until(async () => (await eni(sb!, id))!.status === 'InUse', { what: 'the ENI to be InUse' });
    const inst = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: '["i-1"]' }));
    expect(inst.body!.instances!.instance![0]!.networkInterfaces!.networkInterface!.map((n) => n.type)).toEqual(['Primary', 'Secondary']);
    const byInstance = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, instanceId: 'i-1' }));
    expect(byInstance.body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => n.type)).toEqual(['Primary', 'Secondary']);

    expect(await sdkError(sb.ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: id }))))
      .toMatchObject({ code: 'InvalidOperation.InvalidEniState', statusCode: 400 });
    await sb.ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: id }));
    expect((await eni(sb, id))!.status).toBe('Detaching');
    await until(async () => (await eni(sb!, id))!.status === 'Available', { what: 'the ENI to be Available again' });
    expect((await eni(sb, id))!.instanceId).toBe('');

    await sb.ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: id }));
    expect((await eni(sb, id))!.status).toBe('Deleting');
    await until(async () => (await eni(sb!, id)) === undefined, { what: 'the ENI to be gone' });
    expect(await sdkError(sb.ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: id }))))
      .toMatchObject({ code: 'InvalidEniId.NotFound', statusCode: 404 });
  });

  it('enforces the attach constraints with the documented codes', async () => {
    sb = await startWithClients();
    const attach = (instanceId: string, networkInterfaceId: string) =>
      sdkError(sb!.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId, networkInterfaceId })));
    const inZoneI = (await create(sb, { vSwitchId: 'vsw-2' })).networkInterfaceId!;
    expect(await attach('i-1', inZoneI)).toMatchObject({ code: 'InvalidOperation.AvailabilityZoneMismatch', statusCode: 403 });
    const otherVpc = (await create(sb, { vSwitchId: 'vsw-other', securityGroupId: 'sg-other' })).networkInterfaceId!;
    expect(await attach('i-1', otherVpc)).toMatchObject({ code: 'InvalidOperation.VpcMismatch', statusCode: 403 });
    const ok = (await create(sb)).networkInterfaceId!;
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-3', networkInterfaceId: ok })); // Stopped is allowed
    sb.world.setInstanceStatus('i-2', 'Starting');
    const e2 = (await create(sb)).networkInterfaceId!;
    expect(await attach('i-2', e2)).toMatchObject({ code: 'InvalidOperation.InvalidEcsState', statusCode: 400 });
    expect(await attach('i-3', ok)).toMatchObject({ code: 'InvalidOperation.InvalidEniState', statusCode: 400 }); // already Attaching
    expect(await attach('i-nope', e2)).toMatchObject({ code: 'InvalidEcsId.NotFound', statusCode: 404 });
    expect(await attach('i-1', 'eni-nope')).toMatchObject({ code: 'InvalidEniId.NotFound', statusCode: 404 });
    // i-2 has eniQuota 2 (primary + one secondary).
    sb.world.setInstanceStatus('i-2', 'Running');
    await sb.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-2', networkInterfaceId: e2 }));
    const e3 = (await create(sb)).networkInterfaceId!;
    expect(await attach('i-2', e3)).toMatchObject({ code: 'EniPerInstanceLimitExceeded', statusCode: 403 });
    // The primary ENI can be neither detached nor deleted.
    expect(await sdkError(sb.ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: 'eni-1p' }))))
      .toMatchObject({ code: 'InvalidOperation.DetachPrimaryEniNotAllowed', statusCode: 403 });
    expect(await sdkError(sb.ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({ regionId: R, instanceId: 'i-1', networkInterfaceId: e3 }))))
      .toMatchObject({ code: 'InvalidOperation.InvalidEniState' });
  });

  it('validates creation: vSwitch, security groups, IPs, names, tags', async () => {
    sb = await startWithClients();
    const c = (over: Partial<$Ecs.CreateNetworkInterfaceRequest>) => sdkError(create(sb!, over));
    expect(await c({ vSwitchId: 'vsw-nope' })).toMatchObject({ code: 'InvalidVSwitchId.NotFound', statusCode: 404 });
    expect(await c({ securityGroupId: 'sg-nope' })).toMatchObject({ code: 'InvalidSecurityGroupId.NotFound', statusCode: 404 });
    expect(await c({ securityGroupId: 'sg-other' })).toMatchObject({ code: 'InvalidOperation.VpcMismatch', statusCode: 403 });
    expect(await c({ securityGroupId: undefined })).toMatchObject({ code: 'MissingParameter' });
    expect(await c({ securityGroupIds: ['sg-1'] })).toMatchObject({ code: 'InvalidParameter.Conflict', statusCode: 400 });
    expect(await c({ primaryIpAddress: '192.168.1.10' })).toMatchObject({ code: 'InvalidPrivateIpAddress.Duplicated', statusCode: 400 });
    expect(await c({ primaryIpAddress: '192.168.2.5' })).toMatchObject({ code: 'InvalidVSwitchId.IpInvalid', statusCode: 403 });
    expect(await c({ primaryIpAddress: '192.168.1.253' })).toMatchObject({ code: 'InvalidVSwitchId.IpInvalid' });
    expect(await c({ networkInterfaceName: 'x' })).toMatchObject({ code: 'InvalidNetworkInterfaceName.Malformed' });
    expect(await c({ tag: [new $Ecs.CreateNetworkInterfaceRequestTag({ key: 'aliyun:x', value: 'v' })] })).toMatchObject({ code: 'InvalidTagKey.Malformed' });
    const fixed = await create(sb, { primaryIpAddress: '192.168.1.77', securityGroupIds: ['sg-1', 'sg-closed'], securityGroupId: undefined });
    expect(fixed).toMatchObject({ privateIpAddress: '192.168.1.77', securityGroupIds: { securityGroupId: ['sg-1', 'sg-closed'] } });
    // Allocation skips addresses in use (instances, ENIs, the NAT gateway's own .252).
    const next = await create(sb);
    expect(next.privateIpAddress).toBe('192.168.1.1');
    expect((await create(sb)).privateIpAddress).toBe('192.168.1.2');
  });

  it('ClientToken makes CreateNetworkInterface idempotent; a reused token with other parameters is refused', async () => {
    sb = await startWithClients();
    const a = await create(sb, { clientToken: 'tok-1', networkInterfaceName: 'same' });
    const b = await create(sb, { clientToken: 'tok-1', networkInterfaceName: 'same' });
    expect(b.networkInterfaceId).toBe(a.networkInterfaceId);
    expect(b.requestId).not.toBe(a.requestId);
    const all = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, type: 'Secondary' }));
    expect(all.body!.totalCount).toBe(1);
    expect(await sdkError(create(sb, { clientToken: 'tok-1', networkInterfaceName: 'other' }))).toMatchObject({ code: 'IdempotentParameterMismatch', statusCode: 403 });
  });

  it('filters DescribeNetworkInterfaces by ids, VPC, type, status and tags, with both paging styles', async () => {
    sb = await startWithClients();
    const ids: string[] = [];
    for (let k = 0; k < 12; k++) {
      ids.push((await create(sb, { tag: [new $Ecs.CreateNetworkInterfaceRequestTag({ key: 'batch', value: k % 2 ? 'odd' : 'even' })] })).networkInterfaceId!);
    }
    const two = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [ids[3]!, ids[5]!] }));
    expect(two.body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => n.networkInterfaceId)).toEqual([ids[3], ids[5]]);
    const odd = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({
      regionId: R, tag: [new $Ecs.DescribeNetworkInterfacesRequestTag({ key: 'batch', value: 'odd' })], pageSize: 50,
    }));
    expect(odd.body!.totalCount).toBe(6);
    const inVpc = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, vpcId: 'vpc-1', type: 'Primary', pageSize: 50 }));
    expect(inVpc.body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => n.networkInterfaceId)).toEqual(['eni-1p', 'eni-2p', 'eni-3p', 'eni-4p']);
    const page1 = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, type: 'Secondary', maxResults: 10 }));
    expect(page1.body!.networkInterfaceSets!.networkInterfaceSet!).toHaveLength(10);
    const page2 = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, type: 'Secondary', maxResults: 10, nextToken: page1.body!.nextToken }));
    expect(page2.body!.networkInterfaceSets!.networkInterfaceSet!).toHaveLength(2);
    expect(page2.body!.nextToken).toBe('');
    expect(await sdkError(sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, maxResults: 501 })))).toMatchObject({ code: 'InvalidParameter' });
    expect(await sdkError(sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, pageSize: 1001 })))).toMatchObject({ code: 'InvalidParameter' });
  });
});

describe('ECS: security groups and tags', () => {
  it('DescribeSecurityGroupAttribute lists the rules, filtered by direction', async () => {
    sb = await startWithClients(smallScenario({
      securityGroups: [
        { securityGroupId: 'sg-1', vpcId: 'vpc-1', name: 'web', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', priority: 5 }],
          egress: [{ ipProtocol: 'all', portRange: '-1/-1', sourceCidrIp: '0.0.0.0/0' }] },
        { securityGroupId: 'sg-closed', vpcId: 'vpc-1' }, { securityGroupId: 'sg-other', vpcId: 'vpc-2' },
      ],
    }));
    const r = await sb.ecs.describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: R, securityGroupId: 'sg-1', direction: 'ingress' }));
    expect(r.body).toMatchObject({ securityGroupId: 'sg-1', securityGroupName: 'web', vpcId: 'vpc-1', innerAccessPolicy: 'Accept' });
    expect(r.body!.permissions!.permission).toEqual([expect.objectContaining({ direction: 'ingress', ipProtocol: 'TCP', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', policy: 'Accept', priority: '5', nicType: 'intranet' })]);
    const all = await sb.ecs.describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: R, securityGroupId: 'sg-1' }));
    expect(all.body!.permissions!.permission!.map((p) => `${p.direction}:${p.ipProtocol}`)).toEqual(['ingress:TCP', 'egress:ALL']);
    expect(await sdkError(sb.ecs.describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: R, securityGroupId: 'sg-x' }))))
      .toMatchObject({ code: 'InvalidSecurityGroupId.NotFound', statusCode: 404 });
  });

  it('TagResources / ListTagResources / UntagResources on ENIs and instances', async () => {
    sb = await startWithClients();
    const id = (await create(sb)).networkInterfaceId!;
    await sb.ecs.tagResources(new $Ecs.TagResourcesRequest({ regionId: R, resourceType: 'eni', resourceId: [id], tag: [new $Ecs.TagResourcesRequestTag({ key: 'natmigrate', value: 'i-1' })] }));
    const l = await sb.ecs.listTagResources(new $Ecs.ListTagResourcesRequest({ regionId: R, resourceType: 'eni', tag: [new $Ecs.ListTagResourcesRequestTag({ key: 'natmigrate', value: 'i-1' })] }));
    expect(l.body!.tagResources!.tagResource).toEqual([{ resourceId: id, resourceType: 'eni', tagKey: 'natmigrate', tagValue: 'i-1' }]);
    const f = await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, tag: [new $Ecs.DescribeNetworkInterfacesRequestTag({ key: 'natmigrate', value: 'i-1' })] }));
    expect(f.body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => n.networkInterfaceId)).toEqual([id]);
    await sb.ecs.untagResources(new $Ecs.UntagResourcesRequest({ regionId: R, resourceType: 'eni', resourceId: [id], tagKey: ['natmigrate'] }));
    const after = await sb.ecs.listTagResources(new $Ecs.ListTagResourcesRequest({ regionId: R, resourceType: 'eni', resourceId: [id] }));
    expect(after.body!.tagResources!.tagResource).toEqual([]);
    expect(await sdkError(sb.ecs.tagResources(new $Ecs.TagResourcesRequest({ regionId: R, resourceType: 'instance', resourceId: ['i-nope'], tag: [new $Ecs.TagResourcesRequestTag({ key: 'a', value: 'b' })] }))))
      .toMatchObject({ code: 'InvalidResourceId.NotFound', statusCode: 404 });
  });
});
