// The lanes of the chaos harnesses (crash points, pause points, Redis-loss points). A lane is a sandbox cloud of its
// own with one instance per case, a queue prefix of its own on a Redis, the environment its worker processes start
// with and, for crash and pause, the harness's engine front door and a warm stand-by worker process that takes a job
// over. The cases are split over the lanes; each lane runs its cases one after another.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { STEPS, type StepName } from '../domain/steps.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { startSandbox, type Sandbox, type ScenarioInput } from '../sandbox/index.ts';
import { deleteKeys } from '../util/private-redis.ts';
import type { BenchWorkerConfig } from './harness-worker.ts';
import { spawnWorker, type WorkerProc } from './proc.ts';

export const SNAT_IP = '203.0.113.20';
const LAT = { eniAttach: 60, eniDetach: 40, eniDelete: 30, dnatCreate: 60, dnatDelete: 60, dnatModify: 60, runCommand: 40, instanceStop: 80, instanceStart: 80 };
/** A family that takes a secondary ENI only while Stopped (--allow-stop; src/sandbox/model/stopped-attach-families.ts). */
export const STOP_TO_ATTACH_TYPE = 'ecs.t5-lc1m1.small';
/** The instance of case `k` of a lane. */
export const inst = (k: number) => ({ id: `i-chaos${String(k).padStart(5, '0')}`, ip: `192.168.1.${10 + k}`, eip: `203.0.113.${100 + k}` });

/**
 * A VPC with `n` instances on DNAT IP mappings (the instances of `inst(0…n-1)`) and one SNAT entry. `typeOf(k)`: the
 * instance type of case `k` when it is not the sandbox's default.
 */
