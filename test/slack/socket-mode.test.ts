import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot } from '../../src/slack/app.ts';
import { cloudRequestsFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * Socket Mode (SLACK_APP_TOKEN): apps.connections.open on the fake, then envelopes over a loopback WebSocket, in
 * front of the real engine, its worker and the sandbox cloud.
 */

let env: Env;

beforeAll(async () => {
  env = await startEnv('socket', {}, {
    ...FASTER_SLACK,
    bot: async ({ slack, service, inventory, redis, prefix, outbox }) => {
      const bot = createSlackBot({
        botToken: slack.botToken, appToken: slack.appToken, slackApiUrl: slack.apiUrl, botId: slack.botId, botUserId: slack.botUserId,
        service, inventory, redis, prefix: `${prefix}:slack`, outbox, requesters: [], approvers: ['U0BOB'], defaultRegion: 'cn-hangzhou',
      });
      await bot.start();
      await slack.socketConnected();
      return { bot, url: '', stop: () => bot.stop() };
    },
  });
});
afterAll(async () => {
  await env?.close();
});

describe('Socket Mode', () => {
  it('connects with the app token and acks slash commands over the socket', async () => {
    const { slack } = env;
    const [instanceId] = MIGRATABLE[0]!;
    const open = slack.calls('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.authorization).toBe(`Bearer ${slack.appToken}`);
    expect(slack.calls('auth.test')).toHaveLength(0);
    const res = await slack.slash('U0ALICE', 'C0OPS', `run ${instanceId}`);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    const jobId = new RegExp(`queued as \`(migrate-cn-hangzhou-${instanceId}-\\d+)\``).exec(String(res.json?.text))?.[1];
    expect(jobId, String(res.json?.text)).toBeDefined();
    expect((await env.engine.service.status(instanceId)).map((r) => [r.jobId, r.requestedBy])).toEqual([[jobId, 'U0ALICE']]);
    const ids = await env.jobIds();

    const bad = await slack.slash('U0ALICE', 'C0OPS', 'run nope');
    expect(String(bad.json?.text)).toMatch(/does not look like/);
    expect(await env.jobIds()).toEqual(ids);
    expect((await env.queued()).map((q) => q.jobId)).toEqual([jobId]);

    // The job is real: the cloud stages its ENI and the approval card reaches the channel; a click over the socket ends it.
    expect((await env.approvalCard(jobId!)).channel).toBe('C0OPS');
    expect(cloudRequestsFor(env.sandbox, instanceId).map((r) => r.action)).toContain('AttachNetworkInterface');
    await env.rejectAndWait(jobId!);
    expect(env.slack.ephemerals('U0ALICE').at(-1)?.text).toMatch(/You rejected/);
  });

  it('carries the Home tab, the start form and its submission over the socket too', async () => {
    const { slack } = env;
    const delivery = await slack.openHome('U0BOB', 1);
    expect(delivery.attempts).toHaveLength(2);
    const home = await slack.waitFor(() => slack.homeView('U0BOB'), { what: 'bob\'s home' });
    expect(JSON.stringify(home.view.blocks)).toContain('Waiting for your approval');
    await slack.shortcut('U0ALICE', 'natmigrate_start');
    // Over the socket the ack goes first; views.open follows it.
    const modal = await slack.waitFor(() => slack.modals('U0ALICE').at(-1), { what: 'the modal' });
    const sug = await slack.suggest('U0ALICE', modal.id, 'target', 'natmigrate_target', '');
    expect((sug.json?.options as unknown[]).length).toBeGreaterThan(0);
    const refused = await slack.submitView('U0ALICE', modal.id, {});
    expect(refused.json).toMatchObject({ response_action: 'errors', errors: { target: expect.stringContaining('Pick a NAT gateway') } });
    expect(slack.view(modal.id)!.open).toBe(true);
  });
});
