// `run --all` through the real Bolt receiver and the fake workspace: one thread, one plan, one approval card (same
// rules as a single job), one live progress message, canary first, the concurrency cap, and the result.
import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { egressIp } from '../../src/sandbox/index.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-card.ts';
import { until } from '../../src/util/until.ts';
import { CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { FASTER_SLACK } from '../support/faster-slack.ts';
import { batchScenario, fleetIds } from './scenarios.ts';

let env: FleetEnv | undefined;
afterEach(async () => { await env?.close(); env = undefined; });

const plain = (s: string) => s.replace(/[*`]/g, '');

async function startBatch(e: FleetEnv, text: string, userId = 'U0ALICE'): Promise<string> {
  const reply = await e.slack!.slash(userId, CHANNEL, text);
  const m = /queued as `(batch-[^`]+)`/.exec(String(reply.json?.text));
  if (!m) throw new Error(`batch not queued: ${String(reply.json?.text)}`);
  return m[1]!;
}

async function approvalCardTs(e: FleetEnv, batchId: string): Promise<string> {
  return until(async () => (await e.outbox!.thread(batchId))?.approval?.ts, { what: `the approval card of ${batchId}`, timeoutMs: 20_000 });
}

function childWindows(e: FleetEnv, childIds: string[]): { id: string; from: number; to: number }[] {
  return childIds.map((id) => {
    const evs = e.of(id);
    const granted = evs.find((x) => x.type === 'approval.decided');
    const fin = evs.find((x) => x.type === 'finished');
    return { id, from: Date.parse(granted?.at ?? 'x'), to: Date.parse(fin?.at ?? 'x') };
  });
}

describe('batch through Slack', () => {
  it('run --all: one approval (four-eyes) for 20 instances; canary first, at most 4 at a time; all end egressing through SNAT', async () => {
    env = await startFleetEnv({ name: 'batch-slack-ok', scenario: batchScenario(20), slack: true, ...FASTER_SLACK });
    const slack = env.slack!;
    const started = Date.now();
    // Bob may both request and approve, but never approve his own request.
    const batchId = await startBatch(env, `run --all ${fleetIds.natGateway} --concurrency 4`, 'U0BOB');
    expect(batchId).toMatch(/^batch-cn-hangzhou-ngw-fleet0000000000001-\d+$/);

    const cardTs = await approvalCardTs(env, batchId);
    const card = plain(slack.render(slack.message(CHANNEL, cardTs)!));
    expect(card).toContain('Approval needed: batch of 20 on ngw-fleet0000000000001');
    expect(card).toContain('One approval for the whole batch: 20 DNAT IP mappings moved in place (ModifyForwardEntry');
    // Four-eyes: the requester cannot approve the batch; a non-approver neither.
    await slack.click('U0BOB', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    expect(slack.ephemerals('U0BOB').at(-1)?.text).toMatch(/You requested batch-.*, so you cannot approve it yourself/);
    await slack.click('U0EVE', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    await slack.click('U0DAVE', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });

    const fin = await env.waitFor(batchId, 'finished', 90_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    const snatIp = [...env.sandbox.world.snatEntries.values()][0]!.snatIp;
    for (let i = 0; i < 20; i++) expect(egressIp(env.sandbox.world, fleetIds.instance(i)), fleetIds.instance(i)).toBe(snatIp);
    expect(Date.now() - started).toBeLessThan(45_000);

    // Canary alone first, then never more than 4 in flight.
    const plan = env.of(batchId).find((e): e is Extract<MigrationEvent, { type: 'batch.planned' }> => e.type === 'batch.planned')!.batch;
    const w = childWindows(env, plan.items.map((i) => i.childJobId));
    const canary = w[0]!;
    for (const o of w.slice(1)) expect(o.from, o.id).toBeGreaterThanOrEqual(canary.to);
    const points = w.flatMap((x) => [x.from, x.to]).sort((a, b) => a - b);
    for (const t of points) expect(w.filter((x) => x.from <= t && t < x.to).length).toBeLessThanOrEqual(4);
    // Each child ran under the batch's approval, bound to the batch hash.
    for (const it of plan.items) {
      const rec = (await env.engine.service.status(it.childJobId))[0]!;
      expect(rec.approval?.viaBatch).toEqual({ batchId, batchHash: plan.hash });
      expect(rec.approval?.decision?.by).toEqual(['U0DAVE']);
      expect(rec.approval?.planHash).toBe(it.planHash);
    }

    // The thread: ONE live root message (edited in place), the plan with every entry and recipe, the result.
    await env.outbox!.waitIdle({ timeoutMs: 20_000 });
    const t = (await env.outbox!.thread(batchId))!;
    const root = slack.message(CHANNEL, t.rootTs)!;
    expect(slack.channelMessages(CHANNEL).filter((m) => m.text.startsWith('NAT batch'))).toHaveLength(1);
    // Edited in place (posted before the first cutover, it ends showing the result), coalesced: at most one edit per
    // 3 s, and none that would not change what it shows.
    expect(root.edits.length).toBeGreaterThanOrEqual(1);
    const live = plain(slack.render(root));
    expect(live).toContain('Migrated and verified');
    expect(live).toContain('done 20 · ⏳ in flight 0 · ⬜ waiting 0 · ❌ failed 0');
    const lines = slack.transcript(CHANNEL, t.threadTs).map(plain);
    const planReply = lines.find((l) => l.includes('Batch plan for ngw-fleet0000000000001'))!;
    for (const it of plan.items) {
      // Every port: each mapping moves to its ENI in place, and moves back to restore.
      expect(planReply).toContain(`move in place ${it.entryToDelete.forwardEntryId} (${it.entryToDelete.externalIp} → ${it.entryToDelete.internalIp})`);
      expect(planReply).toContain(`restore = move back to ${it.restoreRecipe.forwardTableId} ${it.restoreRecipe.externalIp}:`);
    }
    // One result per instance (replies waiting together share a message).
    expect(lines.join('\n').match(/i-fleet\d{5}( \(canary\))?: Migrated and verified/g)).toHaveLength(20);
    expect(lines.some((l) => l.includes('Approved by @dave'))).toBe(true);
    expect(lines.some((l) => l.includes('@bob clicked Approve — refused (SelfApproval)'))).toBe(true);
    expect(lines.some((l) => l.includes('@eve clicked Approve — refused (NotApprover)'))).toBe(true);
  });

  it('status <batch-id> answers with the batch and each instance\'s state and outcome, read from the records', async () => {
    // Instance 2 fails verification; --concurrency 1 makes the rest of the story fixed: 1 migrated, 2 restored, 3 and 4 untouched.
    env = await startFleetEnv({ name: 'batch-slack-status', scenario: batchScenario(4, [1]), slack: true, ...FASTER_SLACK, options: { verifyTimeoutMs: 1500 } });
    const slack = env.slack!;
    const status = async (target: string) => {
      const res = await slack.slash('U0EVE', CHANNEL, `status ${target}`);
      expect(res.json?.response_type).toBe('ephemeral');
      return plain(String(res.json?.text));
    };
    const batchId = await startBatch(env, `run --all ${fleetIds.natGateway} --concurrency 1`);
    const cardTs = await approvalCardTs(env, batchId);
    const plan = env.of(batchId).find((e): e is Extract<MigrationEvent, { type: 'batch.planned' }> => e.type === 'batch.planned')!.batch;
    const child = (i: number) => plan.items.find((x) => x.instanceId === fleetIds.instance(i))!.childJobId;

    const waiting = await status(batchId);
    expect(waiting).not.toMatch(/No job found/);
    expect(waiting).toContain(`Batch ${batchId} (run --all ${fleetIds.natGateway} in cn-hangzhou, requested by <@U0ALICE>`);
    expect(waiting).toContain('waiting for 1 more approval(s)');
    expect(waiting).toContain(`thread in <#${CHANNEL}>`);
    expect(waiting).toContain(`Plan hash ${plan.hash.slice(0, 12)} · canary 1 · concurrency 1`);
    for (let i = 0; i < 4; i++) expect(waiting).toContain(`• ${fleetIds.instance(i)}${i === 0 ? ' canary' : ''} — `);
    for (let i = 0; i < 4; i++) expect(waiting).toContain(child(i));

    await slack.click('U0BOB', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('restored');
    const done = await status(batchId);
    expect(done).toContain(`Batch ${batchId} (`);
    expect(done).toContain('Original mapping restored · approved by <@U0BOB>');
    expect(done).toContain('4 instances: done 1, failed 1, untouched 2');
    expect(done).toContain(`• ${fleetIds.instance(0)} canary — ✅ migrated · ${child(0)}: :white_check_mark: Migrated and verified`);
    expect(done).toContain(`• ${fleetIds.instance(1)} — ❌ not migrated · ${child(1)}: :leftwards_arrow_with_hook: Original mapping restored`);
    for (const i of [2, 3]) expect(done).toContain(`• ${fleetIds.instance(i)} — ➖ untouched (staging undone) · ${child(i)}: :octagonal_sign: Cancelled`);
    expect(done).toContain(`Stopped: ${fleetIds.instance(1)} ended restored`);
    // Each line agrees with the child's own record.
    for (let i = 0; i < 4; i++) expect((await env.engine.service.status(child(i)))[0]?.state).toBe('finished');

    // An id of the right shape that no batch has is still "not found"; a child job id still answers as a job.
    expect(await status(`${batchId}9`)).toBe(`No job found for ${batchId}9.`);
    expect(await status(child(0))).toContain(`Jobs for ${child(0)}:`);
  });

  it('a failing canary stops the batch: the thread says which instance failed and lists the untouched ones', async () => {
    env = await startFleetEnv({ name: 'batch-slack-canary', scenario: batchScenario(20, [0]), slack: true, ...FASTER_SLACK, options: { verifyTimeoutMs: 1500 } });
    const slack = env.slack!;
    const batchId = await startBatch(env, `run --all ${fleetIds.natGateway}`);
    const cardTs = await approvalCardTs(env, batchId);
    await slack.click('U0BOB', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome).toBe('restored');
    await env.outbox!.waitIdle({ timeoutMs: 20_000 });
    const t = (await env.outbox!.thread(batchId))!;
    const live = plain(slack.render(slack.message(CHANNEL, t.rootTs)!));
    expect(live).toContain('Original mapping restored');
    expect(live).toContain('done 0 · ⏳ in flight 0 · ⬜ waiting 0 · ❌ failed 1 · ➖ untouched 19');
    expect(live).toContain(`❌ ${fleetIds.instance(0)} canary — not migrated (restored)`);
    const lines = slack.transcript(CHANNEL, t.threadTs).map(plain);
    const result = lines.find((l) => l.includes('Finished'))!;
    expect(result).toContain(`Stopped: ${fleetIds.instance(0)} (canary) ended restored`);
    for (let i = 1; i < 20; i++) expect(result).toContain(fleetIds.instance(i));
    expect(lines.some((l) => l.includes(`${fleetIds.instance(0)} (canary): Original mapping restored`))).toBe(true);
  });
  it('run with several ids: one batch over exactly those instances, one thread and one approval; an unknown id is listed as skipped', async () => {
    env = await startFleetEnv({ name: 'batch-slack-ids', scenario: batchScenario(6), slack: true, ...FASTER_SLACK });
    const slack = env.slack!;
    const missing = 'i-nosuchinstance00001';
    const ids = [fleetIds.instance(0), fleetIds.instance(2), fleetIds.instance(4), missing];
    const reply = await slack.slash('U0ALICE', CHANNEL, `run ${ids.join(' ')}`);
    expect(String(reply.json?.text)).toMatch(/^4 instances in `cn-hangzhou` queued as one batch `batch-/);
    const batchId = /queued as one batch `(batch-[^`]+)`/.exec(String(reply.json?.text))![1]!;
    const cardTs = await approvalCardTs(env, batchId);
    const plan = env.of(batchId).find((e): e is Extract<MigrationEvent, { type: 'batch.planned' }> => e.type === 'batch.planned')!.batch;
    expect(plan.items.map((i) => i.instanceId).sort()).toEqual(ids.slice(0, 3).sort());
    expect(plan.skipped).toEqual([expect.objectContaining({ instanceId: missing, code: 'InstanceNotFound' })]);
    expect(plain(slack.render(slack.message(CHANNEL, cardTs)!))).toContain('Approval needed: batch of 3 on ');
    // No job of its own for any instance: every message of the run is in the batch's one thread.
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);

    await slack.click('U0BOB', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    const snatIp = [...env.sandbox.world.snatEntries.values()][0]!.snatIp;
    for (const i of [0, 2, 4]) expect(egressIp(env.sandbox.world, fleetIds.instance(i)), fleetIds.instance(i)).toBe(snatIp);
    // The instances not named are left alone.
    for (const i of [1, 3, 5]) expect(egressIp(env.sandbox.world, fleetIds.instance(i)), fleetIds.instance(i)).not.toBe(snatIp);
    const status = plain(String((await slack.slash('U0EVE', CHANNEL, `status ${batchId}`)).json?.text));
    expect(status).toContain(`(run ${ids.join(' ')} in cn-hangzhou`);
  });
});
