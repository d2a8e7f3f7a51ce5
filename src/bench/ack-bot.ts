// The Slack bot of the ack benchmark, in its own process (so the load generator does not share its event loop):
// the real Bolt app in HTTP mode, wired to the engine's service on Redis (no worker) and to the fake workspace's
// Web API in the parent process. Adds one no-op command (`/natmigrate-noop`: ack with a short text) as the baseline.
// Configured by NATMIGRATE_BENCH_ACK (JSON); prints {"url": …} once listening; exits on SIGTERM.
import { writeSync } from 'node:fs';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { createEngine } from '../engine/engine.ts';
import { createSlackBot, createSlackNotifier } from '../slack/app.ts';

interface AckBotConfig {
  redisUrl: string;
  prefix: string;
  slackApiUrl: string;
  botToken: string;
  botId: string;
  botUserId: string;
  signingSecret: string;
  requesters: string[];
  approvers: string[];
}

const NOOP_COMMAND = '/natmigrate-noop';

const cfg = JSON.parse(process.env.NATMIGRATE_BENCH_ACK ?? '{}') as AckBotConfig;
const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: null });
// As in production, the engine's notifier is the Slack outbox (job.queued → the job's thread).
const outbox = createSlackNotifier({ redis, prefix: `${cfg.prefix}:slack`, botToken: cfg.botToken, slackApiUrl: cfg.slackApiUrl });
// Only the service side of the engine: submissions are queued in Redis, nobody runs them.
const engine = createEngine({
  redis: cfg.redisUrl, prefix: cfg.prefix, cloud: { regionId: 'cn-hangzhou' } as CloudPort,
  notifier: outbox, logger: pino({ level: 'silent' }),
});
const bot = createSlackBot({
  botToken: cfg.botToken, signingSecret: cfg.signingSecret, slackApiUrl: cfg.slackApiUrl, port: 0,
  botId: cfg.botId, botUserId: cfg.botUserId, service: engine.service, redis, prefix: `${cfg.prefix}:slack`,
  requesters: cfg.requesters, approvers: cfg.approvers, defaultRegion: 'cn-hangzhou', outbox,
  // Production settings: the response leaves when ack() is called; the outbox delivers threads in this process.
  processBeforeResponse: false,
});
bot.app.command(NOOP_COMMAND, async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
const { port } = await bot.start();
writeSync(1, `${JSON.stringify({ url: `http://127.0.0.1:${port}/slack/events`, pid: process.pid })}\n`);

process.on('SIGTERM', () => {
  void (async () => {
    await bot.stop().catch(() => {});
    await engine.close().catch(() => {});
    await redis.quit().catch(() => {});
    process.exit(0);
  })();
});
