import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../src/slack-sim/index.ts';
import { decodeApprovalValue } from '../../src/domain/approval-policy.ts';
import { ev, samplePlan, testRedis, type TestRedis } from './fixtures.ts';
import { PEOPLE, startBot, type RunningBot } from './helpers.ts';
import { SpyService } from './spy-service.ts';

/**
 * The click checks that need a drifted plan: the old card is superseded (buttons gone) and a click on it is refused
 * as a stale plan without reaching the engine; the new card's click goes through to approvals.decide.
 */

const CH = 'C0OPS';
const J = 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa-1';
let slack: FakeSlack;
let r: TestRedis;
let bot: RunningBot;
const service = new SpyService();

beforeAll(async () => {
  slack = await startFakeSlack({ users: PEOPLE, channels: { [CH]: 'ops' } });
  r = await testRedis('click');
  bot = await startBot(slack, service, r.redis, r.prefix);
});
afterAll(async () => {
  await bot.stop();
  await slack.close();
  await r.cleanup();
});

type Blocks = { type: string; elements?: { value?: string }[] }[];
const buttonValue = (blocks: unknown) => (blocks as Blocks).find((b) => b.type === 'actions')!.elements![0]!.value!;

describe('approval after a plan drift', () => {
  it('supersedes the old card and refuses its clicks as stale; the new card reaches the engine', async () => {
    const outbox = bot.bot.outbox;
    const a = samplePlan({ hash: 'a'.repeat(64) });
    const b = samplePlan({ hash: 'b'.repeat(64), expectedEgressIps: ['47.96.9.10'] });
    const alice = { kind: 'user' as const, userId: 'U0ALICE' };
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    await outbox.bind(J, { channelId: CH, userId: 'U0ALICE' });
    for (const e of [
      ev(J, { type: 'job.queued', kind: 'migrate', instanceId: a.instanceId, regionId: a.regionId, requestedBy: alice }),
      ev(J, { type: 'approval.requested', kind: 'migrate', plan: a, planHash: a.hash, expiresAt, requiredApprovals: 1, requestedBy: alice }),
    ]) await outbox.emit(e);
    await outbox.waitIdle();
    const first = (await outbox.thread(J))!.approval!;
    for (const e of [
      ev(J, { type: 'plan.drifted', previousHash: a.hash, plan: b, differences: ['expected egress 47.96.9.9 → 47.96.9.10'] }),
      ev(J, { type: 'approval.requested', kind: 'migrate', plan: b, planHash: b.hash, expiresAt, requiredApprovals: 1, requestedBy: alice }),
    ]) await outbox.emit(e);
    await outbox.waitIdle();
    const second = (await outbox.thread(J))!.approval!;
    expect(second.ts).not.toBe(first.ts);
    const oldCard = slack.message(CH, first.ts)!;
    expect(slack.render(oldCard)).toMatch(/Superseded/);
    expect(slack.render(oldCard)).not.toContain('[Approve]');
    service.approvalRecords.set(J, { kind: 'migrate', planHash: b.hash, requestedBy: 'U0ALICE', requiredApprovals: 1, requestedAt: new Date().toISOString(), expiresAt, approvals: [] });

    const oldValue = buttonValue(oldCard.edits[0]!.blocks);
    expect(decodeApprovalValue(oldValue)?.planHash).toBe(a.hash);
    await slack.click('U0BOB', CH, first.ts, { actionId: 'natmigrate_approve', value: oldValue });
    expect(slack.ephemerals('U0BOB').at(-1)?.text).toMatch(/older plan/);
    expect(service.count('approvals.decide')).toBe(0);

    await slack.click('U0BOB', CH, second.ts, { actionId: 'natmigrate_approve' });
    expect(service.calls.find((c) => c.method === 'approvals.decide')?.args).toEqual({ jobId: J, planHash: b.hash, decision: 'approve', userId: 'U0BOB' });
    // The engine's own refusal (here: the spy knows no such job) is passed on and audited too.
    expect(slack.ephemerals('U0BOB').at(-1)?.text).toMatch(/spy/);
    await outbox.waitIdle();
    const lines = slack.transcript(CH, (await outbox.thread(J))!.threadTs);
    expect(lines.some((l) => /The live state drifted from the plan[\s\S]*expected egress 47.96.9.9 → 47.96.9.10/.test(l))).toBe(true);
    expect(lines.filter((l) => /@bob clicked \*Approve\* — refused/.test(l)).map((l) => /\(`(\w+)`\)/.exec(l)?.[1])).toEqual(['StalePlan', 'UnknownJob']);
  });
});
