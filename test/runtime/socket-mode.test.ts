import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startRuntime, type Runtime } from '../../src/runtime/start.ts';
import { CHANNEL, REQUESTER, getText, startWorld, type World } from './helpers.ts';
import { INSTANCES } from './scenario.ts';

/** A Socket Mode bot has no Slack HTTP endpoint, but PORT still serves /healthz and /metrics. */

let world: World;
let rt: Runtime;

beforeAll(async () => {
  world = await startWorld('socket');
  const env = { ...world.env, SLACK_APP_TOKEN: world.slack.appToken };
  delete (env as Record<string, string | undefined>).SLACK_SIGNING_SECRET;
  const loaded = loadConfig(env, 'bot');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const log = createLogger({ level: 'warn', destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
  rt = await startRuntime('bot', loaded.config, { log });
  await world.slack.socketConnected();
});

afterAll(async () => {
  await rt?.close();
  await world?.close();
});

describe('Socket Mode bot', () => {
  it('serves the operational routes on PORT and takes commands over the WebSocket', async () => {
    expect(rt.mode).toBe('socket');
    const health = await getText(`http://127.0.0.1:${rt.port}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ ok: true, role: 'bot', checks: { slack: { ok: true } } });
    expect((await getText(`http://127.0.0.1:${rt.port}/metrics`)).text).toContain('natmigrate_queue_jobs');
    expect((await getText(`http://127.0.0.1:${rt.port}/slack/events`, { method: 'POST' })).status).toBe(404);
    const reply = await world.slack.slash(REQUESTER, CHANNEL, `run ${INSTANCES[0]![0]}`);
    expect(String(reply.json?.text)).toMatch(/queued as `migrate-/);
  });
});
