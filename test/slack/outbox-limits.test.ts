import { describe, expect, it } from 'vitest';
import type { FakeMessage, FakeSlack } from '../../src/slack-sim/index.ts';
import { createOutbox, type Outbox, type OutboxOptions } from '../../src/slack/outbox.ts';
import { OUTBOX_EVENT_TYPE } from '../../src/slack/outbox/posted-lookup.ts';
import { migrationEvents, outboxSuite, type TestRedis } from './fixtures.ts';
import { until } from '../../src/util/until.ts';
import { hostileBatch } from './hostile-strings.ts';

/**
 * The outbox against the strict simulated workspace (every platform rule on: rate limits, membership, archived
 * channels): refusals do not wedge it, a 429 pauses only its channel, lost answers do not post twice, and the
 * approval card always has its buttons.
 */

let slack: FakeSlack;
let r: TestRedis;
const outboxes: Outbox[] = [];
let n = 0;
const failures: { reason: string; form: string }[] = [];

outboxSuite('outbox-limits', {
  users: [{ id: 'U0ALICE', name: 'alice' }, { id: 'U0BOB', name: 'bob' }],
  channels: { C0T1: 't1', C0T2: 't2', C0T3: 't3', C0T4: 't4', C0A: 'a', C0B: 'b', C0OUT: 'out', C0OLD: 'old', C0T5: 't5', C0BIG: 'big' },
  archived: ['C0OLD'],
}, outboxes, (s, t) => {
  slack = s;
  r = t;
  slack.setChannelMembers('C0OUT', ['U0ALICE']); // the bot was never invited
});

function makeOutbox(extra: Partial<OutboxOptions> = {}): Outbox {
  const o = createOutbox({
    redis: r.redis, prefix: `${r.prefix}:slack`, botToken: slack.botToken, slackApiUrl: slack.apiUrl, pollMs: 20, baseBackoffMs: 100,
    observer: { messageFailed: (e) => failures.push(e), rateLimited: () => undefined },
    ...extra,
  });
  outboxes.push(o);
  return o;
}

const newJob = () => `migrate-cn-hangzhou-limits${++n}`;

async function replies(o: Outbox, jobId: string): Promise<FakeMessage[]> {
  const t = await o.thread(jobId);
  if (!t) throw new Error(`no thread for ${jobId}`);
  return slack.thread(t.channel, t.threadTs).slice(1);
}

const hasButtons = (m: FakeMessage) => JSON.stringify(m.blocks ?? []).includes('natmigrate_approve') && JSON.stringify(m.blocks ?? []).includes('natmigrate_reject');

