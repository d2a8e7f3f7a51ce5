// Wire protocol: signatures (V3 and legacy V2), dispatch, error bodies, regions — all through the real SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenApiModule, { $OpenApiUtil, ClientError } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { $Ecs, $Vpc, clientsFor, sdkError, startWithClients, type Clients } from './sdk-clients.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

const OpenApi: typeof OpenApiModule.default = (OpenApiModule as { default?: typeof OpenApiModule.default }).default ?? (OpenApiModule as unknown as typeof OpenApiModule.default);
const R = 'cn-hangzhou';
let sb: Sandbox & Clients;
beforeAll(async () => { sb = await startWithClients(); });
afterAll(async () => { await sb.close(); });

/** A generic RPC call through openapi-core, to reach actions the generated clients do not have. */
function rawCall(action: string, version: string, query: Record<string, string>, creds = sb.credentials) {
  const client = new OpenApi(new $OpenApiUtil.Config({ ...creds, regionId: R, endpoint: sb.endpoint, protocol: 'http', readTimeout: 5000, connectTimeout: 5000 }));
  const params = new $OpenApiUtil.Params({ action, version, protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
  return client.callApi(params, new $OpenApiUtil.OpenApiRequest({ query }), new $dara.RuntimeOptions({}));
}

describe('sandbox wire protocol', () => {
  it('verifies the ACS3-HMAC-SHA256 signature: wrong secret and unknown key fail with the real codes', async () => {
    const wrongSecret = clientsFor(sb, { accessKeySecret: 'not-the-secret' });
    const e1 = await sdkError(wrongSecret.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R })));
    expect(e1).toBeInstanceOf(ClientError);
    expect(e1).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    const unknownKey = clientsFor(sb, { accessKeyId: 'LTAI-nobody' });
    const e2 = await sdkError(unknownKey.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: R })));
    expect(e2).toMatchObject({ name: 'ClientError', code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
    const last = sb.requests.at(-1)!;
    expect(last).toMatchObject({ action: 'DescribeNatGateways', product: 'vpc', code: 'InvalidAccessKeyId.NotFound', status: 404 });
  });

  it('accepts the legacy V2 HMAC-SHA1 signature and rejects it when the secret is wrong', async () => {
    const v2 = clientsFor(sb, { signatureAlgorithm: 'v2' });
    const r = await v2.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(['i-1']) }));
    expect(r.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-1']);
    const bad = clientsFor(sb, { signatureAlgorithm: 'v2', accessKeySecret: 'nope' });
    expect(await sdkError(bad.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R })))).toMatchObject({ code: 'SignatureDoesNotMatch' });
    // The V2 common parameters are not logged as API parameters.
    const logged = sb.requests.find((q) => q.params.InstanceIds === '["i-1"]')!;
    expect(Object.keys(logged.params)).not.toContain('Signature');
  });

  it('answers every request with an upper-case UUID RequestId, also in the x-acs-request-id header', async () => {
    const r = await sb.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R }));
    expect(r.body!.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(r.headers!['x-acs-request-id']).toBe(r.body!.requestId);
    expect(sb.requests.at(-1)!.requestId).toBe(r.body!.requestId);
  });

  it('unknown actions, bad versions, missing and wrong regions get the documented errors and body shape', async () => {
    const e1 = await sdkError(rawCall('DescribeUnicorns', '2014-05-26', { RegionId: R }));
    expect(e1).toMatchObject({ code: 'InvalidAction.NotFound', statusCode: 404 });
    expect(e1.data).toMatchObject({ HostId: 'ecs.cn-hangzhou.aliyuncs.com', Code: 'InvalidAction.NotFound', Recommend: expect.stringContaining('troubleshoot') });
    expect(e1.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const e2 = await sdkError(rawCall('DescribeInstances', '2099-01-01', { RegionId: R }));
    expect(e2).toMatchObject({ code: 'InvalidVersion', statusCode: 400 });
    const e3 = await sdkError(sb.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: 'cn-beijing' })));
    expect(e3).toMatchObject({ code: 'InvalidRegionId.NotFound', statusCode: 404 });
    expect(e3.data).toMatchObject({ HostId: 'vpc.aliyuncs.com' });
    const e4 = await sdkError(rawCall('DescribeInstances', '2014-05-26', {}));
    expect(e4).toMatchObject({ code: 'MissingParameter', statusCode: 400 });
    expect(e4.message).toMatch(/RegionId/);
  });

  it('required parameters are enforced server-side, as the real API does', async () => {
    const e = await sdkError(sb.vpc.createForwardEntry(new $Vpc.CreateForwardEntryRequest({ regionId: R, forwardTableId: 'ftb-1' })));
    expect(e).toMatchObject({ code: 'MissingParameter', statusCode: 400 });
    expect(e.message).toMatch(/ExternalIp/);
  });
});
