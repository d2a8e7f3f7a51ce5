import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { homeViews } from './home-views.ts';
import { MIGRATABLE, slackScenario } from './scenario.ts';

/**
 * The App Home tab through the real Bolt receiver (signed Events API deliveries and clicks from the simulated
 * workspace), the engine, a worker and the sandbox cloud: published on app_home_opened (a retried event is acted on
 * once), refreshed when jobs change, and its Approve/Reject buttons held to the thread's four-eyes rules.
 */

const GW = 'ngw-homegw0001';
const TTL = 30 * 60_000;
const clock = { offset: 0 };
let env: Env;

beforeAll(async () => {
  const scenario = JSON.parse(JSON.stringify(slackScenario()).replaceAll('"ngw-1"', `"${GW}"`).replaceAll('"vpc-1"', '"vpc-homevpc001"'));
  env = await startEnv('e2e-home', { approvalTtlMs: TTL, clock: { now: () => Date.now() + clock.offset } }, {
    ...FASTER_SLACK,
    scenario,
    bot: ({ slack, service, redis, prefix, outbox }) => startBot(slack, service, redis, prefix, { outbox, homeDebounceMs: 50 }),
  });
  env.slack.addUser({ id: 'U0DAVE', name: 'dave', locale: 'ja-JP' });
});
afterAll(async () => {
  await env?.close();
});

const { blocksText, homeOf, valueFor } = homeViews(() => env.slack);

