// `npm run demo`: the real system on loopback — the sandbox cloud, the Alibaba adapter, the engine and its worker,
// the Slack bot (Bolt, HTTP mode, signed requests) and a simulated workspace whose people type commands and click
// buttons — driven through one session, then checked against the sandbox world itself (not only the bot's word).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config.ts';
import { createProductEngine } from '../runtime/compose.ts';
import type { JobRecord } from '../engine/ports.ts';
import { createLogger } from '../log.ts';
import { egressIp, probeEdge, ScenarioError, startSandbox, type Sandbox } from '../sandbox/index.ts';
import { APPROVE_ACTION_ID, createSlackBot, createSlackNotifier, slackBotOptionsFromConfig } from '../slack/index.ts';
import { startFakeSlack, type FakeSlack, type FakeUser } from '../slack-sim/index.ts';
import { createProgress, type Progress } from './progress.ts';
import { DEFAULT_REDIS_URL, DemoSetupError, deleteKeys, obtainRedis } from './redis.ts';
import { demoScenario, instanceFacts, pickInstances, scenarioLatencies, type InstanceFacts } from './scenario.ts';
import { channelTranscript, threadTranscript, type PersonAction } from './transcript.ts';
import { Cleanup, MemoryLog } from './cleanup.ts';
import { secs, summarize, verifyWorld } from './verdict.ts';
import { sleep } from '../util/sleep.ts';
import { until, UntilTimeoutError } from '../util/until.ts';
import type { Lang } from '../i18n/lang.ts';
import { msg, type Catalog } from '../i18n/catalog.ts';

export interface DemoOptions {
  /** Scenario file (JSON/YAML); default: the built-in scenario with demo latencies. */
  scenarioFile?: string;
  /** Instance to migrate; default: the first one the scenario has ready. */
  instanceId?: string;
  /** No progress lines. */
  quiet?: boolean;
  redisUrl?: string;
  /** Transcript and summary (default stdout). */
  out?: (s: string) => void;
  /** Progress (default stderr). */
  err?: (s: string) => void;
  signal?: AbortSignal;
  /** The language of the channel (NATMIGRATE_LANGUAGE) and of alice's and bob's Slack; default English. */
  lang?: Lang;
}

export interface DemoResult {
  ok: boolean;
  /** Why it is not ok (empty when ok). */
  problems: string[];
  /** 2 = the demo could not even be set up as asked (bad option, bad scenario). */
  exitCode: 0 | 1 | 2;
}

const CHANNEL = 'C0OPS';
const REQUESTER: FakeUser = { id: 'U0REQUESTER', name: 'alice', realName: 'Alice (on-call SRE)' };
const APPROVER: FakeUser = { id: 'U0APPROVER', name: 'bob', realName: 'Bob (network lead)' };
const PEOPLE = new Map([[REQUESTER.id, REQUESTER.name], [APPROVER.id, APPROVER.name]]);

/** A wrong outcome the demo detected (not a crash). */
class DemoFailure extends Error {}

