// Fuzzing the two things Slack users control: the slash-command text and the interactive payload of a click.
// Cases come from fast-check (fixed seeds, so a failure reproduces), are signed like Slack's and sent to the real
// Bolt receiver in its own process (src/bench/ack-bot.ts). Every case must be answered with a clear message
// (slash: 200 + ephemeral text in the ack; click: 200 + an ephemeral text on its response_url), never an internal
// error, within Slack's 3 s; the bot must stay up; and no job may exist that a valid command did not ask for.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { parseCommand } from '../domain/command.ts';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../slack/blocks/approval-card.ts';
import { startFakeSlack } from '../slack-sim/index.ts';
import { blockActionsPayload, interactionBody, signedHeaders, slashCommandBody } from '../slack-sim/signing.ts';
import { ROOT } from './proc.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { sleep } from '../util/sleep.ts';
import { nodeArgsFor } from '../util/node-entry.ts';
import { stopChild } from '../util/stop-child.ts';

const SECRET = 'fuzz-signing-secret-0123456789';
const CHANNEL = 'C0FUZZ';
const REQUESTER = 'U0FUZZREQ';
const APPROVER = 'U0FUZZAPP';
const NOBODY = 'U0FUZZEVE';
const REGION = 'cn-hangzhou';

export interface FuzzResult {
  cases: number;
  slashCases: number;
  clickCases: number;
  failures: number;
  /** Jobs that exist although no valid command asked for them. */
  garbageJobs: number;
  /** Texts that parsed as a command, and the jobs that exist at the end (all asked for by those). */
  parsedCommands: number;
  jobsCreated: number;
  botAlive: boolean;
  examples: string[];
}

// ── generators ────────────────────────────────────────────────────────────

const token = fc.oneof(
  fc.constantFrom('run', 'plan', 'status', 'cancel', 'rollback', 'scan', 'help', 'RUN', 'Run', 'approve', 'delete', 'rm', '-rf', '/'),
  fc.constantFrom('--ports', '--port', '--region', '--all', '--canary', '--concurrency', '--configure-guest', '--vswitch', '--security-groups', '--', '-', '—ports', '–region', '--ports=22', '--region=cn-hangzhou'),
  fc.constantFrom('any', 'all', '22', '22,443', '0', '65536', '-1', '1-100', 'cn-hangzhou', 'cn-shanghai', 'us-east-1', 'xx-nowhere-9', 'mars'),
  fc.stringMatching(/^i-[a-z0-9]{1,40}$/),
  fc.stringMatching(/^(ngw|vpc|vsw|sg|eni)-[a-z0-9]{3,30}$/),
  fc.stringMatching(/^(migrate|rollback|preview|batch)-cn-hangzhou-i-[a-z0-9]{6,24}-[0-9]{1,4}$/),
  fc.constantFrom('<@U0FUZZREQ>', '<#C0FUZZ|fuzz>', '<mailto:a@b.c|a@b.c>', '<http://i-abc123|i-abc123>', '&amp;', '&lt;script&gt;', '“i-abcdef12”', '‘run’', '\u200b', '\u00a0', '`i-abcdef12`', '${jndi:ldap://x}', "'; DROP TABLE x;--", '%s%n', '\\', '\0'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const sep = fc.constantFrom(' ', '  ', '\t', '\n', '\u3000', '\u00a0', ',', '');

const slashText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(token, sep), { maxLength: 12 }).map((xs) => xs.map(([t, s]) => t + s).join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('run ', 'plan ', 'status ', ''), fc.string({ unit: 'grapheme-ascii', minLength: 500, maxLength: 6000 })).map(([a, b]) => a + b) },
  // Near-valid commands, so the no-garbage check also sees real jobs next to refused look-alikes.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('run ', 'plan ', 'run  ', '“run” '), fc.stringMatching(/^i-[a-z0-9]{4,34}$/), fc.constantFrom('', ' --ports 22', ' --ports any --configure-guest', ' --region cn-shanghai', ' --ports 99999', ' extra'))
    .map(([a, b, c]) => a + b + c) },
);

const hex = (n: number) => fc.stringMatching(new RegExp(`^[a-f0-9]{${n}}$`));
const buttonValue: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.tuple(fc.stringMatching(/^(migrate|rollback|batch)-cn-hangzhou-i-[a-z0-9]{6,20}-[0-9]{1,3}$/), hex(64), hex(16))
    .map(([j, h, n]) => `na1:${j}:${h}:${n}`),
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }))
    .map(([j, h, n]) => `na1:${j}:${h}:${n}`),
  fc.string({ unit: 'grapheme-ascii', minLength: 1900, maxLength: 2600 }),
  fc.constantFrom('na1', 'na1:::', 'na2:migrate-cn-hangzhou-i-abcdef-1:abc:def', '{"jobId":"x"}', 'null', '0'),
);

