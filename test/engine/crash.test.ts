// The crash test: a worker process is SIGKILLed at every step boundary and in the middle of every write and wait
// of a migration (NATMIGRATE_TEST_CRASH_AT, read only by src/engine/worker-main.ts), a fresh worker process takes
// over, and the cloud and the job record must end exactly right: one ENI attached, the EIP mapped to it and
// Available, the original mapping gone, no duplicate or orphan ENI, the record 'migrated'. Kill points before the
// approval must first leave a correctly parked job (staged ENI, mapping untouched, waiting for the decision).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { crashPointsOf, MIGRATION_PATH, RESTORE_PATH, type CrashPoint, type StepName } from '../../src/domain/steps.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import type { CloudPort } from '../../src/cloud/cloud-port.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import type { ScenarioInput } from '../../src/sandbox/scenario.ts';
import { cleanPrefix, REDIS_URL, redisClient, uniquePrefix, until } from './helpers.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAT_IP = '203.0.113.20';
/** Independent lanes (one sandbox, queue and stand-by worker each); the SDK import makes every spawn CPU-heavy. */
const LANES = 2;

type Flow = 'migrate' | 'restore';
interface Case { flow: Flow; point: CrashPoint }

// Every step of the main path (configure_guest included; no change window configured, so no await_window), and
// every step of the restore path, reached by a verification that fails (the guest is not configured) with
// auto-rollback on. CRASH_POINTS=a:after,b:during narrows the run while debugging.
const only = (p: CrashPoint) => !process.env.CRASH_POINTS || process.env.CRASH_POINTS.split(',').includes(p);
const CASES: Case[] = [
  ...crashPointsOf(MIGRATION_PATH.filter((s) => s !== 'await_window')).filter(only).map((point) => ({ flow: 'migrate' as const, point })),
  ...crashPointsOf(RESTORE_PATH).filter(only).map((point) => ({ flow: 'restore' as const, point })),
];

/** Instance k of a lane: its own primary IP and DNAT EIP. */
const inst = (k: number) => ({ id: `i-crash${String(k).padStart(5, '0')}`, ip: `192.168.1.${10 + k}`, eip: `203.0.113.${100 + k}` });

function laneScenario(n: number): ScenarioInput {
  const ks = Array.from({ length: n }, (_, k) => inst(k));
  return natWorld({
    latencyMs: { eniAttach: 60, eniDetach: 40, eniDelete: 30, dnatCreate: 60, dnatDelete: 60, runCommand: 40 },
    snatIp: SNAT_IP,
    eips: ks.map((k) => k.eip),
    // The guests do not route a new NIC by themselves: only the configure_guest step makes verification pass.
    instances: ks.map((k) => worldInstance(k.id, k.ip, { guest: { configuresSecondaryNic: false } })),
    dnatEntries: ks.map((k) => ipMapping(k.eip, k.ip)),
  });
}

interface Worker {
  proc: ChildProcess;
  out: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `text` has been printed `n` times. */
  printed(text: string, n?: number): Promise<void>;
}

