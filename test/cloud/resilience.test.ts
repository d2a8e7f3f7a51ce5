import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.ts';
import { createAlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { callsOf, recordCalls, withCallRecorder } from '../../src/cloud/call-recorder.ts';
import { TokenBucketBudget, type RateBudget } from '../../src/cloud/rate-budget.ts';
import { CloudError } from '../../src/cloud/cloud-error.ts';
import type { CloudCall } from '../../src/cloud/cloud-port.ts';
import { until } from '../../src/util/until.ts';
import { IDS, cloudOptions, harness, testScenario, type Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => { h = await harness(); });
afterEach(async () => { await h.sb.close(); });

let n = 0;
const token = (what: string) => `res-${what}-${++n}-${Date.now()}`;

/** A real RateBudget that also remembers penalties (an implementation of the interface, not a mock of the adapter). */
class RecordingBudget implements RateBudget {
  readonly penalties: [string, number | undefined, string | undefined][] = [];
  constructor(private readonly inner: TokenBucketBudget) {}
  take(action: string, signal?: AbortSignal) { return this.inner.take(action, signal); }
  penalize(action: string, retryAfterMs?: number, code?: string) {
    this.penalties.push([action, retryAfterMs, code]);
    this.inner.penalize(action, retryAfterMs, code);
  }
}

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('throttling', () => {
  it('is retried no sooner than x-acs-retry-after, and slows the budget', async () => {
    const budget = new RecordingBudget(new TokenBucketBudget({ ratePerSec: 1000 }));
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { rateBudget: budget, observers: [(c) => h.calls.push(c)] }));
    h.sb.faults.add({ action: 'DescribeNatGateways', code: 'Throttling.User', times: 2, retryAfterMs: 150 });
    h.mark();
    const gws = await cloud.listNatGateways({ vpcId: IDS.vpc });
    expect(gws).toHaveLength(1);
    const reqs = h.seen('DescribeNatGateways');
    expect(reqs.map((r) => r.code)).toEqual(['Throttling.User', 'Throttling.User', 'OK']);
    // Arrival gaps: each retry waited at least the 150 ms the server asked for.
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(148);
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(148);
    expect(budget.penalties).toEqual([
      ['DescribeNatGateways', 150, 'Throttling.User'], ['DescribeNatGateways', 150, 'Throttling.User'],
    ]);
    expect(h.calls.map((c) => [c.code, c.attempt, c.httpStatus])).toEqual([
      ['Throttling.User', 1, 400], ['Throttling.User', 2, 400], ['OK', 3, 200],
    ]);
  });

  it('gives up after maxThrottleAttempts with a retryable CloudError', async () => {
    h.sb.faults.add({ action: 'DescribeEipAddresses', code: 'Throttling.Api', retryAfterMs: 5 });
    h.mark();
    const e = await h.cloud.listEips({}).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'Throttling.Api', retryable: true, httpStatus: 400, action: 'DescribeEipAddresses' });
    expect(h.seen('DescribeEipAddresses')).toHaveLength(6);
  });

  it('a server QPS limit is absorbed: throttled calls slow down and all succeed', async () => {
    const sb = await startSandbox({ scenario: testScenario({ qps: { DescribeEipAddresses: 5 } }), port: 0 });
    try {
      const calls: CloudCall[] = [];
      const cloud = createAlibabaCloud(cloudOptions(sb, { rateBudget: new TokenBucketBudget({ ratePerSec: 1000 }), observers: [(c) => calls.push(c)] }));
      const results = await Promise.all(Array.from({ length: 10 }, () => cloud.listEips({})));
      expect(results.every((r) => r.length === 3)).toBe(true);
      expect(calls.filter((c) => c.code === 'Throttling.User').length).toBeGreaterThan(0);
      expect(calls.filter((c) => c.code === 'OK')).toHaveLength(10);
    } finally {
      await sb.close();
    }
  });

  it('a budget under the server limit avoids throttling altogether, by spacing calls', async () => {
    const sb = await startSandbox({ scenario: testScenario({ qps: { DescribeEipAddresses: 5 } }), port: 0 });
    try {
      const budget = new TokenBucketBudget({ ratePerSec: 1000, perAction: { DescribeEipAddresses: 4 } });
      const cloud = createAlibabaCloud(cloudOptions(sb, { rateBudget: budget }));
      const t0 = Date.now();
      await Promise.all(Array.from({ length: 4 }, () => cloud.listEips({})));
      const reqs = sb.requests.filter((r) => r.action === 'DescribeEipAddresses');
      expect(reqs.map((r) => r.code)).toEqual(['OK', 'OK', 'OK', 'OK']);
      // 3 gaps of 250 ms at least (arrival gaps on a loaded machine can bunch up; the total cannot shrink).
      expect(Date.now() - t0).toBeGreaterThanOrEqual(740);
    } finally {
      await sb.close();
    }
  });

  it('an AbortSignal stops the retries', async () => {
    h.sb.faults.add({ action: 'DescribeNetworkInterfaces', code: 'Throttling', retryAfterMs: 2_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await expect(h.cloud.listNetworkInterfaces({ instanceId: IDS.i1 }, { signal: ac.signal })).rejects.toMatchObject({ code: 'Aborted' });
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('5xx and transport failures', () => {
  it('reads retry 5xx', async () => {
    h.sb.faults.add({ action: 'DescribeInstances', code: 'ServiceUnavailable', times: 2 });
    h.mark();
    expect((await h.cloud.describeInstance(IDS.i1))?.instanceId).toBe(IDS.i1);
    expect(h.seen('DescribeInstances').map((r) => [r.code, r.status])).toEqual([['ServiceUnavailable', 503], ['ServiceUnavailable', 503], ['OK', 200]]);
  });

  it('reads give up after maxAttempts with the last code', async () => {
    h.sb.faults.add({ action: 'DescribeInstances', code: 'InternalError' });
    h.mark();
    const e = await h.cloud.describeInstance(IDS.i1).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'InternalError', httpStatus: 500, retryable: true });
    expect(h.seen('DescribeInstances')).toHaveLength(4);
    expect((e as CloudError).requestId).toBe(h.seen('DescribeInstances')[3]!.requestId);
  });

  it('writes with a ClientToken retry 5xx with the same token', async () => {
    h.sb.faults.add({ action: 'CreateForwardEntry', code: 'InternalError', times: 2 });
    h.mark();
    const id = await h.cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '2222', internalIp: '192.168.1.20', internalPort: '22', ipProtocol: 'TCP', clientToken: token('fe'),
    });
    expect(id).toBeTruthy();
    const reqs = h.seen('CreateForwardEntry');
    expect(reqs.map((r) => r.code)).toEqual(['InternalError', 'InternalError', 'OK']);
    expect(new Set(reqs.map((r) => r.params.ClientToken)).size).toBe(1);
  });

  it('a write with a ClientToken that timed out after being applied is retried with the same token: applied once', async () => {
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { timeouts: { connectMs: 250, readMs: 250 } }));
    h.sb.faults.add({ action: 'CreateForwardEntry', latencyMs: 600, times: 1 });
    h.mark();
    const t = token('slow');
    const id = await cloud.createForwardEntry({
      forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '2223', internalIp: '192.168.1.20', internalPort: '22', ipProtocol: 'TCP',
      forwardEntryName: 'slow-one', clientToken: t,
    });
    // The sandbox logs a request once it has answered: wait for the first (slow) answer, so the log is complete.
    const reqs = await until(() => { const r = h.seen('CreateForwardEntry'); return r.length >= 2 ? r : undefined; }, { what: 'both CreateForwardEntry requests in the log', timeoutMs: 5_000 });
    expect(reqs).toHaveLength(2);
    expect(reqs.every((r) => r.params.ClientToken === t)).toBe(true);
    const entries = (await cloud.listForwardEntries(IDS.ftb)).filter((e) => e.forwardEntryName === 'slow-one');
    expect(entries.map((e) => e.forwardEntryId)).toEqual([id]);
  });

  it('a tokenless write (attach) is re-read, not blindly retried, after a timeout: the attach had gone through', async () => {
    const eni = await h.cloud.createNetworkInterface({ vSwitchId: IDS.vswH, securityGroupIds: [IDS.sg], clientToken: token('eni') });
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { timeouts: { connectMs: 250, readMs: 250 }, observers: [(c) => h.calls.push(c)] }));
    h.sb.faults.add({ action: 'AttachNetworkInterface', latencyMs: 600, times: 1 });
    h.mark();
    await cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    expect(h.calls.map((c) => [c.action, c.code])).toEqual([
      ['AttachNetworkInterface', 'RequestTimeout'], ['DescribeNetworkInterfaces', 'OK'],
    ]);
    // The slow attach is logged once it has answered: one request, never a second one.
    await until(() => h.seen('AttachNetworkInterface').length >= 1, { what: 'the slow attach in the log', timeoutMs: 5_000 });
    expect(h.seen('AttachNetworkInterface')).toHaveLength(1);
    expect(await cloud.waitNetworkInterface(eni.networkInterfaceId, 'InUse', { instanceId: IDS.i1 })).toMatchObject({ status: 'InUse' });
  });

  it('a tokenless write that got a 5xx is retried only after a re-read shows it did not apply', async () => {
    const eni = await h.cloud.createNetworkInterface({ vSwitchId: IDS.vswH, securityGroupIds: [IDS.sg], clientToken: token('eni') });
    h.sb.faults.add({ action: 'AttachNetworkInterface', code: 'ServiceUnavailable', times: 1 });
    h.mark();
    await h.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i1 });
    expect(h.calls.map((c) => [c.action, c.code])).toEqual([
      ['AttachNetworkInterface', 'ServiceUnavailable'], ['DescribeNetworkInterfaces', 'OK'], ['AttachNetworkInterface', 'OK'],
    ]);
  });

  it('connection refused (a closed port) is retried, then mapped to Transport with the errno, without secrets or query strings', async () => {
    const port = await closedPort();
    const calls: CloudCall[] = [];
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { ecsEndpoint: `127.0.0.1:${port}`, observers: [(c) => calls.push(c)] }));
    const e = await cloud.describeInstance(IDS.i1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CloudError);
    expect(e).toMatchObject({ code: 'Transport', action: 'DescribeInstances', retryable: true });
    expect((e as Error).message).toContain('ECONNREFUSED');
    expect((e as Error).message).not.toContain('InstanceIds');
    expect((e as Error).message).not.toContain(h.sb.credentials.accessKeySecret);
    expect(calls.map((c) => [c.code, c.attempt])).toEqual([['ECONNREFUSED', 1], ['ECONNREFUSED', 2], ['ECONNREFUSED', 3], ['ECONNREFUSED', 4]]);
  });

  it('connection refused on a tokenless write is retried blindly (nothing can have been applied)', async () => {
    const port = await closedPort();
    const calls: CloudCall[] = [];
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { ecsEndpoint: `127.0.0.1:${port}`, observers: [(c) => calls.push(c)] }));
    await expect(cloud.detachNetworkInterface({ networkInterfaceId: 'eni-x', instanceId: IDS.i1 })).rejects.toMatchObject({ code: 'Transport' });
    expect(calls.map((c) => c.action)).toEqual(Array(4).fill('DetachNetworkInterface'));
  });

  it('a read timeout maps to RequestTimeout and is retried', async () => {
    const calls: CloudCall[] = [];
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { timeouts: { connectMs: 150, readMs: 150 }, observers: [(c) => calls.push(c)] }));
    h.sb.faults.add({ action: 'DescribeSnatTableEntries', latencyMs: 400, times: 1 });
    expect(await cloud.listSnatEntries(IDS.stb)).toHaveLength(1);
    expect(calls.map((c) => c.code)).toEqual(['RequestTimeout', 'OK']);
    h.sb.faults.add({ action: 'DescribeSnatTableEntries', latencyMs: 400 });
    await expect(cloud.listSnatEntries(IDS.stb)).rejects.toMatchObject({ code: 'RequestTimeout', retryable: true });
  });

  it('a non-JSON answer (an HTML error page from a proxy) maps to BadResponse', async () => {
    // A loopback stand-in for a misbehaving proxy in front of the API: the sandbox always answers JSON.
    const proxy = createHttpServer((_req, res) => { res.writeHead(502, { 'content-type': 'text/html' }); res.end('<html>Bad Gateway</html>'); });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const calls: CloudCall[] = [];
      const port = (proxy.address() as { port: number }).port;
      const cloud = createAlibabaCloud(cloudOptions(h.sb, { vpcEndpoint: `127.0.0.1:${port}`, observers: [(c) => calls.push(c)] }));
      await expect(cloud.listEips({})).rejects.toMatchObject({ code: 'BadResponse', action: 'DescribeEipAddresses' });
      expect(calls.map((c) => c.code)).toEqual(Array(4).fill('BadResponse'));
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe('error mapping', () => {
  it('Forbidden.RAM keeps code, status, RequestId and the denied RAM action; it is not retried', async () => {
    const sb = await startSandbox({ scenario: testScenario({ deniedActions: ['vpc:CreateForwardEntry'] }), port: 0 });
    try {
      const cloud = createAlibabaCloud(cloudOptions(sb));
      const e = await cloud.createForwardEntry({
        forwardTableId: IDS.ftb, externalIp: '198.51.100.7', externalPort: '22', internalIp: '192.168.1.20', internalPort: '22', ipProtocol: 'TCP', clientToken: 'ram-1',
      }).catch((x: unknown) => x) as CloudError;
      const reqs = sb.requests.filter((r) => r.action === 'CreateForwardEntry');
      expect(reqs).toHaveLength(1);
      expect(e).toBeInstanceOf(CloudError);
      expect(e).toMatchObject({
        code: 'Forbidden.RAM', httpStatus: 403, action: 'CreateForwardEntry', deniedAction: 'vpc:CreateForwardEntry', retryable: false,
        requestId: reqs[0]!.requestId,
      });
      expect(e.isPermissionDenied).toBe(true);
      expect(e.message).toContain('vpc:CreateForwardEntry');
      expect(e.toJSON()).toMatchObject({ code: 'Forbidden.RAM', requestId: reqs[0]!.requestId });
    } finally {
      await sb.close();
    }
  });

  it('a wrong secret → SignatureDoesNotMatch; an unknown key → InvalidAccessKeyId.NotFound; the secret never shows', async () => {
    const wrong = createAlibabaCloud(cloudOptions(h.sb, { credentials: { accessKeyId: h.sb.credentials.accessKeyId, accessKeySecret: 'not-the-secret-xyz' } }));
    const e1 = await wrong.listVSwitches({ vpcId: IDS.vpc }).catch((x: unknown) => x) as CloudError;
    expect(e1).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 400, retryable: false });
    expect(e1.message).not.toContain('not-the-secret-xyz');
    const unknown = createAlibabaCloud(cloudOptions(h.sb, { credentials: { accessKeyId: 'LTAI-nobody', accessKeySecret: 'whatever-secret' } }));
    await expect(unknown.listVSwitches({ vpcId: IDS.vpc })).rejects.toMatchObject({ code: 'InvalidAccessKeyId.NotFound', httpStatus: 404 });
  });

  it('a busy code that never clears gives up after maxBusyAttempts', async () => {
    h.sb.faults.add({ action: 'DeleteForwardEntry', code: 'OperationConflict' });
    h.mark();
    await expect(h.cloud.deleteForwardEntry({ forwardTableId: IDS.ftb, forwardEntryId: IDS.fwdMap, clientToken: token('oc') }))
      .rejects.toMatchObject({ code: 'OperationConflict', retryable: true });
    expect(h.seen('DeleteForwardEntry')).toHaveLength(6);
  });

  it('IncorretForwardEntryStatus "The Specified forwardEntry is not exist" on delete means it is gone', async () => {
    h.sb.faults.add({ action: 'DeleteForwardEntry', code: 'IncorretForwardEntryStatus', message: 'The Specified forwardEntry is not exist', times: 1 });
    h.mark();
    await expect(h.cloud.deleteForwardEntry({ forwardTableId: IDS.ftb, forwardEntryId: 'fwd-whatever', clientToken: token('ne') })).resolves.toBeUndefined();
    // Answered once, taken as "already gone": not retried as a busy table.
    expect(h.seen('DeleteForwardEntry')).toHaveLength(1);
    // The same code with its "busy" message is a busy table: retried with the same token, then given up.
    h.sb.faults.add({ action: 'DeleteForwardEntry', code: 'IncorretForwardEntryStatus', message: 'Some Forward entry status blocked this operation..' });
    h.mark();
    await expect(h.cloud.deleteForwardEntry({ forwardTableId: IDS.ftb, forwardEntryId: 'fwd-whatever', clientToken: token('ne2') }))
      .rejects.toMatchObject({ code: 'IncorretForwardEntryStatus' });
    expect(h.seen('DeleteForwardEntry').length).toBeGreaterThan(1);
  });
});