interface Click {
  actionId: string;
  userId: string;
  channelId: string;
  messageTs: string;
  threadTs?: string;
  value?: string;
  dropMessage: boolean;
}

const click: fc.Arbitrary<Click> = fc.record({
  actionId: fc.constantFrom(APPROVE_ACTION_ID, REJECT_ACTION_ID),
  userId: fc.oneof(fc.constantFrom(APPROVER, REQUESTER, NOBODY), fc.stringMatching(/^[UW][A-Z0-9]{2,11}$/)),
  channelId: fc.oneof(fc.constant(CHANNEL), fc.stringMatching(/^[CDG][A-Z0-9]{2,11}$/)),
  messageTs: fc.oneof(fc.stringMatching(/^[0-9]{10}\.[0-9]{6}$/), fc.string({ maxLength: 20 })),
  threadTs: fc.option(fc.stringMatching(/^[0-9]{10}\.[0-9]{6}$/), { nil: undefined }),
  value: buttonValue,
  dropMessage: fc.boolean(),
});

// ── running ───────────────────────────────────────────────────────────────

function post(url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(body);
  });
}

const INTERNAL = /rotating_light|could not process|\bat [^\s]+\.(ts|js):\d+|TypeError|ReferenceError|undefined is not/;

function clearText(text: unknown): string | undefined {
  if (typeof text !== 'string' || !text.trim()) return 'empty text';
  if (INTERNAL.test(text)) return `internal error: ${text.slice(0, 160)}`;
  return undefined;
}

