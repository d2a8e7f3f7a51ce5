// Shared pieces of the runtime tests: the world (sandbox cloud, fake Slack workspace, a private Redis prefix), the
// environment a natmigrate process needs for it, and spawned `node bin/natmigrate.js <role>` processes whose
// JSON log lines can be awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';
import { createOutbox, type Outbox } from '../../src/slack/outbox.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/index.ts';
import { makeKeys } from '../../src/engine/store/keys.ts';
import { RecordStore } from '../../src/engine/store/records.ts';
import type { JobRecord } from '../../src/engine/ports.ts';
import { until, UntilTimeoutError } from '../../src/util/until.ts';
import { runtimeScenario } from './scenario.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SIGNING_SECRET = 'runtime-test-signing-secret-0123';
export const CHANNEL = 'C0OPS';
export const REQUESTER = 'U0ALICE';
export const APPROVER = 'U0BOB';
export const PEOPLE = [
  { id: REQUESTER, name: 'alice' },
  { id: APPROVER, name: 'bob' },
  { id: 'U0EVE', name: 'eve' },
];

export interface World {
  sandbox: Sandbox;
  slack: FakeSlack;
  redis: Redis;
  prefix: string;
  /** Reads thread bookkeeping (not started: never delivers). */
  outbox: Outbox;
  env: Record<string, string>;
  record(jobId: string): Promise<JobRecord | undefined>;
  waitRecord(jobId: string, pred: (r: JobRecord) => boolean, what: string, timeoutMs?: number): Promise<JobRecord>;
  /** `/natmigrate run <instance>` as the requester, through whichever bot `botUrl` names; returns the job id. */
  run(instanceId: string, botUrl: string): Promise<string>;
  /** Clicks Approve on the job's approval card, through `botUrl`. */
  approve(jobId: string, botUrl: string): Promise<void>;
  /** The thread rooted at `rootTs` as a person reads it, once `done` holds. */
  waitThread(rootTs: string, done: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startWorld(name: string, extraEnv: Record<string, string> = {}): Promise<World> {
  const sandbox = await startSandbox({ scenario: runtimeScenario() });
  const slack = await startFakeSlack({ users: PEOPLE, channels: { [CHANNEL]: 'ops' } });
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const prefix = `{nmrt-${name}-${randomBytes(4).toString('hex')}}`;
  const outbox = createOutbox({ redis, prefix: `${prefix}:slack` });
  const keys = makeKeys(prefix);
  const env: Record<string, string> = {
    ...sandbox.env,
    REDIS_URL: 'redis://127.0.0.1:6379',
    NATMIGRATE_QUEUE_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    NATMIGRATE_REQUESTERS: REQUESTER,
    NATMIGRATE_APPROVERS: APPROVER,
    NATMIGRATE_VERIFY_TIMEOUT: '10s',
    // The scenario's transitions take tens of ms: the typical schedule's first read at 1–3 s would only wait.
    NATMIGRATE_POLL_SCHEDULE: 'backoff',
    ...extraEnv,
  };
  // The product's own reader: the record's layout (one field per step) is the store's business.
  const records = new RecordStore(redis, keys, 60_000);
  const record = (jobId: string): Promise<JobRecord | undefined> => records.get(jobId);
  const world: World = {
    sandbox, slack, redis, prefix, outbox, env, record,
    async waitRecord(jobId, pred, what, timeoutMs = 30_000) {
      let last: JobRecord | undefined;
      try {
        return await until(async () => {
          last = await record(jobId);
          return last && pred(last) ? last : undefined;
        }, { what: `${what} of ${jobId}`, timeoutMs, everyMs: 50 });
      } catch (e) {
        if (!(e instanceof UntilTimeoutError)) throw e;
        throw new Error(`${e.message}; record: ${JSON.stringify(last && { state: last.state, outcome: last.outcome, error: last.error })}`);
      }
    },
    async run(instanceId, botUrl) {
      slack.connectBot({ url: botUrl, signingSecret: SIGNING_SECRET });
      const res = await slack.slash(REQUESTER, CHANNEL, `run ${instanceId}`);
      const m = /queued as `([^`]+)`/.exec(String(res.json?.text ?? res.text));
      if (res.status !== 200 || !m) throw new Error(`run ${instanceId} was not queued: ${res.status} ${res.text}`);
      return m[1]!;
    },
    async approve(jobId, botUrl) {
      // Several jobs' threads share one channel, which takes about one post per second: a card can be a while.
      const ts = await until(async () => {
        const card = (await outbox.thread(jobId))?.approval?.ts;
        return card && slack.message(CHANNEL, card) ? card : undefined;
      }, { what: `the approval card of ${jobId}`, timeoutMs: 90_000, everyMs: 50 });
      slack.connectBot({ url: botUrl, signingSecret: SIGNING_SECRET });
      const res = await slack.click(APPROVER, CHANNEL, ts, { actionId: APPROVE_ACTION_ID });
      if (res.status !== 200) throw new Error(`approve click for ${jobId} answered ${res.status}`);
    },
    async waitThread(rootTs, done, what, timeoutMs = 30_000) {
      return slack.waitFor(() => {
        const lines = slack.transcript(CHANNEL, rootTs);
        return done(lines) ? lines : undefined;
      }, { timeoutMs, what: `the thread of ${what}` });
    },
    async close() {
      await slack.close();
      await sandbox.close();
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (found.length) await redis.del(...found);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
  return world;
}

export interface LogLine {
  level?: string;
  msg?: string;
  [k: string]: unknown;
}

export interface Proc {
  child: ChildProcess;
  lines: LogLine[];
  stderr(): string;
  stdout(): string;
  waitLog(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Port from the "ready" line. */
  ready(timeoutMs?: number): Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal?: NodeJS.Signals): void;
}

/** `node bin/natmigrate.js <args>` with exactly `env` (plus PATH/HOME), its stdout parsed as JSON lines. */
export function spawnNatmigrate(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['bin/natmigrate.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let out = '';
  let err = '';
  let buf = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    const s = d.toString('utf8');
    out += s;
    buf += s;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ msg: line });
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString('utf8'); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      for (const w of waiters.splice(0)) w();
    });
  });
  let dead = false;
  void exited.then(() => { dead = true; });
  const proc: Proc = {
    child, lines, exited,
    stderr: () => err,
    stdout: () => out,
    async waitLog(pred, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (dead) throw new Error(`process exited before ${what}; stderr:\n${err}\nstdout:\n${out.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${err}\nstdout:\n${out.slice(-4000)}`);
        await new Promise<void>((res) => {
          const t = setTimeout(res, 100);
          waiters.push(() => { clearTimeout(t); res(); });
        });
      }
    },
    async ready(timeoutMs = 30_000) {
      const l = await proc.waitLog((x) => typeof x.msg === 'string' && /^natmigrate \w+ ready$/.test(x.msg), 'the ready line', timeoutMs);
      return Number(l.port);
    },
    kill(signal = 'SIGTERM') {
      if (!dead) child.kill(signal);
    },
  };
  return proc;
}

export async function getText(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text(), headers: res.headers };
}
