import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  REGION_ID, idProblem, isEniId, isInstanceId, isJobId, isNatGatewayId, isRegionId, isVpcId, jobIdFor, parseJobId,
  regionProblem, resourceKindOf,
} from '../../src/domain/ids.ts';
import { msg } from '../../src/i18n/catalog.ts';

/** The facts' English, as the catalog words them (the sentences ids.ts wrote before they were facts). */
const explainBadId = (kind: Parameters<typeof idProblem>[0], s: string) => { const p = idProblem(kind, s); return p && msg('en').idProblemText({ problem: p }); };
const explainBadRegion = (s: string) => { const p = regionProblem(s); return p && msg('en').idProblemText({ problem: p }); };

describe('resource ids', () => {
  it.each([
    ['i-bp1abcdefghijklmnopq', isInstanceId, true],
    ['i-bp1probe', isInstanceId, true],
    ['i-28wt4db6v', isInstanceId, true],
    ['i-123', isInstanceId, false],
    ['I-BP1ABCDEFGHIJKLMNOPQ', isInstanceId, false],
    ['i-bp1abc_defgh', isInstanceId, false],
    [' i-bp1abcdefgh', isInstanceId, false],
    ['i-', isInstanceId, false],
    ['i-' + 'a'.repeat(33), isInstanceId, false],
    ['ngw-bp1abcdefghijklmnop', isNatGatewayId, true],
    ['ngw-1', isNatGatewayId, false],
    ['vpc-bp1abcdefghijklmnop', isVpcId, true],
    ['VPC-bp1abcdefghijklmnop', isVpcId, false],
    ['eni-bp1probe0000000001', isEniId, true],
    ['eni-bp1probe0000000001', isInstanceId, false],
  ])('%s → %s', (s, fn, ok) => {
    expect(fn(s)).toBe(ok);
  });

  it('knows which kind an id is', () => {
    expect(resourceKindOf('vpc-bp1abcdefgh')).toBe('vpc');
    expect(resourceKindOf('sg-bp1abcdefgh')).toBe('securityGroup');
    expect(resourceKindOf('vsw-bp1abcdefgh')).toBe('vSwitch');
    expect(resourceKindOf('x-bp1abcdefgh')).toBeUndefined();
  });

  it.each([
    ['instance', 'i-bp1abcdefgh', undefined],
    ['instance', 'i-123', '`i-123` does not look like an ECS instance id (expected i- followed by 20-ish lowercase letters/digits)'],
    ['instance', 'I-BP1ABCDEFGH', '`I-BP1ABCDEFGH` has upper-case letters; Alibaba ECS instance ids are lower-case (did you mean `i-bp1abcdefgh`?)'],
    ['instance', 'vpc-bp1abcdefgh', '`vpc-bp1abcdefgh` is a VPC id, but an ECS instance id (i-…) was expected'],
    ['natGateway', 'ngw-x', '`ngw-x` does not look like a NAT gateway id (expected ngw- followed by 20-ish lowercase letters/digits)'],
    ['natGateway', 'i-bp1abcdefgh', '`i-bp1abcdefgh` is an ECS instance id, but a NAT gateway id (ngw-…) was expected'],
  ] as const)('explainBadId(%s, %s)', (kind, s, msg) => {
    expect(explainBadId(kind, s)).toBe(msg);
  });
});

describe('regions', () => {
  it.each([
    ['cn-hangzhou', true], ['ap-southeast-1', true], ['us-west-1', true], ['cn-shanghai-finance-1', true],
    ['cn-north-2-gov-1', true], ['eu-central-1', true], ['me-east-1', true],
    ['CN-HANGZHOU', false], ['cn', false], ['cn-', false], ['cn-1', false], ['hangzhou', false], ['cn_hangzhou', false],
    ['cn-hangzhou-', false], ['', false],
  ])('%s → %s', (s, ok) => {
    expect(isRegionId(s)).toBe(ok);
  });

  it('explains a bad region', () => {
    expect(explainBadRegion('CN-Hangzhou')).toMatch(/did you mean `cn-hangzhou`/);
    expect(explainBadRegion('hangzhou')).toMatch(/does not look like an Alibaba Cloud region id/);
    expect(explainBadRegion('cn-hangzhou')).toBeUndefined();
  });
});

