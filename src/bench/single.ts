// One migration at a time, in-process (engine + worker + the real Alibaba adapter against the sandbox), approved
// by the bench the instant the approval is requested. Measures the cutover window, the whole migration without
// the human wait, and the API calls it took (every request the sandbox saw, polls and retries included), for each
// cutover method, interleaved run by run on one sandbox: in place (every port) and delete + create (`--ports 22`).
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import { createAlibabaCloud } from '../cloud/alibaba/index.ts';
import type { MigrationEvent } from '../domain/events.ts';
import type { CutoverMethod } from '../domain/steps.ts';
import { createEngine } from '../engine/engine.ts';
import { RedisRateBudget } from '../engine/store/api-rate-budget.ts';
import { makeKeys } from '../engine/store/keys.ts';
import type { Notifier } from '../engine/ports.ts';
import { fleetIds, fleetPrivateIp, makeFleetScenario, startSandbox } from '../sandbox/index.ts';
import { cutoverFloor, expectedOf, migrationFloor, type BenchLatencies } from './floors.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { median } from './stats.ts';
import { ENI_TAG_JOB } from '../domain/plan.ts';
import { sleep } from '../util/sleep.ts';

export interface SingleRun {
  instanceId: string;
  method: CutoverMethod;
  outcome: string;
  cutoverWindowMs: number;
  migrationMs: number;
  approvalWaitMs: number;
  apiCalls: number;
  callsByAction: Record<string, number>;
  /** API calls per step, as the job's record counts them (where the calls go). */
  callsByStep: Record<string, number>;
  /** From the new entry Available until every service port answered through the EIP (NaN when not measured). */
  verifyPortsMs: number;
  /** From the new entry Available until the SSH banner came back through the EIP. */
  sshCheckMs: number;
}

/** The medians of one cutover method's runs. */
export interface SingleResult {
  cutoverWindowMs: number;
  cutoverFloorMs: number;
  migrationMs: number;
  migrationFloorMs: number;
  apiCallsPerMigration: number;
  verifyPortsMs: number;
  sshCheckMs: number;
}

export interface SingleResults {
  runs: SingleRun[];
  byMethod: Record<CutoverMethod, SingleResult>;
}

/** Emits into memory and approves each approval request at once (as a second person, on a timer tick). */
class InstantApprover implements Notifier {
  readonly events: MigrationEvent[] = [];
  private waiters = new Map<string, (e: MigrationEvent) => void>();
  decide?: (jobId: string, planHash: string) => Promise<unknown>;

  async emit(e: MigrationEvent): Promise<void> {
    this.events.push(e);
    if (e.type === 'approval.requested') setImmediate(() => { void this.decide?.(e.jobId, e.planHash); });
    if (e.type === 'finished') this.waiters.get(e.jobId)?.(e);
  }

  finished(jobId: string, timeoutMs: number): Promise<MigrationEvent> {
    const seen = this.events.find((e) => e.jobId === jobId && e.type === 'finished');
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${jobId} did not finish within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(jobId, (e) => { clearTimeout(t); resolve(e); });
    });
  }
}

const METHODS: CutoverMethod[] = ['modify', 'recreate'];
/** The service ports besides SSH (16 listening ports in all). */
const SERVICE_PORTS = Array.from({ length: 15 }, (_, i) => 8001 + i);