export function laneScenario(n: number, typeOf: (k: number) => string | undefined = () => undefined): ScenarioInput {
  const ks = Array.from({ length: n }, (_, k) => inst(k));
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: LAT,
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }],
    vSwitches: [{ vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' }],
    securityGroups: [{ securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] }],
    // Guests do not bring a new NIC up by themselves: only configure_guest makes verification pass.
    instances: ks.map((k, i) => ({ instanceId: k.id, vSwitchId: 'vsw-1', privateIp: k.ip, securityGroupIds: ['sg-1'], eniQuota: 3,
      ...(typeOf(i) ? { instanceType: typeOf(i) } : {}),
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
    // The bench sandboxes' reads lag by 30-100 ms: a second covers it (the default 10 s is for an unknown real lag).
    engine: { tableLockTtlMs: 3000, verifyIntervalMs: 100, cancelPollMs: 20, retryBaseMs: 50, expectedMs: LAT, writeVisibleWithinMs: 1_000 },
    cloud: { waiter: { initialMs: 20, factor: 1.5, maxMs: 100 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 } },
    ...extra,
  };
}

export interface AccessKey { accessKeyId: string; accessKeySecret: string }

/** Environment entries that make a worker sign its cloud calls with `key` (the sandbox counts requests per key). */
export const signingWith = (key: AccessKey): Record<string, string> => ({
  ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.accessKeySecret,
});

export interface Lane {
  sb: Sandbox;
  prefix: string;
  /** The environment of the lane's worker processes. */
  env: Record<string, string>;
  /** The Redis list the lane's workers append their events to. */
  eventsKey: string;
  /** A client of the lane's Redis. */
  redis: Redis;
}

export interface LaneOptions {
  redisUrl: string;
  /** Names the queue prefix (`{<tag>-<random>}`). */
  tag: string;
  /** Instances in the lane's sandbox: one per case. */
  instances: number;
  /** NATMIGRATE_VERIFY_TIMEOUT of the lane's workers. */
  verifyTimeout: string;
  /** AccessKeys the sandbox accepts besides its own. */
  extraCredentials?: AccessKey[];
  /** The instance type of case `k`'s instance, when not the default. */
  instanceTypeOf?: (k: number) => string | undefined;
}

export async function openLane(o: LaneOptions): Promise<Lane> {
  const scenario = laneScenario(o.instances, o.instanceTypeOf);
  const sb = await startSandbox({ scenario: o.extraCredentials ? { ...scenario, extraCredentials: o.extraCredentials } : scenario, port: 0 });
  const prefix = `{${o.tag}-${randomBytes(4).toString('hex')}}`;
  const env: Record<string, string> = {
    ...sb.env, REDIS_URL: o.redisUrl, NATMIGRATE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'fatal',
    NATMIGRATE_VERIFY_TIMEOUT: o.verifyTimeout, NATMIGRATE_APPROVAL_TTL: '10m', NATMIGRATE_API_RATE: '1000',
  };
  return { sb, prefix, env, eventsKey: `${prefix}:bench:events`, redis: new Redis(o.redisUrl, { maxRetriesPerRequest: null }) };
}

export async function closeLane(l: Lane): Promise<void> {
  await deleteKeys(l.redis, l.prefix).catch(() => 0);
  await l.redis.quit().catch(() => {});
  await l.sb.close();
}

/** The harness's front door to the lane's queue (submit, approve, status); it runs no jobs and calls no cloud. */
export function laneEngine(l: Lane): Engine {
  return createEngine({
    redis: l.env.REDIS_URL!, prefix: l.prefix, cloud: { regionId: 'cn-hangzhou' } as CloudPort, notifier: { emit: async () => {} }, logger: pino({ level: 'silent' }),
  });
}

/** Every event the lane's workers emitted so far, in order. */
export async function laneEvents<E>(l: Lane): Promise<E[]> {
  return (await l.redis.lrange(l.eventsKey, 0, -1)).map((s) => JSON.parse(s) as E);
}

/** A worker process that loads everything and waits (`hold`) until it is resumed; paused again after each case. */
export interface Standby { proc: WorkerProc; resumes: number; pauses: number }

export function startStandby(l: Lane, key?: AccessKey): Standby {
  return { proc: spawnWorker(key ? { ...l.env, ...signingWith(key) } : l.env, fastWorkerConfig(l.eventsKey, { hold: true })), resumes: 0, pauses: 0 };
}

/** A worker process held until `takeJobs` (SIGUSR2): it loads while the previous case of the lane runs. */
export function spawnHeld(l: Lane, extra: Partial<BenchWorkerConfig>, key?: AccessKey): WorkerProc {
  return spawnWorker(key ? { ...l.env, ...signingWith(key) } : l.env, fastWorkerConfig(l.eventsKey, { hold: true, ...extra }));
}

/** How often a held worker was let take jobs, and made let them go (releaseJobs). */
const turns = new WeakMap<WorkerProc, { takes: number; releases: number }>();
const turnsOf = (w: WorkerProc) => turns.get(w) ?? turns.set(w, { takes: 0, releases: 0 }).get(w)!;

/** Lets a held worker take jobs, once it has loaded; again after releaseJobs. */
export async function takeJobs(w: WorkerProc): Promise<void> {
  await w.printed('worker loaded'); // SIGUSR2 before its handler exists would kill it
  const t = turnsOf(w);
  w.proc.kill('SIGUSR2');
  t.takes++;
  await (t.takes === 1 ? w.printed('worker ready') : w.printed('worker resumed', t.takes - 1));
}

/** Makes a worker let go of jobs (it closes its BullMQ worker: what runs finishes first); takeJobs resumes it. */
export async function releaseJobs(w: WorkerProc, timeoutMs = 60_000): Promise<void> {
  const t = turnsOf(w);
  w.proc.kill('SIGUSR1');
  t.releases++;
  await w.printed('worker paused', t.releases, timeoutMs);
}

/** How many times `text` has been printed by `w` so far. */
export const timesPrinted = (w: WorkerProc, text: string): number => w.out.split(text).length - 1;

export async function resumeStandby(s: Standby): Promise<void> {
  await s.proc.printed('worker loaded'); // SIGUSR2 before its handler exists would kill it
  s.proc.proc.kill('SIGUSR2');
  s.resumes++;
  await s.proc.printed(s.resumes === 1 ? 'worker ready' : 'worker resumed', s.resumes === 1 ? 1 : s.resumes - 1);
}

export async function pauseStandby(s: Standby): Promise<void> {
  if (s.resumes <= s.pauses) return;
  s.proc.proc.kill('SIGUSR1');
  s.pauses++;
  await s.proc.printed('worker paused', s.pauses).catch(() => {});
}

/** How a harness runs its cases in one lane. */
export interface LaneRunner<L, C, R> {
  open(cases: C[]): Promise<L>;
  close(lane: L): Promise<void>;
  /** Case `k` of the lane (its instance is `inst(k)`); `next` is the lane's following case, to prepare for. */
  run(lane: L, k: number, c: C, next: C | undefined): Promise<R>;
}

/**
 * A lane with the harness's front door, a warm stand-by, and the next case's armed worker loading meanwhile (or, with
 * `reuseArmed`, the armed worker the previous case left).
 */
export interface StandbyLane extends Lane { engine: Engine; standby: Standby; next?: WorkerProc }

/**
 * Lanes whose cases each run one armed worker (`arm`: where it crashes or stops), loaded while the lane's previous
 * case runs, and a stand-by that takes the job over. `keys`: the AccessKeys the stand-by and the armed workers sign
 * with, so that the sandbox tells their requests apart.
 */
export function standbyLanes<C, R>(o: {
  redisUrl: string;
  tag: string;
  keys?: { standby: AccessKey; armed: AccessKey };
  arm: (c: C) => Pick<BenchWorkerConfig, 'crashAt' | 'pauseAt'>;
  run: (lane: StandbyLane, k: number, c: C, armed: WorkerProc) => Promise<R>;
  /** The instance type a case's instance needs, when not the default. */
  instanceTypeOf?: (c: C) => string | undefined;
  /**
   * One armed worker for the lane's cases: armed for each case's instance at that case's point (`arms`), and kept
   * for the next case while `reusable(result)` and it is alive (a paused worker that was woken runs on). Each worker
   * process costs about a second and a half of CPU to start. Without it, every case gets a fresh armed worker.
   */
  reuseArmed?: (r: R) => boolean;
}): LaneRunner<StandbyLane, C, R> {
  const laneCases = new WeakMap<StandbyLane, C[]>();
  /** A held worker armed for case k and every later case of the lane, each in its own instance's jobs. */
  const armedFrom = (lane: StandbyLane, k: number) => spawnHeld(lane, {
    arms: laneCases.get(lane)!.slice(k).map((c, j) => ({ instance: inst(k + j).id, ...o.arm(c) })),
  }, o.keys?.armed);
  return {
    async open(cases) {
      const lane = await openLane({
        redisUrl: o.redisUrl, tag: o.tag, instances: cases.length, verifyTimeout: '1s', ...(o.keys ? { extraCredentials: [o.keys.armed, o.keys.standby] } : {}),
        ...(o.instanceTypeOf ? { instanceTypeOf: (k: number) => o.instanceTypeOf!(cases[k]!) } : {}),
      });
      const opened: StandbyLane = { ...lane, engine: laneEngine(lane), standby: startStandby(lane, o.keys?.standby) };
      laneCases.set(opened, cases);
      if (o.reuseArmed) opened.next = armedFrom(opened, 0);
      return opened;
    },
    async close(lane) {
      await lane.next?.kill('SIGKILL');
      await lane.standby.proc.kill('SIGKILL');
      await lane.engine.close();
      await closeLane(lane);
    },
    async run(lane, k, c, next) {
      if (o.reuseArmed) {
        const armed = lane.next?.alive() ? lane.next : armedFrom(lane, k);
        lane.next = undefined;
        const r = await o.run(lane, k, c, armed);
        if (next && armed.alive() && o.reuseArmed(r)) lane.next = armed;
        else await armed.kill('SIGKILL');
        return r;
      }
      const armed = lane.next ?? spawnHeld(lane, o.arm(c), o.keys?.armed);
      lane.next = next ? spawnHeld(lane, o.arm(next), o.keys?.armed) : undefined;
      return o.run(lane, k, c, armed);
    },
  };
}

/** Splits the cases over `lanes` independent lanes and runs each lane's cases in turn; results as they come. */
export async function runInLanes<L, C, R>(runner: LaneRunner<L, C, R>, cases: C[], lanes: number, onResult: (r: R) => void): Promise<R[]> {
  const split = Array.from({ length: lanes }, (_, i) => cases.filter((_, j) => j % lanes === i)).filter((x) => x.length > 0);
  return (await Promise.all(split.map(async (mine) => {
    const lane = await runner.open(mine);
    const out: R[] = [];
    try {
      for (const [k, c] of mine.entries()) {
        const r = await runner.run(lane, k, c, mine[k + 1]);
        out.push(r);
        onResult(r);
      }
    } finally {
      await runner.close(lane);
    }
    return out;
  }))).flat();
}

/** The picked cases, each checked to be one of `all` (a renamed step fails here instead of testing nothing). */
export function pickedCases<C extends { flow: string; point: string }>(what: string, all: C[], picks: C[]): C[] {
  for (const p of picks) if (!all.some((c) => c.flow === p.flow && c.point === p.point)) throw new Error(`no ${what} point ${p.flow} ${p.point}`);
  return picks;
}

/** Throws unless the picks stand in every phase that `all` has (steps named by the part of the point before ':'). */
export function coverEveryPhase<C extends { point: string }>(what: string, all: C[], picks: C[]): void {
  const phase = (c: C) => STEPS[c.point.split(':')[0] as StepName].phase;
  const missing = [...new Set(all.map(phase))].filter((ph) => !picks.some((p) => phase(p) === ph));
  if (missing.length) throw new Error(`no ${what} point in phase ${missing.join(', ')}`);
}
