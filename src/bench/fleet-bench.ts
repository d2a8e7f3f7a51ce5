// A whole NAT gateway's worth of instances migrated at once, in the sandbox with API throttling on. The worker is a
// separate process (its RSS is what is measured); this process holds the sandbox, submits, approves on the spot
// (a `run --all` batch when the deployment has one, else one job per instance) and checks the cloud at the end.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { CloudPort } from '../cloud/cloud-port.ts';
import type { MigrationEvent } from '../domain/events.ts';
import { createEngine } from '../engine/engine.ts';
import { fleetIds, makeFleetScenario, startSandbox, type Sandbox } from '../sandbox/index.ts';
import { EventTail } from './event-tail.ts';
import { expectedOf, fleetFloor, fleetFloorFair, type BenchLatencies } from './floors.ts';
import { spawnWorker } from './proc.ts';
import { fleetTimeline, type FleetTimeline } from './fleet-timeline.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { round } from './stats.ts';
import { sleep } from '../util/sleep.ts';

/** Per-action API limits of the sandbox during the fleet run (requests/second; over them → Throttling.User). */
export const FLEET_QPS: Record<string, number> = {
  default: 100,
  CreateNetworkInterface: 20, AttachNetworkInterface: 20, DetachNetworkInterface: 20, DeleteNetworkInterface: 20,
  CreateForwardEntry: 20, ModifyForwardEntry: 20, DeleteForwardEntry: 20, RunCommand: 20,
};

export interface FleetResult {
  n: number;
  mode: 'batch' | 'per-instance';
  fleetMs: number;
  fleetFloorMs: number;
  fleetRatio: number;
  /** The floor with the batch's unavoidable waits (floors.ts fleetFloorFair), and the ratio to it. */
  fleetFloorFairMs: number;
  fleetRatioFair: number;
  failures: number;
  outcomes: Record<string, number>;
  workerRssMb: number;
  apiCalls: number;
  apiCallsPerMigration: number;
  throttled: number;
  apiRate: number;
  concurrency: number;
  /** Mean gap between one cutover's new entry Available and the next delete (the serialized hand-over). */
  handoverMs: number;
  /** Where the time beyond the floor goes (timeline.ts). */
  timeline: FleetTimeline;
  problems: string[];
}

export interface FleetOptions {
  redisUrl: string;
  n: number;
  latencies: BenchLatencies;
  apiRate: number;
  concurrency: number;
  log?: (s: string) => void;
  /** Use `run --all` when the service offers it (default true). */
  batch?: boolean;
  /** Node flags of the worker process. */
  nodeFlags?: string[];
}