describe('App Home', () => {
  it('is published on app_home_opened, once for an event Slack delivers three times, and counts what a scan found per NAT gateway', async () => {
    const scan = await env.slack.slash('U0ALICE', env.channel, `scan ${GW}`);
    expect(String(scan.json?.text)).toContain('queued');
    await env.slack.waitFor(() => env.slack.channelMessages(env.channel).find((m) => env.slack.render(m).includes(`Inventory of \`${GW}\``)), { what: 'the scan result', timeoutMs: 20_000 });
    // The scan's last events delivered and every refresh they caused published, so the count below is this event's alone.
    await env.outbox.waitIdle();
    await env.bot.bot.homeIdle();
    const before = env.slack.calls('views.publish').length;
    const delivery = await env.slack.openHome('U0BOB', 2);
    expect(delivery.attempts.map((a) => a.status)).toEqual([200, 200, 200]);
    const home = await homeOf('U0BOB', 'bob\'s home', (t) => t.includes(GW));
    expect(blocksText(home)).toMatch(new RegExp(`\`${GW}\` \\(\`vpc-homevpc001\`, \`cn-hangzhou\`\\): \\*10\\* still on an IP mapping`));
    expect(blocksText(home)).toContain('Nothing is waiting for your approval.');
    await new Promise((r) => setTimeout(r, 300));
    expect(env.slack.calls('views.publish').length - before).toBe(1);
    // dave reads Slack in Japanese: his Home is in Japanese.
    await env.slack.openHome('U0DAVE');
    const ja = await homeOf('U0DAVE', 'dave\'s home', (t) => t.includes('承認待ち'));
    expect(blocksText(ja)).toContain('あなたの承認を待っているものはありません。');
  });

  it('approves from the Home tab with the thread\'s rules: the approver\'s click runs the job, then the job shows as finished', async () => {
    const [instanceId] = MIGRATABLE[4]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    await env.approvalCard(jobId);
    // bob opened his Home before: it is refreshed by itself once the job waits for approval.
    const home = await homeOf('U0BOB', 'the waiting job on bob\'s home', (t) => t.includes(jobId) && t.includes('[Approve]'));
    expect(blocksText(home)).toMatch(new RegExp(`\`${jobId}\` · \`${instanceId}\`\\nrequested by @alice in #ops · 0 of 1 approval\\(s\\) · open until`));
    // alice (the requester, no approver) sees it as active, without buttons.
    await env.slack.openHome('U0ALICE');
    const alice = await homeOf('U0ALICE', 'alice\'s home', (t) => t.includes(jobId));
    expect(valueFor(alice, jobId)).toBeUndefined();
    expect(blocksText(alice)).toContain('Nothing is waiting for your approval.');

    await env.slack.clickView('U0BOB', home.id, 'natmigrate_home_approve', valueFor(home, jobId));
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('*Finished*')), 'the migration');
    expect(lines.join('\n')).toContain('*Approved* by @bob');
    const after = await homeOf('U0BOB', 'the finished job on bob\'s home', (t) => new RegExp(`• \`${jobId}\` · \`${instanceId}\` · \`migrated\``).test(t));
    expect(valueFor(after, jobId)).toBeUndefined();
    // The scan counted 10; this migration took one off.
    expect(blocksText(after)).toMatch(new RegExp(`\`${GW}\` \\(\`vpc-homevpc001\`, \`cn-hangzhou\`\\): \\*9\\* still on an IP mapping`));
  });

  it('refuses what the thread refuses: self-approval, a non-approver, an expired request; each recorded in the job\'s thread', async () => {
    // dave (an approver) asks for a job; bob's Home lists it, dave's does not.
    const [daveInstance] = MIGRATABLE[5]!;
    // dave reads Slack in Japanese: the answer is in Japanese, the job id as it is.
    const daveRun = await env.slack.slash('U0DAVE', env.channel, `run ${daveInstance}`);
    const daveJob = /`(migrate-[^`]+)`/.exec(String(daveRun.json?.text))![1]!;
    await env.approvalCard(daveJob);
    const [aliceInstance] = MIGRATABLE[6]!;
    const aliceJob = await env.runJob('U0ALICE', aliceInstance);
    await env.approvalCard(aliceJob);
    await env.slack.openHome('U0DAVE');
    const daveHome = await homeOf('U0DAVE', 'alice\'s job on dave\'s home', (t) => t.includes(aliceJob) && t.includes('[承認]'));
    expect(valueFor(daveHome, daveJob)).toBeUndefined();
    // A click carrying his own job's value from his own Home: SelfApproval, by the engine's rule.
    const own = valueFor(daveHome, aliceJob)!.replace(aliceJob, daveJob).split(':');
    const rec = (await env.engine.service.approvals.current(daveJob))!;
    own[2] = rec.planHash;
    await env.slack.clickView('U0DAVE', daveHome.id, 'natmigrate_home_approve', undefined, { forgeValue: own.join(':') });
    await homeOf('U0DAVE', 'the self-approval refusal', (t) => t.includes('`SelfApproval`'));
    await env.waitThread(daveJob, (l) => l.some((x) => /@dave clicked \*Approve\* — refused \(`SelfApproval`\)/.test(x)), 'the refusal in the thread');

    // carol was an approver through S0APPROVERS when her Home was published; she is not any more when she clicks.
    await env.slack.openHome('U0CAROL');
    const carolHome = await homeOf('U0CAROL', 'carol\'s home', (t) => t.includes(aliceJob) && t.includes('[Approve]'));
    env.slack.setUsergroup('S0APPROVERS', []);
    env.slack.setUsergroup('S0OPS', []);
    try {
      // A read of the groups already under way may answer with the members from before: the second one starts after.
      await env.bot.bot.authz.warm();
      await env.bot.bot.authz.warm();
      await env.slack.clickView('U0CAROL', carolHome.id, 'natmigrate_home_approve', valueFor(carolHome, aliceJob));
      await homeOf('U0CAROL', 'the non-approver refusal', (t) => t.includes(':no_entry_sign: You are not a configured approver'));
      await env.waitThread(aliceJob, (l) => l.some((x) => /@carol clicked \*Approve\* — refused \(`NotApprover`\)/.test(x)), 'the refusal in the thread');
    } finally {
      env.slack.setUsergroup('S0APPROVERS', ['U0CAROL']);
      env.slack.setUsergroup('S0OPS', ['U0CAROL']);
    }

    // Time passes beyond the request's lifetime (the engine's clock); bob's click is refused as expired.
    await env.slack.openHome('U0BOB');
    const bobHome = await homeOf('U0BOB', 'alice\'s job on bob\'s home', (t) => t.includes(aliceJob));
    clock.offset = TTL + 60_000;
    try {
      await env.slack.clickView('U0BOB', bobHome.id, 'natmigrate_home_approve', valueFor(bobHome, aliceJob));
      await homeOf('U0BOB', 'the expiry refusal', (t) => /:no_entry_sign: .*expired/.test(t));
      await env.waitThread(aliceJob, (l) => l.some((x) => /@bob clicked \*Approve\* — refused \(`Expired`\)/.test(x)), 'the refusal in the thread');
      expect((await env.engine.service.approvals.current(aliceJob))?.approvals).toEqual([]);
    } finally {
      clock.offset = 0;
    }
    await env.rejectAndWait(daveJob);
  });
});
