// Ack latency of `/natmigrate run` under a fixed request rate, against a no-op Bolt command in the same run.
// The bot runs in its own process (ack-bot.ts); this process is the fake Slack workspace and the load generator:
// requests are signed exactly like Slack's and sent open-loop (on schedule, whatever the previous answers did),
// run and no-op interleaved, over keep-alive loopback connections. Latency = request written → response read.
// Debug knobs: NATMIGRATE_BENCH_PROFILE=<dir> (CPU profile of the bot), NATMIGRATE_BENCH_ACK_DUMP=<file> (samples).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startFakeSlack } from '../slack-sim/index.ts';
import { signedHeaders, slashCommandBody } from '../slack-sim/signing.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { percentile, round } from './stats.ts';
import { sleep } from '../util/sleep.ts';
import { nodeArgsFor } from '../util/node-entry.ts';
import { stopChild } from '../util/stop-child.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'bench-signing-secret-0123456789';
const CHANNEL = 'C0BENCH';
const REQUESTER = 'U0BENCHREQ';

export interface AckResult {
  ratePerSec: number;
  noopRatePerSec: number;
  durationMs: number;
  runs: number;
  noops: number;
  ackP50Ms: number;
  ackP99Ms: number;
  noopP50Ms: number;
  noopP99Ms: number;
  ackRatio: number;
  /** Answers that were not 200 with the expected text. */
  bad: number;
  jobsQueued: number;
}

interface Sample { kind: 'run' | 'noop'; ms: number; ok: boolean }

function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({
      agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runAck(o: { redisUrl: string; ratePerSec: number; noopRatePerSec?: number; durationMs: number; warmupMs: number; log?: (s: string) => void }): Promise<AckResult> {
  const prefix = `{nmbench-ack-${randomBytes(3).toString('hex')}}`;
  const slack = await startFakeSlack({
    users: [{ id: REQUESTER, name: 'bench-requester' }, { id: 'U0BENCHAPP', name: 'bench-approver' }],
    channels: { [CHANNEL]: 'bench' },
  });
  const prof = process.env.NATMIGRATE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.NATMIGRATE_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...prof, ...nodeArgsFor(new URL('./ack-bot.ts', import.meta.url))], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NATMIGRATE_BENCH_ACK: JSON.stringify({
        redisUrl: o.redisUrl, prefix, slackApiUrl: slack.apiUrl, botToken: slack.botToken, botId: slack.botId, botUserId: slack.botUserId,
        signingSecret: SECRET, requesters: [REQUESTER], approvers: ['U0BENCHAPP'],
      }),
    },
  });
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(new URL((JSON.parse(line) as { url: string }).url));
      });
      child.once('exit', (code) => reject(new Error(`ack bot exited (${code}) before listening`)));
      setTimeout(() => reject(new Error('ack bot did not start within 60 s')), 60_000).unref();
    });
    slack.connectBot({ url: url.href, signingSecret: SECRET });

    let seq = 0;
    const send = async (kind: 'run' | 'noop'): Promise<Sample> => {
      const n = seq++;
      // A fresh instance id per run: each request really claims an instance, writes a record and queues a job.
      const text = kind === 'run' ? `run i-bench${String(n).padStart(8, '0')}` : 'noop';
      const body = slashCommandBody({
        teamId: slack.teamId, channelId: CHANNEL, userId: REQUESTER, text,
        command: kind === 'run' ? '/natmigrate' : '/natmigrate-noop',
        responseUrl: `${slack.url}/response/bench-${n}`, triggerId: `${n}.1.bench`,
      });
      try {
        const r = await post(agent, url, body, signedHeaders(SECRET, body));
        const ok = r.status === 200 && (kind === 'run' ? r.text.includes('queued as') : r.text.includes('ok'));
        return { kind, ms: r.ms, ok };
      } catch {
        return { kind, ms: Number.NaN, ok: false };
      }
    };

    // Slack lets an app post about one message a second into a channel; 200 new threads a second get 429s. The fake
    // workspace answers thread posts the same way for the run, so the outbox backs off as it would against Slack
    // instead of burning the bot's CPU on deliveries no real workspace would accept.
    for (const method of ['chat.postMessage', 'chat.update']) slack.fail(method, { kind: 'rate_limited', retryAfterSec: 1 }, 100_000);

    // Warm-up: JIT, connection pool, caches (channel membership, identity); not measured.
    const warm: Promise<Sample>[] = [];
    const warmEnd = Date.now() + o.warmupMs;
    while (Date.now() < warmEnd) {
      warm.push(send('run'), send('noop'));
      await sleep(20);
    }
    await Promise.all(warm);

    // Open loop: run k goes at t0 + k/rate; every `noopEvery`-th slot also gets a no-op half a period later
    // (probes of the same moment, at a rate that does not itself load the bot much).
    const period = 1000 / o.ratePerSec;
    const total = Math.floor((o.durationMs / 1000) * o.ratePerSec);
    const every = Math.max(1, Math.round(o.ratePerSec / (o.noopRatePerSec ?? o.ratePerSec)));
    const slots: { at: number; kind: 'run' | 'noop' }[] = [];
    for (let k = 0; k < total; k++) {
      slots.push({ at: k * period, kind: 'run' });
      if (k % every === 0) slots.push({ at: (k + 0.5) * period, kind: 'noop' });
    }
    const pending: Promise<Sample>[] = [];
    const t0 = performance.now() + 20;
    let i = 0;
    while (i < slots.length) {
      const due = t0 + slots[i]!.at;
      const now = performance.now();
      if (now < due) {
        await sleep(Math.max(0, Math.floor(due - now) - 1));
        continue;
      }
      pending.push(send(slots[i]!.kind));
      i++;
    }
    const samples = await Promise.all(pending);
    if (process.env.NATMIGRATE_BENCH_ACK_DUMP) (await import('node:fs')).writeFileSync(process.env.NATMIGRATE_BENCH_ACK_DUMP, JSON.stringify(samples));
    const run = samples.filter((s) => s.kind === 'run' && s.ok).map((s) => s.ms);
    const noop = samples.filter((s) => s.kind === 'noop' && s.ok).map((s) => s.ms);
    const queued = (await redis.zcard(`${prefix}:nm:active-jobs`));
    const p99 = percentile(run, 99);
    const n99 = percentile(noop, 99);
    return {
      ratePerSec: o.ratePerSec, noopRatePerSec: o.ratePerSec / every, durationMs: o.durationMs, runs: run.length, noops: noop.length,
      ackP50Ms: round(percentile(run, 50), 2), ackP99Ms: round(p99, 2),
      noopP50Ms: round(percentile(noop, 50), 2), noopP99Ms: round(n99, 2),
      ackRatio: round(p99 / n99, 3),
      bad: samples.filter((s) => !s.ok).length,
      jobsQueued: queued,
    };
  } finally {
    agent.destroy();
    await stopChild(child);
    await slack.close();
    await deleteKeys(redis, prefix).catch(() => 0);
    await redis.quit().catch(() => {});
  }
}