export async function runFleet(o: FleetOptions): Promise<FleetResult> {
  const l = o.latencies;
  const sandbox = await startSandbox({ scenario: makeFleetScenario({ instances: o.n, latencyMs: { ...l }, qps: FLEET_QPS }) });
  const prefix = `{nmbench-fleet-${randomBytes(3).toString('hex')}}`;
  const eventsKey = `${prefix}:bench:events`;
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  // The bench's own view: the service (no worker) to submit and decide.
  const service = createEngine({
    redis: o.redisUrl, prefix, cloud: { regionId: sandbox.regionId } as CloudPort, notifier: { emit: async () => {} },
    logger: pino({ level: 'silent' }),
  });
  const worker = spawnWorker({
    ...sandbox.env, REDIS_URL: o.redisUrl, NATMIGRATE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'error',
    NATMIGRATE_API_RATE: String(o.apiRate), NATMIGRATE_WORKER_CONCURRENCY: String(o.concurrency), NATMIGRATE_VERIFY_TIMEOUT: '60s',
  }, { eventsKey, engine: { expectedMs: expectedOf(l) }, worker: { concurrency: o.concurrency } }, o.nodeFlags ?? []);

  const problems: string[] = [];
  const finished = new Map<string, string>();
  let rss = 0;
  const rssTimer = setInterval(() => { rss = Math.max(rss, worker.rssMb() ?? 0); }, 100);
  const decide = async (e: MigrationEvent) => {
    if (e.type !== 'approval.requested') return;
    // In a batch only the batch is approved by people; its children's requests are held by it.
    if (mode === 'batch' && e.kind !== 'batch') return;
    const r = await service.approvals.decide(e.jobId, { planHash: e.planHash, decision: 'approve', userId: 'UBENCHAPPROVER', isApprover: true });
    if (!r.ok) problems.push(`approve ${e.jobId}: ${r.code} ${r.message}`);
  };
  const tail = new EventTail(redis, eventsKey, async (e) => {
    if (e.type === 'approval.requested') void decide(e); // one approver clicking as soon as each card shows up
    if (e.type === 'finished' && e.jobId.startsWith('migrate-')) finished.set(e.jobId, e.outcome);
  });
  let mode: FleetResult['mode'] = 'per-instance';
  const firstReq = sandbox.requests.length;
  let t0 = 0;
  let t1 = 0;
  try {
    await worker.printed('worker ready', 1, 120_000);
    tail.start(10);
    const ids = Array.from({ length: o.n }, (_, i) => fleetIds.instance(i));
    t0 = Date.now();
    const batchCapable = o.batch !== false && typeof service.service.submitBatch === 'function';
    if (batchCapable) {
      mode = 'batch';
      const r = await service.service.submitBatch!({
        regionId: sandbox.regionId, targets: [fleetIds.natGateway], options: { ports: { kind: 'all' }, configureGuest: false },
        concurrency: 20, canary: 1, requestedBy: 'UBENCHREQUESTER', audience: {},
      });
      if (!r.ok) throw new Error(`run --all: ${r.message}`);
    } else {
      const res = await service.service.submit({
        regionId: sandbox.regionId, instanceIds: ids, options: { ports: { kind: 'all' }, configureGuest: false },
        requestedBy: 'UBENCHREQUESTER', audience: {},
      });
      const bad = res.filter((r) => r.status !== 'queued');
      if (bad.length) throw new Error(`${bad.length} submissions not queued: ${JSON.stringify(bad[0])}`);
    }
    let lastLog = Date.now();
    const deadline = t0 + Math.max(600_000, 4 * fleetFloor(l, o.n, 'modify'));
    while (finished.size < o.n) {
      if (!worker.alive()) throw new Error(`the worker died: ${worker.out.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`fleet not finished after ${Date.now() - t0} ms (${finished.size}/${o.n})`);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        o.log?.(`  fleet: ${finished.size}/${o.n} finished after ${round((Date.now() - t0) / 1000, 1)} s, worker RSS ${round(rss)} MB`);
      }
      await sleep(20);
    }
    t1 = Math.max(...tail.all.filter((e) => e.type === 'finished' && e.jobId.startsWith('migrate-')).map((e) => Date.parse(e.at)));
  } finally {
    tail.stop();
    clearInterval(rssTimer);
    await worker.kill('SIGTERM');
    if (process.env.NATMIGRATE_BENCH_MEMLOG) o.log?.(worker.out.split('\n').filter((x) => x.startsWith('mem ')).join('\n'));
  }
  try {
    const outcomes: Record<string, number> = {};
    for (const v of finished.values()) outcomes[v] = (outcomes[v] ?? 0) + 1;
    const failures = worldFailures(sandbox, o.n, problems) + [...finished.values()].filter((v) => v !== 'migrated').length;
    const reqs = sandbox.requests.slice(firstReq);
    // Debug knob: the run's request log (one JSON line per API call) for a closer look at where the time goes.
    if (process.env.NATMIGRATE_BENCH_FLEET_DUMP) {
      writeFileSync(process.env.NATMIGRATE_BENCH_FLEET_DUMP, reqs.map((r) => JSON.stringify({ a: r.action, c: r.code, at: r.at, d: r.durationMs, e: r.params.ForwardEntryId, i: r.params.InstanceId })).join('\n'));
      writeFileSync(`${process.env.NATMIGRATE_BENCH_FLEET_DUMP}.events`, tail.all.map((e) => JSON.stringify(e)).join('\n'));
    }
    const fair = fleetFloorFair(l, o.n, 'modify', sandbox.world.realism.off.includes('staleReads') ? 0 : sandbox.world.realism.readLagMs);
    return {
      n: o.n, mode, fleetMs: t1 - t0, fleetFloorMs: fleetFloor(l, o.n, 'modify'), fleetRatio: round((t1 - t0) / fleetFloor(l, o.n, 'modify'), 3),
      fleetFloorFairMs: fair, fleetRatioFair: round((t1 - t0) / fair, 3),
      failures, outcomes, workerRssMb: round(rss, 1), apiCalls: reqs.length, apiCallsPerMigration: round(reqs.length / o.n, 1),
      throttled: reqs.filter((r) => r.code.startsWith('Throttling')).length, apiRate: o.apiRate, concurrency: o.concurrency,
      handoverMs: round(handover(sandbox, firstReq, l), 1), timeline: fleetTimeline(sandbox.requests.slice(firstReq), t0, t1, l.dnatModify), problems: problems.slice(0, 10),
    };
  } finally {
    await service.close();
    await deleteKeys(redis, prefix).catch(() => 0);
    await redis.quit().catch(() => {});
    await sandbox.close();
  }
}

/** Instances whose EIP does not end up mapped (Available) to exactly one secondary ENI of their own. */
function worldFailures(sb: Sandbox, n: number, problems: string[]): number {
  sb.world.settle();
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const id = fleetIds.instance(i);
    const eip = sb.world.eips.get(fleetIds.eip(i))?.ipAddress;
    const enis = [...sb.world.enis.values()].filter((e) => e.type === 'Secondary' && e.instanceId === id);
    const dnat = [...sb.world.dnatEntries.values()].filter((d) => d.externalIp === eip);
    const ok = enis.length === 1 && enis[0]!.status === 'InUse' && dnat.length === 1 && dnat[0]!.status === 'Available' && dnat[0]!.internalIp === enis[0]!.privateIp;
    if (!ok) {
      bad++;
      if (problems.length < 10) problems.push(`${id}: ENIs ${enis.map((e) => `${e.networkInterfaceId}/${e.status}`).join(',')} DNAT ${dnat.map((d) => `${d.internalIp}/${d.status}`).join(',')}`);
    }
  }
  return bad;
}

/** Mean time the table sat idle between cutovers: one in-place modify's entry due Available → the next modify. */
function handover(sb: Sandbox, from: number, l: BenchLatencies): number {
  const writes = sb.requests.slice(from).filter((r) => r.code === 'OK' && r.action === 'ModifyForwardEntry');
  const gaps: number[] = [];
  for (let i = 0; i + 1 < writes.length; i++) gaps.push(writes[i + 1]!.at - (writes[i]!.at + l.dnatModify));
  return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : Number.NaN;
}
