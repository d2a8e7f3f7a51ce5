// Redis-loss points: a worker stops at a step boundary (the journal of the step just written), the PRIVATE Redis of
// the lane (a redis-server started here, never the shared one) is FLUSHALLed, every process is killed, and a fresh
// worker starts on the empty Redis. Its start-up reconcile (src/engine/reconcile/) reads the job from the ENI's tags
// alone. The instance must end migrated and verified, or with its original mapping restored and no ENI left, and
// the job's thread (the events before and after the loss) must say which.
import type { MigrationEvent } from '../domain/events.ts';
import { MIGRATION_PATHS, RESTORE_PATHS, STEPS, type StepName } from '../domain/steps.ts';
import { findOnPath, startPrivateRedis, type ObtainedRedis } from '../util/private-redis.ts';
import { until } from '../util/until.ts';
import {
  closeLane, coverEveryPhase, fastWorkerConfig, inst, laneEngine, laneEvents, openLane, pickedCases, runInLanes, SNAT_IP, type Lane, type LaneRunner,
} from './lanes.ts';
import { spawnWorker, type WorkerProc } from './proc.ts';

export type LossFlow = 'migrate' | 'migrate-recreate' | 'restore' | 'restore-recreate';
export interface LossCase { flow: LossFlow; point: string }

export interface LossResult {
  flow: LossFlow;
  point: string;
  ok: boolean;
  problems: string[];
  /** 'migrated' or 'restored' as the cloud shows it at the end; 'neither' is a failure. */
  endState: string;
  /** What the thread said last. */
  threadSays?: string;
}

const base = (f: LossFlow) => (f.startsWith('migrate') ? 'migrate' : 'restore');
const method = (f: LossFlow) => (f.endsWith('-recreate') ? 'recreate' : 'modify');

/** Every step boundary from the ENI's creation on (before it nothing changed and nothing is left to find). */
export function allLossCases(): LossCase[] {
  const from = (path: StepName[]) => path.slice(path.indexOf('create_eni'));
  const skip = (s: StepName) => s === 'finish' || s === 'await_window' || STEPS[s].parks;
  const migrate = from(MIGRATION_PATHS.modify).filter((s) => !skip(s));
  const migrateOnly = from(MIGRATION_PATHS.recreate).filter((s) => !skip(s) && !migrate.includes(s));
  const restoreOnly = RESTORE_PATHS.recreate.filter((s) => !skip(s) && !RESTORE_PATHS.modify.includes(s));
  return [
    ...migrate.map((s) => ({ flow: 'migrate' as const, point: `${s}:after` })),
    ...migrateOnly.map((s) => ({ flow: 'migrate-recreate' as const, point: `${s}:after` })),
    { flow: 'restore', point: 'verify:after' },
    ...RESTORE_PATHS.modify.filter((s) => !skip(s)).map((s) => ({ flow: 'restore' as const, point: `${s}:after` })),
    ...restoreOnly.map((s) => ({ flow: 'restore-recreate' as const, point: `${s}:after` })),
  ];
}

/**
 * One point in each phase the loss points have, both cutover methods and the restore: what the test suite runs
 * (`npm run chaos` runs them all).
 */
export function lossCasesSample(): LossCase[] {
  const picks: LossCase[] = [
    { flow: 'migrate', point: 'attach_eni:after' },
    { flow: 'migrate', point: 'request_approval:after' },
    { flow: 'migrate-recreate', point: 'delete_entry:after' },
    { flow: 'restore-recreate', point: 'restore_wait_new_gone:after' },
    { flow: 'restore', point: 'detach_eni:after' },
  ];
  const all = allLossCases();
  coverEveryPhase('loss', all, picks);
  return pickedCases('loss', all, picks);
}

/**
 * A lane of Redis-loss points: its own redis-server (FLUSHALLed at each point, never the shared one). `next`: the
 * worker that recovered the previous case after its loss, armed (`armedFor`) to stop at this case's point.
 */
interface LossLane extends Lane { privateRedis: ObtainedRedis; next?: WorkerProc }

/**
 * The worker that starts fresh after a loss: fast polls and a fast cloud reconcile. With a following case, it is
 * also armed to stop at that case's point in that case's job only, and that case runs on it: each loss needs one
 * fresh process, not two (a worker process costs about a second and a half of CPU to start).
 */
function recoveryWorker(l: LossLane, k: number, next: LossCase | undefined): WorkerProc {
  return spawnWorker(l.env, fastWorkerConfig(l.eventsKey, {
    worker: { lockDurationMs: 1000, stalledIntervalMs: 500, reconcileIntervalMs: 2000, cloudReconcileIntervalMs: 500 },
    ...(next ? { pauseAt: next.point, armedFor: inst(k + 1).id } : {}),
  }));
}

const events = (l: LossLane) => laneEvents<MigrationEvent>(l);

/** The last thing the thread said about the end: a 'finished' outcome, or an 'original mapping restored'. */
function verdictOf(evs: MigrationEvent[]): string | undefined {
  for (const e of [...evs].reverse()) {
    if (e.type === 'finished') return e.outcome;
    if (e.type === 'restored') return 'restored';
  }
  return undefined;
}

