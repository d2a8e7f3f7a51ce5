import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createHealth } from '../../src/runtime/health.ts';
import { METRIC_NAMES } from '../../src/runtime/metrics.ts';
import { startRuntime, type Runtime } from '../../src/runtime/start.ts';
import { until } from '../../src/util/until.ts';
import { getText, startWorld, type World } from './helpers.ts';
import { INSTANCES } from './scenario.ts';

/**
 * The operational HTTP routes of a real `all` runtime (in this process, against the sandbox cloud and the fake
 * Slack workspace): /healthz, /metrics and Bull Board share PORT with /slack/events.
 */

const ADMIN = { user: 'ops', password: 'correct horse battery staple' };

function capture() {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, dest };
}

let world: World;
let rt: Runtime;
const logs = capture();
let base: string;

beforeAll(async () => {
  world = await startWorld('http', { NATMIGRATE_ADMIN_USER: ADMIN.user, NATMIGRATE_ADMIN_PASSWORD: ADMIN.password });
  const loaded = loadConfig(world.env, 'all');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const log = createLogger({ level: 'debug', destination: logs.dest, secrets: [world.env.SLACK_BOT_TOKEN, world.env.SLACK_SIGNING_SECRET] });
  rt = await startRuntime('all', loaded.config, { log, healthSlackCacheMs: 0, outboxPollMs: 20 });
  base = `http://127.0.0.1:${rt.port}`;
});

afterAll(async () => {
  await rt?.close();
  await world?.close();
});

