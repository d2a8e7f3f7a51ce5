// Crash points: a worker process is SIGKILLed at every step boundary and in the middle of every write and wait of
// four flows (a migration with configure-guest, a restore after a failed verification, an unstage after a
// rejection, a rollback), a warm stand-by worker takes over, and the cloud and the record must end exactly right.
// Same machinery as test/engine/crash.test.ts (NATMIGRATE_*-style hooks, here through src/bench/harness-worker.ts).
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { crashPointsOf, MIGRATION_PATHS, RESTORE_PATHS, ROLLBACK_PATHS, STEPS, UNSTAGE_PATH, type CrashPoint, type StepName } from '../domain/steps.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { startSandbox, type Sandbox, type ScenarioInput } from '../sandbox/index.ts';
import type { BenchWorkerConfig } from './harness-worker.ts';
import { spawnWorker, type WorkerProc } from './proc.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { until } from '../util/until.ts';

/**
 * migrate, restore and rollback run on the in-place path (every port: ModifyForwardEntry); their `-recreate` twins
 * take `--ports 22`, so the cutover deletes and re-creates, and crash only in the steps that path alone has.
 */
export type Flow = 'migrate' | 'restore' | 'unstage' | 'rollback' | 'migrate-recreate' | 'restore-recreate' | 'rollback-recreate';
type BaseFlow = 'migrate' | 'restore' | 'unstage' | 'rollback';
const baseOf = (f: Flow): BaseFlow => f.replace('-recreate', '') as BaseFlow;
const recreates = (f: Flow): boolean => f.endsWith('-recreate');
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

export const SNAT_IP = '203.0.113.20';
const LAT = { eniAttach: 60, eniDetach: 40, eniDelete: 30, dnatCreate: 60, dnatDelete: 60, dnatModify: 60, runCommand: 40 };
export const inst = (k: number) => ({ id: `i-chaos${String(k).padStart(5, '0')}`, ip: `192.168.1.${10 + k}`, eip: `203.0.113.${100 + k}` });

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
    { flow: 'restore', point: 'restore_modify_back:during' },
    { flow: 'restore-recreate', point: 'restore_create_original:during' },
    { flow: 'unstage', point: 'delete_eni:during' },
    { flow: 'rollback', point: 'verify_original:during' },
  ];
  const all = allCrashCases();
  for (const p of picks) if (!all.some((c) => c.flow === p.flow && c.point === p.point)) throw new Error(`no crash point ${p.flow} ${p.point}`);
  const phases = new Set(picks.map((p) => STEPS[p.point.split(':')[0] as StepName].phase));
  if (phases.size !== new Set(Object.values(STEPS).map((s) => s.phase)).size) throw new Error('a phase has no crash point');
  return picks;
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
  ];
}

export function laneScenario(n: number): ScenarioInput {
  const ks = Array.from({ length: n }, (_, k) => inst(k));
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: LAT,
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }],
    vSwitches: [{ vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' }],
    securityGroups: [{ securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] }],
    // Guests do not bring a new NIC up by themselves: only configure_guest makes verification pass.
    instances: ks.map((k) => ({ instanceId: k.id, vSwitchId: 'vsw-1', privateIp: k.ip, securityGroupIds: ['sg-1'], eniQuota: 3,
      guest: { sshBanner: 'SSH-2.0-OpenSSH_8.0', configuresSecondaryNic: false, cloudAssistant: true } })),
    eips: [{ allocationId: 'eip-snat', ipAddress: SNAT_IP }, ...ks.map((k, i) => ({ allocationId: `eip-${i}`, ipAddress: k.eip }))],
    natGateways: [{ natGatewayId: 'ngw-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-1', snatTableId: 'stb-1',
      eips: ['eip-snat', ...ks.map((_, i) => `eip-${i}`)] }],
    snatEntries: [{ snatTableId: 'stb-1', sourceVSwitchId: 'vsw-1', snatIp: SNAT_IP }],
    dnatEntries: ks.map((k) => ({ forwardTableId: 'ftb-1', externalIp: k.eip, externalPort: 'Any', internalIp: k.ip, internalPort: 'Any', ipProtocol: 'Any' })),
  };
}

