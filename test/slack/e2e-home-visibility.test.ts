import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { homeViews } from './home-views.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * Who sees a private channel's job outside its thread, through the real Bolt receiver (signed Events API deliveries
 * from the simulated workspace), the engine, a worker and the sandbox cloud: on the App Home, its members (read
 * with conversations.members, more than one page), the requester and the approvers asked to approve it; nobody
 * else, in the Home tab nor in `/natmigrate status`; someone who joins sees it after the member_joined_channel
 * event, and stops seeing it after member_left_channel.
 */

const SECRET = 'C0SECRET';
/** Enough members ahead of frank that he is on the second page of conversations.members (200 a page). */
const FILLERS = Array.from({ length: 230 }, (_, i) => `U0FILL${String(i).padStart(4, '0')}`);
let env: Env;

beforeAll(async () => {
  env = await startEnv('e2e-home-vis', {}, {
    ...FASTER_SLACK,
    bot: ({ slack, service, redis, prefix, outbox }) => startBot(slack, service, redis, prefix, { outbox, homeDebounceMs: 50 }),
  });
  env.slack.addUser({ id: 'U0ERIN', name: 'erin' });
  env.slack.addUser({ id: 'U0FRANK', name: 'frank' });
  // erin may request (S0OPS), is no approver and not in the private channel (yet).
  env.slack.setUsergroup('S0OPS', ['U0CAROL', 'U0ERIN']);
  env.slack.addChannel(SECRET, 'secret-ops', 'private');
  env.slack.setChannelMembers(SECRET, ['U0ALICE', ...FILLERS, 'U0FRANK', env.slack.botUserId]);
});
afterAll(async () => {
  await env?.close();
});

const { blocksText, homeOf } = homeViews(() => env.slack);
const publishesTo = (user: string) => env.slack.calls('views.publish').filter((c) => c.params.user_id === user && c.response?.ok === true).length;
/** The Home this person has once a publish that starts now has landed (whatever it shows). */
async function freshHome(user: string): Promise<string> {
  await env.outbox.waitIdle();
  await env.bot.bot.homeIdle();
  const before = publishesTo(user);
  await env.slack.openHome(user);
  await env.slack.waitFor(() => publishesTo(user) > before || undefined, { what: `a new publish of ${user}'s home`, timeoutMs: 20_000 });
  return blocksText(env.slack.homeView(user));
}

