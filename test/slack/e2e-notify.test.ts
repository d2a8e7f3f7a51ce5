import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * Approvers are told, through the real Bolt app, engine, worker and sandbox, with the simulated workspace: a mention
 * in the job's thread (or a DM each, as configured), a reminder at 80 % of the approval's lifetime while approvals
 * are missing, and the requester's DM when the job ends. The bot's clock is moved forward (as the expiry tests move
 * the engine's), so nothing waits 24 minutes.
 */

const TTL = 30 * 60_000;
const finished = (l: string[]) => l.some((x) => x.includes('*Finished*'));

function envWith(name: string, notifyApprovers: string, requiredApprovals: number) {
  const shift = { ms: 0 };
  const start = () => startEnv(name, { approvalTtlMs: TTL, requiredApprovals }, {
    ...FASTER_SLACK,
    bot: ({ slack, service, redis, prefix, outbox }) => startBot(slack, service, redis, prefix, {
      outbox, notifyApprovers, reminderPollMs: 50, now: () => new Date(Date.now() + shift.ms),
    }),
  });
  return { shift, start };
}

describe('approvers mentioned in the thread (NATMIGRATE_NOTIFY_APPROVERS=mention)', () => {
  const setup = envWith('e2e-notify-mention', 'mention', 2);
  let env: Env;
  beforeAll(async () => {
    env = await setup.start();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('mentions the approvers and their group, reminds the ones still missing at 80 %, and DMs the requester at the end', async () => {
    const [instanceId] = MIGRATABLE[2]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    const asked = await env.waitThread(jobId, (l) => l.some((x) => x.includes('asks for approval of')), 'the approvers mentioned');
    const line = asked.find((x) => x.includes('asks for approval of'))!;
    // NATMIGRATE_APPROVERS as configured: two users and the user group (<!subteam^S0APPROVERS>); never the requester.
    expect(line).toMatch(new RegExp(`(^|\n):bell: @bob @dave @s0approvers: @alice asks for approval of \`${jobId}\` \\(\`${instanceId}\`\\); 2 approver\\(s\\) needed, open until .+ UTC\\.`, 'm'));
    const raw = env.slack.thread(env.channel, card.threadTs!).find((m) => m.text.includes('asks for approval'))!;
    expect(JSON.stringify(raw.blocks)).toContain('<!subteam^S0APPROVERS>');
    expect(asked.indexOf(line)).toBeGreaterThan(asked.findIndex((x) => x.includes('Approval: migrate')));

    // bob approves (1 of 2); at 79 % nothing is sent, at 80 % the reminder names who is still missing.
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    await env.waitThread(jobId, (l) => l.some((x) => x.includes('1 of 2')), 'the first approval');
    setup.shift.ms = TTL * 0.79;
    await new Promise((r) => setTimeout(r, 300));
    expect(env.slack.transcript(env.channel, card.threadTs!).some((x) => x.includes('Reminder'))).toBe(false);
    setup.shift.ms = TTL * 0.8 + 1000;
    const reminded = await env.waitThread(jobId, (l) => l.some((x) => x.includes('Reminder')), 'the reminder');
    const reminder = reminded.filter((x) => x.includes('Reminder'));
    expect(reminder).toHaveLength(1);
    expect(reminder[0]).toMatch(new RegExp(`(^|\n):alarm_clock: Reminder @dave @s0approvers: \`${jobId}\` \\(\`${instanceId}\`\\) still needs 1 approval\\(s\\); the request expires at`, 'm'));
    expect(reminder[0]!.split('\n').find((x) => x.includes('Reminder'))).not.toContain('@bob');

    // dave approves: the job runs to its end, and alice (the requester) hears it in a DM.
    await env.slack.click('U0DAVE', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    await env.waitThread(jobId, finished, 'the migration');
    const dm = await env.slack.waitFor(() => env.slack.directMessages('U0ALICE').find((m) => m.text.includes(jobId)), { what: 'the requester DM' });
    expect(env.slack.renderText(dm.text)).toMatch(new RegExp(`^Your job \`${jobId}\` \\(\`${instanceId}\`\\) in #ops ended: :white_check_mark: Migrated and verified \\(\`migrated\`\\)\\.\\n`));
    expect(env.slack.directMessages('U0BOB')).toEqual([]);
    // Reminders are sent once.
    await new Promise((r) => setTimeout(r, 200));
    expect(env.slack.transcript(env.channel, card.threadTs!).filter((x) => x.includes('Reminder'))).toHaveLength(1);
  });
});

describe('approvers told by DM (NATMIGRATE_NOTIFY_APPROVERS=dm), each in their own language', () => {
  const setup = envWith('e2e-notify-dm', 'dm', 1);
  let env: Env;
  beforeAll(async () => {
    env = await setup.start();
    env.slack.addUser({ id: 'U0DAVE', name: 'dave', locale: 'ja-JP' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('DMs every approver (group members too) but the requester, reminds by DM, and the request ends by rejection', async () => {
    const [instanceId] = MIGRATABLE[3]!;
    const jobId = await env.runJob('U0BOB', instanceId);
    const card = await env.approvalCard(jobId);
    const toCarol = await env.slack.waitFor(() => env.slack.directMessages('U0CAROL').find((m) => m.text.includes(jobId)), { what: 'carol\'s DM' });
    expect(env.slack.renderText(toCarol.text)).toMatch(new RegExp(`^:bell: @bob asks for your approval of \`${jobId}\` \\(\`${instanceId}\`\\) in #ops, open until .+ UTC\\.`));
    const toDave = await env.slack.waitFor(() => env.slack.directMessages('U0DAVE').find((m) => m.text.includes(jobId)), { what: 'dave\'s DM' });
    expect(env.slack.renderText(toDave.text)).toMatch(new RegExp(`^:bell: @bob さんが #ops で \`${jobId}\` \\(\`${instanceId}\`\\) の承認を依頼しています。期限は \\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} UTC です。`));
    // The requester is no approver of their own job; no thread mention in DM mode.
    expect(env.slack.directMessages('U0BOB').filter((m) => m.text.includes('asks for'))).toEqual([]);
    expect(env.slack.transcript(env.channel, card.threadTs!).some((x) => x.includes('asks for approval'))).toBe(false);

    setup.shift.ms = TTL * 0.8 + 1000;
    const reminder = await env.slack.waitFor(() => env.slack.directMessages('U0CAROL').find((m) => m.text.includes('Reminder')), { what: 'carol\'s reminder' });
    expect(env.slack.renderText(reminder.text)).toContain(`Reminder: \`${jobId}\``);
    await env.slack.waitFor(() => env.slack.directMessages('U0DAVE').find((m) => m.text.includes('リマインダー')), { what: 'dave\'s reminder' });

    await env.rejectAndWait(jobId);
    const ended = await env.slack.waitFor(() => env.slack.directMessages('U0BOB').find((m) => m.text.includes('ended')), { what: 'the requester DM' });
    expect(env.slack.renderText(ended.text)).toContain('ended: :x: Rejected; staging undone (`rejected`).');
    expect(env.slack.calls('conversations.open').every((c) => c.response?.ok === true)).toBe(true);
  });
});

describe('one user group mentioned (NATMIGRATE_NOTIFY_APPROVERS=S0OPS)', () => {
  const setup = envWith('e2e-notify-group', 'S0OPS', 1);
  let env: Env;
  beforeAll(async () => {
    env = await setup.start();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('mentions only that group in the thread, and no approver gets a DM', async () => {
    const [instanceId] = MIGRATABLE[5]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const asked = await env.waitThread(jobId, (l) => l.some((x) => x.includes('asks for approval of')), 'the group mentioned');
    const line = asked.join('\n').split('\n').find((x) => x.includes('asks for approval of'))!;
    expect(line).toMatch(new RegExp(`^:bell: @s0ops: @alice asks for approval of \`${jobId}\``));
    const card = await env.approvalCard(jobId);
    const raw = env.slack.thread(env.channel, card.threadTs!).find((m) => JSON.stringify(m.blocks).includes('asks for approval'));
    expect(JSON.stringify(raw?.blocks)).toContain('<!subteam^S0OPS>');
    for (const u of ['U0BOB', 'U0CAROL', 'U0DAVE']) expect(env.slack.directMessages(u)).toEqual([]);
    await env.rejectAndWait(jobId);
  });
});