async function runCase(l: LossLane, k: number, c: LossCase, next: LossCase | undefined): Promise<LossResult> {
  const problems: string[] = [];
  const res: LossResult = { flow: c.flow, point: c.point, ok: false, problems, endState: 'neither' };
  const { id: INSTANCE, ip: PRIMARY_IP, eip: EIP } = inst(k);
  const a = l.next ?? spawnWorker(l.env, fastWorkerConfig(l.eventsKey, { pauseAt: c.point, armedFor: INSTANCE }));
  l.next = undefined;
  let b: WorkerProc | undefined;
  const engine = laneEngine(l);
  let engineOpen = true;
  try {
    await a.printed('worker ready', 1, 120_000);
    const [s] = await engine.service.submit({
      regionId: 'cn-hangzhou', instanceIds: [INSTANCE], requestedBy: 'ULOSSREQ', audience: { channelId: 'CLOSS' },
      options: { ports: method(c.flow) === 'recreate' ? { kind: 'list', ports: [22] } : { kind: 'all' }, configureGuest: base(c.flow) === 'migrate' },
    });
    if (s?.status !== 'queued') throw new Error(`not queued: ${JSON.stringify(s)}`);
    const jobId = s.jobId;
    await until(async () => {
      if (a.out.includes(`pause ${c.point}`)) return true;
      if (!a.alive()) throw new Error(`the worker exited before ${c.point}: ${a.out.slice(-500)}`);
      const ap = await engine.approvals.current(jobId);
      if (ap && !ap.decision) await engine.approvals.decide(jobId, { planHash: ap.planHash, decision: 'approve', userId: 'ULOSSAPP', isApprover: true });
      return false;
    }, { what: `the worker to reach ${c.point}`, timeoutMs: 120_000, everyMs: 25 });
    // The loss: what the thread said so far stays in Slack; Redis forgets everything; every process restarts.
    const before = (await events(l)).filter((e) => e.jobId === jobId);
    await engine.close();
    engineOpen = false;
    await l.redis.flushall();
    await a.kill('SIGKILL');
    b = recoveryWorker(l, k, next);
    await b.printed('worker ready', 1, 120_000);
    // The end the cloud can prove, and the thread saying it.
    const isEnd = () => {
      l.sb.world.settle();
      const enis = [...l.sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === INSTANCE || e.tags['natmigrate:job'] === jobId));
      const dnat = [...l.sb.world.dnatEntries.values()].filter((e) => e.externalIp === EIP);
      const migrated = enis.length === 1 && enis[0]!.status === 'InUse' && enis[0]!.instanceId === INSTANCE && dnat.length === 1 && dnat[0]!.internalIp === enis[0]!.privateIp && dnat[0]!.status === 'Available';
      const restored = enis.length === 0 && dnat.length === 1 && dnat[0]!.internalIp === PRIMARY_IP && dnat[0]!.status === 'Available';
      return migrated ? 'migrated' : restored ? 'restored' : undefined;
    };
    let after: MigrationEvent[] = [];
    await until(async () => {
      after = (await events(l)).filter((e) => e.jobId === jobId);
      const end = isEnd();
      return end !== undefined && verdictOf([...before, ...after]) === end;
    }, { what: `${jobId} to end migrated or restored, and its thread to say so`, timeoutMs: 90_000, everyMs: 50 }).catch((e: unknown) => {
      problems.push(`${e instanceof Error ? e.message : String(e)}; cloud: ${isEnd() ?? 'neither'}; thread: ${verdictOf([...before, ...after]) ?? '(nothing)'}`);
    });
    res.endState = isEnd() ?? 'neither';
    res.threadSays = verdictOf([...before, ...after]);
    if (res.endState === 'migrated') {
      // Migrated means verified: by the job before the loss, or by reconcile after it.
      const ok = [...before, ...after].some((e) => e.type === 'verified' && e.ok && e.egress.observedIp === SNAT_IP);
      if (!ok) problems.push('migrated without a successful verification in the thread');
    }
    const finishedTwice = after.filter((e) => e.type === 'finished').length > 1;
    if (finishedTwice) problems.push('the thread got two finished messages after the loss');
  } catch (e) {
    problems.push(String(e instanceof Error ? e.message : e));
  } finally {
    if (engineOpen) await engine.close().catch(() => {});
    if (a.alive()) a.proc.kill('SIGCONT');
    await a.kill('SIGKILL');
    // A clean case hands its recovery worker on to the next case; after a failure the next one starts afresh.
    if (next && problems.length === 0 && b?.alive()) l.next = b;
    else await b?.kill('SIGKILL');
  }
  res.ok = problems.length === 0;
  return res;
}

const lossLanes: LaneRunner<LossLane, LossCase, LossResult> = {
  async open(cases) {
    const bin = findOnPath('redis-server');
    if (!bin) throw new Error('redis-loss points need redis-server on PATH (a private one is FLUSHALLed, never the shared one)');
    const privateRedis = await startPrivateRedis(bin);
    try {
      return { ...await openLane({ redisUrl: privateRedis.url, tag: 'nmloss', instances: cases.length, verifyTimeout: '2s' }), privateRedis };
    } catch (e) {
      await privateRedis.close();
      throw e;
    }
  },
  async close(lane) {
    await lane.next?.kill('SIGKILL');
    await closeLane(lane);
    await lane.privateRedis.close();
  },
  run: (lane, k, c, next) => runCase(lane, k, c, next),
};

/** Runs the cases over `lanes` lanes, each with its own private redis-server and sandbox. */
export function runRedisLossPoints(cases: LossCase[], lanes: number, onResult: (r: LossResult) => void = () => {}): Promise<LossResult[]> {
  return runInLanes(lossLanes, cases, lanes, onResult);
}
