import { describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../src/slack-sim/index.ts';
import { createOutbox, type Outbox } from '../../src/slack/outbox.ts';
import { ev, migrationEvents as migration, outboxSuite, samplePlan, type TestRedis } from './fixtures.ts';
import { until } from '../../src/util/until.ts';

const CH = 'C0OPS';
const UNPACED = { post: { perSecond: 0, burst: 0 }, update: { perSecond: 0, burst: 0 } };
let slack: FakeSlack;
let r: TestRedis;
const outboxes: Outbox[] = [];
let n = 0;

function makeOutbox(extra: Partial<Parameters<typeof createOutbox>[0]> = {}): Outbox {
  const o = createOutbox({ redis: r.redis, prefix: `${r.prefix}:slack`, botToken: slack.botToken, slackApiUrl: slack.apiUrl, pollMs: 20, baseBackoffMs: 100, pacing: UNPACED, cardEditMs: 0, mergeReplies: false, ...extra });
  outboxes.push(o);
  return o;
}

/** Replies in the thread, in order, as a person reads them. */
function replyTexts(jobRootTs: string): string[] {
  return slack.transcript(CH, jobRootTs).slice(1);
}

// These tests are about order, leases, crashes and retries of single faults: they relax Slack's rate limits (and
// the outbox neither paces nor merges replies). Pacing, merging, 429s and refusals under the strict workspace:
// outbox-limits.test.ts.
outboxSuite('outbox', { users: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0BOB', name: 'bob' }], channels: { [CH]: 'ops' }, relax: ['rate-limits'] }, outboxes, (s, t) => {
  slack = s;
  r = t;
});

/** Waits until a delivery pass dealt with the job: put it back for later (its due time moved) or delivered it (not due). */
async function waitDeferred(o: Outbox, jobId: string): Promise<void> {
  const queuedAt = await r.redis.zscore(o.keys.due(), jobId);
  expect(queuedAt).not.toBeNull();
  await until(async () => (await r.redis.zscore(o.keys.due(), jobId)) !== queuedAt, { what: `a delivery pass to take up ${jobId}`, timeoutMs: 5000 });
}

async function rootOf(o: Outbox, jobId: string): Promise<string> {
  const t = await o.thread(jobId);
  if (!t) throw new Error(`no thread for ${jobId}`);
  return t.rootTs;
}

describe('slack outbox', () => {
  it('posts the root card once, then every event in order as a reply, and keeps the card current', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    const o = makeOutbox();
    await o.bind(jobId, { channelId: CH, userId: 'U0ALICE' });
    const events = migration(jobId);
    for (const e of events) await o.emit(e);
    o.start();
    await o.waitIdle({ jobIds: [jobId] });
    const root = await rootOf(o, jobId);
    const texts = replyTexts(root);
    expect(texts[0]).toMatch(/Migration queued\* by @alice/);
    const order = ['DescribeInstances', 'Plan for', 'CreateNetworkInterface', 'Approval: migrate', 'Approved* by @bob', 'Original DNAT entry saved', 'DeleteForwardEntry', 'Verification passed', 'Finished'];
    const idx = order.map((s) => texts.findIndex((t) => t.includes(s)));
    expect(idx.every((i) => i >= 0)).toBe(true);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    // Original entry saved before the delete, with every field.
    const saved = texts.find((t) => t.includes('Original DNAT entry saved'))!;
    for (const field of ['fwd-bp1ddddddddddddddddd', 'ftb-bp1ttttttttttttttttt', '47.96.1.10:Any', '10.0.1.10:Any', 'web-1-map', 'CreateForwardEntry']) expect(saved).toContain(field);
    // The root card is the final state; the approval card lost its buttons.
    const rootMsg = slack.message(CH, root)!;
    expect(slack.render(rootMsg)).toContain('Migrated and verified');
    const approval = slack.thread(CH, root).find((m) => m.text.startsWith('Approval needed'))!;
    expect(slack.render(approval)).not.toContain('[Approve]');
    expect(slack.render(approval)).toContain('Approved* by @bob');
    expect(approval.edits[0]?.blocks?.some((b) => JSON.stringify(b).includes('natmigrate_approve'))).toBe(true);
    // Exactly one root message in the channel for this job.
    expect(slack.channelMessages(CH).filter((m) => m.ts === root)).toHaveLength(1);
  });

  it('emit only appends: it stays fast while Slack hangs', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    const o = makeOutbox();
    await o.bind(jobId, { channelId: CH });
    slack.fail('chat.postMessage', { kind: 'hang', ms: 1500 }, 1);
    o.start();
    const t0 = performance.now();
    for (const e of migration(jobId)) await o.emit(e);
    const took = performance.now() - t0;
    expect(took).toBeLessThan(500);
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
    expect(replyTexts(await rootOf(o, jobId))).toHaveLength(10);
  });

  it('retries 429 (honouring Retry-After) and 5xx without losing or reordering anything', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    const o = makeOutbox();
    await o.bind(jobId, { channelId: CH });
    const events = migration(jobId);
    for (const e of events.slice(0, 3)) await o.emit(e);
    slack.fail('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 1 }, 1);
    slack.fail('chat.postMessage', { kind: 'http', status: 503 }, 2);
    slack.fail('chat.update', { kind: 'http', status: 500 }, 1);
    const before = slack.calls('chat.postMessage').length;
    o.start();
    for (const e of events.slice(3)) await o.emit(e);
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
    const posts = slack.calls('chat.postMessage').slice(before);
    const limited = posts.find((c) => c.status === 429)!;
    const next = posts[posts.indexOf(limited) + 1]!;
    expect(next.at - limited.at).toBeGreaterThanOrEqual(950);
    expect(posts.filter((c) => c.status === 503)).toHaveLength(2);
    const texts = replyTexts(await rootOf(o, jobId));
    expect(texts).toHaveLength(10);
    expect(texts.at(-1)).toMatch(/Finished\*.*Migrated and verified/);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('survives a bot restart: a new outbox resumes where the old one stopped, without double posts', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    const first = makeOutbox();
    await first.bind(jobId, { channelId: CH });
    const events = migration(jobId);
    for (const e of events) await first.emit(e);
    // Slack is down for a while: the first bot delivers some, then dies.
    slack.fail('chat.postMessage', { kind: 'http', status: 502 }, 1000);
    first.start();
    await slack.waitFor(() => slack.calls('chat.postMessage').filter((c) => c.status === 502).length >= 1);
    await first.stop();
    slack.clearFaults();
    const second = makeOutbox();
    // The failed job is parked with a backoff; a restarted bot picks it up when due.
    second.start();
    await second.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
    const texts = replyTexts(await rootOf(second, jobId));
    expect(texts).toHaveLength(10);
    expect(new Set(texts).size).toBe(10);
  });

  it('does not re-post a message whose ts was recorded before a crash', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    const o = makeOutbox();
    await o.bind(jobId, { channelId: CH });
    const events = migration(jobId).slice(0, 3);
    await o.emit(events[0]!);
    o.start();
    await o.waitIdle({ jobIds: [jobId] });
    await o.stop();
    const root = await rootOf(o, jobId);
    // Simulate: the reply for event 1 went out (ts recorded) but the bot died before moving the cursor.
    const posted = await slack_post(root, 'already posted before the crash');
    await r.redis.hset(o.keys.meta(jobId), 'op:1:0', posted);
    await o.emit(events[1]!);
    await o.emit(events[2]!);
    const again = makeOutbox();
    again.start();
    await again.waitIdle({ jobIds: [jobId] });
    const texts = replyTexts(root);
    expect(texts.filter((t) => t.includes('Pre-flight plan'))).toHaveLength(1);
    expect(texts).toContain('already posted before the crash');
  });

  it('never has two deliverers on one thread: two bots, one ordered thread', async () => {
    const jobIds = [1, 2, 3].map(() => `migrate-cn-hangzhou-job${++n}`);
    const a = makeOutbox();
    const b = makeOutbox();
    for (const j of jobIds) await a.bind(j, { channelId: CH });
    a.start();
    b.start();
    const all = jobIds.map(migration);
    for (let i = 0; i < all[0]!.length; i++) for (const evs of all) await (i % 2 ? a : b).emit(evs[i]!);
    await a.waitIdle({ jobIds, timeoutMs: 20_000 });
    await b.waitIdle({ jobIds, timeoutMs: 20_000 });
    for (const j of jobIds) {
      const texts = replyTexts(await rootOf(a, j));
      expect(texts).toHaveLength(10);
      expect(texts.at(-1)).toMatch(/Finished/);
      expect(texts.findIndex((t) => t.includes('Approval: migrate'))).toBeLessThan(texts.findIndex((t) => t.includes('Original DNAT')));
    }
  });

  it('a rollback posting into its migration thread waits while that thread has another deliverer', async () => {
    const parent = `migrate-cn-hangzhou-job${++n}`;
    const child = `rollback-cn-hangzhou-job${n}`;
    const o = makeOutbox();
    await o.bind(parent, { channelId: CH });
    await o.emit(migration(parent)[0]!);
    o.start();
    await o.waitIdle({ jobIds: [parent] });
    const t = (await o.thread(parent))!;
    await o.bind(child, { channelId: CH, threadTs: t.threadTs, parentJobId: parent });
    // Someone else is delivering the migration's thread right now.
    await r.redis.set(o.keys.lease(parent), 'another-bot', 'PX', 5000);
    await o.emit(ev(child, { type: 'job.queued', kind: 'rollback', instanceId: 'i-bp1aaaaaaaaaaaaaaaaa', regionId: 'cn-hangzhou', requestedBy: { kind: 'user', userId: 'U0ALICE' } }));
    // The outbox took the rollback up and put it back for later (its due time moved) without posting anything.
    await waitDeferred(o, child);
    expect(slack.thread(CH, t.threadTs)).toHaveLength(2);
    await r.redis.del(o.keys.lease(parent));
    await o.waitIdle({ jobIds: [child] });
    const texts = slack.transcript(CH, t.threadTs);
    expect(texts).toHaveLength(4);
    expect(texts[2]).toMatch(/^Rollback · i-bp1aaaaaaaaaaaaaaaaa/);
    expect(texts[3]).toMatch(/Rollback queued\* by @alice/);
    expect((await o.thread(child))!.threadTs).toBe(t.threadTs);
  });

  it('posts a dry run (preview) to the channel, not a thread', async () => {
    const jobId = `preview-job${++n}`;
    const o = makeOutbox();
    await o.bind(jobId, { channelId: CH, userId: 'U0ALICE', mode: 'preview' });
    const plan = samplePlan();
    await o.emit(ev(jobId, { type: 'job.queued', kind: 'migrate', instanceId: plan.instanceId, regionId: plan.regionId, requestedBy: { kind: 'user', userId: 'U0ALICE' } }));
    await o.emit(ev(jobId, { type: 'planned', plan }));
    const before = slack.channelMessages(CH).length;
    o.start();
    await o.waitIdle({ jobIds: [jobId] });
    const msgs = slack.channelMessages(CH).slice(before);
    expect(msgs).toHaveLength(1);
    expect(slack.render(msgs[0]!)).toContain('Dry run: plan for i-bp1aaaaaaaaaaaaaaaaa');
    expect(slack.render(msgs[0]!)).toContain('fwd-bp1ddddddddddddddddd');
    expect(slack.render(msgs[0]!)).toContain('requested by @alice');
  });

  it('waits for an unknown audience, then delivers once the job is bound', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    let known = false;
    const o = makeOutbox({ resolveAudience: async () => (known ? { channelId: CH } : undefined) });
    for (const e of migration(jobId).slice(0, 2)) await o.emit(e);
    o.start();
    // The outbox asked for the audience, got none, and put the job back for later.
    await waitDeferred(o, jobId);
    expect(await o.thread(jobId)).toBeUndefined();
    known = true;
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 5000 });
    expect(replyTexts(await rootOf(o, jobId))).toHaveLength(1);
  });

  it('stops keeping the events of a job that posts nothing (no audience: a batch child) once its mode is settled', async () => {
    const jobId = `migrate-cn-hangzhou-job${++n}`;
    const o = makeOutbox({ resolveAudience: async () => ({}) });
    const events = migration(jobId);
    const posted = slack.calls('chat.postMessage').length;
    for (const e of events.slice(0, 2)) await o.emit(e);
    o.start();
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 5000 });
    expect(await r.redis.hget(o.keys.meta(jobId), 'mode')).toBe('none');
    // The next append is kept and reads the settled mode in its own transaction; the ones after it are not kept.
    for (const e of events.slice(2)) await o.emit(e);
    expect(events.length).toBeGreaterThan(4);
    expect(await r.redis.llen(o.keys.events(jobId))).toBe(3);
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 5000 });
    expect(await r.redis.zscore(o.keys.due(), jobId)).toBeNull();
    expect(slack.calls('chat.postMessage').length).toBe(posted);
    // A job with a thread keeps every event: the first test's thread has every reply, in order.
  });
});

async function slack_post(threadTs: string, text: string): Promise<string> {
  const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${slack.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ channel: CH, thread_ts: threadTs, text }).toString(),
  });
  return ((await res.json()) as { ts: string }).ts;
}
