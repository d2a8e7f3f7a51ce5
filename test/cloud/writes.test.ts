import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../src/util/until.ts';
import { CloudError } from '../../src/cloud/cloud-error.ts';
import { createAlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { IDS, cloudOptions, harness, type Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => { h = await harness(); });
afterEach(async () => { await h.sb.close(); });

let n = 0;
const token = (what: string) => `test-${what}-${++n}-${Date.now()}`;

async function newEni(tags: Record<string, string> = { owner: 'natmigrate' }) {
  return h.cloud.createNetworkInterface({
    vSwitchId: IDS.vswH, securityGroupIds: [IDS.sg], name: 'nm-eni', description: 'created by test', tags, clientToken: token('eni'),
  });
}

describe('ENI lifecycle', () => {
  it('create → attach → wait InUse → detach → wait Available → delete → wait Gone', async () => {
    const eni = await newEni();
    expect(eni).toMatchObject({
      status: 'Available', type: 'Secondary', vpcId: IDS.vpc, vSwitchId: IDS.vswH, zoneId: 'cn-hangzhou-h',
      securityGroupIds: [IDS.sg], tags: { owner: 'natmigrate' }, name: 'nm-eni', description: 'created by test',
    });
    expect(eni.privateIp).toMatch(/^192\.168\.1\./);
    const created = h.seen('CreateNetworkInterface')[0]!.params;
    expect(created).toMatchObject({ 'SecurityGroupIds.1': IDS.sg, 'Tag.1.Key': 'owner', 'Tag.1.Value': 'natmigrate' });
    expect(created.ClientToken).toMatch(/^test-eni-/);

    // Tagged listing finds it, once the read catches up with the create (realism: staleReads).
    const tagged = async () => (await h.cloud.listNetworkInterfaces({ tags: { owner: 'natmigrate' } })).map((e) => e.networkInterfaceId);
    await until(async () => (await tagged()).length > 0, { what: 'the new ENI to be listed', timeoutMs: 5_000, everyMs: 5 });
    expect(await tagged()).toEqual([eni.networkInterfaceId]);

    await h.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    const states: string[] = [];
    h.mark();
    const inUse = await h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { instanceId: IDS.i1 });
    expect(inUse).toMatchObject({ status: 'InUse', instanceId: IDS.i1 });
    // Each poll is a real, observed API call; the fast schedule notices the change soon after it happens (120 ms).
    const polls = h.calls.filter((c) => c.action === 'DescribeNetworkInterfaces');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.length).toBeLessThanOrEqual(8);
    states.push(inUse!.status);

    await h.cloud.detachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    const avail = await h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'Available');
    expect(avail).toMatchObject({ status: 'Available' });
    expect(avail!.instanceId).toBeUndefined();

    await h.cloud.deleteNetworkInterface({ networkInterfaceId: eni.networkInterfaceId });
    expect(await h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'Gone')).toBeUndefined();
    expect(await h.cloud.listNetworkInterfaces({ networkInterfaceIds: [eni.networkInterfaceId] })).toEqual([]);
  });

  it('idempotent no-ops: attach again to the same instance, detach when Available/Detaching, delete when gone', async () => {
    const eni = await newEni();
    const id = eni.networkInterfaceId;
    await h.cloud.attachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 });
    // While Attaching: the API says InvalidEniState; the adapter re-reads, sees Attaching on i1 → done.
    await h.cloud.attachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 });
    await h.cloud.waitNetworkInterface(id, 'InUse', { instanceId: IDS.i1 });
    // While InUse on i1: same.
    h.mark();
    await h.cloud.attachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 });
    expect(h.seen('AttachNetworkInterface').map((r) => r.code)).toEqual(['InvalidOperation.InvalidEniState']);
    // Attached to i1, attaching to i2 is a real error (no endless retries).
    await expect(h.cloud.attachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i2 }))
      .rejects.toMatchObject({ code: 'InvalidOperation.InvalidEniState', action: 'AttachNetworkInterface' });

    await h.cloud.detachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 });
    await h.cloud.detachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 }); // Detaching → no-op
    await h.cloud.waitNetworkInterface(id, 'Available');
    await h.cloud.detachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 }); // Available → no-op

    await h.cloud.deleteNetworkInterface({ networkInterfaceId: id });
    await h.cloud.deleteNetworkInterface({ networkInterfaceId: id }); // Deleting → no-op
    await h.cloud.waitNetworkInterface(id, 'Gone');
    h.mark();
    await h.cloud.deleteNetworkInterface({ networkInterfaceId: id }); // gone → no-op
    expect(h.seen('DeleteNetworkInterface').map((r) => r.code)).toEqual(['InvalidEniId.NotFound']);
    await h.cloud.detachNetworkInterface({ networkInterfaceId: id, instanceId: IDS.i1 }); // gone → detached
  });

  it('createNetworkInterface with the same ClientToken returns the same ENI; changed parameters → IdempotentParameterMismatch', async () => {
    const t = token('same');
    const input = { vSwitchId: IDS.vswH, securityGroupIds: [IDS.sg], clientToken: t };
    const a = await h.cloud.createNetworkInterface(input);
    const b = await h.cloud.createNetworkInterface(input);
    expect(b.networkInterfaceId).toBe(a.networkInterfaceId);
    await expect(h.cloud.createNetworkInterface({ ...input, name: 'other' })).rejects.toMatchObject({ code: 'IdempotentParameterMismatch', httpStatus: 403 });
  });

  it('business errors are not retried and keep their code, RequestId and status', async () => {
    h.mark();
    const e = await h.cloud.createNetworkInterface({ vSwitchId: 'vsw-nope', securityGroupIds: [IDS.sg], clientToken: token('x') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CloudError);
    expect(e).toMatchObject({ code: 'InvalidVSwitchId.NotFound', httpStatus: 404, action: 'CreateNetworkInterface', retryable: false });
    const reqs = h.seen('CreateNetworkInterface');
    expect(reqs).toHaveLength(1);
    expect((e as CloudError).requestId).toBe(reqs[0]!.requestId);
    expect((e as CloudError).message).toContain('InvalidVSwitchId.NotFound');
    expect((e as CloudError).message).toContain(reqs[0]!.requestId);
  });

  it('attach beyond the per-instance ENI quota fails with EniPerInstanceLimitExceeded (after one re-read)', async () => {
    const a = await newEni();
    const b = await newEni({ n: '2' });
    await h.cloud.attachNetworkInterface({ networkInterfaceId: a.networkInterfaceId, instanceId: IDS.i1 });
    h.mark();
    await expect(h.cloud.attachNetworkInterface({ networkInterfaceId: b.networkInterfaceId, instanceId: IDS.i1 }))
      .rejects.toMatchObject({ code: 'EniPerInstanceLimitExceeded', httpStatus: 403 });
    expect(h.seen('AttachNetworkInterface')).toHaveLength(1);
  });

  it('ClientToken is validated before anything is sent', async () => {
    h.mark();
    await expect(newEniWithToken('x'.repeat(65))).rejects.toMatchObject({ code: 'InvalidParameter.ClientToken' });
    await expect(h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '22', internalIp: '192.168.1.20', internalPort: '22', ipProtocol: 'TCP', clientToken: '',
    })).rejects.toMatchObject({ code: 'InvalidParameter.ClientToken' });
    expect(h.seen('CreateNetworkInterface')).toHaveLength(0);
    expect(h.seen('CreateForwardEntry')).toHaveLength(0);
  });
});