describe('job ids', () => {
  it.each([
    ['migrate', 'cn-hangzhou', 'i-bp1abcdefgh', 'migrate-cn-hangzhou-i-bp1abcdefgh'],
    ['rollback', 'ap-southeast-1', 'i-bp1abcdefgh', 'rollback-ap-southeast-1-i-bp1abcdefgh'],
    ['batch', 'cn-shanghai-finance-1', 'ngw-bp1abcdefgh', 'batch-cn-shanghai-finance-1-ngw-bp1abcdefgh'],
    ['batch', 'us-west-1', 'a1b2c3d4', 'batch-us-west-1-a1b2c3d4'],
    ['batch', 'us-west-1', '20261224', 'batch-us-west-1-20261224'],
  ] as const)('%s %s %s → %s and back', (kind, region, key, id) => {
    expect(jobIdFor(kind, region, key)).toBe(id);
    const parsed = parseJobId(id);
    expect(parsed).toMatchObject({ kind, region, key });
    expect(parsed?.instanceId).toBe(key.startsWith('i-') ? key : undefined);
  });

  it.each([
    ['migrate-cn-hangzhou-i-bp1abcdefgh-3', { kind: 'migrate', region: 'cn-hangzhou', key: 'i-bp1abcdefgh', instanceId: 'i-bp1abcdefgh', seq: 3 }],
    ['preview-ap-southeast-1-i-bp1abcdefgh-12', { kind: 'preview', region: 'ap-southeast-1', key: 'i-bp1abcdefgh', instanceId: 'i-bp1abcdefgh', seq: 12 }],
    ['rollback-us-west-1-i-28wt4db6v-1', { kind: 'rollback', region: 'us-west-1', key: 'i-28wt4db6v', instanceId: 'i-28wt4db6v', seq: 1 }],
    ['migrate-cn-shanghai-finance-1-i-fleet00001-7', { kind: 'migrate', region: 'cn-shanghai-finance-1', key: 'i-fleet00001', instanceId: 'i-fleet00001', seq: 7 }],
    ['batch-cn-hangzhou-ngw-fleet0000000000001-2', { kind: 'batch', region: 'cn-hangzhou', key: 'ngw-fleet0000000000001', seq: 2 }],
    ['scan-cn-hangzhou-vpc-bp1abcdefgh-5', { kind: 'scan', region: 'cn-hangzhou', key: 'vpc-bp1abcdefgh', seq: 5 }],
    ['drift-cn-hangzhou-ngw-bp1abcdefgh', { kind: 'drift', region: 'cn-hangzhou', key: 'ngw-bp1abcdefgh' }],
    // Token keys carry no counter: the trailing number stays the key.
    ['batch-us-west-1-20261224', { kind: 'batch', region: 'us-west-1', key: '20261224' }],
  ] as const)('parses the engine id %s', (id, want) => {
    const parsed = parseJobId(id);
    expect(parsed).toEqual({ ...want });
    expect(isJobId(id)).toBe(true);
  });

  it('never contains a colon and is never digits only (BullMQ rules)', () => {
    const id = jobIdFor('migrate', 'cn-hangzhou', 'i-bp1abcdefgh');
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^\d+$/);
  });

  it.each([
    ['migrate', 'CN', 'i-bp1abcdefgh'],
    ['migrate', 'cn-hangzhou', 'i:bad'],
    ['migrate', 'cn-hangzhou', ''],
    ['deploy', 'cn-hangzhou', 'i-bp1abcdefgh'],
    ['migrate', 'cn-hangzhou', 'x-y-z'],
  ])('jobIdFor refuses %s/%s/%s', (kind, region, key) => {
    expect(() => jobIdFor(kind as 'migrate', region, key)).toThrow();
  });

  it.each([
    'migrate', 'migrate-', 'migrate-cn-hangzhou', 'deploy-cn-hangzhou-i-bp1abcdefgh', 'migrate-CN-HANGZHOU-i-bp1abcdefgh',
    'migrate:cn-hangzhou:i-bp1abcdefgh', 'i-bp1abcdefgh', '12345', '', 'migrate-cn-hangzhou-i-bp1abcdefgh-',
    'migrate-cn-hangzhou-i-bp1abcdefgh-3-', 'migrate-cn-hangzhou-i-bp1abcdefgh--3', 'migrate-i-bp1abcdefgh-3',
  ])('parseJobId rejects %j', (s) => {
    expect(parseJobId(s)).toBeUndefined();
    expect(isJobId(s)).toBe(false);
  });

  it('round-trips any valid region and instance id (property)', () => {
    const region = fc.stringMatching(REGION_ID);
    const key = fc.oneof(fc.stringMatching(/^i-[a-z0-9]{6,32}$/), fc.stringMatching(/^ngw-[a-z0-9]{6,32}$/), fc.stringMatching(/^[A-Za-z0-9_.]{1,64}$/));
    fc.assert(fc.property(fc.constantFrom('migrate', 'rollback', 'batch' as const), region, key, (kind, r, k) => {
      const id = jobIdFor(kind, r, k);
      expect(parseJobId(id)).toMatchObject({ kind, region: r, key: k });
      expect(id).not.toContain(':');
    }));
  });
});
