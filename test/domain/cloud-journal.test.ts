import { describe, expect, it } from 'vitest';
import { journalTags, readJournal, tagProblems, TAG_LIMITS, type CloudJournal } from '../../src/domain/cloud-journal.ts';
import type { DnatEntry } from '../../src/domain/cloud-types.ts';
import { decideReconcile, type JobKnowledge, type ReconcileAction } from '../../src/domain/reconcile-decision.ts';

const journal = (o: Partial<CloudJournal['original']> = {}, rest: Partial<CloudJournal> = {}): CloudJournal => ({
  jobId: 'i-abc123-7', instanceId: 'i-abc123', cutover: 'modify', newPorts: 'any', deployment: '0123456789ab',
  thread: { channelId: 'C0123ABCD', threadTs: '1765000000.000100' },
  original: { forwardEntryId: 'fwd-1', forwardTableId: 'ftb-1', externalIp: '203.0.113.7', internalIp: '192.168.1.7', externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any', forwardEntryName: 'web', ...o },
  ...rest,
});

describe('cloud journal tags', () => {
  it('round-trips the job, the thread and the original entry', () => {
    const j = journal();
    const tags = journalTags(j);
    expect(tagProblems(tags)).toEqual([]);
    expect(readJournal(tags)).toEqual(j);
  });

  it.each([
    ['a name with a reserved prefix', journal({ forwardEntryName: 'aliyun-default' })],
    ['a name with acs: and a URL', journal({ forwardEntryName: 'acs:x see https://example.com' })],
    ['a name starting with the escape', journal({ forwardEntryName: '~tilde' })],
    ['no thread', journal({}, { thread: undefined })],
    ['a channel only', journal({}, { thread: { channelId: 'C1' } })],
    ['a port entry and recreate', journal({ externalPort: '8022', internalPort: '22', ipProtocol: 'TCP' }, { cutover: 'recreate', newPorts: '22,443' })],
  ])('%s stays within the ECS limits and reads back', (_name, j) => {
    const tags = journalTags(j);
    expect(tagProblems(tags)).toEqual([]);
    const back = readJournal(tags)!;
    expect(back).toEqual(JSON.parse(JSON.stringify(j)));
  });

  it('cuts a name longer than a tag value and does not claim it back', () => {
    const tags = journalTags(journal({ forwardEntryName: 'n'.repeat(300) }));
    expect(tagProblems(tags)).toEqual([]);
    expect(tags['natmigrate:name']!.length).toBe(TAG_LIMITS.valueLength);
    expect(readJournal(tags)!.original.forwardEntryName).toBeUndefined();
  });

  it.each([
    ['too many tags', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])), '21 tags'],
    ['a reserved key', { 'aliyun:x': 'v' }, 'key'],
    ['an acs: value', { k: 'acs:foo' }, 'value of k'],
    ['a long key', { ['k'.repeat(129)]: 'v' }, 'key'],
  ])('tagProblems finds %s', (_n, tags, want) => {
    expect(tagProblems(tags).join(' ')).toContain(want);
  });

  it.each([
    ['no version', (t: Record<string, string>) => { delete t['natmigrate:v']; }],
    ['no forward entry', (t: Record<string, string>) => { delete t['natmigrate:fwd']; }],
    ['bad ports', (t: Record<string, string>) => { t['natmigrate:ports'] = 'Any'; }],
    ['bad cutover', (t: Record<string, string>) => { t['natmigrate:cutover'] = 'teleport'; }],
  ])('an incomplete journal (%s) reads as none', (_n, spoil) => {
    const tags = journalTags(journal());
    spoil(tags);
    expect(readJournal(tags)).toBeUndefined();
  });
});

const ENI_IP = '192.168.1.50';
const entry = (internalIp: string, status = 'Available', id = 'fwd-x'): DnatEntry => ({
  forwardEntryId: id, forwardTableId: 'ftb-1', externalIp: '203.0.113.7', internalIp, externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any', status,
});
const eni = (status = 'InUse', instanceId: string | undefined = 'i-abc123') => ({ networkInterfaceId: 'eni-1', status, instanceId, privateIp: ENI_IP });
const unknown: JobKnowledge = { state: 'unknown' };

describe('decideReconcile', () => {
  it.each<[string, JobKnowledge, ReturnType<typeof eni>, DnatEntry[], ReconcileAction['kind']]>([
    ['a running job', { state: 'active' }, eni(), [], 'leave'],
    ['a running job, even mid-change', { state: 'active' }, eni('Attaching'), [entry(ENI_IP, 'Pending')], 'leave'],
    ['lost job, ENI attaching', unknown, eni('Attaching'), [entry('192.168.1.7')], 'wait'],
    ['lost job, entry Pending', unknown, eni(), [entry(ENI_IP, 'Pending')], 'wait'],
    ['lost job, entry Deleting', unknown, eni(), [entry('192.168.1.7', 'Deleting')], 'wait'],
    ['lost job, EIP maps to the ENI on the instance', unknown, eni(), [entry(ENI_IP)], 'verify_migrated'],
    ['lost job, EIP maps to the ENI, ENI detached', unknown, eni('Available', undefined), [entry(ENI_IP)], 'restore'],
    ['lost job, EIP maps to nothing', unknown, eni(), [], 'restore'],
    ['lost job, original in place', unknown, eni(), [entry('192.168.1.7')], 'remove_eni'],
    ['lost job, original in place, ENI never attached', unknown, eni('Available', undefined), [entry('192.168.1.7')], 'remove_eni'],
    ['lost job, EIP maps elsewhere', unknown, eni(), [entry('192.168.1.99')], 'ask'],
    ['lost job, EIP maps to both', unknown, eni(), [entry(ENI_IP, 'Available', 'a'), entry('192.168.1.7', 'Available', 'b')], 'ask'],
    ['finished migrated, as the cloud shows', { state: 'finished', outcome: 'migrated' }, eni(), [entry(ENI_IP)], 'leave'],
    ['finished migrated, but the original is back', { state: 'finished', outcome: 'migrated' }, eni(), [entry('192.168.1.7')], 'ask'],
    ['finished restored, ENI left over', { state: 'finished', outcome: 'restored' }, eni('Available', undefined), [entry('192.168.1.7')], 'remove_eni'],
    ['finished restored, but EIP unmapped', { state: 'finished', outcome: 'restored' }, eni('Available', undefined), [], 'ask'],
  ])('%s → %s', (_name, job, e, entries, want) => {
    expect(decideReconcile({ journal: journal(), eni: e, entriesOnEip: entries, job }).kind).toBe(want);
  });
  it('says why as a code with facts (worded by the catalog), not as an English sentence', () => {
    const why = (job: JobKnowledge, e: ReturnType<typeof eni>, entries: DnatEntry[]) => decideReconcile({ journal: journal(), eni: e, entriesOnEip: entries, job }).situation;
    expect(why({ state: 'active' }, eni(), [])).toEqual({ code: 'job_running', job: journal().jobId });
    expect(why(unknown, eni(), [entry(ENI_IP, 'Pending')])).toEqual({ code: 'dnat_changing', entries: [{ entry: 'fwd-x', status: 'Pending' }] });
    expect(why(unknown, eni(), [entry('192.168.1.99')])).toMatchObject({ code: 'foreign_mapping', targets: [{ ip: '192.168.1.99', entry: 'fwd-x' }] });
    expect(why(unknown, eni(), [entry(ENI_IP)])).toMatchObject({ code: 'maps_to_eni', eni: 'eni-1', eniIp: ENI_IP });
    expect(why(unknown, eni(), [])).toMatchObject({ code: 'maps_nothing' });
  });
});