function spawnWorker(env: Record<string, string>): Worker {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/engine/worker-main.ts'], {
    cwd: ROOT, env: { ...process.env, ...env, NATMIGRATE_TEST_HOLD: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w = { proc, out: '' } as Worker;
  w.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  proc.stdout!.on('data', (d: Buffer) => { w.out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { w.out += d.toString(); });
  w.printed = (text, n = 1) => until(async () => {
    if (w.out.split(text).length - 1 >= n) return true;
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`worker exited (${proc.exitCode ?? proc.signalCode}) before '${text}':\n${w.out.slice(-2000)}`);
    return false;
  }, 90_000, 10, `'${text}' from worker ${proc.pid}`).then(() => undefined); // generous: loading the SDKs takes seconds on a busy 2-core machine
  return w;
}

const stepIndex = (s: StepName) => MIGRATION_PATH.indexOf(s);

/** Kill points the worker reaches before anyone approves: the test must not approve before the kill. */
function beforeApproval(p: CrashPoint): boolean {
  const [step, where] = p.split(':') as [StepName, string];
  return stepIndex(step) < stepIndex('await_approval') || (step === 'await_approval' && where === 'during');
}

interface Lane {
  sb: Sandbox;
  prefix: string;
  env: Record<string, string>;
  service: Engine;
  redis: ReturnType<typeof redisClient>;
  /** The stand-by that takes over after each crash (paused while a crash worker runs). */
  survivor: Worker;
  resumes: number;
  pauses: number;
}

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

async function openLane(points: number): Promise<Lane> {
  const sb = await startSandbox({ scenario: laneScenario(points), port: 0 });
  const prefix = uniquePrefix('crash');
  const env: Record<string, string> = {
    ...sb.env, REDIS_URL, NATMIGRATE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'error',
    NATMIGRATE_VERIFY_TIMEOUT: '1s', NATMIGRATE_APPROVAL_TTL: '10m', NATMIGRATE_API_RATE: '1000',
    NATMIGRATE_TEST_LOCK_MS: '1000', NATMIGRATE_TEST_STALLED_MS: '500', NATMIGRATE_TEST_TABLE_LOCK_MS: '3000', NATMIGRATE_TEST_POLL_MS: '20',
  };
  // The test's own view: the service (no worker) and reads of the sandbox's live state.
  const service = createEngine({
    redis: REDIS_URL, prefix, cloud: { regionId: 'cn-hangzhou' } as CloudPort, notifier: new RecordingNotifier(), logger: pino({ level: 'silent' }),
  });
  const survivor = spawnWorker(env);
  return { sb, prefix, env, service, redis: redisClient(), survivor, resumes: 0, pauses: 0 };
}

async function closeLane(l: Lane): Promise<void> {
  if (l.survivor.proc.exitCode === null && l.survivor.proc.signalCode === null) l.survivor.proc.kill('SIGKILL');
  await l.survivor.exited;
  await l.service.close();
  await cleanPrefix(l.redis, l.prefix);
  await l.redis.quit();
  await l.sb.close();
}

type Result = { point: string; ok: boolean; problems: string[] };

async function runCrashPoint(lane: Lane, k: number, { flow, point }: Case, a: Worker): Promise<Result> {
  const problems: string[] = [];
  const label = `${flow} ${point}`;
  const t0 = Date.now();
  const mark = (what: string) => { if (process.env.CRASH_DEBUG) console.log(`${label} +${Date.now() - t0}ms ${what}`); };
  const { service, sb, survivor } = lane;
  const { id: INSTANCE, ip: PRIMARY_IP, eip: EIP } = inst(k);
  try {
    await a.printed('worker loaded');
    a.proc.kill('SIGUSR2');
    await a.printed('worker ready');
    mark('A ready');
    const [sub] = await service.service.submit({
      regionId: 'cn-hangzhou', instanceIds: [INSTANCE], options: { ports: { kind: 'all' }, configureGuest: flow === 'migrate' }, requestedBy: 'UREQ', audience: {},
    });
    const jobId = (sub as { jobId: string }).jobId;
    let crashed = false;
    const early = flow === 'migrate' && beforeApproval(point);
    let parkedChecked = !early;
    const mine = () => ({
      enis: [...sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === INSTANCE || e.tags['natmigrate:job'] === jobId)),
      dnat: [...sb.world.dnatEntries.values()].filter((e) => e.externalIp === EIP),
    });

    await until(async () => {
      if (!crashed) {
        const exit = await Promise.race([a.exited, new Promise<null>((r) => setTimeout(() => r(null), 5))]);
        if (exit) {
          crashed = true;
          mark('A died');
          if (exit.signal !== 'SIGKILL' || !a.out.includes(`crash ${point}`)) problems.push(`worker A did not die at ${point}: ${JSON.stringify(exit)} ${a.out.slice(-500)}`);
          await survivor.printed('worker loaded'); // SIGUSR2 before its handler exists would kill it
          survivor.proc.kill('SIGUSR2');
          lane.resumes++;
          await survivor.printed(lane.resumes === 1 ? 'worker ready' : 'worker resumed', lane.resumes === 1 ? 1 : lane.resumes - 1);
          mark('B running');
        }
      }
      const approval = await service.approvals.current(jobId);
      if (approval && !approval.decision) {
        if (early && !crashed) return false; // let it die first
        if (!parkedChecked) {
          const state = await (await service.queue.getJob(jobId))?.getState();
          if (state !== 'delayed') return false; // the fresh worker has not parked it yet
          parkedChecked = true;
          const rec = (await service.service.status(jobId))[0];
          sb.world.settle();
          const { enis, dnat } = mine();
          if (rec?.state !== 'awaiting_approval') problems.push(`parked record state ${rec?.state}`);
          if (enis.length !== 1 || enis[0]!.status !== 'InUse' || enis[0]!.instanceId !== INSTANCE) problems.push(`parked ENIs: ${JSON.stringify(enis.map((e) => [e.networkInterfaceId, e.status, e.instanceId]))}`);
          if (dnat.length !== 1 || dnat[0]!.internalIp !== PRIMARY_IP || dnat[0]!.status !== 'Available') problems.push(`parked DNAT: ${JSON.stringify(dnat.map((e) => [e.internalIp, e.status]))}`);
        }
        await service.approvals.decide(jobId, { planHash: approval.planHash, decision: 'approve', userId: 'UAPPROVER' });
        mark('approved');
      }
      const rec = (await service.service.status(jobId))[0];
      return rec?.state === 'finished' ? rec : false;
    }, 60_000, 25, `job ${jobId} to finish (${point})`);
    mark('finished');

    if (!crashed) problems.push(`worker A never reached ${point}`);
    const rec = (await service.service.status(jobId))[0]!;
    sb.world.settle();
    const { enis, dnat } = mine();
    if (rec.original?.entry.internalIp !== PRIMARY_IP) problems.push('record lost the original entry');
    if (flow === 'migrate') {
      if (rec.outcome !== 'migrated') problems.push(`outcome ${rec.outcome}: ${rec.summary}`);
      if (enis.length !== 1) problems.push(`${enis.length} secondary ENIs (duplicate or orphan): ${enis.map((e) => `${e.networkInterfaceId}/${e.status}`).join(', ')}`);
      const eni = enis[0];
      if (eni && (eni.status !== 'InUse' || eni.instanceId !== INSTANCE || eni.tags['natmigrate:job'] !== jobId)) problems.push(`ENI ${eni.networkInterfaceId} is ${eni.status} on ${eni.instanceId}`);
      if (dnat.length !== 1 || dnat[0]!.internalIp !== eni?.privateIp || dnat[0]!.status !== 'Available') {
        problems.push(`DNAT: ${JSON.stringify(dnat.map((e) => [e.externalIp, e.internalIp, e.status]))}`);
      }
      if (rec.eniId !== eni?.networkInterfaceId) problems.push(`record eniId ${rec.eniId}`);
      if (JSON.stringify(rec.newEntryIds) !== JSON.stringify(dnat.map((e) => e.forwardEntryId))) problems.push(`record newEntryIds ${JSON.stringify(rec.newEntryIds)}`);
      if (rec.verification?.egress.observedIp !== SNAT_IP || !rec.verification?.ssh.banner) problems.push(`verification ${JSON.stringify(rec.verification)}`);
    } else {
      // Verification failed, so the original mapping is back and the ENI is gone: nothing lost, nothing left over.
      if (rec.outcome !== 'restored') problems.push(`outcome ${rec.outcome}: ${rec.summary}`);
      if (enis.length !== 0) problems.push(`orphan ENIs: ${enis.map((e) => `${e.networkInterfaceId}/${e.status}`).join(', ')}`);
      if (dnat.length !== 1 || dnat[0]!.internalIp !== PRIMARY_IP || dnat[0]!.status !== 'Available') {
        problems.push(`DNAT (original not restored): ${JSON.stringify(dnat.map((e) => [e.externalIp, e.internalIp, e.status]))}`);
      }
      if (rec.verification?.ok !== false) problems.push(`verification ${JSON.stringify(rec.verification)}`);
    }
    if (await lane.redis.get(service.keys.activeFor('cn-hangzhou', INSTANCE))) problems.push('instance still claimed');
    return { point: label, ok: problems.length === 0, problems };
  } catch (e) {
    problems.push(String(e instanceof Error ? e.stack : e));
    return { point: label, ok: false, problems };
  } finally {
    if (a.proc.exitCode === null && a.proc.signalCode === null) a.proc.kill('SIGKILL');
    await a.exited;
    // Park the stand-by again before the next crash worker starts.
    if (lane.resumes > lane.pauses) {
      survivor.proc.kill('SIGUSR1');
      lane.pauses++;
      await survivor.printed('worker paused', lane.pauses).catch(() => {});
    }
  }
}

