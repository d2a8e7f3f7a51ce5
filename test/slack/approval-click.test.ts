import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeApprovalValue } from '../../src/domain/approval-button.ts';
import { until } from '../../src/util/until.ts';
import { assertOrder, cloudWrites, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE } from './scenario.ts';
import { startBot } from './helpers.ts';

/**
 * The click checks that need a drifted plan, on the real engine and sandbox: the live state changes while the
 * request waits, so the engine asks again after the first approval; the old card loses its buttons and a click on it
 * (a client that has not refreshed) is refused as a stale plan without reaching the engine; the new card's click is decided by the engine; and a click that passed
 * every check on a read the engine had already overtaken is refused by the engine itself, and that refusal is
 * passed on and audited like the others.
 */

const CH = 'C0OPS';
let env: Env;

beforeAll(async () => {
  // No cached group members: carol's click below must read her group from Slack (a cold read the click waits for).
  env = await startEnv('click', {}, { ...FASTER_SLACK, bot: (c) => startBot(c.slack, c.service, c.redis, c.prefix, { outbox: c.outbox, groupCacheMs: 0, groupStaleMs: 0 }) });
});
afterAll(async () => {
  await env?.close();
});

type Blocks = { type: string; elements?: { value?: string }[] }[];
const buttonValue = (blocks: unknown) => (blocks as Blocks).find((b) => b.type === 'actions')!.elements![0]!.value!;


describe('approval after a plan drift', () => {
  it('asks again after a drift and refuses clicks on the old card as stale; the new card reaches the engine, which has the last word', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[7]!;
    const { slack, outbox } = env;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const first = await env.approvalCard(jobId);
    const oldValue = buttonValue(first.blocks);
    const a = decodeApprovalValue(oldValue)!.planHash;
    expect((await env.engine.service.approvals.current(jobId))?.planHash).toBe(a);

    // Someone renames the DNAT entry while the request waits: the restore recipe is no longer the approved one.
    const entry = [...env.sandbox.world.dnatEntries.values()].find((d) => d.externalIp === eip && d.internalIp === privateIp)!;
    entry.name = 'renamed-by-someone';
    env.sandbox.world.markChanged();
    await slack.click('U0BOB', CH, first.ts, { actionId: 'natmigrate_approve' });
    // The engine re-reads at the gate, finds the drift and asks again under a new hash, on a new card.
    const second = await until(async () => {
      const t = await outbox.thread(jobId);
      return t?.approval && t.approval.ts !== first.ts ? t.approval : undefined;
    }, { what: 'the second approval card' });
    await outbox.waitIdle();
    const b = (await env.engine.service.approvals.current(jobId))!;
    expect(b.planHash).not.toBe(a);
    expect(b.approvals).toEqual([]);
    expect(b.decision).toBeUndefined();
    // The old card keeps its decision but loses its buttons; the drift notice stands between it and the new card.
    const oldCard = slack.message(CH, first.ts)!;
    expect(slack.render(oldCard)).toMatch(/\*Approved\* by @bob/);
    expect(slack.render(oldCard)).not.toContain('[Approve]');
    expect(slack.render(slack.message(CH, second.ts)!)).toContain('[Approve] [Reject]');
    expect(decodeApprovalValue(buttonValue(slack.message(CH, second.ts)!.blocks))?.planHash).toBe(b.planHash);
    const t = (await outbox.thread(jobId))!;
    assertOrder(slack.transcript(CH, t.threadTs), [
      /Approval: migrate[\s\S]*\*Approved\* by @bob/,
      /The live state drifted from the plan[\s\S]*renamed-by-someone/,
      /Approval needed: migrate[\s\S]*\[Approve\] \[Reject\]/,
    ]);

    // A click on the old card (a client that has not refreshed) is refused as stale: nothing counted, nothing cut over.
    const t0 = Date.now();
    await slack.click('U0DAVE', CH, first.ts, { actionId: 'natmigrate_approve', value: oldValue });
    expect(slack.ephemerals('U0DAVE').at(-1)?.text).toMatch(/older plan/);
    expect(await env.engine.service.approvals.current(jobId)).toEqual(b);
    expect((await env.engine.service.status(jobId))[0]?.state).toBe('awaiting_approval');
    expect(cloudWrites(env.sandbox, t0)).toEqual([]);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: privateIp, status: 'Available' })]);

    // Carol's click reads the open request, then waits on Slack for her approvers' group; meanwhile Dave's click on the
    // same card is decided. Her click passed every check the bot made, so only the engine's compare-and-set, running
    // the approval rule on the request as it is now, can refuse it.
    // Under the 2 s a click waits for a group never read, and far longer than Dave's click takes.
    slack.fail('usergroups.users.list', { kind: 'hang', ms: 1000 }, 1);
    const t1 = Date.now();
    const carol = slack.click('U0CAROL', CH, second.ts, { actionId: 'natmigrate_approve' });
    await until(() => slack.calls('usergroups.users.list').some((c) => c.at >= t1), { what: 'carol\'s click to ask Slack for the approvers\' group' });
    await slack.click('U0DAVE', CH, second.ts, { actionId: 'natmigrate_approve' });
    expect(slack.ephemerals('U0DAVE').at(-1)?.text).toMatch(/You approved/);
    expect((await carol).status).toBe(200);
    const toCarol = slack.ephemerals('U0CAROL').at(-1)?.text ?? '';
    expect(toCarol).toMatch(new RegExp(`Job ${jobId} was already approved by <@U0DAVE> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; this click changes nothing\\.$`));
    const decided = (await env.engine.service.approvals.current(jobId))!;
    expect(decided).toMatchObject({ planHash: b.planHash, decision: { decision: 'approved', by: ['U0DAVE'] } });
    expect(decided.approvals.map((x) => x.userId)).toEqual(['U0DAVE']);

    // The approved (second) plan is the one carried out, and the thread tells the whole story.
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('*Finished*')), 'the migration to finish');
    const [rec] = await env.engine.service.status(jobId);
    expect(rec?.outcome).toBe('migrated');
    expect(rec?.original?.restoreRecipe.forwardEntryName).toBe('renamed-by-someone');
    expect(lines.some((l) => /The live state drifted from the plan[\s\S]*renamed-by-someone/.test(l))).toBe(true);
    // Each refusal is one reply (replies waiting together may share a message).
    expect([...lines.join('\n').matchAll(/@(\w+) clicked \*Approve\* — refused[^\n]*?\(`(\w+)`\)/g)].map((m) => `${m[1]}:${m[2]}`))
      .toEqual(['dave:StalePlan', 'carol:AlreadyDecided']);
  });
});