describe('observers and call recording', () => {
  it('every HTTP attempt is reported with product, action, RequestId, code, status, duration and attempt', async () => {
    h.sb.faults.add({ action: 'DescribeVSwitches', code: 'ServiceUnavailable', times: 1 });
    h.mark();
    await h.cloud.listVSwitches({ vpcId: IDS.vpc });
    const reqs = h.seen('DescribeVSwitches');
    expect(h.calls).toEqual([
      { product: 'vpc', action: 'DescribeVSwitches', requestId: reqs[0]!.requestId, code: 'ServiceUnavailable', httpStatus: 503, durationMs: expect.any(Number), attempt: 1 },
      { product: 'vpc', action: 'DescribeVSwitches', requestId: reqs[1]!.requestId, code: 'OK', httpStatus: 200, durationMs: expect.any(Number), attempt: 2 },
    ]);
  });

  it('recordCalls collects the calls of one step, across awaits and concurrent steps', async () => {
    const [a, b] = await Promise.all([
      recordCalls(async () => {
        const eni = await h.cloud.createNetworkInterface({ vSwitchId: IDS.vswH, securityGroupIds: [IDS.sg], clientToken: token('rc') });
        await h.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: IDS.i2 });
        return eni.networkInterfaceId;
      }),
      recordCalls(() => h.cloud.listNatGateways({})),
    ]);
    expect(a.result).toMatch(/^eni-/);
    expect(a.calls.map((c) => c.action)).toEqual(['CreateNetworkInterface', 'AttachNetworkInterface']);
    expect(a.calls.every((c) => c.code === 'OK' && typeof c.requestId === 'string')).toBe(true);
    expect(b.calls.map((c) => c.action)).toEqual(['DescribeNatGateways']);

    // Nested recorders both see inner calls; a failing step keeps its calls.
    const outer: CloudCall[] = [];
    const err = await withCallRecorder(async () => {
      await h.cloud.listEips({});
      return recordCalls(() => h.cloud.describeSecurityGroup('sg-nope').then(() => h.cloud.listForwardEntries('ftb-nope')));
    }, outer).catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'InvalidForwardTableId.NotFound' });
    expect(callsOf(err).map((c) => c.code)).toEqual(['InvalidSecurityGroupId.NotFound', 'InvalidForwardTableId.NotFound']);
    expect(outer.map((c) => c.action)).toEqual(['DescribeEipAddresses', 'DescribeSecurityGroupAttribute', 'DescribeForwardTableEntries']);
  });

  it('a throwing observer does not break the call', async () => {
    const cloud = createAlibabaCloud(cloudOptions(h.sb, { observers: [() => { throw new Error('boom'); }] }));
    expect(await cloud.listSnatEntries(IDS.stb)).toHaveLength(1);
  });
});