/** Worker settings for short crash cycles: quick lock lapse, fast polls. */
export function fastWorkerConfig(eventsKey: string, extra: Partial<BenchWorkerConfig> = {}): BenchWorkerConfig {
  return {
    eventsKey,
    worker: { lockDurationMs: 1000, stalledIntervalMs: 500, reconcileIntervalMs: 2000 },
    engine: { tableLockTtlMs: 3000, verifyIntervalMs: 100, cancelPollMs: 20, retryBaseMs: 50, expectedMs: LAT },
    cloud: { waiter: { initialMs: 20, factor: 1.5, maxMs: 100 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 } },
    ...extra,
  };
}

interface Lane {
  sb: Sandbox;
  prefix: string;
  env: Record<string, string>;
  eventsKey: string;
  engine: Engine;
  redis: Redis;
  survivor: WorkerProc;
  resumes: number;
  pauses: number;
}

const stepIndex = (path: StepName[], s: StepName) => path.indexOf(s);

/** Points the crash worker reaches before anyone decides: the decision must wait for the kill. */
function beforeDecision(c: CrashCase): boolean {
  const [step, where] = c.point.split(':') as [StepName, string];
  const flow = baseOf(c.flow);
  const method = recreates(c.flow) ? 'recreate' : 'modify';
  const path = flow === 'rollback' ? ROLLBACK_PATHS[method] : flow === 'migrate' ? MIGRATION_PATHS[method] : undefined;
  if (!path) return false; // restore and unstage points all come after the decision
  return stepIndex(path, step) < stepIndex(path, 'await_approval') || (step === 'await_approval' && where === 'during');
}

async function openLane(redisUrl: string, cases: number): Promise<Lane> {
  const sb = await startSandbox({ scenario: laneScenario(cases), port: 0 });
  const prefix = `{nmchaos-${randomBytes(4).toString('hex')}}`;
  const eventsKey = `${prefix}:bench:events`;
  const env: Record<string, string> = {
    ...sb.env, REDIS_URL: redisUrl, NATMIGRATE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'fatal',
    NATMIGRATE_VERIFY_TIMEOUT: '1s', NATMIGRATE_APPROVAL_TTL: '10m', NATMIGRATE_API_RATE: '1000',
  };
  const engine = createEngine({
    redis: redisUrl, prefix, cloud: { regionId: 'cn-hangzhou' } as CloudPort, notifier: { emit: async () => {} }, logger: pino({ level: 'silent' }),
  });
  const survivor = spawnWorker(env, fastWorkerConfig(eventsKey, { hold: true }));
  return { sb, prefix, env, eventsKey, engine, redis: new Redis(redisUrl, { maxRetriesPerRequest: null }), survivor, resumes: 0, pauses: 0 };
}

async function closeLane(l: Lane): Promise<void> {
  await l.survivor.kill('SIGKILL');
  await l.engine.close();
  await deleteKeys(l.redis, l.prefix).catch(() => 0);
  await l.redis.quit().catch(() => {});
  await l.sb.close();
}

async function resumeSurvivor(lane: Lane): Promise<void> {
  await lane.survivor.printed('worker loaded'); // SIGUSR2 before its handler exists would kill it
  lane.survivor.proc.kill('SIGUSR2');
  lane.resumes++;
  await lane.survivor.printed(lane.resumes === 1 ? 'worker ready' : 'worker resumed', lane.resumes === 1 ? 1 : lane.resumes - 1);
}

async function pauseSurvivor(lane: Lane): Promise<void> {
  if (lane.resumes <= lane.pauses) return;
  lane.survivor.proc.kill('SIGUSR1');
  lane.pauses++;
  await lane.survivor.printed('worker paused', lane.pauses).catch(() => {});
}

