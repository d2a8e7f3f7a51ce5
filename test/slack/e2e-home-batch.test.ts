import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../src/util/until.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { homeViews } from './home-views.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * A batch approved from the App Home, through the real Bolt receiver (signed block_actions from the Home view), the
 * engine with its fleet, a worker and the sandbox cloud: the batch waits on an approver's Home with its buttons, is
 * refused there by the same four-eyes rules as its thread's card (the requester's own click: SelfApproval; someone
 * who is no approver: NotApprover), each refusal recorded in the batch's thread, and runs once another approver
 * approves it from their Home.
 */

let env: Env;

beforeAll(async () => {
  env = await startEnv('e2e-home-batch', {}, {
    ...FASTER_SLACK,
    bot: ({ slack, service, redis, prefix, outbox }) => startBot(slack, service, redis, prefix, { outbox, homeDebounceMs: 50 }),
  });
});
afterAll(async () => {
  await env?.close();
});

const { blocksText, homeOf, valueFor } = homeViews(() => env.slack);

describe('App Home: approving a batch', () => {
  it('holds a batch to the thread\'s four-eyes rules, records each refusal in its thread, and runs it on another approver\'s click', async () => {
    // dave (an approver) asks for a batch of two.
    const ids = [MIGRATABLE[0]![0], MIGRATABLE[1]![0]];
    const reply = String((await env.slack.slash('U0DAVE', env.channel, `run ${ids.join(' ')}`)).json?.text);
    const batchId = /queued as one batch `(batch-[^`]+)`/.exec(reply)?.[1];
    if (!batchId) throw new Error(`no batch: ${reply}`);
    await env.approvalCard(batchId);

    // alice asks for one migration too, so an approver's Home has an Approve button of someone else's to click.
    const aliceJob = await env.runJob('U0ALICE', MIGRATABLE[2]![0]);
    await env.approvalCard(aliceJob);

    // bob's Home lists the batch with its buttons; dave's offers him alice's job but not his own batch.
    await env.slack.openHome('U0BOB');
    const bobHome = await homeOf('U0BOB', 'the batch on bob\'s home', (t) => t.includes(batchId) && t.includes('[Approve]'));
    const value = valueFor(bobHome, batchId)!;
    expect(value).toBeDefined();
    await env.slack.openHome('U0DAVE');
    const daveHome = await homeOf('U0DAVE', 'dave\'s home', (t) => t.includes(batchId) && t.includes(aliceJob));
    expect(valueFor(daveHome, batchId)).toBeUndefined();
    expect(valueFor(daveHome, aliceJob)).toBeDefined();

    // dave clicks Approve with his own batch's value anyway: SelfApproval, in the batch's thread too.
    await env.slack.clickView('U0DAVE', daveHome.id, 'natmigrate_home_approve', undefined, { forgeValue: value });
    await homeOf('U0DAVE', 'the self-approval refusal on dave\'s home', (t) => t.includes(`:no_entry_sign: You requested ${batchId}, so you cannot approve it yourself`));
    await env.waitThread(batchId, (l) => l.some((x) => /@dave clicked \*Approve\* — refused \(`SelfApproval`\)/.test(x)), 'the self-approval in the thread');

    // carol was an approver through S0APPROVERS when her Home was published; she is not any more when she clicks.
    await env.slack.openHome('U0CAROL');
    const carolHome = await homeOf('U0CAROL', 'the batch on carol\'s home', (t) => t.includes(batchId) && t.includes('[Approve]'));
    env.slack.setUsergroup('S0APPROVERS', []);
    env.slack.setUsergroup('S0OPS', []);
    try {
      await env.bot.bot.authz.warm();
      await env.slack.clickView('U0CAROL', carolHome.id, 'natmigrate_home_approve', valueFor(carolHome, batchId));
      await homeOf('U0CAROL', 'the non-approver refusal on carol\'s home', (t) => t.includes(':no_entry_sign: You are not a configured approver'));
      await env.waitThread(batchId, (l) => l.some((x) => /@carol clicked \*Approve\* — refused \(`NotApprover`\)/.test(x)), 'the non-approver refusal in the thread');
    } finally {
      env.slack.setUsergroup('S0APPROVERS', ['U0CAROL']);
      env.slack.setUsergroup('S0OPS', ['U0CAROL']);
      await env.bot.bot.authz.warm();
    }
    // Neither refusal approved anything.
    expect((await env.engine.service.approvals.current(batchId))?.approvals ?? []).toEqual([]);

    // bob approves from his Home: the batch runs and migrates both.
    await env.slack.clickView('U0BOB', bobHome.id, 'natmigrate_home_approve', value);
    const done = await until(async () => {
      const b = await env.engine.service.batchStatus?.(batchId);
      return b?.outcome ? b : undefined;
    }, { what: `batch ${batchId} to finish`, timeoutMs: 60_000 });
    expect(done.outcome, done.summary).toBe('migrated');
    const lines = await env.waitThread(batchId, (l) => l.some((x) => x.includes('@bob')), 'bob\'s approval in the thread');
    expect(lines.join('\n')).toMatch(/@bob/);
    // The batch leaves the waiting list of bob's Home.
    await homeOf('U0BOB', 'the batch no longer waiting on bob\'s home', (t) => !valueFor(env.slack.homeView('U0BOB')!, batchId) && t.includes(batchId));
    await env.rejectAndWait(aliceJob);
  });
});
