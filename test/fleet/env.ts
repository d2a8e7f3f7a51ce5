// The fleet tests' world: the sandbox cloud with a fleet scenario, the real Alibaba adapter, the engine (migrations
// and fleet workers) on real Redis, and — when asked — the Slack bot behind the real Bolt receiver talking to the
// fake workspace. Events also go to an in-process recorder so tests can wait on them.
import pino from 'pino';
import { createAlibabaCloud, type AlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { createEngine, type Engine, type WorkerHandle } from '../../src/engine/engine.ts';
import { FanoutNotifier, RecordingNotifier } from '../../src/engine/notifiers.ts';
import type { DriftSweepSettings, EngineOptions, FleetSettings } from '../../src/engine/options.ts';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../src/sandbox/index.ts';
import { createSlackNotifier } from '../../src/slack/app.ts';
import type { Outbox, OutboxOptions } from '../../src/slack/outbox.ts';
import { startFakeSlack, type FakeSlack, type PlatformRule } from '../../src/slack-sim/index.ts';
import { testRedis, type TestRedis } from '../slack/fixtures.ts';
import { PEOPLE, startBot, type RunningBot } from '../slack/helpers.ts';

export const CHANNEL = 'C0OPS';
export const DRIFT_CHANNEL = 'C0DRIFT';

export interface FleetEnv {
  sandbox: Sandbox;
  cloud: AlibabaCloud;
  engine: Engine;
  worker: WorkerHandle;
  events: RecordingNotifier;
  r: TestRedis;
  slack?: FakeSlack;
  outbox?: Outbox;
  bot?: RunningBot;
  /** Events of one job, in order. */
  of(jobId: string): MigrationEvent[];
  waitFor<T extends MigrationEvent['type']>(jobId: string, type: T, timeoutMs?: number): Promise<Extract<MigrationEvent, { type: T }>>;
  close(): Promise<void>;
}

export async function startFleetEnv(o: {
  name: string;
  scenario: ScenarioInput;
  options?: Partial<EngineOptions>;
  fleet?: Partial<FleetSettings>;
  drift?: DriftSweepSettings;
  slack?: boolean;
  /** Platform rules the fake workspace does not enforce (each test names the ones it relaxes, and why). */
  relax?: PlatformRule[];
  /** Outbox options over the fleet tests' (each test names what it changes, and why). */
  outbox?: Partial<OutboxOptions>;
  maxPageSize?: number;
  concurrency?: number;
}): Promise<FleetEnv> {
  const sandbox = await startSandbox({ scenario: o.scenario });
  const r = await testRedis(o.name);
  const cloud = createAlibabaCloud({
    regionId: sandbox.regionId, ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http', credentials: sandbox.credentials,
    waiter: { initialMs: 15, factor: 1.5, maxMs: 80 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 },
    ...(o.maxPageSize ? { maxPageSize: o.maxPageSize } : {}),
  });
  const events = new RecordingNotifier();
  let slack: FakeSlack | undefined;
  let outbox: Outbox | undefined;
  if (o.slack) {
    slack = await startFakeSlack({ users: PEOPLE, usergroups: { S0OPS: ['U0CAROL'], S0APPROVERS: ['U0CAROL'] }, channels: { [CHANNEL]: 'ops', [DRIFT_CHANNEL]: 'nat-drift' }, ...(o.relax ? { relax: o.relax } : {}) });
    outbox = createSlackNotifier({ redis: r.redis, prefix: `${r.prefix}:slack`, botToken: slack.botToken, slackApiUrl: slack.apiUrl, pollMs: 20, baseBackoffMs: 100, ...o.outbox });
  }
  const engine = createEngine({
    redis: 'redis://127.0.0.1:6379', prefix: r.prefix, cloud, notifier: outbox ? new FanoutNotifier([outbox, events]) : events,
    logger: pino({ level: 'silent' }),
    options: { publicEdge: sandbox.edge, verifyTimeoutMs: 3000, verifyIntervalMs: 100, retryBaseMs: 50, tableLockPollMs: 20, cancelPollMs: 100, ...(o.options ?? {}) },
    worker: { concurrency: o.concurrency ?? 12, lockDurationMs: 10_000, stalledIntervalMs: 5_000 },
    fleet: { batchPollMs: 100, ...(o.fleet ?? {}) },
    ...(o.drift ? { drift: o.drift } : {}),
  });
  const worker = await engine.startWorker();
  const bot = slack ? await startBot(slack, engine.service, r.redis, r.prefix, { outbox: outbox! }) : undefined;
  const env: FleetEnv = {
    sandbox, cloud, engine, worker, events, r,
    ...(slack ? { slack } : {}), ...(outbox ? { outbox } : {}), ...(bot ? { bot } : {}),
    of: (jobId) => events.forJob(jobId),
    waitFor: (jobId, type, timeoutMs = 30_000) => events.waitFor((e) => e.jobId === jobId && e.type === type, timeoutMs) as never,
    async close() {
      await bot?.stop();
      await worker.close({ graceMs: 2000 });
      await engine.close();
      await slack?.close();
      await sandbox.close();
      await r.cleanup();
    },
  };
  return env;
}
