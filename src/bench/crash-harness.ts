// Crash points: a worker process is SIGKILLed at every step boundary and in the middle of every write and wait of
// four flows (a migration with configure-guest, a restore after a failed verification, an unstage after a
// rejection, a rollback; and a migration that stops and starts the instance, --allow-stop), a warm stand-by worker takes over, and the cloud and the record must end exactly right.
// Same machinery as test/engine/crash.test.ts (NATMIGRATE_*-style hooks, here through src/bench/harness-worker.ts); the
// lanes (sandbox, queue prefix, stand-by worker) are lanes.ts, shared with the pause and Redis-loss harnesses.
import {
  crashPointsOf, MIGRATION_PATHS, RESTORE_PATHS, ROLLBACK_PATHS, STOP_ATTACH_PATH, UNSTAGE_PATH, type CrashPoint, type StepName,
} from '../domain/steps.ts';
import { until } from '../util/until.ts';
import {
  coverEveryPhase, inst, pauseStandby, pickedCases, resumeStandby, runInLanes, SNAT_IP, type StandbyLane, standbyLanes, STOP_TO_ATTACH_TYPE, takeJobs,
} from './lanes.ts';
import type { WorkerProc } from './proc.ts';

/**
 * migrate, restore and rollback run on the in-place path (every port: ModifyForwardEntry); their `-recreate` twins
 * take `--ports 22`, so the cutover deletes and re-creates, and crash only in the steps that path alone has.
 * `migrate-stop` is an instance of a family that takes a secondary ENI only while Stopped, migrated with
 * `--allow-stop` (stop → attach → start after the approval): it crashes around each power step and in the attach
 * between them, while the instance is down.
 */
export type Flow = 'migrate' | 'restore' | 'unstage' | 'rollback' | 'migrate-recreate' | 'restore-recreate' | 'rollback-recreate' | 'migrate-stop';
type BaseFlow = 'migrate' | 'restore' | 'unstage' | 'rollback';
const baseOf = (f: Flow): BaseFlow => f.replace(/-(recreate|stop)$/, '') as BaseFlow;
const recreates = (f: Flow): boolean => f.endsWith('-recreate');
const stops = (f: Flow): boolean => f === 'migrate-stop';

/**
 * The points of the --allow-stop window: at the boundary into the stop (the journal names stop_instance), and before
 * (the previous step's 'after'), during and after each step from the stop to the instance seen Running again.
 */
function stopWindowPoints(): CrashPoint[] {
  const path: StepName[] = STOP_ATTACH_PATH.filter((s) => s !== 'await_window');
  const from = path.indexOf('stop_instance');
  const to = path.indexOf('wait_instance_running');
  return crashPointsOf(path).filter((p) => {
    const i = path.indexOf(p.split(':')[0] as StepName);
    return (i >= from && i <= to) || (i === from - 1 && p.endsWith(':after'));
  });
}
export interface CrashCase { flow: Flow; point: CrashPoint }

export interface CrashResult {
  flow: Flow;
  point: string;
  ok: boolean;
  problems: string[];
  orphanEnis: number;
  duplicateEnis: number;
  lostMappings: number;
  outcome?: string;
}

/**
 * One point in each phase of the step list, each in the middle of a write or a wait where one exists: what the test
 * suite runs (the full matrix is `npm run chaos`).
 */
export function crashCasesOnePerPhase(): CrashCase[] {
  const picks: CrashCase[] = [
    { flow: 'migrate', point: 'plan:after' },
    { flow: 'migrate', point: 'attach_eni:during' },
    { flow: 'migrate', point: 'await_approval:during' },
    { flow: 'migrate', point: 'modify_entry:during' },
    { flow: 'migrate-recreate', point: 'delete_entry:during' },
    { flow: 'migrate-stop', point: 'stop_instance:during' },
    { flow: 'restore', point: 'restore_modify_back:during' },
    { flow: 'restore-recreate', point: 'restore_create_original:during' },
    { flow: 'unstage', point: 'delete_eni:during' },
    { flow: 'rollback', point: 'verify_original:during' },
  ];
  const all = allCrashCases();
  coverEveryPhase('crash', all, picks);
  return pickedCases('crash', all, picks);
}