/** Waits for a state of the session; a timeout or an interrupt ends the demo as a failure, not a crash. */
/** `what`: in the demo's language (it is the failure's words). */
async function waitFor<T>(t: Catalog, probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  try {
    return await until(probe, { what, timeoutMs, everyMs: 40, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (signal?.aborted) throw new DemoFailure(t.demoInterrupted());
    if (e instanceof UntilTimeoutError) throw new DemoFailure(t.demoTimedOut({ secs: Math.round(timeoutMs / 1000), what }));
    throw e;
  }
}

/** A pause a person takes (reading the card before clicking); an interrupt ends the demo. */
const pause = (t: Catalog, ms: number, signal?: AbortSignal) => sleep(ms, signal).catch(() => { throw new DemoFailure(t.demoInterrupted()); });


export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const lang = opts.lang ?? 'en';
  const t = msg(lang);
  // alice and bob use Slack in the demo's language (users.info with include_locale answers it).
  const locale = lang === 'ja' ? 'ja-JP' : 'en-US';
  const requester: FakeUser = { ...REQUESTER, locale };
  const approver: FakeUser = { ...APPROVER, locale };
  const out = opts.out ?? ((s: string) => void process.stdout.write(s));
  const progress = createProgress({ quiet: opts.quiet ?? false, words: { ok: t.progOk(), done: t.progDone(), failed: t.progFailed(), details: t.progDetails }, ...(opts.err ? { write: opts.err } : {}) });
  const signal = opts.signal;
  const cleanup = new Cleanup();
  const memLog = new MemoryLog();
  const logger = createLogger({ level: 'info', name: 'natmigrate-demo', destination: memLog });
  const t0 = Date.now();
  const marks: Record<string, number> = { start: t0 };
  const actions: PersonAction[] = [];
  const problems: string[] = [];
  let exitCode: 0 | 1 | 2 = 1;
  let slack: FakeSlack | undefined;
  let sandbox: Sandbox | undefined;
  let jobThread: { channel: string; threadTs: string } | undefined;
  let winThreadTs: { channel: string; threadTs: string } | undefined;
  let summary: string[] = [];
  let passLine = '';

  try {
    // ── set-up: scenario (bad options fail fast), Redis, sandbox, workspace, configuration, engine, bot ──
    let scenario;
    try {
      scenario = demoScenario(opts.scenarioFile);
    } catch (e) {
      exitCode = 2;
      throw e instanceof ScenarioError ? new DemoSetupError(e.message) : e;
    }
    if (opts.instanceId && !scenario.instances.some((i) => i.instanceId === opts.instanceId)) {
      exitCode = 2;
      throw new DemoSetupError(t.demoNoSuchInstance({ instance: opts.instanceId, has: scenario.instances.map((i) => i.instanceId) }));
    }
    const redisUrl = opts.redisUrl ?? DEFAULT_REDIS_URL;
    const redisInfo = await progress.stage(t.progRedis({ url: redisUrl }), () => obtainRedis(redisUrl, progress.note, lang),
      (r) => (r.privatePort ? t.progRedisPrivate({ port: r.privatePort }) : undefined));
    cleanup.push('private Redis', () => redisInfo.close());
    const prefix = `{natmigrate-demo-${randomBytes(4).toString('hex')}}`;
    const redis = new Redis(redisInfo.url, { maxRetriesPerRequest: null });
    redis.on('error', (e) => logger.warn({ err: e.message }, 'demo redis connection error'));
    cleanup.push('Redis keys', async () => {
      try {
        await deleteKeys(redis, prefix);
      } finally {
        redis.disconnect();
      }
    });

    sandbox = await progress.stage(t.progSandbox(opts.scenarioFile ? { scenarioFile: opts.scenarioFile } : {}),
      () => startSandbox({ scenario }), (s) => t.progSandboxUp({ endpoint: s.endpoint, edge: `${s.edge.host}:${s.edge.port}` }));
    const sb = sandbox;
    cleanup.push('sandbox cloud', () => sb.close());

    const picked = pickInstances(sb.world);
    const target = opts.instanceId ?? picked.target;
    if (!target) {
      exitCode = 2;
      throw new DemoSetupError(t.demoNoTarget());
    }
    const facts = instanceFacts(sb.world, target)!;
    const refusedExample = picked.refused && picked.refused !== target ? picked.refused : undefined;

    const ws = await progress.stage(t.progWorkspace(), () => startFakeSlack({
      users: [requester, approver], channels: { [CHANNEL]: 'ops' }, teamDomain: 'natmigrate-demo',
    }), (s) => t.progWorkspaceUp({ url: s.url }));
    slack = ws;
    cleanup.push('simulated Slack', () => ws.close());

    // The product's own configuration path: environment → validated Config → engine and bot.
    const signingSecret = randomBytes(16).toString('hex');
    const env: Record<string, string> = {
      ...sb.env,
      REDIS_URL: redisInfo.url,
      PORT: '0',
      SLACK_BOT_TOKEN: ws.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: ws.apiUrl,
      NATMIGRATE_REQUESTERS: REQUESTER.id,
      NATMIGRATE_APPROVERS: APPROVER.id,
      NATMIGRATE_QUEUE_PREFIX: prefix,
      NATMIGRATE_VERIFY_TIMEOUT: '30s',
      NATMIGRATE_APPROVAL_TTL: '10m',
      NATMIGRATE_LANGUAGE: lang,
    };
    const loaded = loadConfig(env, 'all');
    if (!loaded.ok) throw new DemoSetupError(t.demoBadConfig({ problems: loaded.problems }));
    const config: Config = loaded.config;

    const outbox = createSlackNotifier({ redis, prefix: `${prefix}:slack`, botToken: ws.botToken, slackApiUrl: ws.apiUrl, pollMs: 50, baseBackoffMs: 200, logger });
    const engine = createProductEngine(config, {
      notifier: outbox, logger,
      // Poll sooner than production: the sandbox's transitions take hundreds of ms, not seconds.
      options: { verifyIntervalMs: 200, retryBaseMs: 200, expectedMs: scenarioLatencies(scenario) },
      cloudOverrides: { waiter: { initialMs: 100, factor: 1.5, maxMs: 400 } },
    });
    cleanup.push('engine', () => engine.close());
    const worker = await progress.stage(t.progWorker(), () => engine.startWorker(),
      () => t.progWorkerUp({ queue: `${prefix}:migrations`, concurrency: config.NATMIGRATE_WORKER_CONCURRENCY }));
    cleanup.push('engine worker', () => worker.close());

    const bot = createSlackBot(slackBotOptionsFromConfig(config, { service: engine.service, redis, logger, outbox }));
    const { port } = await progress.stage(t.progBot(), () => bot.start(),
      (p) => `http://127.0.0.1:${p.port}/slack/events`);
    cleanup.push('Slack bot', () => bot.stop());
    ws.connectBot({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret });
    marks.ready = Date.now();

    // ── the session ──
    const record = async (jobId: string): Promise<JobRecord | undefined> => (await engine.service.status(jobId)).find((r) => r.jobId === jobId);
    const say = async (who: FakeUser, text: string, slip = false): Promise<string> => {
      progress.act(t.progTypes({ who: who.name, command: `/natmigrate ${text}`, slip }));
      const at = Date.now();
      const res = await ws.slash(who.id, CHANNEL, text);
      if (res.status !== 200) throw new DemoFailure(t.demoHttpToCommand({ status: res.status, command: `/natmigrate ${text}`, body: res.text.slice(0, 200) }));
      const reply = ws.renderText(String(res.json?.text ?? res.text));
      actions.push({ at, who: who.name, what: `/natmigrate ${text}`, reply });
      progress.note(t.progOnlyTo({ who: who.name, head: reply.split('\n')[0]!.slice(0, 110) }));
      return reply;
    };
    const dryRun = async (instanceId: string, flags: string): Promise<{ jobId: string; text: string }> => {
      const reply = await say(REQUESTER, `plan ${instanceId}${flags}`);
      const jobId = /`(preview-[^`]+)`/.exec(reply)?.[1];
      if (!jobId) throw new DemoFailure(t.demoDryRunNotQueued({ instance: instanceId, reply }));
      const msg = await progress.wait(t.progWaitDryRun(), () =>
        waitFor(t, () => ws.channelMessages(CHANNEL).find((m) => ws.render(m).includes(jobId)), t.waitDryRun({ job: jobId }), 30_000, signal));
      return { jobId, text: ws.render(msg) };
    };
    const guestFlag = facts.configuresSecondaryNic ? '' : ' --configure-guest';

    // 1. A slip: the command is refused on the spot, only alice sees why, nothing is queued.
    const typo = await say(REQUESTER, `migrate ${target}`, true);
    if (!/^:warning:/.test(typo)) problems.push(t.demoSlipNotRefused({ reply: typo }));

    // 2. A dry run on an instance the pre-flight refuses: the reason, and nothing changed.
    if (refusedExample) {
      const writesBefore = sb.requests.filter((r) => r.code === 'OK' && !/^(Describe|List)/.test(r.action)).length;
      const { jobId, text } = await dryRun(refusedExample, '');
      const rec = await record(jobId);
      const refusal = rec?.refusal ? `${rec.refusal.code}: ${rec.refusal.message}` : /refused/i.test(text) ? text.split('\n')[0] : undefined;
      // What #ops shows, in its language (the record's refusal message is the engine's English, for the check above).
      progress.note(t.progInOps({ head: text.split('\n')[0]! }));
      if (!refusal) problems.push(t.demoNotRefused({ instance: refusedExample, reply: text.split('\n')[0]! }));
      const writesAfter = sb.requests.filter((r) => r.code === 'OK' && !/^(Describe|List)/.test(r.action)).length;
      if (writesAfter !== writesBefore) problems.push(t.demoRefusedWrote({ instance: refusedExample, writes: writesAfter - writesBefore }));
    }

    // 3. The dry run of the instance to migrate.
    marks.plan = Date.now();
    const plan = await dryRun(target, guestFlag);
    progress.note(t.progInOps({ head: plan.text.split('\n')[0]! }));
    marks.planned = Date.now();

    // 4. The migration: queued, staged, approved by someone else, cut over, verified.
    const runReply = await say(REQUESTER, `run ${target}${guestFlag}`);
    const jobId = /`(migrate-[^`]+)`/.exec(runReply)?.[1];
    if (!jobId) throw new DemoFailure(t.demoRunNotQueued({ instance: target, reply: runReply }));
    marks.run = Date.now();
    const thread = await progress.wait(t.progWaitThread(), () => waitFor(t, () => outbox.thread(jobId), t.waitThread({ job: jobId }), 15_000, signal),
      (th) => t.progThreadTs({ ts: th.threadTs }));
    jobThread = { channel: thread.channel, threadTs: thread.threadTs };

    // Show the thread growing while we wait, one headline per new reply.
    let shown = 1;
    const follow = () => {
      const msgs = ws.thread(thread.channel, thread.threadTs);
      for (; shown < msgs.length; shown++) progress.note(t.progInThread({ head: ws.render(msgs[shown]!).split('\n')[0]!.slice(0, 110) }));
    };
    const next = await progress.wait(t.progWaitCard(), () => waitFor(t, async () => {
      follow();
      const th = await outbox.thread(jobId);
      if (th?.approval) return { kind: 'card' as const, ts: th.approval.ts };
      const rec = await record(jobId);
      return rec?.state === 'finished' ? { kind: 'finished' as const } : undefined;
    }, t.waitCard(), 30_000, signal), (n) => (n.kind === 'card' ? t.progCardPosted() : t.progFinishedUnasked()));

    if (next.kind === 'card') {
      marks.card = Date.now();
      await pause(t, 600, signal); // bob reads the card before clicking
      progress.act(t.progClicks({ who: APPROVER.name }));
      const at = Date.now();
      // The click carries the button's value as posted in the message (fake Slack reads it from the blocks).
      const res = await ws.click(APPROVER.id, CHANNEL, next.ts, { actionId: APPROVE_ACTION_ID });
      actions.push({ at, who: APPROVER.name, what: t.demoClickedApprove(), threadTs: thread.threadTs });
      if (res.status !== 200) problems.push(t.demoHttpToClick({ status: res.status, who: APPROVER.name }));
      marks.approved = Date.now();
    }
    await progress.wait(t.progWaitFinish(), () => waitFor(t, async () => {
      follow();
      const rec = await record(jobId);
      return rec?.state === 'finished' ? rec : undefined;
    }, t.waitFinish({ job: jobId }), 60_000, signal), (r) => t.progOutcome({ outcome: String(r.outcome) }));
    marks.finished = Date.now();
    await progress.wait(t.progWaitSettle(), () => outbox.waitIdle({ jobIds: [jobId], timeoutMs: 15_000 }).then(follow));

    // ── the verdict, from the job record and from the sandbox world itself ──
    const rec = (await record(jobId))!;
    const check = await progress.stage(t.progCheck(), () => verifyWorld(sb, facts, rec, lang));
    problems.push(...check.problems);
    summary = summarize(sb, facts, rec, jobId, marks, t0, check, PEOPLE, lang);
    passLine = t.demoPass({ instance: facts.instanceId, secs: secs(Date.now() - t0), from: String(facts.mappingIp), eni: String(check.eniId), egress: String(check.egress) });

    // 5. Next to it, a Windows instance: its new NIC lands in the Public profile, which blocks IIS on 80, so it runs
    // with --configure-guest (the new NIC's network set to Private); verified with PowerShell and RDP.
    if (!opts.instanceId && picked.windows) {
      const win = instanceFacts(sb.world, picked.windows)!;
      const reply = await say(REQUESTER, `run ${win.instanceId} --configure-guest`);
      const winJob = /`(migrate-[^`]+)`/.exec(reply)?.[1];
      if (!winJob) throw new DemoFailure(t.demoRunNotQueued({ instance: win.instanceId, reply }));
      const card = await progress.wait(t.progWaitCardOf({ name: win.name }), () => waitFor(t, async () => (await outbox.thread(winJob))?.approval?.ts, t.waitCardOf({ job: winJob }), 30_000, signal));
      progress.act(t.progClicksOn({ who: APPROVER.name, name: win.name }));
      const winThread = (await outbox.thread(winJob))!;
      actions.push({ at: Date.now(), who: APPROVER.name, what: t.demoClickedApprove(), threadTs: winThread.threadTs });
      const res = await ws.click(APPROVER.id, CHANNEL, card, { actionId: APPROVE_ACTION_ID });
      if (res.status !== 200) problems.push(t.demoHttpToClick({ status: res.status, who: APPROVER.name, name: win.name }));
      const winRec = await progress.wait(t.progWaitFinishOf({ name: win.name }), () => waitFor(t, async () => {
        const r = await record(winJob);
        return r?.state === 'finished' ? r : undefined;
      }, t.waitFinish({ job: winJob }), 60_000, signal), (r) => t.progOutcome({ outcome: String(r.outcome) }));
      await outbox.waitIdle({ jobIds: [winJob], timeoutMs: 15_000 });
      winThreadTs = { channel: winThread.channel, threadTs: winThread.threadTs };
      const winCheck = await progress.stage(t.progCheckWindows({ name: win.name }), () => verifyWorld(sb, win, winRec, lang));
      problems.push(...winCheck.problems);
      summary.push(t.sumWindows({ name: win.name, instance: win.instanceId, outcome: String(winRec.outcome ?? winRec.state), from: String(win.mappingIp), eni: winCheck.eniId ?? '?', port: win.sshPort, egress: winCheck.egress ?? 'none', viaSnat: winCheck.egress === win.snatIp }));
      passLine += `\n${t.demoPassWindows({ instance: win.instanceId, name: win.name, from: String(win.mappingIp), eni: String(winCheck.eniId), egress: String(winCheck.egress) })}`;
    }
    if (!problems.length) exitCode = 0;
  } catch (e) {
    if (e instanceof DemoSetupError) {
      problems.push(e.message);
    } else if (e instanceof DemoFailure) {
      problems.push(e.message);
    } else {
      problems.push(t.demoUnexpected({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
    }
  }

  // ── print: the session, the thread, the summary ──
  try {
    if (slack) {
      out(`\n${t.demoChannelHeading()}\n`);
      out(`${channelTranscript(slack, CHANNEL, actions, PEOPLE, lang).join('\n')}\n`);
      if (jobThread) {
        out(`\n${t.demoThreadHeading()}\n`);
        out(`${threadTranscript(slack, jobThread.channel, jobThread.threadTs, actions, PEOPLE, lang).join('\n')}\n`);
      }
      if (winThreadTs) {
        out(`\n${t.demoWindowsThreadHeading()}\n`);
        out(`${threadTranscript(slack, winThreadTs.channel, winThreadTs.threadTs, actions, PEOPLE, lang).join('\n')}\n`);
      }
    }
    if (summary.length) out(`\n${t.demoSummaryHeading()}\n${summary.join('\n')}\n`);
    if (problems.length) {
      const warnings = memLog.warnings();
      if (warnings.length) out(`\n${t.demoWarnings()}\n${warnings.map((w) => `  ${w}`).join('\n')}\n`);
    }
  } catch (e) {
    problems.push(t.demoPrintFailed({ error: e instanceof Error ? e.message : String(e) }));
  }

  if (cleanup.size) {
    await progress.stage(t.progCleanup(), async () => {
      const failures = await cleanup.run();
      for (const f of failures) progress.note(t.progCleanupFailed(f));
    });
  }

  if (problems.length) {
    if (exitCode === 0) exitCode = 1;
    // The first problem is the cause; the rest are usually its consequences in the world.
    const [cause, ...more] = problems;
    out(`\n${t.demoFail({ cause: String(cause) })}\n${more.map((p) => `${t.demoAlso({ problem: p })}\n`).join('')}`);
  } else {
    out(`\n${passLine}\n`);
  }
  return { ok: problems.length === 0, problems, exitCode };
}