function newEniWithToken(clientToken: string) {
  return h.cloud.createNetworkInterface({ vSwitchId: IDS.vswH, securityGroupIds: [IDS.sg], clientToken });
}

describe('waiters', () => {
  it('attach that fails asynchronously (Attaching → Available) → WaitFailed', async () => {
    const eni = await newEni();
    h.sb.faults.add({ action: 'AttachNetworkInterface', asyncFailure: true, times: 1 });
    await h.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    await expect(h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { instanceId: IDS.i1 }))
      .rejects.toMatchObject({ code: 'WaitFailed', action: 'DescribeNetworkInterfaces' });
  });

  it('after an attach was requested, Available is read as stale a few times, then as a failure (the attach never started)', async () => {
    const eni = await newEni();
    h.mark();
    await expect(h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { instanceId: IDS.i1, attachRequested: true, timeoutMs: 5_000 }))
      .rejects.toMatchObject({ code: 'WaitFailed' });
    // Reads are eventually consistent: the first Available after the attach may be the state of before, so it is
    // taken at its word only after a few reads and the schedule's staleGraceMs.
    expect(h.seen('DescribeNetworkInterfaces').length).toBeGreaterThanOrEqual(3);
  });

  it('a just-created ENI that is not listed yet is waited for, not failed', async () => {
    const eni = await newEni();
    const hidden = h.sb.world.enis.get(eni.networkInterfaceId)!;
    h.sb.world.enis.delete(eni.networkInterfaceId);
    h.sb.world.markChanged();
    h.mark();
    const waiting = h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'Available', { timeoutMs: 10_000 });
    // Listed only after the waiter has read it as missing once.
    await until(async () => h.seen('DescribeNetworkInterfaces').length >= 1, { what: 'a first read', timeoutMs: 5_000, everyMs: 5 });
    h.sb.world.enis.set(eni.networkInterfaceId, hidden);
    h.sb.world.markChanged();
    const seen = await waiting;
    expect(seen?.networkInterfaceId).toBe(eni.networkInterfaceId);
    expect(h.seen('DescribeNetworkInterfaces').length).toBeGreaterThanOrEqual(2);
  });

  it('without an attach, waiting for InUse times out → WaitTimeout', async () => {
    const eni = await newEni();
    const t0 = Date.now();
    const e = await h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { timeoutMs: 300 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'WaitTimeout', retryable: true });
    expect((e as Error).message).toContain('still Available');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('honours an AbortSignal', async () => {
    const eni = await newEni();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await expect(h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { signal: ac.signal, timeoutMs: 5_000 }))
      .rejects.toMatchObject({ code: 'Aborted' });
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('the ENI being attached to another instance fails the wait', async () => {
    const eni = await newEni();
    await h.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i2 });
    await expect(h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { instanceId: IDS.i1 }))
      .rejects.toMatchObject({ code: 'WaitFailed' });
  });

  it('a detach that fails asynchronously (Detaching → InUse) → WaitFailed', async () => {
    const eni = await newEni();
    await h.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    await h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse');
    h.sb.faults.add({ action: 'DetachNetworkInterface', asyncFailure: true, times: 1 });
    await h.cloud.detachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    await expect(h.cloud.waitNetworkInterface(eni.networkInterfaceId, 'Available')).rejects.toMatchObject({ code: 'WaitFailed' });
  });

  it('the expectedMs hint brings the first poll forward', async () => {
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { waiter: { initialMs: 400, maxMs: 400 } }));
    const eni = await newEni();
    await cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    h.mark();
    const t0 = Date.now();
    await cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { expectedMs: 20 });
    const polls = h.seen('DescribeNetworkInterfaces');
    expect(polls[0]!.at - t0).toBeLessThan(300); // not the 400 ms default
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(25); // then ×1.5
  });
});