export async function runSingle(o: { redisUrl: string; latencies: BenchLatencies; runs: number; log?: (s: string) => void; expectedLatencies?: boolean }): Promise<SingleResults> {
  const l = o.latencies;
  const scenario = makeFleetScenario({ instances: Math.max(10, 2 * o.runs), latencyMs: { ...l } });
  // 16 listening TCP ports per guest (sshd and 15 services on 0.0.0.0), open in the security group: verification
  // probes each through the EIP after the cutover.
  for (const inst of scenario.instances ?? []) inst.guest = { ...inst.guest, services: SERVICE_PORTS.map((port) => ({ port, process: 'app' })) };
  for (const sg of scenario.securityGroups ?? []) sg.ingress = [...(sg.ingress ?? []), { ipProtocol: 'tcp', portRange: `${SERVICE_PORTS[0]}/${SERVICE_PORTS.at(-1)}`, sourceCidrIp: '0.0.0.0/0' }];
  const sandbox = await startSandbox({ scenario });
  const prefix = `{nmbench-single-${randomBytes(3).toString('hex')}}`;
  const budgetRedis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const notifier = new InstantApprover();
  // The product's adapter and budget (NATMIGRATE_API_RATE default 20/s); only the expected latencies are given.
  const cloud = createAlibabaCloud({
    regionId: sandbox.regionId, ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http',
    credentials: sandbox.credentials, rateBudget: new RedisRateBudget(budgetRedis, makeKeys(prefix), { ratePerSec: 20 }),
  });
  const engine = createEngine({
    redis: o.redisUrl, prefix, cloud, notifier, logger: pino({ level: 'silent' }),
    // expectedLatencies false: the adapter's default poll schedule, for a before/after comparison.
    options: { publicEdge: sandbox.edge, ...(o.expectedLatencies === false ? {} : { expectedMs: expectedOf(l) }) },
  });
  notifier.decide = (jobId, planHash) => engine.approvals.decide(jobId, { planHash, decision: 'approve', userId: 'UBENCHAPPROVER', isApprover: true });
  const worker = await engine.startWorker({ concurrency: 4 });
  // The worker's start-up pass over the natmigrate-tagged ENIs (the cloud reconcile) is no migration's call: the
  // first run is counted once that read has been answered (at most 5 s later).
  const startupPass = (r: { action: string; params: Record<string, string> }) => r.action === 'DescribeNetworkInterfaces' && r.params['Tag.1.Key'] === ENI_TAG_JOB;
  for (const until = Date.now() + 5_000; Date.now() < until && !sandbox.requests.some(startupPass);) await sleep(20);
  const runs: SingleRun[] = [];
  try {
    for (let i = 0; i < o.runs * METHODS.length; i++) {
      const method = METHODS[i % METHODS.length]!;
      const instanceId = fleetIds.instance(i);
      const eip = sandbox.world.dnatEntries.get(fleetIds.forwardEntry(i))?.externalIp;
      const firstReq = sandbox.requests.length;
      const firstEdge = sandbox.edgeLog.length;
      const t0 = Date.now();
      const [sub] = await engine.service.submit({
        regionId: sandbox.regionId, instanceIds: [instanceId],
        options: { ports: method === 'modify' ? { kind: 'all' } : { kind: 'list', ports: [22] }, configureGuest: false },
        requestedBy: 'UBENCHREQUESTER', audience: {},
      });
      if (sub?.status !== 'queued') throw new Error(`submit of ${instanceId}: ${JSON.stringify(sub)}`);
      const fin = await notifier.finished(sub.jobId, 120_000);
      const t1 = Date.parse(fin.at);
      const ev = notifier.events.filter((e) => e.jobId === sub.jobId);
      const requested = ev.find((e) => e.type === 'approval.requested');
      const decided = ev.find((e) => e.type === 'approval.decided');
      const approvalWaitMs = requested && decided ? Date.parse(decided.at) - Date.parse(requested.at) : 0;
      const reqs = sandbox.requests.slice(firstReq).filter((r) => r.at >= t0 && r.at <= t1 + 5);
      // The window: from the cutover's first accepted write to the first banner that came back on the new path
      // (the in-place path keeps answering on the primary IP until the change takes effect; those do not count).
      const switched = reqs.find((r) => (r.action === 'DeleteForwardEntry' || r.action === 'ModifyForwardEntry') && r.code === 'OK');
      const banner = sandbox.edgeLog.slice(firstEdge)
        .find((e) => e.ok && e.dstIp === eip && switched !== undefined && e.at >= switched.at && e.internalIp !== fleetPrivateIp(i));
      const callsByAction: Record<string, number> = {};
      for (const r of reqs) callsByAction[r.action] = (callsByAction[r.action] ?? 0) + 1;
      // The ports' verification and the SSH check, both from the moment the new entry was Available.
      const available = ev.find((e) => e.type === 'step.finished' && (e.step === 'wait_entry_modified' || e.step === 'wait_entry_available'));
      const tA = available ? Date.parse(available.at) : Number.NaN;
      const onNewPath = sandbox.edgeLog.slice(firstEdge).filter((e) => e.ok && e.dstIp === eip && e.at >= tA && e.internalIp !== fleetPrivateIp(i));
      const firstOk = (port: number) => onNewPath.find((e) => e.dstPort === port)?.at;
      const sshAt = firstOk(22);
      const portTimes = method === 'modify' ? [22, ...SERVICE_PORTS].map(firstOk) : [];
      const verifyPortsMs = portTimes.length && portTimes.every((t) => t !== undefined) ? Math.max(...(portTimes as number[])) + l.edge - tA : Number.NaN;
      const sshCheckMs = sshAt !== undefined ? sshAt + l.edge - tA : Number.NaN;
      const callsByStep: Record<string, number> = {};
      for (const st of (await engine.service.status(sub.jobId))[0]?.steps ?? []) callsByStep[st.step] = (callsByStep[st.step] ?? 0) + st.calls.length;
      runs.push({
        instanceId,
        method,
        outcome: fin.type === 'finished' ? fin.outcome : 'unknown',
        // The banner leaves the edge `edge` ms after the verdict is logged.
        cutoverWindowMs: switched && banner ? banner.at + l.edge - switched.at : Number.NaN,
        migrationMs: t1 - t0 - approvalWaitMs,
        approvalWaitMs,
        apiCalls: reqs.length,
        callsByAction,
        callsByStep,
        verifyPortsMs,
        sshCheckMs,
      });
      const last = runs.at(-1)!;
      o.log?.(`  single ${i + 1}/${o.runs * METHODS.length} (${method}): ${last.outcome}, window ${last.cutoverWindowMs} ms, migration ${last.migrationMs} ms, ${reqs.length} calls`);
    }
  } finally {
    await worker.close({ graceMs: 2000 });
    await engine.close();
    await deleteKeys(budgetRedis, prefix).catch(() => 0);
    await budgetRedis.quit().catch(() => {});
    await sandbox.close();
  }
  const of = (method: CutoverMethod): SingleResult => {
    const mine = runs.filter((r) => r.method === method);
    return {
      cutoverWindowMs: median(mine.map((r) => r.cutoverWindowMs)),
      cutoverFloorMs: cutoverFloor(l, method),
      migrationMs: median(mine.map((r) => r.migrationMs)),
      // Each plan introspects the guest (one RunCommand before staging, one more at the gate's recheck): in the floor.
      migrationFloorMs: migrationFloor(l, false, method, true),
      apiCallsPerMigration: median(mine.map((r) => r.apiCalls)),
      verifyPortsMs: median(mine.map((r) => r.verifyPortsMs)),
      sshCheckMs: median(mine.map((r) => r.sshCheckMs)),
    };
  };
  return { runs, byMethod: { modify: of('modify'), recreate: of('recreate') } };
}