export async function runFuzz(o: { redisUrl: string; slashCases: number; clickCases: number; seed?: number; log?: (s: string) => void }): Promise<FuzzResult> {
  const prefix = `{nmchaos-fuzz-${randomBytes(3).toString('hex')}}`;
  const slack = await startFakeSlack({
    users: [{ id: REQUESTER, name: 'fuzz-req' }, { id: APPROVER, name: 'fuzz-app' }, { id: NOBODY, name: 'fuzz-eve' }],
    channels: { [CHANNEL]: 'fuzz' },
  });
  let stderr = '';
  const child = spawn(process.execPath, nodeArgsFor(new URL('./ack-bot.ts', import.meta.url)), {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NATMIGRATE_BENCH_ACK: JSON.stringify({
        redisUrl: o.redisUrl, prefix, slackApiUrl: slack.apiUrl, botToken: slack.botToken, botId: slack.botId, botUserId: slack.botUserId,
        signingSecret: SECRET, requesters: [REQUESTER], approvers: [APPROVER],
      }),
    },
  });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const examples: string[] = [];
  let failures = 0;
  const fail = (what: string) => {
    failures++;
    if (examples.length < 12) examples.push(what.slice(0, 300));
  };
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(new URL((JSON.parse(line) as { url: string }).url));
      });
      child.once('exit', (code) => reject(new Error(`bot exited (${code}) before listening: ${stderr.slice(-1000)}`)));
      setTimeout(() => reject(new Error('bot did not start within 60 s')), 60_000).unref();
    });
    const seed = o.seed ?? 20261127;
    const texts = fc.sample(slashText, { numRuns: o.slashCases, seed });
    const clicks = fc.sample(click, { numRuns: o.clickCases, seed: seed + 1 });
    // What valid commands may create: migrations of these instances, previews of these, batches.
    const mayRun = new Set<string>();
    const mayPlan = new Set<string>();
    let mayBatch = false;

    let n = 0;
    let parsedCommands = 0;
    let jobsCreated = 0;
    const slashOne = async (text: string, i: number) => {
      const userId = i % 5 === 4 ? NOBODY : REQUESTER;
      const parsed = parseCommand(text);
      if (parsed.ok) parsedCommands++;
      if (parsed.ok && userId === REQUESTER) {
        const c = parsed.command;
        if (c.kind === 'run' && (c.region ?? REGION) === REGION) c.instanceIds.forEach((id) => mayRun.add(id));
        if (c.kind === 'plan' && (c.region ?? REGION) === REGION) mayPlan.add(c.instanceId);
        if (c.kind === 'batch') mayBatch = true;
      }
      const body = slashCommandBody({ teamId: slack.teamId, channelId: CHANNEL, userId, text, responseUrl: `${slack.url}/response_url/T0/fuzz-s${i}/x` });
      try {
        const r = await post(url, body, signedHeaders(SECRET, body));
        if (r.status !== 200) return fail(`slash ${JSON.stringify(text.slice(0, 80))}: HTTP ${r.status}`);
        if (r.ms > 3000) return fail(`slash ${JSON.stringify(text.slice(0, 80))}: answered after ${Math.round(r.ms)} ms`);
        // A blank command opens the start form: the ack is empty and the answer is the modal (views.open), not text.
        if (!text.trim() && r.text === '') return;
        let j: { response_type?: string; text?: unknown };
        try { j = JSON.parse(r.text) as typeof j; } catch { return fail(`slash ${JSON.stringify(text.slice(0, 80))}: not JSON: ${r.text.slice(0, 80)}`); }
        if (j.response_type !== 'ephemeral') return fail(`slash ${JSON.stringify(text.slice(0, 80))}: response_type ${j.response_type}`);
        const bad = clearText(j.text);
        if (bad) return fail(`slash ${JSON.stringify(text.slice(0, 80))}: ${bad}`);
      } catch (e) {
        fail(`slash ${JSON.stringify(text.slice(0, 80))}: ${String(e)}`);
      }
    };
    const clickOne = async (c: Click, i: number) => {
      const path = `/response_url/T0/fuzz-c${i}/x`;
      const payload = blockActionsPayload({
        teamId: slack.teamId, userId: c.userId, channelId: c.channelId, messageTs: c.messageTs, ...(c.threadTs ? { threadTs: c.threadTs } : {}),
        message: c.dropMessage ? {} : { type: 'message', ts: c.messageTs, text: 'approval', blocks: [] },
        actionId: c.actionId, blockId: 'natmigrate_approval', ...(c.value !== undefined ? { value: c.value } : {}), responseUrl: `${slack.url}${path}`,
      });
      const body = interactionBody(payload);
      try {
        const r = await post(url, body, signedHeaders(SECRET, body));
        if (r.status !== 200) return fail(`click ${JSON.stringify(c).slice(0, 160)}: HTTP ${r.status}`);
        const deadline = Date.now() + 3000;
        for (;;) {
          const got = slack.responses().find((x) => x.path === path);
          if (got) {
            const bad = clearText(got.body.text);
            if (bad) return fail(`click ${JSON.stringify(c).slice(0, 160)}: ${bad}`);
            if (got.body.response_type !== 'ephemeral') return fail(`click ${JSON.stringify(c).slice(0, 160)}: response_type ${String(got.body.response_type)}`);
            return;
          }
          if (Date.now() > deadline) return fail(`click ${JSON.stringify(c).slice(0, 160)}: no message to the clicker within 3 s`);
          await sleep(10);
        }
      } catch (e) {
        fail(`click ${JSON.stringify(c).slice(0, 160)}: ${String(e)}`);
      }
    };
    // A few at a time, like a busy workspace.
    const work: (() => Promise<void>)[] = [...texts.map((t, i) => () => slashOne(t, i)), ...clicks.map((c, i) => () => clickOne(c, i))];
    const lanes = Array.from({ length: 8 }, async () => {
      for (;;) {
        const w = work.shift();
        if (!w) return;
        await w();
        n++;
        if (n % 200 === 0) o.log?.(`  fuzz: ${n}/${texts.length + clicks.length}`);
      }
    });
    await Promise.all(lanes);
    await sleep(300); // queueing finishes right after the ack

    // No job from garbage: every record must be one a valid command asked for.
    let garbageJobs = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:nm:rec:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const [kind, instanceId] = (await redis.hmget(k, 'kind', 'instanceId')).map((v) => (v ? JSON.parse(v) as string : undefined));
        jobsCreated++;
        const ok = kind === 'migrate' ? mayRun.has(instanceId ?? '') : kind === 'preview' ? mayPlan.has(instanceId ?? '') : kind === 'batch' ? mayBatch : false;
        if (!ok) {
          garbageJobs++;
          fail(`a ${kind} job for ${instanceId} exists that no valid command asked for (${k})`);
        }
      }
    } while (cursor !== '0');
    const botAlive = child.exitCode === null && child.signalCode === null;
    if (!botAlive) fail(`the bot died: ${stderr.slice(-500)}`);
    if (/unhandled|uncaught/i.test(stderr)) fail(`bot stderr: ${stderr.slice(-300)}`);
    return { cases: texts.length + clicks.length, slashCases: texts.length, clickCases: clicks.length, failures, garbageJobs, parsedCommands, jobsCreated, botAlive, examples };
  } finally {
    await stopChild(child);
    await slack.close();
    await deleteKeys(redis, prefix).catch(() => 0);
    await redis.quit().catch(() => {});
  }
}