async function runLane(cases: Case[]): Promise<Result[]> {
  const lane = await openLane(cases.length);
  const out: Result[] = [];
  try {
    // Each crash worker is spawned (and loads) while the previous point runs.
    let next = spawnWorker({ ...lane.env, NATMIGRATE_TEST_CRASH_AT: cases[0]!.point });
    for (const [k, c] of cases.entries()) {
      const a = next;
      if (k + 1 < cases.length) next = spawnWorker({ ...lane.env, NATMIGRATE_TEST_CRASH_AT: cases[k + 1]!.point });
      out.push(await runCrashPoint(lane, k, c, a));
    }
  } finally {
    await closeLane(lane);
  }
  return out;
}

const results: Result[] = [];

afterAll(() => {
  const survived = results.filter((r) => r.ok).length;
  console.log(`crash points survived: ${survived}/${CASES.length}`);
});

describe('crash safety', () => {
  it(`survives SIGKILL at each of ${CASES.length} points of a migration and of a restore`, async () => {
    const lanes = Array.from({ length: LANES }, (_, i) => CASES.filter((_, j) => j % LANES === i)).filter((l) => l.length > 0);
    for (const r of await Promise.all(lanes.map(runLane))) results.push(...r);
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((f) => `${f.point}: ${f.problems.join(' | ')}`)).toEqual([]);
    expect(results).toHaveLength(CASES.length);
  }, 600_000);
});
