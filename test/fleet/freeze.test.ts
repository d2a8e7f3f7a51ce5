// Change-freeze windows from the configuration (NATMIGRATE_FREEZE_WINDOWS / NATMIGRATE_TIMEZONE): an approved job
// and an approved batch wait for the window to end, say so in their threads, and cut over when it opens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { cutoverGateFromConfig } from '../../src/runtime/compose.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-card.ts';
import { until } from '../../src/util/until.ts';
import { assertOrder } from '../support/transcript.ts';
import { CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { FASTER_SLACK } from '../support/faster-slack.ts';
import { batchScenario, fleetIds } from './scenarios.ts';

let env: FleetEnv;
let windowEnd: number;
const TZ = 'Asia/Shanghai';
// The engine's business clock: the test moves it past the window's end instead of waiting for it.
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

beforeAll(async () => {
  // A freeze that started long ago and ends an hour from now (whole seconds: the window syntax has no ms).
  windowEnd = Math.ceil((Date.now() + 3_600_000) / 1000) * 1000;
  const windows = `2020-01-01T00:00:00Z/${new Date(windowEnd).toISOString().slice(0, 19)}Z`;
  const gate = cutoverGateFromConfig({ NATMIGRATE_FREEZE_WINDOWS: windows, NATMIGRATE_TIMEZONE: TZ } as Config)!;
  env = await startFleetEnv({
    name: 'freeze', scenario: batchScenario(4), slack: true, ...FASTER_SLACK, options: { cutoverGate: gate, cutoverTimeZone: TZ, clock },
  });
});
afterAll(async () => { await env?.close(); });

const plain = (s: string) => s.replace(/[*`]/g, '');

function card(jobId: string): Promise<string> {
  return until(async () => (await env.outbox!.thread(jobId))?.approval?.ts, { what: `the approval card of ${jobId}`, timeoutMs: 20_000 });
}

describe('change-freeze windows', () => {
  it('an approved job and an approved batch wait for the window, say until when (and in which zone), then cut over', async () => {
    const slack = env.slack!;
    const one = String((await slack.slash('U0ALICE', CHANNEL, `run ${fleetIds.instance(0)}`)).json?.text);
    const jobId = /queued as `([^`]+)`/.exec(one)![1]!;
    const all = String((await slack.slash('U0ALICE', CHANNEL, `run --all ${fleetIds.natGateway} --concurrency 2`)).json?.text);
    const batchId = /queued as `([^`]+)`/.exec(all)![1]!;
    await slack.click('U0BOB', CHANNEL, await card(jobId), { actionId: APPROVE_ACTION_ID });
    await slack.click('U0BOB', CHANNEL, await card(batchId), { actionId: APPROVE_ACTION_ID });

    // Both say they wait, with the end of the window in the configured zone.
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(windowEnd));
    const note = await env.waitFor(jobId, 'window.waiting');
    expect(note).toMatchObject({ until: new Date(windowEnd).toISOString(), timeZone: TZ });
    const started = env.of(jobId).find((e) => e.type === 'step.started' && e.step === 'await_window');
    expect(started?.type === 'step.started' && started.title).toBe(`Waiting for the change window until ${local} (${TZ}) · ${new Date(windowEnd).toISOString()}`);
    await env.waitFor(batchId, 'window.waiting');
    expect((await env.engine.service.status(jobId))[0]?.state).toBe('waiting_window');
    // The message goes out before the job parks (the journal and the park follow it).
    await until(async () => (await (await env.engine.queue.getJob(jobId))?.getState()) === 'delayed', { what: `${jobId} to park`, timeoutMs: 10_000 });
    // Nothing cuts over while the window is shut (the batch keeps looking; its children stay parked).
    expect(env.events.events.filter((e) => e.type === 'original.saved')).toEqual([]);

    // Both status cards show the wait while it lasts.
    const rootShows = async (id: string) => {
      const t = await env.outbox!.thread(id);
      const root = t ? slack.message(CHANNEL, t.rootTs) : undefined;
      return root !== undefined && JSON.stringify(root.blocks ?? []).includes('Waiting for the change window');
    };
    await until(async () => (await rootShows(jobId)) && (await rootShows(batchId)), { what: 'both status cards to show the wait', timeoutMs: 20_000 });

    // The window ends: move the clock past it; the parked job is woken as a long park would wake it.
    offsetMs = windowEnd - Date.now() + 1000;
    const openedAt = Date.now();
    await env.engine.service.wake(jobId);

    const fin = await env.waitFor(jobId, 'finished', 30_000);
    expect(fin.outcome).toBe('migrated');
    const bfin = await env.waitFor(batchId, 'finished', 30_000);
    expect(bfin.outcome, bfin.summary).toBe('migrated');

    // Nothing was cut over before the window ended.
    const saved = env.events.events.filter((e) => e.type === 'original.saved');
    expect(saved).toHaveLength(4); // the single job + 3 batch children (the fourth instance was the single job's)
    for (const s of saved) expect(Date.parse(s.at), s.jobId).toBeGreaterThanOrEqual(openedAt);
    const plan = env.of(batchId).find((e) => e.type === 'batch.planned');
    expect(plan?.type === 'batch.planned' && plan.batch.skipped.map((s) => `${s.instanceId} ${s.code}`)).toEqual([`${fleetIds.instance(0)} ActiveJob`]);

    // The threads say so, in order: waiting (with zone) → window open → the cutover.
    await env.outbox!.waitIdle({ timeoutMs: 20_000 });
    const jt = (await env.outbox!.thread(jobId))!;
    const jl = slack.transcript(CHANNEL, jt.threadTs).map(plain);
    // Line 0 is the status card; the audit replies follow (several may share a message, in order).
    assertOrder(jl.slice(1), [new RegExp(`Waiting for the change window until[\\s\\S]*?\\(${TZ.replace('/', '\\/')}\\)`), 'Change window open: the cutover starts', 'Original DNAT entry saved']);

    const bt = (await env.outbox!.thread(batchId))!;
    const bl = slack.transcript(CHANNEL, bt.threadTs).map(plain);
    expect(bl.some((l) => l.includes('Waiting for the change window until') && l.includes(`(${TZ})`))).toBe(true);
    expect(bl.some((l) => l.includes('Change window open: the batch proceeds'))).toBe(true);
  });
});