export function allCrashCases(): CrashCase[] {
  // The points of a recreate path that its in-place twin lacks: in its own steps, and at the boundary into them.
  const recreateOnly = (path: StepName[], modifyPath: StepName[]) => crashPointsOf(path).filter((p) => {
    const step = p.split(':')[0] as StepName;
    const next = path[path.indexOf(step) + 1];
    return !modifyPath.includes(step) || (p.endsWith(':after') && next !== undefined && !modifyPath.includes(next));
  });
  const migrate = MIGRATION_PATHS.modify.filter((s) => s !== 'await_window');
  return [
    ...crashPointsOf(migrate).map((point) => ({ flow: 'migrate' as const, point })),
    ...recreateOnly(MIGRATION_PATHS.recreate.filter((s) => s !== 'await_window'), migrate).map((point) => ({ flow: 'migrate-recreate' as const, point })),
    ...crashPointsOf(RESTORE_PATHS.modify).map((point) => ({ flow: 'restore' as const, point })),
    ...recreateOnly(RESTORE_PATHS.recreate, RESTORE_PATHS.modify).map((point) => ({ flow: 'restore-recreate' as const, point })),
    ...crashPointsOf(UNSTAGE_PATH).map((point) => ({ flow: 'unstage' as const, point })),
    ...crashPointsOf(ROLLBACK_PATHS.modify).map((point) => ({ flow: 'rollback' as const, point })),
    ...recreateOnly(ROLLBACK_PATHS.recreate, ROLLBACK_PATHS.modify).map((point) => ({ flow: 'rollback-recreate' as const, point })),
    ...stopWindowPoints().map((point) => ({ flow: 'migrate-stop' as const, point })),
  ];
}

type CrashLane = StandbyLane;

const stepIndex = (path: StepName[], s: StepName) => path.indexOf(s);

/** Points the crash worker reaches before anyone decides: the decision must wait for the kill. */
function beforeDecision(c: CrashCase): boolean {
  const [step, where] = c.point.split(':') as [StepName, string];
  const flow = baseOf(c.flow);
  const method = recreates(c.flow) ? 'recreate' : 'modify';
  const path = flow === 'rollback' ? ROLLBACK_PATHS[method] : stops(c.flow) ? STOP_ATTACH_PATH : flow === 'migrate' ? MIGRATION_PATHS[method] : undefined;
  if (!path) return false; // restore and unstage points all come after the decision
  return stepIndex(path, step) < stepIndex(path, 'await_approval') || (step === 'await_approval' && where === 'during');
}

async function finishedRecord(lane: CrashLane, jobId: string, timeoutMs: number, decide: (jobId: string) => Promise<void>) {
  return until(async () => {
    await decide(jobId);
    const rec = (await lane.engine.service.status(jobId))[0];
    return rec?.state === 'finished' ? rec : false;
  }, { what: `${jobId} to finish`, timeoutMs, everyMs: 25 });
}

async function parkedProblems(lane: CrashLane, jobId: string, instanceId: string, primaryIp: string, eip: string): Promise<string[]> {
  const out: string[] = [];
  const rec = (await lane.engine.service.status(jobId))[0];
  lane.sb.world.settle();
  const enis = [...lane.sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === instanceId || e.tags['natmigrate:job'] === jobId));
  const dnat = [...lane.sb.world.dnatEntries.values()].filter((e) => e.externalIp === eip);
  if (rec?.state !== 'awaiting_approval') out.push(`parked record state ${rec?.state}`);
  if (enis.length !== 1 || enis[0]!.status !== 'InUse' || enis[0]!.instanceId !== instanceId) out.push(`parked ENIs: ${JSON.stringify(enis.map((e) => [e.networkInterfaceId, e.status, e.instanceId]))}`);
  if (dnat.length !== 1 || dnat[0]!.internalIp !== primaryIp || dnat[0]!.status !== 'Available') out.push(`parked DNAT: ${JSON.stringify(dnat.map((e) => [e.internalIp, e.status]))}`);
  return out;
}

