import { createEngine, type Engine, type WorkerHandle } from '../../src/engine/index.ts';
import { createAlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../src/sandbox/index.ts';
import { startFakeSlack, type FakeSlack, type FakeMessage, type PlatformRule } from '../../src/slack-sim/index.ts';
import { createSlackNotifier } from '../../src/slack/app.ts';
import type { InventoryPort, MigrationService } from '../../src/engine/ports.ts';
import type { Redis } from 'ioredis';
import type { Outbox } from '../../src/slack/outbox.ts';
import type { EngineOptions } from '../../src/engine/index.ts';
import { testRedis, type TestRedis } from './fixtures.ts';
import { PEOPLE, startBot, type RunningBot } from './helpers.ts';
import { slackScenario } from './scenario.ts';
import pino from 'pino';
import { until, UntilTimeoutError } from '../../src/util/until.ts';

/**
 * The real system on loopback: the sandbox cloud, the Alibaba adapter, the engine with a worker, the Slack bot
 * (HTTP mode) and the fake workspace whose people send signed requests. Nothing here is a stand-in but Slack.
 */
export interface Env {
  sandbox: Sandbox;
  slack: FakeSlack;
  engine: Engine;
  worker: WorkerHandle;
  outbox: Outbox;
  bot: RunningBot;
  r: TestRedis;
  channel: string;
  close(): Promise<void>;
  /** Root ts of a job's thread once its status card is posted. */
  threadOf(jobId: string): Promise<string>;
  /** The thread as a person reads it, waiting until `done` holds. */
  waitThread(jobId: string, done: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  /** The approval card message (with buttons) of a job. */
  approvalCard(jobId: string): Promise<FakeMessage>;
  /** Job id the `run` reply announced. */
  runJob(userId: string, instanceId: string): Promise<string>;
  /** Ids of every record the engine holds (migrations, rollbacks, previews, fleet jobs), sorted. */
  jobIds(): Promise<string[]>;
  /** Unfinished BullMQ entries of the migrations queue. */
  queued(): Promise<{ jobId: string; instanceId: string }[]>;
  /**
   * Ends a job the way its requester can: Reject on its approval card (a job the pre-flight refused ends by itself).
   * Resolves once the record is finished and the queue entry gone, so the next test starts with an idle engine.
   */
  rejectAndWait(jobId: string): Promise<void>;
}

/** How a test wants the bot started (default: HTTP mode on a loopback port, see startBot). */
type BotStarter = (c: { slack: FakeSlack; service: MigrationService; inventory: InventoryPort; redis: Redis; prefix: string; outbox: Outbox }) => Promise<RunningBot>;

export { FASTER_SLACK } from '../support/faster-slack.ts';

export async function startEnv(name: string, options: Partial<EngineOptions> = {}, setup: { bot?: BotStarter; scenario?: ScenarioInput; relax?: PlatformRule[]; paceScale?: number } = {}): Promise<Env> {
  const channel = 'C0OPS';
  const sandbox = await startSandbox({ scenario: setup.scenario ?? slackScenario() });
  const slack = await startFakeSlack({
    users: PEOPLE, usergroups: { S0OPS: ['U0CAROL'], S0APPROVERS: ['U0CAROL'] }, channels: { [channel]: 'ops', C0PRIVATE: 'private-ops', D0ALICE: 'alice', G0MPIM: 'mpdm-alice--bob-1' },
    channelKinds: { G0MPIM: 'mpim' },
    ...(setup.relax ? { relax: setup.relax } : {}),
    ...(setup.paceScale ? { paceScale: setup.paceScale } : {}),
  });
  const r = await testRedis(name);
  const outbox = createSlackNotifier({ redis: r.redis, prefix: `${r.prefix}:slack`, botToken: slack.botToken, slackApiUrl: slack.apiUrl, pollMs: 20, baseBackoffMs: 100, ...(setup.paceScale ? { paceScale: setup.paceScale } : {}) });
  const cloud = createAlibabaCloud({
    regionId: sandbox.regionId, ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http',
    credentials: sandbox.credentials, waiter: { initialMs: 20, factor: 1.5, maxMs: 200 },
  });
  const engine = createEngine({
    redis: 'redis://127.0.0.1:6379', prefix: r.prefix, cloud, notifier: outbox,
    logger: pino({ level: 'silent' }),
    options: { publicEdge: sandbox.edge, verifyTimeoutMs: 5000, verifyIntervalMs: 100, retryBaseMs: 50, ...options },
    worker: { concurrency: 4, lockDurationMs: 10_000, stalledIntervalMs: 5_000 },
  });
  const worker = await engine.startWorker();
  const bot = setup.bot
    ? await setup.bot({ slack, service: engine.service, inventory: engine.inventory, redis: r.redis, prefix: r.prefix, outbox })
    : await startBot(slack, engine.service, r.redis, r.prefix, { outbox, inventory: engine.inventory });

  const env: Env = {
    sandbox, slack, engine, worker, outbox, bot, r, channel,
    async close() {
      await bot.stop();
      await worker.close({ graceMs: 2000 });
      await engine.close();
      await slack.close();
      await sandbox.close();
      await r.cleanup();
    },
    threadOf: (jobId) => until(async () => (await outbox.thread(jobId))?.rootTs, { what: `a thread for ${jobId}`, timeoutMs: 15_000 }),
    async waitThread(jobId, done, what, timeoutMs = 30_000) {
      await env.threadOf(jobId);
      const t = (await outbox.thread(jobId))!;
      const read = () => slack.transcript(t.channel, t.threadTs);
      const started = Date.now();
      try {
        await until(() => done(read()), { what, timeoutMs });
      } catch (err) {
        if (err instanceof UntilTimeoutError) throw new Error(`${err.message}; thread so far:\n${read().join('\n---\n')}`);
        throw err;
      }
      // Let the outbox finish what it has (the status card is refreshed after the replies).
      await outbox.waitIdle({ timeoutMs: Math.max(1000, timeoutMs - (Date.now() - started)) });
      return read();
    },
    approvalCard: (jobId) => until(async () => {
      const t = await outbox.thread(jobId);
      return t?.approval ? slack.message(t.channel, t.approval.ts) : undefined;
    }, { what: `the approval card of ${jobId}`, timeoutMs: 30_000 }),
    async runJob(userId, instanceId) {
      const res = await slack.slash(userId, channel, `run ${instanceId}`);
      const m = /queued as `([^`]+)`/.exec(String(res.json?.text));
      if (!m) throw new Error(`run was not queued: ${String(res.json?.text)}`);
      return m[1]!;
    },
    async jobIds() {
      const ids: string[] = [];
      const head = engine.keys.record('');
      let cursor = '0';
      do {
        const [next, keys] = await r.redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500);
        cursor = next;
        ids.push(...keys.map((k) => k.slice(head.length)));
      } while (cursor !== '0');
      return ids.sort();
    },
    async queued() {
      const jobs = await engine.queue.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
      return jobs.filter((j) => j?.id).map((j) => ({ jobId: j.id!, instanceId: j.data.instanceId }));
    },
    async rejectAndWait(jobId) {
      const rec = await until(async () => {
        const [r0] = await engine.service.status(jobId);
        return r0 && (r0.state === 'awaiting_approval' || r0.state === 'finished') ? r0 : undefined;
      }, { what: `${jobId} to wait for its approval or end` });
      if (rec.state !== 'finished') {
        const card = await env.approvalCard(jobId);
        const res = await slack.click(rec.requestedBy, card.channel, card.ts, { actionId: 'natmigrate_reject' });
        if (res.status !== 200) throw new Error(`reject of ${jobId} answered ${res.status}`);
      }
      await until(async () => (await engine.service.status(jobId))[0]?.state === 'finished' && !(await engine.queue.getJob(jobId)), { what: `${jobId} to end` });
    },
  };
  return env;
}

/** Cloud writes seen by the sandbox (anything that is not a read). */
export function cloudWrites(sandbox: Sandbox, since = 0): { action: string; at: number }[] {
  return sandbox.requests.filter((r) => r.at >= since && r.code === 'OK' && !/^(Describe|List)/.test(r.action)).map((r) => ({ action: r.action, at: r.at }));
}

/** Every API request (reads too) that names the instance in a parameter: what the cloud heard about it. */
export function cloudRequestsFor(sandbox: Sandbox, instanceId: string, since = 0): { action: string; at: number }[] {
  return sandbox.requests.filter((r) => r.at >= since && Object.values(r.params).some((v) => String(v).includes(instanceId)))
    .map((r) => ({ action: r.action, at: r.at }));
}

/** The DNAT entries of an external IP, as the sandbox holds them now. */
export function dnatFor(sandbox: Sandbox, externalIp: string): { internalIp: string; status: string; forwardEntryId: string }[] {
  return [...sandbox.world.dnatEntries.values()].filter((d) => d.externalIp === externalIp).map((d) => ({ internalIp: d.internalIp, status: d.status, forwardEntryId: d.forwardEntryId }));
}

export { assertOrder } from '../support/transcript.ts';
