import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from './helpers.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * The slash command's ack against a slow Slack: every Web API call takes 2 s, and the workspace gives up on the
 * bot after 3 s (the person would see operation_timeout; the fake throws). The bot runs as in production: the HTTP
 * response leaves on ack, not after the listener.
 */

const CH = 'C0OPS';
let env: Env;

beforeAll(async () => {
  env = await startEnv('slow-slack', {}, { ...FASTER_SLACK, bot: (c) => startBot(c.slack, c.service, c.redis, c.prefix, { outbox: c.outbox, processBeforeResponse: false }) });
  // The bot started (and read its groups) on a normal Slack; from now on every call takes 2 s.
  await env.bot.bot.authz.warm();
  await env.bot.bot.languages.warm();
  env.slack.setLatency(2000);
});
afterAll(async () => {
  env?.slack.setLatency(15);
  await env?.close();
});

describe('the slash command against a slow Slack (every call 2 s)', () => {
  it('acks `run` within 3 s, waiting on one conversations.info at most, and on none once it is cached', async () => {
    const [first] = MIGRATABLE[2]!;
    const [second] = MIGRATABLE[3]!;
    const before = env.slack.calls().length;
    // CAROL requests through a user group: her membership comes from the cache, not from Slack.
    const a = await env.slack.slash('U0CAROL', CH, `run ${first}`);
    expect(String(a.json?.text)).toMatch(/queued as `([^`]+)`/);
    // Besides the thread the outbox posts after the ack, Slack was asked one thing: the channel.
    const asked = env.slack.calls().slice(before).map((c) => c.method).filter((m) => !m.startsWith('chat.'));
    expect(asked).toEqual(['conversations.info']);
    const infos = env.slack.calls('conversations.info').length;
    const b = await env.slack.slash('U0CAROL', CH, `run ${second}`);
    expect(String(b.json?.text)).toMatch(/queued as/);
    expect(env.slack.calls('conversations.info')).toHaveLength(infos);
    env.slack.setLatency(15);
    for (const id of [first, second]) {
      const [rec] = await env.engine.service.status(id);
      await env.rejectAndWait(rec!.jobId);
    }
    await env.outbox.waitIdle({ timeoutMs: 60_000 });
    env.slack.setLatency(2000);
  });

  it('in a direct or group message, refuses at once without asking Slack, and queues nothing', async () => {
    const [instanceId] = MIGRATABLE[4]!;
    const before = env.slack.calls().length;
    for (const channel of ['D0ALICE', 'G0MPIM']) {
      const res = await env.slack.slash('U0ALICE', channel, `run ${instanceId}`);
      expect(String(res.json?.text)).toMatch(/does not run jobs from a direct or group message/);
      expect(res.json?.response_type).toBe('ephemeral');
    }
    expect(env.slack.calls().slice(before)).toEqual([]);
    expect(await env.engine.service.status(instanceId)).toEqual([]);
  });
});
