// The waiters' verdicts as a table: what a stale read (eventual consistency) counts as, and when a state that
// contradicts the write just made is finally taken at its word (after a few reads AND the grace time).
import { describe, expect, it } from 'vitest';
import type { DnatEntry, NetworkInterface } from '../../src/domain/cloud-types.ts';
import { dnatJudge, eniJudge } from '../../src/cloud/alibaba/wait-verdicts.ts';

const eni = (status: string, instanceId?: string): NetworkInterface => ({
  networkInterfaceId: 'eni-1', status, type: 'Secondary', vpcId: 'vpc-1', vSwitchId: 'vsw-1', zoneId: 'z', privateIp: '192.168.1.50',
  securityGroupIds: ['sg-1'], tags: {}, ...(instanceId ? { instanceId } : {}),
});
const entry = (status: string, internalIp = '192.168.1.50'): DnatEntry => ({
  forwardEntryId: 'fwd-1', forwardTableId: 'ftb-1', externalIp: '203.0.113.10', externalPort: 'any', internalIp, internalPort: 'any', ipProtocol: 'any', status,
});
const kinds = <T>(judge: (s: T, i: number, ms: number) => { kind: string }, reads: Array<[T, number]>) => reads.map(([s, ms], i) => judge(s, i, ms).kind);

describe('eniJudge (attach → InUse)', () => {
  it('reads the Available of before as pending until 3 reads and the grace have passed, then as a failed attach', () => {
    const j = eniJudge('InUse', { attachRequested: true, staleGraceMs: 1_000 });
    expect(kinds(j, [[eni('Available'), 10], [eni('Available'), 50], [eni('Available'), 200], [eni('Available'), 900], [eni('Available'), 1_000]]))
      .toEqual(['pending', 'pending', 'pending', 'pending', 'failed']);
  });

  it('Available after Attaching was seen is a failed attach at once; InUse on the expected instance is done', () => {
    const j = eniJudge('InUse', { attachRequested: true, staleGraceMs: 10_000, expectInstance: 'i-1' });
    expect(kinds(j, [[eni('Available'), 10], [eni('Attaching', 'i-1'), 20], [eni('Available'), 30]])).toEqual(['pending', 'pending', 'failed']);
    const k = eniJudge('InUse', { attachRequested: true, staleGraceMs: 10_000, expectInstance: 'i-1' });
    expect(kinds(k, [[undefined as unknown as NetworkInterface, 10], [eni('InUse', 'i-1'), 20]])).toEqual(['pending', 'done']);
  });

  it('a new ENI that is not listed yet is pending, not gone, until 3 reads and the grace have passed', () => {
    const j = eniJudge('Available', { attachRequested: false, staleGraceMs: 500 });
    const none = undefined as unknown as NetworkInterface;
    expect(kinds(j, [[none, 10], [none, 20], [none, 30], [none, 499], [none, 500]])).toEqual(['pending', 'pending', 'pending', 'pending', 'failed']);
  });
});

describe('dnatJudge', () => {
  it('a new entry not listed yet is pending for 10 reads and the grace; vanishing after it was listed is a failed create', () => {
    const none = undefined as unknown as DnatEntry;
    const j = dnatJudge('Available', undefined, 2_000);
    const reads: Array<[DnatEntry, number]> = Array.from({ length: 10 }, (_, i) => [none, 100 * (i + 1)]);
    expect(kinds(j, [...reads, [none, 2_000]])).toEqual([...Array(10).fill('pending'), 'failed']);
    const k = dnatJudge('Available', undefined, 2_000);
    expect(kinds(k, [[entry('Pending'), 10], [none, 20]])).toEqual(['pending', 'failed']);
  });

  it('after a modify, Available on the old InternalIp is the read of before; done only on the new one', () => {
    const j = dnatJudge('Available', '192.168.1.60', 0);
    expect(kinds(j, [[entry('Available', '192.168.1.50'), 10], [entry('Pending', '192.168.1.60'), 20], [entry('Available', '192.168.1.60'), 30]]))
      .toEqual(['pending', 'pending', 'done']);
  });

  it('a delete: still listed as Available (the read of before) is pending; gone is done; Available after Deleting failed', () => {
    const none = undefined as unknown as DnatEntry;
    expect(kinds(dnatJudge('Gone'), [[entry('Available'), 10], [entry('Deleting'), 20], [none, 30]])).toEqual(['pending', 'pending', 'done']);
    expect(kinds(dnatJudge('Gone'), [[entry('Deleting'), 10], [entry('Available'), 20]])).toEqual(['pending', 'failed']);
  });
});
