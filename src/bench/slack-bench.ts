// Slack under its own limits: the whole product in-process (engine + worker + the real Alibaba adapter against the
// sandbox, the real Bolt bot and outbox) against the strict simulated workspace (rate limits, membership, latency
// all on). Two runs in one channel: a `run --all` batch over a NAT gateway, and `run` with 50 instance ids. An
// approver clicks Approve on every approval card the moment it shows up in Slack. Measures what Slack refused, the
// Slack calls per instance, how long a thread takes to be complete after the engine's last event, and how long an
// approval card takes to show after it was asked for.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import { createAlibabaCloud } from '../cloud/alibaba/index.ts';
import type { MigrationEvent } from '../domain/events.ts';
import { createEngine } from '../engine/engine.ts';
import { RedisRateBudget } from '../engine/store/api-rate-budget.ts';
import { makeKeys } from '../engine/store/keys.ts';
import { fleetIds, makeFleetScenario, startSandbox } from '../sandbox/index.ts';
import { startFakeSlack } from '../slack-sim/index.ts';
import { createSlackBot, createSlackNotifier } from '../slack/app.ts';
import { expectedOf, type BenchLatencies } from './floors.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { percentile, round } from './stats.ts';
import { sleep } from '../util/sleep.ts';

export interface SlackBenchResult {
  mode: 'batch' | 'run';
  n: number;
  /** Calls Slack refused (429s and ok:false answers). */
  refused: number;
  calls: number;
  callsPerInstance: number;
  /** Engine's last event of a job → its thread fully delivered, p99 over the threads. */
  deliveryLagP99Ms: number;
  /** approval.requested → the card in Slack, worst card. */
  approvalCardDelayMs: number;
  durationMs: number;
  outcomes: Record<string, number>;
}

const CH = 'C0BENCH';
const REQUESTER = 'U0REQUESTER';
const APPROVER = 'U0APPROVER';
const SECRET = 'bench-signing-secret-0123456789';

export async function runSlackBench(o: { redisUrl: string; mode: 'batch' | 'run'; n: number; latencies: BenchLatencies; log?: (s: string) => void }): Promise<SlackBenchResult> {
  const l = o.latencies;
  const sandbox = await startSandbox({ scenario: makeFleetScenario({ instances: o.n, latencyMs: { ...l } }) });
  const slack = await startFakeSlack({ users: [{ id: REQUESTER, name: 'requester' }, { id: APPROVER, name: 'approver' }], channels: { [CH]: 'bench' } });
  const prefix = `{nmbench-slack-${randomBytes(3).toString('hex')}}`;
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const outbox = createSlackNotifier({ redis, prefix: `${prefix}:slack`, botToken: slack.botToken, slackApiUrl: slack.apiUrl });
  const lastEventAt = new Map<string, number>();
  const askedAt = new Map<string, number>();
  const finished = new Map<string, string>();
  const ended = new Set<string>();
  const notifier = {
    async emit(e: MigrationEvent) {
      await outbox.emit(e);
      lastEventAt.set(e.jobId, Date.now());
      if (e.type === 'approval.requested') askedAt.set(e.jobId, Date.now());
      if (e.type === 'finished') ended.add(e.jobId);
      if (e.type === 'finished' && e.jobId.startsWith('migrate-')) finished.set(e.jobId, e.outcome);
    },
  };
  const cloud = createAlibabaCloud({
    regionId: sandbox.regionId, ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http',
    credentials: sandbox.credentials, rateBudget: new RedisRateBudget(redis, makeKeys(prefix), { ratePerSec: 100 }),
  });
  const engine = createEngine({
    redis: o.redisUrl, prefix, cloud, notifier, logger: pino({ level: 'silent' }),
    options: { publicEdge: sandbox.edge, expectedMs: expectedOf(l), verifyTimeoutMs: 60_000 },
    worker: { concurrency: 20 },
  });
  const worker = await engine.startWorker();
  const bot = createSlackBot({
    botToken: slack.botToken, signingSecret: SECRET, slackApiUrl: slack.apiUrl, port: 0, botId: slack.botId, botUserId: slack.botUserId,
    service: engine.service, redis, prefix: `${prefix}:slack`, requesters: [], approvers: [APPROVER], defaultRegion: sandbox.regionId, outbox,
  });
  const { port } = await bot.start();
  slack.connectBot({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET });
  const cardAt = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  const t0 = Date.now();
  try {
    const ids = Array.from({ length: o.n }, (_, i) => fleetIds.instance(i));
    const text = o.mode === 'batch' ? `run --all ${fleetIds.natGateway} --canary 1 --concurrency 20` : `run ${ids.join(' ')}`;
    const ack = await slack.slash(REQUESTER, CH, text);
    // Both are one batch: `run --all` over the gateway, `run` with several ids over those instances.
    const jobs = [...String(ack.json?.text ?? '').matchAll(/as (?:one batch )?`(batch-[^`]+)`/g)].map((m) => m[1]!);
    if (jobs.length !== 1) throw new Error(`not queued: ${String(ack.json?.text)}`);
    const deadline = t0 + 30 * 60_000;
    let lastLog = Date.now();
    // The approver clicks each card as it shows up; a thread is complete once the job finished and nothing of it waits.
    while (deliveredAt.size < jobs.length) {
      if (Date.now() > deadline) throw new Error(`slack bench (${o.mode}) not done after ${Date.now() - t0} ms: ${deliveredAt.size}/${jobs.length} threads complete`);
      const pending = new Set(await outbox.pending());
      for (const jobId of jobs) {
        const t = await outbox.thread(jobId);
        if (t?.approval && !cardAt.has(`${jobId}:${t.approval.ts}`)) {
          cardAt.set(`${jobId}:${t.approval.ts}`, Date.now() - (askedAt.get(jobId) ?? Date.now()));
          void slack.click(APPROVER, t.channel, t.approval.ts, { actionId: 'natmigrate_approve' }).catch((err: unknown) => o.log?.(`  click failed: ${String(err)}`));
        }
        if (ended.has(jobId) && !pending.has(jobId) && !deliveredAt.has(jobId)) deliveredAt.set(jobId, Date.now() - (lastEventAt.get(jobId) ?? Date.now()));
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        o.log?.(`  slack ${o.mode}: ${finished.size}/${o.n} migrations finished, ${deliveredAt.size}/${jobs.length} threads complete after ${round((Date.now() - t0) / 1000, 1)} s`);
      }
      await sleep(50);
    }
  } finally {
    await bot.stop();
    await worker.close({ graceMs: 2000 });
    await engine.close();
    await deleteKeys(redis, prefix).catch(() => 0);
    await redis.quit().catch(() => {});
    await slack.close();
    await sandbox.close();
  }
  const calls = slack.calls().filter((c) => c.method !== 'upload');
  const outcomes: Record<string, number> = {};
  for (const v of finished.values()) outcomes[v] = (outcomes[v] ?? 0) + 1;
  return {
    mode: o.mode, n: o.n,
    refused: calls.filter((c) => c.status === 429 || c.response?.ok === false).length,
    calls: calls.length, callsPerInstance: round(calls.length / o.n, 2),
    deliveryLagP99Ms: percentile([...deliveredAt.values()], 99),
    approvalCardDelayMs: Math.max(...cardAt.values()),
    durationMs: Date.now() - t0,
    outcomes,
  };
}
