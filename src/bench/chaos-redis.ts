// Redis itself dies: a private redis-server with AOF on (appendfsync always), in a temp directory — never the
// shared one. Two crashes: (1) Redis alone is SIGKILLed while a migration waits for its ENI, and restarted (the
// worker reconnects); (2) Redis and the worker are SIGKILLed together in the middle of a cutover wait, Redis is
// restarted from its AOF and a second worker takes over. Both migrations must end exactly right.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { createEngine } from '../engine/engine.ts';
import { makeKeys } from '../engine/store/keys.ts';
import { fleetIds, makeFleetScenario, startSandbox, type Sandbox } from '../sandbox/index.ts';
import { fastWorkerConfig } from './lanes.ts';
import { spawnWorker, type WorkerProc } from './proc.ts';
import { startRedisServer } from './killable-redis.ts';
import { sleep } from '../util/sleep.ts';
import { until } from '../util/until.ts';
import type { CrashResult } from './crash-harness.ts';

const LAT = { eniAttach: 800, eniDetach: 200, eniDelete: 100, dnatCreate: 800, dnatDelete: 800, dnatModify: 800, runCommand: 100 };

export async function runRedisRestart(o: { log?: (s: string) => void } = {}): Promise<CrashResult[]> {
  const server = await startRedisServer({ appendonly: true });
  const sb = await startSandbox({ scenario: makeFleetScenario({ instances: 2, latencyMs: LAT }) });
  const prefix = `{nmchaos-aof-${randomBytes(3).toString('hex')}}`;
  const keys = makeKeys(prefix);
  const env = { ...sb.env, REDIS_URL: server.url, NATMIGRATE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'fatal', NATMIGRATE_VERIFY_TIMEOUT: '5s', NATMIGRATE_API_RATE: '1000' };
  const cfg = fastWorkerConfig(`${prefix}:bench:events`);
  cfg.engine = { ...cfg.engine, expectedMs: LAT };
  cfg.worker = { ...cfg.worker, lockDurationMs: 2000, stalledIntervalMs: 1000 };
  const workers: WorkerProc[] = [];
  const results: CrashResult[] = [];
  // A plain client that survives the restarts (reconnects by itself).
  const redis = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on('error', () => {});
  try {
    workers.push(spawnWorker(env, cfg));
    await workers[0]!.printed('worker ready', 1, 120_000);
    const jobs = await submitAndApprove(server.url, prefix, sb, 2);

    // (1) Redis alone, while the first migration waits for its ENI to attach.
    await until(() => sb.requests.some((r) => r.action === 'AttachNetworkInterface' && r.code === 'OK'), { what: 'the first attach', timeoutMs: 60_000, everyMs: 5 });
    await server.kill('SIGKILL');
    await sleep(500);
    await server.restart();
    o.log?.('  redis: SIGKILLed while an ENI attach was in flight, restarted from its AOF');
    const first = outcomeOf(redis, keys.record(jobs[0]!), 120_000);
    first.catch(() => {});

    // (2) Redis and the worker together, in the middle of the second migration's cutover wait.
    await until(() => sb.requests.some((r) => r.action === 'DeleteForwardEntry' && r.code === 'OK' && r.params.ForwardEntryId === fleetIds.forwardEntry(1)), { what: 'the second cutover', timeoutMs: 120_000, everyMs: 2 });
    await Promise.all([server.kill('SIGKILL'), workers[0]!.kill('SIGKILL')]);
    await server.restart();
    workers.push(spawnWorker(env, cfg));
    o.log?.('  redis + worker: SIGKILLed together during a cutover wait; AOF replayed, a second worker takes over');
    const second = await outcomeOf(redis, keys.record(jobs[1]!), 120_000);
    results.push(check(sb, 0, jobs[0]!, await first, 'redis-kill:wait_eni_in_use'));
    results.push(check(sb, 1, jobs[1]!, second, 'redis+worker-kill:wait_entry_gone'));
  } catch (e) {
    results.push({ flow: 'migrate', point: 'redis-restart', ok: false, problems: [String(e instanceof Error ? e.message : e)], orphanEnis: 0, duplicateEnis: 0, lostMappings: 0 });
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    redis.disconnect();
    await sb.close();
    await server.close();
  }
  return results;
}

/** Submits n migrations and approves them; the service is closed before anything is killed. */
async function submitAndApprove(url: string, prefix: string, sb: Sandbox, n: number): Promise<string[]> {
  const engine = createEngine({ redis: url, prefix, cloud: { regionId: sb.regionId } as CloudPort, notifier: { emit: async () => {} }, logger: pino({ level: 'silent' }) });
  try {
    const res = await engine.service.submit({
      regionId: sb.regionId, instanceIds: Array.from({ length: n }, (_, i) => fleetIds.instance(i)), options: { ports: { kind: 'all' }, configureGuest: false },
      requestedBy: 'UCHAOSREQ', audience: {},
    });
    const ids = res.map((r) => (r.status === 'queued' ? r.jobId : ''));
    if (ids.some((x) => !x)) throw new Error(`not queued: ${JSON.stringify(res)}`);
    for (const id of ids) {
      await until(async () => {
        const ap = await engine.approvals.current(id);
        if (!ap) return false;
        if (!ap.decision) await engine.approvals.decide(id, { planHash: ap.planHash, decision: 'approve', userId: 'UCHAOSAPP', isApprover: true });
        return true;
      }, { what: `the approval request of ${id}`, timeoutMs: 60_000, everyMs: 10 });
    }
    return ids;
  } finally {
    await engine.close();
  }
}

async function outcomeOf(redis: Redis, recordKey: string, timeoutMs: number): Promise<{ outcome?: string; summary?: string }> {
  return until(async () => {
    try {
      const [state, outcome, summary] = await redis.hmget(recordKey, 'state', 'outcome', 'summary');
      if (state && JSON.parse(state) === 'finished') return { outcome: outcome ? JSON.parse(outcome) as string : undefined, summary: summary ? JSON.parse(summary) as string : undefined };
    } catch { /* Redis still loading */ }
    return false;
  }, { what: `${recordKey} to finish`, timeoutMs, everyMs: 50 });
}

function check(sb: Sandbox, i: number, jobId: string, r: { outcome?: string; summary?: string }, point: string): CrashResult {
  sb.world.settle();
  const problems: string[] = [];
  const id = fleetIds.instance(i);
  const eip = sb.world.eips.get(fleetIds.eip(i))?.ipAddress;
  const enis = [...sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === id || e.tags['natmigrate:job'] === jobId));
  const dnat = [...sb.world.dnatEntries.values()].filter((d) => d.externalIp === eip);
  const mapped = enis.length >= 1 && dnat.length === 1 && dnat[0]!.status === 'Available' && dnat[0]!.internalIp === enis[0]!.privateIp;
  if (r.outcome !== 'migrated') problems.push(`outcome ${r.outcome}: ${r.summary}`);
  if (enis.length !== 1) problems.push(`${enis.length} secondary ENIs`);
  if (!mapped) problems.push(`DNAT ${JSON.stringify(dnat.map((d) => [d.internalIp, d.status]))}`);
  return {
    flow: 'migrate', point, ok: problems.length === 0, problems, outcome: r.outcome,
    orphanEnis: 0, duplicateEnis: Math.max(0, enis.length - 1), lostMappings: mapped ? 0 : 1,
  };
}
