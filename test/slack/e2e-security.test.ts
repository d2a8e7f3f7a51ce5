import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeApprovalValue, decodeApprovalValue } from '../../src/domain/approval-button.ts';
import { assertOrder, cloudWrites, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * Every way a click can be wrong, against the real receiver, engine and sandbox, with two approvals required.
 * Each refused click must: tell the clicker why (ephemeral), leave a line in the job's thread, change nothing in
 * the cloud and count nothing.
 */

let env: Env;
beforeAll(async () => {
  env = await startEnv('e2e-security', { requiredApprovals: 2 }, FASTER_SLACK);
});
afterAll(async () => {
  await env?.close();
});

const finished = (l: string[]) => l.some((x) => x.includes('*Finished*'));

describe('approval security (M = 2)', () => {
  it('refuses bad signatures, stale timestamps, self-approval, non-approvers, other channel/thread, tampered values, replays and double clicks', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[5]!;
    // Bob is a requester and an approver: he may ask, but not approve his own job.
    const jobId = await env.runJob('U0BOB', instanceId);
    const otherJob = await env.runJob('U0ALICE', MIGRATABLE[6]![0]);
    const card = await env.approvalCard(jobId);
    const otherCard = await env.approvalCard(otherJob);
    const rawValue = (card.blocks as { type: string; elements?: { value?: string }[] }[]).find((b) => b.type === 'actions')!.elements![0]!.value!;
    const value = decodeApprovalValue(rawValue)!;
    const t0 = Date.now();
    const approvals = async () => (await env.engine.service.approvals.current(jobId))?.approvals.length;
    const click = (user: string, opts: Partial<Parameters<Env['slack']['click']>[3]> = {}) =>
      env.slack.click(user, env.channel, card.ts, { actionId: 'natmigrate_approve', ...opts });
    const lastTold = (user: string) => env.slack.ephemerals(user).at(-1)?.text ?? '';

    // Signature checks happen before any listener.
    expect((await click('U0BOB', { secret: 'not-the-signing-secret' })).status).toBe(401);
    expect((await click('U0BOB', { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect(await approvals()).toBe(0);

    await click('U0BOB');
    expect(lastTold('U0BOB')).toMatch(/you cannot approve it yourself/);
    await click('U0EVE');
    expect(lastTold('U0EVE')).toMatch(/not a configured approver/);
    await env.slack.click('U0EVE', env.channel, card.ts, { actionId: 'natmigrate_reject' });
    expect(lastTold('U0EVE')).toMatch(/Only configured approvers \(or the requester\) may reject/);
    await click('U0DAVE', { channelId: 'C0ELSEWHERE' });
    expect(lastTold('U0DAVE')).toMatch(/only count from its own thread in/);
    await click('U0DAVE', { threadTs: otherCard.threadTs! });
    expect(lastTold('U0DAVE')).toMatch(/only count from its approval message in the job's thread/);
    await click('U0DAVE', { value: (otherCard.blocks as { type: string; elements?: { value?: string }[] }[]).find((b) => b.type === 'actions')!.elements![0]!.value! });
    expect(lastTold('U0DAVE')).toMatch(/does not match the approval card/);
    await click('U0DAVE', { value: encodeApprovalValue({ ...value, planHash: 'f'.repeat(64) }) });
    expect(lastTold('U0DAVE')).toMatch(/does not match the approval card/);
    await click('U0DAVE', { value: 'na1:not a value' });
    expect(lastTold('U0DAVE')).toMatch(/invalid value/);
    expect(await approvals()).toBe(0);

    // The first valid approval counts once; its replay and a second click by the same person do not.
    const ok = await click('U0DAVE');
    expect(ok.status).toBe(200);
    expect(lastTold('U0DAVE')).toMatch(/is recorded \(1 of 2\)/);
    const replay = await env.slack.sendRaw(ok.rawBody, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ok.timestamp), 'x-slack-signature': ok.signature });
    expect(replay.status).toBe(200);
    expect(await approvals()).toBe(1);
    await click('U0DAVE');
    expect(lastTold('U0DAVE')).toMatch(/already counted \(1 of 2\)/);
    expect(await approvals()).toBe(1);

    // Nothing in the cloud moved while all that happened (every click dealt with, up to the last one's audit line):
    // no write, the mapping is the original one.
    await env.waitThread(jobId, (l) => l.some((x) => x.includes('(`AlreadyCounted`)')), 'the refused clicks to be audited');
    expect(cloudWrites(env.sandbox, t0)).toEqual([]);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: privateIp, status: 'Available' })]);
    expect((await env.engine.service.status(jobId))[0]?.state).toBe('awaiting_approval');

    // The second distinct approver (a member of the approvers' user group) decides it.
    await click('U0CAROL');
    expect(lastTold('U0CAROL')).toMatch(/You approved .* \(2 of 2\)/);
    const lines = await env.waitThread(jobId, finished, 'the approved migration');
    // A click after the decision (the buttons are gone, but a client that has not refreshed can still send it).
    await click('U0BOB', { value: rawValue });
    expect(lastTold('U0BOB')).toMatch(/already approved/);
    const after = await env.waitThread(jobId, (l) => l.some((x) => x.includes('(`AlreadyDecided`)')), 'the late click to be audited');

    // Every refusal is in the thread, in the order it happened, before the approval that counted.
    assertOrder(after, [
      /@bob clicked \*Approve\* — refused \(`SelfApproval`\)/,
      /@eve clicked \*Approve\* — refused \(`NotApprover`\)/,
      /@eve clicked \*Reject\* — refused \(`NotApprover`\)/,
      /@dave clicked \*Approve\* — refused \(`WrongChannel`\)/,
      /@dave clicked \*Approve\* — refused \(`WrongThread`\)/,
      /@dave clicked \*Approve\* — refused \(`Tampered`\)/,
      /@dave clicked \*Approve\* — refused \(`Tampered`\)/,
      /@dave clicked \*Approve\* — refused \(`Tampered`\)/,
      /@dave \*approved\* \(1 of 2\)/,
      /Ignored a replayed request signed for @dave/,
      /@dave clicked \*Approve\* — refused \(`AlreadyCounted`\)/,
      /\*Approved\* by @dave, @carol/,
      /Finished[\s\S]*Migrated and verified/,
      /@bob clicked \*Approve\* — refused \(`AlreadyDecided`\)/,
    ]);
    expect(lines.find((l) => l.includes('Approval: migrate'))).toMatch(/\*Approved\* by @dave, @carol/);
    // The other job was never touched by the clicks aimed at it; clean it up.
    expect(await env.engine.service.approvals.current(otherJob)).toMatchObject({ approvals: [] });
    await env.slack.click('U0ALICE', env.channel, otherCard.ts, { actionId: 'natmigrate_reject' });
    await env.waitThread(otherJob, finished, 'the other job to be rejected by its requester');
  });
});