describe('DNAT', () => {
  it('delete the IP mapping → Gone, create the new entry (Pending → Available) with ClientTokens', async () => {
    const delToken = token('del');
    await h.cloud.deleteForwardEntry({ forwardTableId: IDS.ftb, forwardEntryId: IDS.fwdMap, clientToken: delToken });
    expect(h.seen('DeleteForwardEntry')[0]!.params.ClientToken).toBe(delToken);
    // Reads lag the writes (realism: staleReads): the entry shows Deleting once the read catches up.
    await until(async () => (await h.cloud.listForwardEntries(IDS.ftb, { forwardEntryId: IDS.fwdMap }))[0]?.status === 'Deleting',
      { what: 'the entry to be listed as Deleting', timeoutMs: 5_000, everyMs: 5 });
    expect(await h.cloud.waitForwardEntry(IDS.ftb, IDS.fwdMap, 'Gone')).toBeUndefined();

    const eni = await newEni();
    const id = await h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '203.0.113.10', externalPort: 'Any', internalIp: eni.privateIp, internalPort: 'Any',
      ipProtocol: 'Any', forwardEntryName: 'nm-new', clientToken: token('cre'),
    });
    expect(id).toBeTruthy();
    // Whatever the create met (the EIP still "in binding", a busy code), every attempt carried the same ClientToken.
    expect(new Set(h.seen('CreateForwardEntry').map((r) => r.params.ClientToken)).size).toBe(1);
    await until(async () => (await h.cloud.listForwardEntries(IDS.ftb, { forwardEntryId: id }))[0]?.status === 'Pending',
      { what: 'the new entry to be listed as Pending', timeoutMs: 5_000, everyMs: 5 });
    const entry = await h.cloud.waitForwardEntry(IDS.ftb, id, 'Available');
    expect(entry).toMatchObject({ forwardEntryId: id, externalIp: '203.0.113.10', internalIp: eni.privateIp, status: 'Available', forwardEntryName: 'nm-new' });
  });

  it('deleteForwardEntry of an entry that is already gone succeeds', async () => {
    await h.cloud.deleteForwardEntry({ forwardTableId: IDS.ftb, forwardEntryId: IDS.fwdMap, clientToken: token('d1') });
    await h.cloud.waitForwardEntry(IDS.ftb, IDS.fwdMap, 'Gone');
    h.mark();
    await h.cloud.deleteForwardEntry({ forwardTableId: IDS.ftb, forwardEntryId: IDS.fwdMap, clientToken: token('d2') });
    expect(h.seen('DeleteForwardEntry').map((r) => r.code)).toEqual(['InvalidForwardEntryId.NotFound']);
  });

  it('a write while the table is busy (an entry Pending) waits it out: IncorretForwardEntryStatus is retried', async () => {
    const a = await h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '2201', internalIp: '192.168.1.20', internalPort: '22', ipProtocol: 'TCP', clientToken: token('a'),
    });
    h.mark();
    const b = await h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '2202', internalIp: '192.168.1.20', internalPort: '23', ipProtocol: 'TCP', clientToken: token('b'),
    });
    expect(b).not.toBe(a);
    const codes = h.seen('CreateForwardEntry').map((r) => r.code);
    expect(codes[0]).toBe('IncorretForwardEntryStatus');
    expect(codes.at(-1)).toBe('OK');
    // Same token on every attempt.
    expect(new Set(h.seen('CreateForwardEntry').map((r) => r.params.ClientToken)).size).toBe(1);
  });

  it('constraint errors surface with their codes', async () => {
    await expect(h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '203.0.113.20', externalPort: '80', internalIp: '192.168.1.20', internalPort: '80', ipProtocol: 'TCP', clientToken: token('c'),
    })).rejects.toMatchObject({ code: 'Forbidden.ExternalIp.UsedInSnatTable' });
  });

  it('a create that fails asynchronously (the entry vanishes) → WaitFailed', async () => {
    h.sb.faults.add({ action: 'CreateForwardEntry', asyncFailure: true, times: 1 });
    const id = await h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '2203', internalIp: '192.168.1.20', internalPort: '22', ipProtocol: 'TCP', clientToken: token('f'),
    });
    await expect(h.cloud.waitForwardEntry(IDS.ftb, id, 'Available')).rejects.toMatchObject({ code: 'WaitFailed' });
  });
});