/** --allow-stop: the instance Running again, stopped once and started once (a resumed step repeats no power call). */
function powerProblems(lane: CrashLane, instanceId: string): string[] {
  const out: string[] = [];
  const status = lane.sb.world.instances.get(instanceId)?.status;
  if (status !== 'Running') out.push(`instance ${instanceId} is ${status}, not Running`);
  for (const action of ['StopInstance', 'StartInstance']) {
    const accepted = lane.sb.requests.filter((r) => r.action === action && r.code === 'OK' && r.params.InstanceId === instanceId).length;
    if (accepted !== 1) out.push(`${action} accepted ${accepted} times`);
  }
  return out;
}

async function runCase(lane: CrashLane, k: number, c: CrashCase, a: WorkerProc): Promise<CrashResult> {
  const problems: string[] = [];
  const { engine, sb } = lane;
  const { id: INSTANCE, ip: PRIMARY_IP, eip: EIP } = inst(k);
  const res: CrashResult = { flow: c.flow, point: c.point, ok: false, problems, orphanEnis: 0, duplicateEnis: 0, lostMappings: 0 };
  const flow = baseOf(c.flow);
  const ports = recreates(c.flow) ? { kind: 'list' as const, ports: [22] } : { kind: 'all' as const };
  const submit = async (configureGuest: boolean) => {
    const [s] = await engine.service.submit({
      regionId: 'cn-hangzhou', instanceIds: [INSTANCE], options: { ports, configureGuest, ...(stops(c.flow) ? { allowStop: true } : {}) }, requestedBy: 'UCHAOSREQ', audience: {},
    });
    if (s?.status !== 'queued') throw new Error(`not queued: ${JSON.stringify(s)}`);
    return s.jobId;
  };
  try {
    let migrationJob: string | undefined;
    if (flow === 'rollback') {
      // The migration to roll back runs on the stand-by, with no crash point armed.
      await resumeStandby(lane.standby);
      migrationJob = await submit(true);
      const m = await finishedRecord(lane, migrationJob, 60_000, async (id) => {
        const ap = await engine.approvals.current(id);
        if (ap && !ap.decision) await engine.approvals.decide(id, { planHash: ap.planHash, decision: 'approve', userId: 'UCHAOSAPP', isApprover: true });
      });
      if (m.outcome !== 'migrated') throw new Error(`setup migration ended ${m.outcome}: ${m.summary}`);
      await pauseStandby(lane.standby);
    }
    await takeJobs(a);
    let jobId: string;
    if (flow === 'rollback') {
      const r = await engine.service.rollback(migrationJob!, 'UCHAOSREQ', {});
      if (!r.ok || !r.jobId) throw new Error(`rollback not queued: ${r.message}`);
      jobId = r.jobId;
    } else {
      jobId = await submit(flow !== 'restore');
    }
    let crashed = false;
    const early = beforeDecision(c);
    // A migration that died before the decision must be found parked by the stand-by, staged and untouched.
    let parkedChecked = !(early && flow === 'migrate');
    const rec = await finishedRecord(lane, jobId, 90_000, async (id) => {
      if (!crashed && !a.alive()) {
        crashed = true;
        const exit = await a.exited;
        if (exit.signal !== 'SIGKILL' || !a.out.includes(`crash ${c.point}`)) problems.push(`worker did not die at ${c.point}: ${JSON.stringify(exit)} ${a.out.slice(-300)}`);
        await resumeStandby(lane.standby);
      }
      const ap = await engine.approvals.current(id);
      if (!ap || ap.decision || (early && !crashed)) return;
      if (!parkedChecked) {
        if ((await (await engine.queue.getJob(id))?.getState()) !== 'delayed') return; // not parked yet
        parkedChecked = true;
        problems.push(...await parkedProblems(lane, id, INSTANCE, PRIMARY_IP, EIP));
      }
      await engine.approvals.decide(id, { planHash: ap.planHash, decision: flow === 'unstage' ? 'reject' : 'approve', userId: 'UCHAOSAPP', isApprover: true });
    });
    res.outcome = rec.outcome;
    if (!crashed) problems.push(`the worker never reached ${c.point}`);
    sb.world.settle();
    const enis = [...sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === INSTANCE
      || e.tags['natmigrate:job'] === jobId || (migrationJob !== undefined && e.tags['natmigrate:job'] === migrationJob)));
    const dnat = [...sb.world.dnatEntries.values()].filter((e) => e.externalIp === EIP);
    const want = { migrate: 'migrated', restore: 'restored', unstage: 'rejected', rollback: 'rolled_back' }[flow];
    if (rec.outcome !== want) problems.push(`outcome ${rec.outcome} (want ${want}): ${rec.summary}`);
    if (flow === 'migrate') {
      res.duplicateEnis = Math.max(0, enis.length - 1);
      const eni = enis[0];
      const mapped = dnat.length === 1 && eni !== undefined && dnat[0]!.internalIp === eni.privateIp && dnat[0]!.status === 'Available';
      if (!mapped) res.lostMappings = 1;
      if (enis.length !== 1) problems.push(`${enis.length} secondary ENIs: ${enis.map((e) => `${e.networkInterfaceId}/${e.status}`).join(', ')}`);
      if (eni && (eni.status !== 'InUse' || eni.instanceId !== INSTANCE || eni.tags['natmigrate:job'] !== jobId)) problems.push(`ENI ${eni.networkInterfaceId} is ${eni.status} on ${eni.instanceId}`);
      if (rec.eniId !== eni?.networkInterfaceId) problems.push(`record eniId ${rec.eniId}`);
      if (JSON.stringify(rec.newEntryIds) !== JSON.stringify(dnat.map((e) => e.forwardEntryId))) problems.push(`record newEntryIds ${JSON.stringify(rec.newEntryIds)}`);
      if (!mapped) problems.push(`DNAT: ${JSON.stringify(dnat.map((e) => [e.internalIp, e.status]))}`);
      if (rec.verification?.egress.observedIp !== SNAT_IP || !rec.verification?.ssh.banner) problems.push(`verification ${JSON.stringify(rec.verification)}`);
      if (stops(c.flow)) problems.push(...powerProblems(lane, INSTANCE));
    } else {
      // Nothing left over, the original mapping back (or never touched).
      if (flow === 'restore' && rec.verification?.ok !== false) problems.push(`verification ${JSON.stringify(rec.verification)}`);
      res.orphanEnis = enis.length;
      const original = dnat.length === 1 && dnat[0]!.internalIp === PRIMARY_IP && dnat[0]!.status === 'Available';
      if (!original) res.lostMappings = 1;
      if (enis.length) problems.push(`orphan ENIs: ${enis.map((e) => `${e.networkInterfaceId}/${e.status}`).join(', ')}`);
      if (!original) problems.push(`DNAT (original not in place): ${JSON.stringify(dnat.map((e) => [e.internalIp, e.status]))}`);
    }
    if (flow !== 'unstage' && rec.original?.entry.internalIp !== PRIMARY_IP) problems.push('record lost the original entry');
    if (await lane.redis.get(engine.keys.activeFor('cn-hangzhou', INSTANCE))) problems.push('instance still claimed');
  } catch (e) {
    problems.push(String(e instanceof Error ? e.message : e));
  } finally {
    await a.kill('SIGKILL');
    await pauseStandby(lane.standby);
  }
  res.ok = problems.length === 0;
  return res;
}

const crashLanes = (redisUrl: string) => standbyLanes<CrashCase, CrashResult>({
  redisUrl, tag: 'nmchaos', arm: (c) => ({ crashAt: c.point }), run: runCase, instanceTypeOf: (c) => (stops(c.flow) ? STOP_TO_ATTACH_TYPE : undefined),
});

/** Runs the cases over `lanes` independent lanes (sandbox, queue prefix and stand-by each). */
export function runCrashPoints(redisUrl: string, cases: CrashCase[], lanes: number, onResult: (r: CrashResult) => void = () => {}): Promise<CrashResult[]> {
  return runInLanes(crashLanes(redisUrl), cases, lanes, onResult);
}
