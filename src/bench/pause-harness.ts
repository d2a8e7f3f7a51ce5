// Pause points: a worker process stops itself (SIGSTOP) at a destructive write (right before its fencing check,
// after the reads the write depends on) or in the middle of a wait, on the migrate and restore paths. It stays
// stopped past its BullMQ and table-lock TTLs while a stand-by worker takes the job over and finishes it (migrated,
// or restored); then it gets SIGCONT and runs on. The woken worker must write nothing more: no cloud write (counted
// at the sandbox by the AccessKey that signed it; each worker has its own), no thread message, and the cloud must
// end in the state the thread reports, without duplicate ENIs or DNAT entries.
import type { MigrationEvent } from '../domain/events.ts';
import { MIGRATION_PATHS, RESTORE_PATHS, STEPS, type StepName } from '../domain/steps.ts';
import { until } from '../util/until.ts';
import {
  coverEveryPhase, inst, laneEvents, pauseStandby, pickedCases, releaseJobs, resumeStandby, runInLanes, SNAT_IP, type StandbyLane, standbyLanes, takeJobs, timesPrinted,
} from './lanes.ts';
import type { WorkerProc } from './proc.ts';

export type PauseFlow = 'migrate' | 'migrate-recreate' | 'restore' | 'restore-recreate';
export interface PauseCase { flow: PauseFlow; point: string }

export interface PauseResult {
  flow: PauseFlow;
  point: string;
  ok: boolean;
  problems: string[];
  /** Cloud writes signed by the paused worker's key that arrived after it stopped. */
  writesAfterLostOwnership: number;
  /** Thread messages the paused worker emitted after it stopped, plus one-shot messages posted twice. */
  duplicateMessages: number;
  duplicateEnis: number;
  duplicateEntries: number;
  /** 1 when the cloud is not in the state the thread's last word says. */
  stateMismatch: number;
  outcome?: string;
}

/** Every action that changes the cloud (what the woken worker must not send). */
const WRITE_ACTIONS = new Set(['CreateNetworkInterface', 'AttachNetworkInterface', 'DetachNetworkInterface', 'DeleteNetworkInterface',
  'CreateForwardEntry', 'DeleteForwardEntry', 'ModifyForwardEntry', 'RunCommand', 'TagResources', 'UntagResources']);
/** Messages a job posts once. */
const ONE_SHOT = new Set(['original.saved', 'restored', 'finished', 'verified']);

const PAUSED_KEY = { accessKeyId: 'LTAI-paused-worker', accessKeySecret: 'paused-secret' };
const STANDBY_KEY = { accessKeyId: 'LTAI-standby-worker', accessKeySecret: 'standby-secret' };

const base = (f: PauseFlow) => (f.startsWith('migrate') ? 'migrate' : 'restore');
const method = (f: PauseFlow) => (f.endsWith('-recreate') ? 'recreate' : 'modify');

/** Points of one path: right before each write (':write') and in each wait or park (':during'). */
function pointsOf(path: StepName[]): string[] {
  return path.flatMap((s) => [
    ...(STEPS[s].writes ? [`${s}:write`] : []),
    ...(STEPS[s].waits || STEPS[s].parks ? [`${s}:during`] : []),
  ]);
}

/** Every pause point: each write and wait of the migrate and restore paths (the recreate twins: their own steps). */
export function allPauseCases(): PauseCase[] {
  const migrate: StepName[] = MIGRATION_PATHS.modify.filter((s) => s !== 'await_window');
  // No change windows are configured here: await_window never parks.
  const migrateOnly = MIGRATION_PATHS.recreate.filter((s) => s !== 'await_window' && !migrate.includes(s));
  const restoreOnly = RESTORE_PATHS.recreate.filter((s) => !RESTORE_PATHS.modify.includes(s));
  return [
    ...pointsOf(migrate).map((point) => ({ flow: 'migrate' as const, point })),
    ...pointsOf(migrateOnly).map((point) => ({ flow: 'migrate-recreate' as const, point })),
    ...pointsOf(RESTORE_PATHS.modify).map((point) => ({ flow: 'restore' as const, point })),
    ...pointsOf(restoreOnly).map((point) => ({ flow: 'restore-recreate' as const, point })),
  ];
}

