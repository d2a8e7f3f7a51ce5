// Two sandbox rules the cloud journal and the pause test rely on: ECS's tag limits (20 per resource counting the
// tags it has; 128-character keys and values; no aliyun/acs: prefixes), and further AccessKeys of the account, each
// request logged with the key that signed it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.ts';
import { $Ecs, clientsFor, sdkError, smallScenario, startWithClients, type Clients } from './sdk-clients.ts';

const R = 'cn-hangzhou';
const OTHER = { accessKeyId: 'LTAI-second-worker', accessKeySecret: 'second-secret' };
let sb: Sandbox & Clients;

beforeAll(async () => { sb = await startWithClients(smallScenario({ extraCredentials: [OTHER] })); });
afterAll(async () => { await sb.close(); });

const tagsOf = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));

async function eniWith(tags: { key: string; value: string }[]): Promise<string> {
  const r = await sb.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({
    regionId: R, vSwitchId: 'vsw-1', securityGroupId: 'sg-1', tag: tags.map((t) => new $Ecs.CreateNetworkInterfaceRequestTag(t)),
  }));
  return r.body!.networkInterfaceId!;
}

describe('tag limits', () => {
  it('takes 20 tags per resource, counting the ones it already has', async () => {
    const id = await eniWith(tagsOf(15));
    const add = (tags: { key: string; value: string }[]) => sb.ecs.tagResources(new $Ecs.TagResourcesRequest({
      regionId: R, resourceType: 'eni', resourceId: [id], tag: tags.map((t) => new $Ecs.TagResourcesRequestTag(t)),
    }));
    await add(tagsOf(5, 15));
    expect((await sdkError(add(tagsOf(1, 20)))).code).toBe('QuotaExceed.Tags');
    // Overwriting a key it has is not a new tag.
    await add([{ key: 'k0', value: 'again' }]);
  });

  it.each([
    ['21 tags at creation', tagsOf(21), 'QuotaExceed.Tags'],
    ['a 129-character value', [{ key: 'k', value: 'v'.repeat(129) }], 'InvalidTagValue.Malformed'],
    ['a 129-character key', [{ key: 'k'.repeat(129), value: 'v' }], 'InvalidTagKey.Malformed'],
    ['an aliyun key', [{ key: 'aliyun-x', value: 'v' }], 'InvalidTagKey.Malformed'],
    ['an acs: value', [{ key: 'k', value: 'acs:x' }], 'InvalidTagValue.Malformed'],
  ])('refuses %s', async (_n, tags, code) => {
    expect((await sdkError(eniWith(tags))).code).toBe(code);
  });
});

describe('callers', () => {
  it('accepts a further AccessKey of the account and logs which key signed each request', async () => {
    const other = clientsFor(sb, OTHER);
    await other.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R }));
    await sb.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R }));
    const keys = sb.requests.filter((r) => r.action === 'DescribeNetworkInterfaces').map((r) => r.accessKeyId);
    expect(keys.slice(-2)).toEqual([OTHER.accessKeyId, sb.credentials.accessKeyId]);
    const stranger = clientsFor(sb, { accessKeyId: 'LTAI-nobody', accessKeySecret: 'x' });
    expect((await sdkError(stranger.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R })))).code).toBe('InvalidAccessKeyId.NotFound');
    expect(sb.requests.at(-1)!.accessKeyId).toBeUndefined();
  });
});