describe('slack outbox under the strict workspace', () => {
  it('a permanent error on one message does not stop the next one; refused shapes go out in their minimal form', async () => {
    const jobId = newJob();
    const o = makeOutbox();
    await o.bind(jobId, { channelId: 'C0T1' });
    const events = migrationEvents(jobId);
    for (const e of events.slice(0, 2)) await o.emit(e);
    o.start();
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
    const before = failures.length;
    // Slack refuses the next message for good (event 2's reply)…
    slack.fail('chat.postMessage', { kind: 'error', error: 'invalid_arguments' }, 1);
    await o.emit(events[2]!);
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
    // …and the one after that is too big (event 3, the plan, waiting with the rest): the merged post is refused, so
    // its replies go apart, and the plan alone is refused too: its text-only form goes out.
    await o.stop();
    for (const e of events.slice(3)) await o.emit(e);
    slack.fail('chat.postMessage', { kind: 'error', error: 'msg_blocks_too_long' }, 2);
    o.start();
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 40_000 });

    const texts = (await replies(o, jobId)).map((m) => slack.render(m));
    expect(texts.some((t) => t.includes('DescribeInstances'))).toBe(false); // the refused reply is skipped…
    expect(texts.some((t) => t.includes('`invalid_arguments`') || t.includes('invalid_arguments'))).toBe(true); // …and said so in the thread
    const plan = (await replies(o, jobId)).find((m) => m.text.startsWith('Plan for'));
    expect(plan).toBeDefined();
    expect(plan!.blocks ?? []).toEqual([]);
    expect(texts.some((t) => t.includes('msg_blocks_too_long'))).toBe(true);
    expect(texts.at(-1)).toMatch(/Finished\*.*Migrated and verified/);
    expect(failures.slice(before).map((f) => `${f.reason}/${f.form}`)).toEqual(['invalid_arguments/none', 'msg_blocks_too_long/minimal']);
  });

  it('a job whose channel cannot take messages (not a member, archived) fails alone: the others are delivered', async () => {
    const [out, old, good] = [newJob(), newJob(), newJob()];
    const o = makeOutbox();
    await o.bind(out, { channelId: 'C0OUT' });
    await o.bind(old, { channelId: 'C0OLD' });
    await o.bind(good, { channelId: 'C0T2' });
    for (const e of [...migrationEvents(out), ...migrationEvents(old), ...migrationEvents(good)]) await o.emit(e);
    o.start();
    await o.waitIdle({ jobIds: [out, old, good], timeoutMs: 40_000 });
    expect(await o.thread(out)).toBeUndefined();
    expect(await o.thread(old)).toBeUndefined();
    expect((await replies(o, good)).map((m) => slack.render(m)).at(-1)).toMatch(/Migrated and verified/);
    // One refused post each (the status card), not one per event, and no post was tried twice.
    expect(slack.calls('chat.postMessage').filter((c) => c.params.channel === 'C0OUT' || c.params.channel === 'C0OLD').map((c) => c.response?.error)).toEqual(['not_in_channel', 'is_archived']);
    expect(await o.pending()).toEqual([]);
  });

  it('an approval card Slack refuses is posted in its minimal form, with its Approve and Reject buttons', async () => {
    const jobId = newJob();
    const o = makeOutbox();
    await o.bind(jobId, { channelId: 'C0T3' });
    const events = migrationEvents(jobId);
    const ask = events.findIndex((e) => e.type === 'approval.requested');
    for (const e of events.slice(0, ask)) await o.emit(e);
    o.start();
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
    slack.fail('chat.postMessage', { kind: 'error', error: 'msg_blocks_too_long' }, 1);
    await o.emit(events[ask]!);
    const t = await until(async () => (await o.thread(jobId))?.approval, { what: 'the approval card', timeoutMs: 20_000 });
    const card = slack.message('C0T3', t.ts)!;
    expect(hasButtons(card)).toBe(true);
    expect(card.blocks!.length).toBeLessThanOrEqual(2);
    expect(slack.render(card)).toMatch(/did not fit/);
  });

  it('never posts twice when Slack took a post but its answer was lost', async () => {
    const jobId = newJob();
    const o = makeOutbox({ requestTimeoutMs: 300 });
    await o.bind(jobId, { channelId: 'C0T4' });
    // The first three posts reach Slack, but their answers come after the outbox gave up on them.
    slack.fail('chat.postMessage', { kind: 'hang', ms: 800 }, 3);
    for (const e of migrationEvents(jobId)) await o.emit(e);
    o.start();
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 60_000 });
    const all = slack.thread('C0T4', (await o.thread(jobId))!.threadTs);
    expect(slack.channelMessages('C0T4')).toHaveLength(1);
    const ids = all.map((m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE ? String(m.metadata.event_payload.outbox_id) : 'none');
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.slice(1).map((m) => slack.render(m)).at(-1)).toMatch(/Migrated and verified/);
    // Every event's reply is there exactly once.
    const thread = all.map((m) => slack.render(m)).join('\n');
    for (const s of ['DescribeInstances', 'CreateNetworkInterface', 'Original DNAT entry saved', 'DeleteForwardEntry', 'Verification passed']) expect(thread.split(s).length - 1, s).toBe(1);
    // It looked before posting again.
    expect(slack.calls('conversations.history').length + slack.calls('conversations.replies').length).toBeGreaterThan(0);
  });

  it('a 429 in one channel pauses only that channel', async () => {
    const [a, b] = [newJob(), newJob()];
    const o = makeOutbox();
    await o.bind(a, { channelId: 'C0A' });
    slack.fail('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 60 }, 1);
    for (const e of migrationEvents(a)) await o.emit(e);
    o.start();
    const pauseA = o.keys.pauseFor('chat.postMessage', 'C0A');
    await until(async () => (await r.redis.pttl(pauseA)) > 0, { what: 'channel A to be paused', timeoutMs: 10_000 });
    await o.bind(b, { channelId: 'C0B' });
    for (const e of migrationEvents(b)) await o.emit(e);
    await o.waitIdle({ jobIds: [b], timeoutMs: 30_000 });
    expect((await replies(o, b)).map((m) => slack.render(m)).at(-1)).toMatch(/Migrated and verified/);
    // A still waits for its Retry-After, and nothing paused everyone.
    expect(await r.redis.pttl(pauseA)).toBeGreaterThan(0);
    expect(await o.thread(a)).toBeUndefined();
    expect(await r.redis.exists(o.keys.pause())).toBe(0);
  });

  it('paces its posts, merges waiting replies and coalesces card edits, so that Slack refuses nothing', async () => {
    const refusedBefore = slack.refused()['chat.postMessage'] ?? 0;
    const [x, y] = [newJob(), newJob()];
    const o = makeOutbox();
    for (const j of [x, y]) await o.bind(j, { channelId: 'C0T5' });
    o.start();
    for (const e of migrationEvents(x).map((e, i) => [e, migrationEvents(y)[i]!]).flat()) await o.emit(e);
    await o.waitIdle({ jobIds: [x, y], timeoutMs: 60_000 });
    expect(slack.refused()['chat.postMessage'] ?? 0).toBe(refusedBefore);
    for (const j of [x, y]) {
      const t = (await o.thread(j))!;
      const root = slack.message('C0T5', t.rootTs)!;
      expect(slack.render(root)).toMatch(/Migrated and verified/);
      // Eleven events, far fewer edits of the status card.
      expect(root.edits.length).toBeLessThan(6);
    }
    // Two jobs of eleven events each (two status cards, two approval cards, twenty replies): replies waiting
    // together went out together, and every one of them is in its thread.
    const posts = slack.calls('chat.postMessage').filter((c) => c.params.channel === 'C0T5' && c.status === 200);
    expect(posts.length).toBeLessThan(24);
    for (const j of [x, y]) {
      const text = slack.transcript('C0T5', (await o.thread(j))!.threadTs).join('\n');
      for (const s of ['DescribeInstances', 'CreateNetworkInterface', 'Original DNAT entry saved', 'DeleteForwardEntry', 'Verification passed', 'Finished']) expect(text, s).toContain(s);
    }
  });

  /** A batch of `count` instances in C0T5 whose instance lines (each followed by a progress event) all wait together. */
  async function batchLines(o: Outbox, name: string, count: number, beforeLines: (jobId: string) => Promise<void> = async () => undefined) {
    const jobId = `batch-cn-hangzhou-${name}${++n}-${Date.now()}`;
    await o.bind(jobId, { channelId: 'C0T5' });
    const at = new Date().toISOString();
    const counts = { done: 0, inFlight: 0, waiting: count, failed: 0, untouched: 0, skipped: 0 };
    await o.emit({ type: 'batch.planned', jobId, at, batch: hostileBatch(`i-bp1${name}`, count, 0) } as never);
    await beforeLines(jobId);
    for (let i = 0; i < count; i++) {
      await o.emit({ type: 'batch.instance', jobId, at, instanceId: `i-bp1${name}${i}`, childJobId: `migrate-${name}-${i}`, canary: false, outcome: 'migrated', summary: 'ok' } as never);
      await o.emit({ type: 'batch.progress', jobId, at, phase: 'rolling', changes: [{ instanceId: `i-bp1${name}${i}`, status: 'done' }], counts: { ...counts, done: i + 1, waiting: count - 1 - i } } as never);
    }
    o.start();
    await o.waitIdle({ jobIds: [jobId], timeoutMs: 60_000 });
    const t = (await o.thread(jobId))!;
    const lines = slack.transcript('C0T5', t.threadTs).join('\n').replace(/[*`]/g, '');
    // Every line is in the thread, whole, with its job (in a list on the same line, alone in the context under it).
    for (let i = 0; i < count; i++) expect(lines, `i-bp1${name}${i}`).toMatch(new RegExp(`i-bp1${name}${i}: Migrated and verified\\nok(?: · |\\n)job migrate-${name}-${i}\\b`));
    const posts = slack.thread('C0T5', t.threadTs).slice(1).filter((m) => m.text.includes(`i-bp1${name}`) && !m.text.includes('Batch plan'));
    return { posts, perPost: posts.map((p) => (slack.render(p).replace(/[*`]/g, '').match(new RegExp(`i-bp1${name}\\d+: Migrated`, 'g')) ?? []).length) };
  }

  it('a batch\'s instance lines go out as lists of up to 40 a post; its progress events, which have no reply, take no line\'s place', async () => {
    const { posts, perPost } = await batchLines(makeOutbox(), 'merge', 60);
    // The plan, then the 60 lines forty to a post, each post one list with the status hint once under it (not a
    // section, a context and a divider per instance): the progress events in between go along without a place of their own.
    expect(perPost).toEqual([40, 20]);
    for (const p of posts) {
      expect(p.blocks!.filter((b) => (b as { type: string }).type === 'context')).toHaveLength(1);
      expect(p.blocks!.some((b) => (b as { type: string }).type === 'divider')).toBe(false);
      expect(slack.render(p).replace(/`/g, '')).toContain('/natmigrate status with a line\'s job id shows that instance\'s steps and RequestIds');
    }
  });

  it('a list Slack refuses for its size goes out apart, not in its minimal form: its first line alone, the rest in the next lists', async () => {
    const o = makeOutbox();
    const failedBefore = failures.length;
    const refusedBefore = slack.calls('chat.postMessage').filter((c) => c.response?.error === 'msg_blocks_too_long').length;
    const { perPost } = await batchLines(o, 'apart', 60, async (jobId) => {
      // The plan goes out first; then Slack refuses the next post, the first list.
      o.start();
      await o.waitIdle({ jobIds: [jobId], timeoutMs: 20_000 });
      await o.stop();
      slack.fail('chat.postMessage', { kind: 'error', error: 'msg_blocks_too_long' }, 1);
    });
    expect(slack.calls('chat.postMessage').filter((c) => c.response?.error === 'msg_blocks_too_long').length).toBe(refusedBefore + 1);
    expect(perPost).toEqual([1, 40, 19]);
    // Nothing went out in a minimal form, so nothing was cut: no failure to report.
    expect(failures.length).toBe(failedBefore);
  });

  it('a message that does not fit one post goes out with its numbered continuations, then its file, in its thread', async () => {
    const o = makeOutbox();
    const failedBefore = failures.length;
    const post = async (n: number) => {
      const jobId = `batch-cn-hangzhou-big${n}-${Date.now()}`;
      await o.bind(jobId, { channelId: 'C0BIG' });
      await o.emit({ type: 'batch.planned', jobId, at: new Date().toISOString(), batch: hostileBatch('i-bp1', n, 50) } as never);
      o.start();
      await o.waitIdle({ jobIds: [jobId], timeoutMs: 60_000 });
      const t = (await o.thread(jobId))!;
      return { t, lines: slack.transcript('C0BIG', t.threadTs) };
    };
    // 150 instances: the plan and its continuations, in order, nothing refused.
    const mid = await post(150);
    const cont = mid.lines.filter((l) => /\(continued \d\/\d\)|continued \d\/\d/.test(l));
    expect(cont.length).toBeGreaterThanOrEqual(1);
    const first = mid.lines.findIndex((l) => l.includes('Batch plan'));
    expect(first).toBeGreaterThan(0);
    expect(mid.lines.findIndex((l) => /continued 2\//.test(l))).toBeGreaterThan(first);
    // 1,000 instances: one message, and the whole plan as a file in the same thread.
    const big = await post(1000);
    const files = slack.files().filter((f) => f.completed && f.threadTs === big.t.threadTs);
    expect(files).toHaveLength(1);
    expect(files[0]!.content!.toString('utf8').trim().split('\r\n')).toHaveLength(1 + 1000 + 50);
    expect(failures.length).toBe(failedBefore);
  });
});