describe('one port for Slack and operations', () => {
  it('GET /healthz: 200 with Redis and Slack checked, JSON body', async () => {
    const res = await getText(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = JSON.parse(res.text) as { ok: boolean; role: string; checks: Record<string, { ok: boolean; latencyMs: number }> };
    expect(body).toMatchObject({ ok: true, role: 'all', checks: { redis: { ok: true }, slack: { ok: true } } });
    expect(world.slack.calls('auth.test').length).toBeGreaterThan(0);
  });

  it('GET /healthz: 503 naming the failed check when Slack refuses the token', async () => {
    world.slack.fail('auth.test', { kind: 'error', error: 'invalid_auth' });
    const res = await getText(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.text) as { ok: boolean; checks: { slack: { ok: boolean; error: string }; redis: { ok: boolean } } };
    expect(body.ok).toBe(false);
    expect(body.checks.slack).toMatchObject({ ok: false, error: 'invalid_auth' });
    expect(body.checks.redis.ok).toBe(true);
    expect(res.text).not.toContain(world.env.SLACK_BOT_TOKEN);
    expect((await getText(`${base}/healthz`)).status).toBe(200);
  });

  it('/slack/events is still Bolt (unsigned → 401) and unknown paths are 404', async () => {
    expect((await getText(`${base}/slack/events`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await getText(`${base}/nope`)).status).toBe(404);
  });

  it('GET /metrics after a migration: jobs by state, step durations, cloud calls by action and code, approval wait', async () => {
    const url = `${base}/slack/events`;
    const jobId = await world.run(INSTANCES[0]![0], url);
    await world.waitRecord(jobId, (r) => r.state === 'awaiting_approval', 'the approval request');
    // The record says awaiting_approval a moment before BullMQ has parked the job (delayed).
    const parked = `${METRIC_NAMES.queueJobs}{queue="migrations",state="delayed"} 1`;
    let text = await until(async () => {
      const t = (await getText(`${base}/metrics`)).text;
      return t.includes(parked) && t;
    }, { what: 'the parked job in /metrics', timeoutMs: 10_000, everyMs: 50 });
    expect(text).toContain(`${METRIC_NAMES.jobs}{state="awaiting_approval"} 1`);
    await world.approve(jobId, url);
    const rec = await world.waitRecord(jobId, (r) => r.state === 'finished', 'the end');
    expect(rec.outcome).toBe('migrated');
    // The record says finished a moment before the finished event is counted (it is counted once it is emitted).
    await until(async () => /natmigrate_jobs_finished_total\{outcome="migrated"\} 1/.test((await getText(`${base}/metrics`)).text),
      { what: 'the finished job in /metrics', timeoutMs: 10_000, everyMs: 50 });
    await rt.metrics.settled();

    const res = await getText(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    text = res.text;
    expect(text).toContain(`${METRIC_NAMES.jobs}{state="awaiting_approval"} 0`);
    expect(text).toMatch(/natmigrate_step_duration_seconds_count\{step="create_eni",result="ok"\} 1/);
    expect(text).toMatch(/natmigrate_step_duration_seconds_count\{step="verify",result="ok"\} 1/);
    expect(text).toMatch(/natmigrate_cloud_api_calls_total\{product="ecs",action="CreateNetworkInterface",code="OK"\} 1/);
    expect(text).toMatch(/natmigrate_cloud_api_calls_total\{product="vpc",action="ModifyForwardEntry",code="OK"\} 1/);
    expect(text).toMatch(/natmigrate_cloud_api_duration_seconds_count\{product="vpc",action="ModifyForwardEntry"\} 1/);
    expect(text).toMatch(/natmigrate_approval_wait_seconds_count\{kind="migrate",decision="approved"\} 1/);
    expect(text).toMatch(/natmigrate_jobs_finished_total\{outcome="migrated"\} 1/);
    expect(text).toMatch(/^natmigrate_process_cpu_seconds_total/m);

    // Every log line about the job carries its id as a field (pino child loggers), not only in the text.
    const about = logs.lines.filter((l) => JSON.stringify(l).includes(jobId));
    expect(about.length).toBeGreaterThan(15);
    for (const l of about) expect(l.jobId ?? l.jobIds, JSON.stringify(l)).toBeDefined();
    const events = about.filter((l) => l.msg === 'job event step.finished');
    expect(events.map((l) => l.step)).toContain('modify_entry');
  });

  it('GET /metrics counts cloud API errors by action and code', async () => {
    world.sandbox.faults.add({ action: 'DescribeInstances', code: 'Throttling.User', httpStatus: 400, times: 1 });
    const url = `${base}/slack/events`;
    world.slack.connectBot({ url, signingSecret: world.env.SLACK_SIGNING_SECRET! });
    await world.slack.slash('U0ALICE', 'C0OPS', `plan ${INSTANCES[1]![0]}`);
    const counted = /natmigrate_cloud_api_errors_total\{product="ecs",action="DescribeInstances",code="Throttling\.User"\} 1/;
    const text = await until(async () => {
      const t = (await getText(`${base}/metrics`)).text;
      return counted.test(t) ? t : undefined;
    }, { what: 'the throttled DescribeInstances counted in /metrics', timeoutMs: 15_000, everyMs: 100 });
    expect(text).toMatch(/natmigrate_cloud_api_errors_total\{product="ecs",action="DescribeInstances",code="Throttling\.User"\} 1/);
    expect(text).toMatch(/natmigrate_cloud_api_calls_total\{product="ecs",action="DescribeInstances",code="Throttling\.User"\} 1/);
  });
});

describe('Bull Board at /admin/queues', () => {
  const auth = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

  it('401 with a Basic challenge without credentials or with wrong ones', async () => {
    const none = await getText(`${base}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await getText(`${base}/admin/queues`, { headers: auth(ADMIN.user, 'wrong') })).status).toBe(401);
    expect((await getText(`${base}/admin/queues`, { headers: auth('root', ADMIN.password) })).status).toBe(401);
    expect((await getText(`${base}/admin/queues/api/queues`)).status).toBe(401);
  });

  it('200 with the right credentials: the board and its API list the migrations queue (read-only)', async () => {
    const page = await getText(`${base}/admin/queues`, { headers: auth(ADMIN.user, ADMIN.password) });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<html/i);
    const api = await getText(`${base}/admin/queues/api/queues`, { headers: auth(ADMIN.user, ADMIN.password) });
    expect(api.status).toBe(200);
    const body = JSON.parse(api.text) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name)).toContain('migrations');
    for (const q of body.queues) expect(q.readOnlyMode, q.name).toBe(true);
  });
});

describe('/healthz without a reachable Redis', () => {
  it('503 at once, naming Redis', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => null });
    dead.on('error', () => {});
    const h = createHealth({ role: 'worker', redis: dead });
    const started = Date.now();
    const report = await h.check();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.ok).toBe(false);
    expect(report.checks.redis.ok).toBe(false);
    expect(report.checks.redis.error).toMatch(/not connected/);
    expect(report.checks.slack).toBeUndefined();
    dead.disconnect();
  });
});