async function finishedRecord(lane: Lane, jobId: string, timeoutMs: number, decide: (jobId: string) => Promise<void>) {
  return until(async () => {
    await decide(jobId);
    const rec = (await lane.engine.service.status(jobId))[0];
    return rec?.state === 'finished' ? rec : false;
  }, { what: `${jobId} to finish`, timeoutMs, everyMs: 25 });
}

async function parkedProblems(lane: Lane, jobId: string, instanceId: string, primaryIp: string, eip: string): Promise<string[]> {
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

async function runCase(lane: Lane, k: number, c: CrashCase, a: WorkerProc): Promise<CrashResult> {
  const problems: string[] = [];
  const { engine, sb } = lane;
  const { id: INSTANCE, ip: PRIMARY_IP, eip: EIP } = inst(k);
  const res: CrashResult = { flow: c.flow, point: c.point, ok: false, problems, orphanEnis: 0, duplicateEnis: 0, lostMappings: 0 };
  const flow = baseOf(c.flow);
  const ports = recreates(c.flow) ? { kind: 'list' as const, ports: [22] } : { kind: 'all' as const };
  const submit = async (configureGuest: boolean) => {
    const [s] = await engine.service.submit({
      regionId: 'cn-hangzhou', instanceIds: [INSTANCE], options: { ports, configureGuest }, requestedBy: 'UCHAOSREQ', audience: {},
    });
    if (s?.status !== 'queued') throw new Error(`not queued: ${JSON.stringify(s)}`);
    return s.jobId;
  };
  try {
    let migrationJob: string | undefined;
    if (flow === 'rollback') {
      // The migration to roll back runs on the stand-by, with no crash point armed.
      await resumeSurvivor(lane);
      migrationJob = await submit(true);
      const m = await finishedRecord(lane, migrationJob, 60_000, async (id) => {
        const ap = await engine.approvals.current(id);
        if (ap && !ap.decision) await engine.approvals.decide(id, { planHash: ap.planHash, decision: 'approve', userId: 'UCHAOSAPP', isApprover: true });
      });
      if (m.outcome !== 'migrated') throw new Error(`setup migration ended ${m.outcome}: ${m.summary}`);
      await pauseSurvivor(lane);
    }
    await a.printed('worker loaded');
    a.proc.kill('SIGUSR2');
    await a.printed('worker ready');
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
        await resumeSurvivor(lane);
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
    await pauseSurvivor(lane);
  }
  res.ok = problems.length === 0;
  return res;
}

async function runLane(redisUrl: string, cases: CrashCase[], onResult: (r: CrashResult) => void): Promise<CrashResult[]> {
  const lane = await openLane(redisUrl, cases.length);
  const out: CrashResult[] = [];
  try {
    const spawnFor = (c: CrashCase) => spawnWorker(lane.env, fastWorkerConfig(lane.eventsKey, { hold: true, crashAt: c.point }));
    // Each crash worker loads while the previous point runs.
    let next = spawnFor(cases[0]!);
    for (const [k, c] of cases.entries()) {
      const a = next;
      if (k + 1 < cases.length) next = spawnFor(cases[k + 1]!);
      const r = await runCase(lane, k, c, a);
      out.push(r);
      onResult(r);
    }
  } finally {
    await closeLane(lane);
  }
  return out;
}

/** Runs the cases over `lanes` independent lanes (sandbox, queue prefix and stand-by each). */
export async function runCrashPoints(redisUrl: string, cases: CrashCase[], lanes: number, onResult: (r: CrashResult) => void = () => {}): Promise<CrashResult[]> {
  const split = Array.from({ length: lanes }, (_, i) => cases.filter((_, j) => j % lanes === i)).filter((l) => l.length > 0);
  return (await Promise.all(split.map((l) => runLane(redisUrl, l, onResult)))).flat();
}