/**
 * One point in each phase the paths have, writes and waits, both cutover methods: what the test suite runs (the full
 * list is `npm run chaos`).
 */
export function pauseCasesSample(): PauseCase[] {
  const picks: PauseCase[] = [
    { flow: 'migrate', point: 'create_eni:write' },
    { flow: 'migrate', point: 'await_approval:during' },
    { flow: 'migrate', point: 'modify_entry:write' },
    { flow: 'restore-recreate', point: 'restore_wait_new_gone:during' },
    { flow: 'restore', point: 'delete_eni:write' },
  ];
  const all = allPauseCases();
  coverEveryPhase('pause', all, picks);
  return pickedCases('pause', all, picks);
}

type PauseLane = StandbyLane;

const events = (l: PauseLane) => laneEvents<MigrationEvent & { emittedBy?: number }>(l);

/** Before this point the job has not asked for approval yet: approving must wait until the worker stopped. */
function beforeDecision(c: PauseCase): boolean {
  if (base(c.flow) !== 'migrate') return false;
  const path = MIGRATION_PATHS[method(c.flow)];
  const step = c.point.split(':')[0] as StepName;
  return path.indexOf(step) <= path.indexOf('await_approval');
}

async function runCase(l: PauseLane, k: number, c: PauseCase, a: WorkerProc): Promise<PauseResult> {
  const problems: string[] = [];
  const res: PauseResult = { flow: c.flow, point: c.point, ok: false, problems, writesAfterLostOwnership: 0, duplicateMessages: 0, duplicateEnis: 0, duplicateEntries: 0, stateMismatch: 0 };
  const { id: INSTANCE, ip: PRIMARY_IP, eip: EIP } = inst(k);
  // The armed worker may have run earlier cases of the lane (reuseArmed): only what it prints from here on counts.
  const pausesBefore = timesPrinted(a, `pause ${c.point}`);
  const wokenBefore = timesPrinted(a, `woke ${c.point}`);
  let released = false;
  try {
    await takeJobs(a);
    const [s] = await l.engine.service.submit({
      regionId: 'cn-hangzhou', instanceIds: [INSTANCE], requestedBy: 'UPAUSEREQ', audience: {},
      options: { ports: method(c.flow) === 'recreate' ? { kind: 'list', ports: [22] } : { kind: 'all' }, configureGuest: base(c.flow) === 'migrate' },
    });
    if (s?.status !== 'queued') throw new Error(`not queued: ${JSON.stringify(s)}`);
    const jobId = s.jobId;
    let pausedAt: number | undefined;
    let eventsAtPause = 0;
    const rec = await until(async () => {
      if (pausedAt === undefined && timesPrinted(a, `pause ${c.point}`) > pausesBefore) {
        pausedAt = Date.now();
        eventsAtPause = (await events(l)).length;
        await resumeStandby(l.standby);
      }
      if (pausedAt === undefined && !a.alive()) throw new Error(`the paused worker exited: ${a.out.slice(-500)}`);
      const ap = await l.engine.approvals.current(jobId);
      if (ap && !ap.decision && (pausedAt !== undefined || !beforeDecision(c))) {
        await l.engine.approvals.decide(jobId, { planHash: ap.planHash, decision: 'approve', userId: 'UPAUSEAPP', isApprover: true });
      }
      const r = (await l.engine.service.status(jobId))[0];
      return r?.state === 'finished' && pausedAt !== undefined ? r : false;
    }, { what: `${jobId} to finish with the worker paused at ${c.point}`, timeoutMs: 120_000, everyMs: 25 });
    res.outcome = rec.outcome;
    // The owner is done: wake the stopped worker, then wait until it has nothing running (pause() waits for its jobs).
    a.proc.kill('SIGCONT');
    await a.printed(`woke ${c.point}`, wokenBefore + 1);
    await releaseJobs(a);
    released = true;

    const want = base(c.flow) === 'migrate' ? 'migrated' : 'restored';
    if (rec.outcome !== want) problems.push(`outcome ${rec.outcome} (want ${want}): ${rec.summary}`);
    const late = l.sb.requests.filter((r) => r.accessKeyId === PAUSED_KEY.accessKeyId && WRITE_ACTIONS.has(r.action) && r.at >= pausedAt!);
    res.writesAfterLostOwnership = late.length;
    if (late.length) problems.push(`woken worker wrote: ${late.map((r) => `${r.action}/${r.code}`).join(', ')}`);
    const evs = (await events(l)).map((e, i) => ({ e, i })).filter(({ e }) => e.jobId === jobId);
    const lateEvents = evs.filter(({ e, i }) => i >= eventsAtPause && e.emittedBy === a.proc.pid);
    const counts = new Map<string, number>();
    for (const { e } of evs) if (ONE_SHOT.has(e.type)) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1);
    res.duplicateMessages = lateEvents.length + twice.reduce((n, [, m]) => n + m - 1, 0);
    if (lateEvents.length) problems.push(`woken worker posted: ${lateEvents.map(({ e }) => e.type).join(', ')}`);
    if (twice.length) problems.push(`posted twice: ${twice.map(([t, n]) => `${t}×${n}`).join(', ')}`);
    // The thread's last word against the cloud.
    const finished = evs.map(({ e }) => e).filter((e): e is Extract<MigrationEvent, { type: 'finished' }> => e.type === 'finished').at(-1);
    l.sb.world.settle();
    const enis = [...l.sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === INSTANCE || e.tags['natmigrate:job'] === jobId));
    const dnat = [...l.sb.world.dnatEntries.values()].filter((e) => e.externalIp === EIP);
    res.duplicateEnis = Math.max(0, enis.length - (want === 'migrated' ? 1 : 0));
    res.duplicateEntries = Math.max(0, dnat.length - 1);
    const migratedInCloud = enis.length === 1 && enis[0]!.status === 'InUse' && dnat.length === 1 && dnat[0]!.internalIp === enis[0]!.privateIp && dnat[0]!.status === 'Available';
    const restoredInCloud = enis.length === 0 && dnat.length === 1 && dnat[0]!.internalIp === PRIMARY_IP && dnat[0]!.status === 'Available';
    const inCloud = migratedInCloud ? 'migrated' : restoredInCloud ? 'restored' : 'neither';
    if (finished?.outcome !== inCloud) {
      res.stateMismatch = 1;
      problems.push(`thread says ${finished?.outcome ?? '(nothing)'}, cloud is ${inCloud}: ENIs ${JSON.stringify(enis.map((e) => [e.networkInterfaceId, e.status]))} DNAT ${JSON.stringify(dnat.map((e) => [e.internalIp, e.status]))}`);
    }
    if (want === 'migrated' && rec.verification?.egress.observedIp !== SNAT_IP) problems.push(`verification ${JSON.stringify(rec.verification)}`);
  } catch (e) {
    problems.push(String(e instanceof Error ? e.message : e));
  } finally {
    // A woken worker that let go of its jobs runs on to the lane's next case (reuseArmed); any other is ended.
    if (!released) {
      if (a.alive()) a.proc.kill('SIGCONT');
      await a.kill('SIGKILL');
    }
    await pauseStandby(l.standby);
  }
  res.ok = problems.length === 0;
  return res;
}

// Each paused worker signs with its own AccessKey: the sandbox counts what it wrote after it stopped.
const pauseLanes = (redisUrl: string) => standbyLanes<PauseCase, PauseResult>({
  redisUrl, tag: 'nmpause', keys: { standby: STANDBY_KEY, armed: PAUSED_KEY }, arm: (c) => ({ pauseAt: c.point }), run: runCase, reuseArmed: (r) => r.ok,
});

/** Runs the cases over `lanes` independent lanes (sandbox, queue prefix and stand-by each). */
export function runPausePoints(redisUrl: string, cases: PauseCase[], lanes: number, onResult: (r: PauseResult) => void = () => {}): Promise<PauseResult[]> {
  return runInLanes(pauseLanes(redisUrl), cases, lanes, onResult);
}