describe('App Home and status: a private channel\'s job', () => {
  let jobId = '';

  it('is on the Home of its members (the second page of conversations.members included), its requester and the approver asked; not on an outsider\'s', async () => {
    for (const u of ['U0ALICE', 'U0BOB', 'U0ERIN', 'U0FRANK']) await env.slack.openHome(u);
    const [instanceId] = MIGRATABLE[0]!;
    const run = await env.slack.slash('U0ALICE', SECRET, `run ${instanceId}`);
    jobId = /`(migrate-[^`]+)`/.exec(String(run.json?.text))![1]!;
    await env.approvalCard(jobId);

    // frank is a member (on page 2 of the member list).
    await homeOf('U0FRANK', 'the job on frank\'s home', (t) => t.includes(jobId));
    // alice requested it.
    await homeOf('U0ALICE', 'the job on alice\'s home', (t) => t.includes(jobId));
    // bob is not in the channel, but he is an approver asked to approve it: with the buttons.
    const bob = await homeOf('U0BOB', 'the job waiting on bob\'s home', (t) => t.includes(jobId) && t.includes('[Approve]'));
    expect(blocksText(bob)).toMatch(/requested by @alice in /);
    // erin is neither: a publish made after the job was there does not show it.
    const erin = await freshHome('U0ERIN');
    expect(erin).toContain('Nothing is waiting for your approval.');
    expect(erin).not.toContain(jobId);
    expect(erin).not.toContain(instanceId);
    // The member list was read page by page.
    const reads = env.slack.calls('conversations.members').filter((c) => c.params.channel === SECRET);
    expect(reads.some((c) => c.params.cursor)).toBe(true);
  });

  it('when it changes, refreshes the Homes of those who may see it, and not an outsider\'s', async () => {
    await env.outbox.waitIdle();
    await env.bot.bot.homeIdle();
    const erinBefore = publishesTo('U0ERIN');
    const frankBefore = publishesTo('U0FRANK');
    const [instanceId] = MIGRATABLE[3]!;
    const run = await env.slack.slash('U0ALICE', SECRET, `run ${instanceId}`);
    const other = /`(migrate-[^`]+)`/.exec(String(run.json?.text))![1]!;
    await env.approvalCard(other);
    // frank (a member) gets it by itself; erin (an outsider who opened her Home too) is not published to at all.
    await homeOf('U0FRANK', 'the second job on frank\'s home', (t) => t.includes(other));
    await env.rejectAndWait(other);
    await homeOf('U0FRANK', 'the second job finished on frank\'s home', (t) => new RegExp(`• \`${other}\``).test(t));
    // Every refresh the job's events caused has been published: erin's count is final.
    await env.outbox.waitIdle();
    await env.bot.bot.homeIdle();
    expect(publishesTo('U0FRANK')).toBeGreaterThan(frankBefore);
    expect(publishesTo('U0ERIN')).toBe(erinBefore);
  });

  it('is not in `status` (all active jobs, or by its id) for an outsider asking from another channel, and is for a member', async () => {
    const erin = await env.slack.slash('U0ERIN', env.channel, 'status');
    expect(String(erin.json?.text)).not.toContain(jobId);
    const frank = await env.slack.slash('U0FRANK', env.channel, 'status');
    expect(String(frank.json?.text)).toContain(jobId);
    // Asked by its id (or its instance's) from another channel: the outsider learns nothing, the member sees it.
    const [instanceId] = MIGRATABLE[0]!;
    expect(String((await env.slack.slash('U0ERIN', env.channel, `status ${jobId}`)).json?.text)).toBe(`No job found for \`${jobId}\`.`);
    expect(String((await env.slack.slash('U0ERIN', env.channel, `status ${instanceId}`)).json?.text)).not.toContain(jobId);
    expect(String((await env.slack.slash('U0FRANK', env.channel, `status ${jobId}`)).json?.text)).toContain(instanceId);
  });

  it('appears on the Home of someone who joins the channel after the membership event, and goes when they leave', async () => {
    const [instanceId] = MIGRATABLE[0]!;
    const joined = await env.slack.joinChannel(SECRET, 'U0ERIN');
    expect(joined.sent).toBe(true);
    expect(joined.attempts.map((a) => a.status)).toEqual([200]);
    // Her Home is published again by itself (she looked at it lately).
    await homeOf('U0ERIN', 'the job on erin\'s home after she joined', (t) => t.includes(jobId) && t.includes(instanceId));
    const status = await env.slack.slash('U0ERIN', env.channel, 'status');
    expect(String(status.json?.text)).toContain(jobId);

    await env.rejectAndWait(jobId);
    await homeOf('U0ERIN', 'the finished job on erin\'s home', (t) => new RegExp(`• \`${jobId}\``).test(t));
    const left = await env.slack.leaveChannel(SECRET, 'U0ERIN');
    expect(left.sent).toBe(true);
    await homeOf('U0ERIN', 'erin\'s home without the job after she left', (t) => !t.includes(jobId));
    // frank, still a member, keeps seeing it among the finished jobs.
    expect(await freshHome('U0FRANK')).toContain(jobId);
    // The member list was read once (two pages) for all these publishes and status answers: the events kept it true.
    expect(env.slack.calls('conversations.members').filter((c) => c.params.channel === SECRET)).toHaveLength(2);
  });

  it('fails closed: while Slack does not give the member list, a member does not see the job; once it does, they do', async () => {
    const VAULT = 'C0VAULT';
    env.slack.addChannel(VAULT, 'vault', 'private');
    env.slack.setChannelMembers(VAULT, ['U0ALICE', 'U0FRANK', env.slack.botUserId]);
    env.slack.fail('conversations.members', { kind: 'error', error: 'fetch_members_failed' }, 1000);
    try {
      const [instanceId] = MIGRATABLE[1]!;
      const run = await env.slack.slash('U0ALICE', VAULT, `run ${instanceId}`);
      const vaultJob = /`(migrate-[^`]+)`/.exec(String(run.json?.text))![1]!;
      await env.approvalCard(vaultJob);
      await homeOf('U0ALICE', 'the vault job on alice\'s home', (t) => t.includes(vaultJob));
      expect(await freshHome('U0FRANK')).not.toContain(vaultJob);
      expect(env.slack.calls('conversations.members').some((c) => c.params.channel === VAULT && c.response?.error === 'fetch_members_failed')).toBe(true);
      env.slack.clearFaults();
      expect(await freshHome('U0FRANK')).toContain(vaultJob);
      await env.rejectAndWait(vaultJob);
    } finally {
      env.slack.clearFaults();
    }
  });
});
