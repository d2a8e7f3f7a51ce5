import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders, slashCommandBody } from '../../src/slack-sim/index.ts';
import { until } from '../../src/util/until.ts';
import { SIGNING_SECRET, startBot } from './helpers.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { batchScenario, fleetIds } from '../fleet/scenarios.ts';

/**
 * The slash command's checks share one budget from the request's arrival (src/slack/ack-budget.ts). Here nothing is
 * cached: every command asks Slack who is in the requesters' user group (usergroups.users.list) and whether the bot
 * may post in the channel (conversations.info). The workspace gives up on the bot after 3 s and the person would see
 * operation_timeout (the fake throws), so "acked" below means "inside Slack's deadline". The bot runs as in
 * production: the HTTP response leaves on ack, and what follows the ack (queueing, the thread) happens after it.
 */

const CH = 'C0OPS';
/** Where the refused command is typed: the conversations.info it leaves running must not stand in for CH's. */
const OTHER = 'C0PRIVATE';
let env: Env;

beforeAll(async () => {
  // A NAT gateway with six IP-mapped instances (ids of the shape `run --all` accepts).
  env = await startEnv('ack-budget', {}, {
    ...FASTER_SLACK,
    scenario: batchScenario(6),
    // Nothing is cached, so every check and every approver list reads the user groups: more than Tier 2 allows.
    relax: ['rate-limits'],
    bot: (c) => startBot(c.slack, c.service, c.redis, c.prefix, {
      outbox: c.outbox, processBeforeResponse: false, groupCacheMs: 0, groupStaleMs: 0, channelYesCacheMs: 0, channelNoCacheMs: 0,
    }),
  });
  await env.bot.bot.languages.warm();
});
afterAll(async () => {
  env?.slack.setLatency(15);
  await env?.close();
});

/** Both checks answer slowly: together they take longer than Slack waits for the ack, each alone does not. */
function slowChecks(groupsMs: number, channelMs: number) {
  env.slack.setLatency(groupsMs, 'usergroups.users.list');
  env.slack.setLatency(channelMs, 'conversations.info');
}
const fastSlack = () => env.slack.setLatency(15);

describe('the checks before the ack share one budget', () => {
  it('usergroups.users.list and conversations.info each take 1.6 s: `run` is asked about both and still acked, queued', async () => {
    const instanceId = fleetIds.instance(0);
    const since = env.slack.calls().length;
    slowChecks(1600, 1600);
    // CAROL may request through the S0OPS group only, so her answer needs the group's members.
    const res = await env.slack.slash('U0CAROL', CH, `run ${instanceId}`).finally(fastSlack);
    const jobId = /queued as `([^`]+)`/.exec(String(res.json?.text))?.[1];
    expect(jobId, String(res.json?.text)).toBeDefined();
    const asked = env.slack.calls().slice(since).map((c) => c.method);
    expect(asked).toContain('usergroups.users.list');
    expect(asked).toContain('conversations.info');
    await env.rejectAndWait(jobId!);
  });

  it('`cancel` by an approver who is one only through a user group: both lists are asked together, acked within 3 s', async () => {
    // EVE is in the approvers' group and not in the requesters': one read after the other took 2 × 1.6 s.
    env.slack.setUsergroup('S0APPROVERS', ['U0CAROL', 'U0EVE']);
    try {
      slowChecks(1600, 15);
      const res = await env.slack.slash('U0EVE', CH, 'cancel migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-1').finally(fastSlack);
      expect(String(res.json?.text)).not.toMatch(/not allowed|did not answer/);
      expect(String(res.json?.text)).toContain('migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-1');
    } finally {
      env.slack.setUsergroup('S0APPROVERS', ['U0CAROL']);
    }
  });

  it('conversations.info slower than the budget: refused in time as "Slack did not tell me", nothing queued', async () => {
    // Not in the sandbox: a queued run would still leave its record.
    const instanceId = 'i-bp1aaaaaaaaaaaaaaaaa';
    slowChecks(1000, 2900);
    const res = await env.slack.slash('U0CAROL', OTHER, `run ${instanceId}`).finally(fastSlack);
    expect(String(res.json?.text)).toMatch(/Slack did not tell me in time whether I can post in this channel, so nothing was queued/);
    expect(res.json?.response_type).toBe('ephemeral');
    expect(await env.engine.service.status(instanceId)).toEqual([]);
  });

  it('`plan` against the same slow Slack is acked, and its plan is posted in the channel after the ack', async () => {
    const instanceId = fleetIds.instance(1);
    slowChecks(1600, 1600);
    const res = await env.slack.slash('U0CAROL', CH, `plan ${instanceId}`).finally(fastSlack);
    const jobId = /\(job `([^`]+)`\)/.exec(String(res.json?.text))?.[1];
    expect(jobId, String(res.json?.text)).toBeDefined();
    // The binding followed the ack: the plan is posted in this channel.
    await until(() => env.slack.channelMessages(CH).some((m) => !m.threadTs && env.slack.render(m).includes(`Dry run: plan for ${instanceId}`)),
      { what: 'the dry run plan to be posted to the channel', timeoutMs: 30_000 });
  });

  it('`run` with several ids (one batch) against a slow Slack is acked; its replay is dropped and queues no second batch', async () => {
    const ids = [fleetIds.instance(2), fleetIds.instance(3)];
    const body = slashCommandBody({ teamId: env.slack.teamId, channelId: CH, userId: 'U0CAROL', text: `run ${ids.join(' ')}`, responseUrl: `${env.slack.url}/response_url/x` });
    const headers = signedHeaders(SIGNING_SECRET, body);
    slowChecks(1600, 1600);
    const first = await env.slack.sendRaw(body, headers).finally(fastSlack);
    const batchId = /queued as one batch `(batch-[^`]+)`/.exec(String(first.json?.text))?.[1];
    expect(batchId, String(first.json?.text)).toBeDefined();
    const replay = await env.slack.sendRaw(body, headers);
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('');
    // Queued and bound after the ack: the batch runs and its thread is in this channel.
    await until(async () => (await env.outbox.thread(batchId!))?.channel === CH, { what: `the thread of ${batchId}`, timeoutMs: 30_000 });
    expect(await env.engine.service.batchStatus!(batchId!)).toBeDefined();
    // A second submission would have taken the next sequence number.
    const next = batchId!.replace(/-(\d+)$/, (_, n: string) => `-${Number(n) + 1}`);
    expect(await env.engine.service.batchStatus!(next)).toBeUndefined();
  });

  it('`run --all` against a slow Slack is acked with the batch id, and the batch gets its thread after the ack', async () => {
    slowChecks(1600, 1600);
    const res = await env.slack.slash('U0CAROL', CH, `run --all ${fleetIds.natGateway}`).finally(fastSlack);
    const batchId = /queued as `(batch-[^`]+)`/.exec(String(res.json?.text))?.[1];
    expect(batchId, String(res.json?.text)).toBeDefined();
    await until(async () => (await env.outbox.thread(batchId!))?.channel === CH, { what: `the thread of ${batchId}`, timeoutMs: 30_000 });
  });

  it('usergroups.users.list slower than the budget: refused in time as "Slack did not answer", not as "not allowed"', async () => {
    const instanceId = 'i-bp1bbbbbbbbbbbbbbbbb';
    slowChecks(2800, 15);
    const res = await env.slack.slash('U0CAROL', CH, `run ${instanceId}`).finally(fastSlack);
    expect(String(res.json?.text)).toMatch(/Slack did not answer in time whether you may request this, so nothing was queued/);
    expect(await env.engine.service.status(instanceId)).toEqual([]);
  });
});