describe('Cloud Assistant', () => {
  it('runCommand sends Base64 RunShellScript; waitInvocation decodes the UTF-8 output', async () => {
    const t = token('cmd');
    const invokeId = await h.cloud.runCommand({ instanceId: IDS.i1, script: 'echo "héllo wörld"', timeoutSeconds: 30, clientToken: t });
    const p = h.seen('RunCommand')[0]!.params;
    expect(p).toMatchObject({ Type: 'RunShellScript', ContentEncoding: 'Base64', 'InstanceId.1': IDS.i1, Timeout: '30', ClientToken: t });
    expect(Buffer.from(p.CommandContent!, 'base64').toString('utf8')).toBe('echo "héllo wörld"');
    const r = await h.cloud.waitInvocation(invokeId, IDS.i1);
    expect(r).toMatchObject({ invokeId, instanceId: IDS.i1, status: 'Success', exitCode: 0 });
    expect(r.output).toContain('héllo wörld');
  });

  it('a failing script is a terminal result (status Failed), not an exception', async () => {
    const invokeId = await h.cloud.runCommand({ instanceId: IDS.i1, script: 'exit 3', clientToken: token('cmd') });
    const r = await h.cloud.waitInvocation(invokeId, IDS.i1);
    expect(r.status).toBe('Failed');
    expect(r.exitCode).toBe(3);
  });

  it('rejects a script that is too large before sending it', async () => {
    await expect(h.cloud.runCommand({ instanceId: IDS.i1, script: 'x'.repeat(20_000), clientToken: token('big') }))
      .rejects.toMatchObject({ code: 'InvalidParameter' });
  });

  it('runCommand on an instance that is not Running', async () => {
    await expect(h.cloud.runCommand({ instanceId: IDS.iStopped, script: 'true', clientToken: token('s') }))
      .rejects.toMatchObject({ code: 'InvalidInstance.NotMatch', httpStatus: 403 });
  });
});
