// A scan of 1,000 DNAT entries, and a 1,000-instance `run --all`, through the real Bolt receiver (signed requests) against the strict simulated workspace:
// planned, approved with one click on a small approval card, and its thread complete — every message the platform
// was asked to take, it took.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { egressIp } from '../../src/sandbox/index.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-card.ts';
import { batchPlanReply } from '../../src/slack/blocks/batch-card.ts';
import { validateMessage } from '../../src/slack-sim/block-validation.ts';
import { until } from '../../src/util/until.ts';
import { CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { fleetIds, largeBatchScenario } from './scenarios.ts';

const N = 1000;
/** Cloud operations that complete at once: the forward-table writes of 1,000 cutovers go one by one. */
const INSTANT = { eniAttach: 1, eniDetach: 1, eniDelete: 1, dnatCreate: 1, dnatDelete: 1, runCommand: 1 };
/**
 * This test is about Slack at scale, not about stale reads (test/sandbox/realism.test.ts and test/engine/realism.test.ts
 * are): the realism rule staleReads stays on, with reads 5 ms behind instead of 30, so that 1,000 serialized cutovers
 * do not each wait out the lag. The batch looks at its children every 200 ms (each look reads 1,000 records), and
 * waiters for the table lock poll every 250 ms: a release in this process hands the table over at once anyway.
 */
const SCENARIO = { ...largeBatchScenario(N, INSTANT), realism: { readLagMs: 5 } };
/**
 * The engine is told those latencies (options.expectedMs, as a deployment configures them for its cloud): each wait
 * polls first when its change is due and visible, instead of after the waiter's first gap. Under the table lock
 * that wait is in every one of the 1,000 serialized cutovers.
 */
const EXPECTED = { ...INSTANT, dnatModify: 1, readLag: 5 };
let env: FleetEnv | undefined;
beforeAll(async () => {
  env = await startFleetEnv({
    name: 'batch-1000', scenario: SCENARIO, slack: true, concurrency: 24, fleet: { batchPollMs: 200 }, options: { tableLockPollMs: 250, cancelPollMs: 250, expectedMs: EXPECTED },
  });
});
afterAll(async () => { await env?.close(); });

/** Every chat call Slack refused so far. */
const refusedCalls = () => [...env!.slack!.calls('chat.postMessage'), ...env!.slack!.calls('chat.update')].filter((c) => c.response?.ok !== true);

describe('1,000 instances through Slack', () => {
  it('a scan of a NAT gateway with 1,000 DNAT entries: one message that fits, and every row in the CSV', async () => {
    const slack = env!.slack!;
    const reply = await slack.slash('U0ALICE', CHANNEL, `scan ${fleetIds.natGateway}`);
    expect(String(reply.json?.text)).toContain('queued');
    const msg = await slack.waitFor(() => slack.channelMessages(CHANNEL).find((m) => m.text.startsWith('Inventory of')), { timeoutMs: 60_000, what: 'the scan message' });
    expect(validateMessage(msg)).toBeUndefined();
    const shown = slack.render(msg).replace(/[*`]/g, '');
    expect(shown).toContain(`${N} instances: ${N} egress through a DNAT IP mapping (${N} ready to migrate, 0 would be refused)`);
    expect(shown).toContain(`Showing 30 of ${N}; the full inventory is attached as CSV in the thread.`);
    const file = await slack.waitFor(() => slack.files().find((f) => f.completed && f.threadTs === msg.ts), { timeoutMs: 60_000, what: 'the CSV upload' });
    const rows = file.content!.toString('utf8').trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.split(',')[0]))).toEqual(new Set(Array.from({ length: N }, (_, i) => fleetIds.instance(i))));
    expect(refusedCalls()).toEqual([]);
  });

  it('a batch is planned, approved with one click, and its thread is complete; Slack refused nothing', async () => {
    const slack = env!.slack!;
    const reply = await slack.slash('U0ALICE', CHANNEL, `run --all ${fleetIds.natGateway} --concurrency 20`);
    const batchId = /queued as `(batch-[^`]+)`/.exec(String(reply.json?.text))?.[1];
    expect(batchId, String(reply.json?.text)).toBeDefined();

    const cardTs = await until(async () => (await env!.outbox!.thread(batchId!))?.approval?.ts, { what: 'the approval card', timeoutMs: 120_000 });
    const card = slack.message(CHANNEL, cardTs)!;
    // Small at any size: the card names the count and the first few, and has its two buttons.
    expect(JSON.stringify(card.blocks).length).toBeLessThan(12_000);
    expect(slack.render(card)).toContain(`Approval needed: batch of ${N} on ${fleetIds.natGateway}`);
    expect(slack.render(card)).toContain(`…and ${N - 10} more, listed in the batch plan above.`);
    expect(slack.render(card)).toContain('[Approve] [Reject]');

    const plan = env!.of(batchId!).find((e): e is Extract<MigrationEvent, { type: 'batch.planned' }> => e.type === 'batch.planned')!.batch;
    expect(plan.items).toHaveLength(N);
    // The plan reply fits one message; the whole plan travels with it as a file (every entry and recipe).
    const planMsg = batchPlanReply(plan, new Date().toISOString());
    expect(validateMessage(planMsg)).toBeUndefined();
    const csv = planMsg.file!.content.trim().split('\r\n');
    expect(csv).toHaveLength(N + 1);
    for (const it of plan.items) expect(csv.some((l) => l.startsWith(`${it.instanceId},`) && l.includes(`,${it.entryToDelete.forwardEntryId},`)), it.instanceId).toBe(true);

    await slack.click('U0BOB', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    const fin = await env!.waitFor(batchId!, 'finished', 900_000);
    expect(fin.outcome, fin.summary).toBe('migrated');
    const snatIp = [...env!.sandbox.world.snatEntries.values()][0]!.snatIp;
    for (let i = 0; i < N; i++) expect(egressIp(env!.sandbox.world, fleetIds.instance(i))).toBe(snatIp);

    await env!.outbox!.waitIdle({ timeoutMs: 300_000 });
    const t = (await env!.outbox!.thread(batchId!))!;
    // The plan file is in the batch's thread, as the plan reply says: one row per instance.
    const posted = slack.files().find((f) => f.completed && f.threadTs === t.threadTs && f.name === planMsg.file!.filename);
    expect(posted, 'the batch plan file in the thread').toBeDefined();
    expect(posted!.content!.toString('utf8').trim().split('\r\n')).toHaveLength(N + 1);
    const thread = slack.thread(CHANNEL, t.threadTs);
    const lines = slack.transcript(CHANNEL, t.threadTs).map((l) => l.replace(/[*`]/g, ''));
    expect(lines.some((l) => l.includes(`Batch plan for ${fleetIds.natGateway}: ${N} instances to migrate`))).toBe(true);
    // Replies that waited together were merged into one post: count the instances, not the posts.
    const done = new Set([...lines.join('\n').matchAll(/(i-fleet\d{5})( \(canary\))?: Migrated and verified/g)].map((m) => m[1]));
    expect(done.size).toBe(N);
    expect(lines.some((l) => l.includes('Approved by @bob'))).toBe(true);
    expect(lines.at(-1)).toContain('Finished');
    expect(slack.render(slack.message(CHANNEL, t.rootTs)!).replace(/[*`]/g, '')).toContain(`done ${N} · ⏳ in flight 0`);
    // Waiting replies go out merged (within Slack's limits): far fewer posts than instances, every one of them delivered.
    expect(thread.length).toBeGreaterThan(3);
    expect(thread.length).toBeLessThan(N);
    // Slack refused nothing: every post and edit was taken as it was sent (no text-only fallback was needed). A call
    // still on the wire (the workspace records it before its latency) has no answer yet: wait for every answer first.
    await until(() => [...slack.calls('chat.postMessage'), ...slack.calls('chat.update')].every((c) => c.response !== undefined), { what: 'an answer to every chat call' });
    expect(refusedCalls().map((c) => c.response?.error)).toEqual([]);
    expect(thread.every((m) => (m.blocks?.length ?? 0) > 0 || (m.files?.length ?? 0) > 0)).toBe(true);
  }, 1_200_000);
});
