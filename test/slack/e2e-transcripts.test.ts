import { until } from '../../src/util/until.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOrder, cloudWrites, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE, NO_SNAT, SNAT_IP } from './scenario.ts';

/**
 * Transcript tests on the real system: signed slash commands and clicks to the real Bolt receiver, the engine and
 * its worker against the sandbox cloud, the outbox posting to the fake workspace. The assertions read each thread
 * the way a person reads it in Slack (blocks rendered, edits applied).
 */

let env: Env;
beforeAll(async () => {
  env = await startEnv('e2e-transcripts', {}, FASTER_SLACK);
});
afterAll(async () => {
  await env?.close();
});

const finished = (l: string[]) => l.some((x) => x.includes('*Finished*'));

describe('job threads (sandbox + engine + Bolt + outbox)', () => {
  it('a full migration: the thread tells every step, the approval, the saved entry, the evidence and the outcome', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[0]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    expect(env.slack.render(card)).toContain('[Approve] [Reject]');
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, finished, 'the migration to finish');

    // The root message is the live status card, showing the final state.
    expect(lines[0]).toContain(`NAT migration · ${instanceId}`);
    expect(lines[0]).toContain('Migrated and verified');
    expect(lines[0]).not.toMatch(/⏳|⬜|❌/);
    assertOrder(lines, [
      `*Migration queued* by @alice: \`${instanceId}\``,
      'Plan for',
      /Pre-flight plan \(read-only\)\* — by natmigrate[\s\S]*DescribeInstances OK \(RequestId `[0-9A-F-]{36}`\)/,
      /Create the secondary ENI[\s\S]*CreateNetworkInterface OK \(RequestId `/,
      /Attach the ENI[\s\S]*AttachNetworkInterface OK/,
      // The approval card, its buttons replaced by the outcome.
      /Approval: migrate[\s\S]*modify the entry in place[\s\S]*DNAT entry to move to the new ENI[\s\S]*\*Approved\* by @bob/,
      '*Approved* by @bob',
      // The full original entry, before the delete.
      /Original DNAT entry saved[\s\S]*fwd-[\s\S]*ftb-1[\s\S]*CreateForwardEntry/,
      /Move the DNAT IP mapping to the ENI in place[\s\S]*ModifyForwardEntry OK \(RequestId/,
      'Wait until the DNAT IP mapping is Available on the ENI',
      /Verification passed[\s\S]*SSH-2.0-OpenSSH_8.9p1[\s\S]*observed `203.0.113.20`/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    const approval = lines.find((l) => l.includes('Approval: migrate'))!;
    expect(approval).not.toContain('[Approve]');
    expect(approval).toContain(`\`${eip}:any\` → \`${privateIp}:any\``);
    // Every message carries its time.
    for (const l of lines.slice(1)) expect(l).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} UTC/);
    // The person who clicked was told, privately.
    expect(env.slack.ephemerals('U0BOB').at(-1)?.text).toMatch(/You approved/);
    // And the cloud agrees: the EIP now goes to the ENI, egress through SNAT.
    const now = dnatFor(env.sandbox, eip);
    expect(now).toHaveLength(1);
    expect(now[0]!.internalIp).not.toBe(privateIp);
    const [rec] = await env.engine.service.status(jobId);
    expect(rec?.outcome).toBe('migrated');
    expect(String(lines.at(-1))).toContain(SNAT_IP);
  });

  it('a refusal: the pre-flight says why in the thread, no approval is asked and nothing changes', async () => {
    const before = Date.now();
    const jobId = await env.runJob('U0ALICE', NO_SNAT);
    const lines = await env.waitThread(jobId, finished, 'the refusal');
    assertOrder(lines, [
      `*Migration queued* by @alice: \`${NO_SNAT}\``,
      /Pre-flight refused[\s\S]*`NoSnatCoverage`/,
      /Finished[\s\S]*Refused by the pre-flight; nothing changed/,
    ]);
    expect(lines[0]).toContain('Refused by the pre-flight');
    expect(lines.some((l) => l.includes('Approval'))).toBe(false);
    expect(cloudWrites(env.sandbox, before)).toEqual([]);
    expect(dnatFor(env.sandbox, '203.0.113.90')).toHaveLength(1);
  });

  it('a rejection: the card shows who rejected, the staged ENI is removed, the mapping is untouched', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[1]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    const eniCountStaged = [...env.sandbox.world.enis.values()].filter((e) => e.type === 'Secondary').length;
    await env.slack.click('U0DAVE', env.channel, card.ts, { actionId: 'natmigrate_reject' });
    const lines = await env.waitThread(jobId, finished, 'the rejection');
    assertOrder(lines, [
      /Approval: migrate[\s\S]*\*Rejected\* by @dave/,
      '*Rejected* by @dave',
      /Detach the ENI\* — by natmigrate[\s\S]*DetachNetworkInterface OK/,
      /Delete the ENI\* — by natmigrate[\s\S]*DeleteNetworkInterface OK/,
      /Finished[\s\S]*Rejected; staging undone/,
    ]);
    expect(lines.some((l) => l.includes('Original DNAT entry saved'))).toBe(false);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: privateIp, status: 'Available' })]);
    expect([...env.sandbox.world.enis.values()].filter((e) => e.type === 'Secondary').length).toBe(eniCountStaged - 1);
    expect(env.slack.ephemerals('U0DAVE').at(-1)?.text).toMatch(/You rejected/);
  });

  it('a rollback: asked for and approved in the migration thread, the original mapping comes back', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[2]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    await env.slack.click('U0BOB', env.channel, (await env.approvalCard(jobId)).ts, { actionId: 'natmigrate_approve' });
    await env.waitThread(jobId, finished, 'the migration');
    expect(dnatFor(env.sandbox, eip)[0]!.internalIp).not.toBe(privateIp);

    const res = await env.slack.slash('U0ALICE', env.channel, `rollback ${jobId}`);
    const rbId = /queued as `([^`]+)`/.exec(String(res.json?.text))?.[1];
    expect(rbId, String(res.json?.text)).toMatch(/^rollback-cn-hangzhou-/);
    expect(String(res.json?.text)).toContain(`in the thread of \`${jobId}\``);
    // Its approval card is in the same thread as the migration.
    const rbCard = await env.approvalCard(rbId!);
    const migrationThread = await env.outbox.thread(jobId);
    expect(rbCard.threadTs).toBe(migrationThread!.threadTs);
    expect(env.slack.render(rbCard)).toMatch(/Approval needed: roll back[\s\S]*DNAT entry to move back in place[\s\S]*Original IP mapping to restore[\s\S]*\[Approve\] \[Reject\]/);
    await env.slack.click('U0DAVE', env.channel, rbCard.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, (l) => l.filter((x) => x.includes('*Finished*')).length >= 2, 'the rollback to finish');
    assertOrder(lines, [
      /Finished[\s\S]*Migrated and verified/,
      `Rollback · ${instanceId}`,
      `*Rollback queued* by @alice`,
      /Approval: roll back[\s\S]*\*Approved\* by @dave/,
      /Move the DNAT IP mapping back to the primary IP in place[\s\S]*ModifyForwardEntry OK/,
      /Finished[\s\S]*Rolled back/,
    ]);
    const rbStatus = lines.find((l) => l.startsWith(`Rollback · ${instanceId}`))!;
    expect(rbStatus).toContain('Rolled back');
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: privateIp, status: 'Available' })]);
  });

  it('a replayed `run` (same signed request) creates no second job', async () => {
    const [instanceId] = MIGRATABLE[3]!;
    const first = await env.slack.slash('U0ALICE', env.channel, `run ${instanceId}`);
    const jobId = /queued as `([^`]+)`/.exec(String(first.json?.text))![1]!;
    const replay = await env.slack.sendRaw(first.rawBody, {
      'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(first.timestamp), 'x-slack-signature': first.signature,
    });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('');
    const jobs = await env.engine.service.status(instanceId);
    expect(jobs.map((j) => j.jobId)).toEqual([jobId]);
    await env.slack.click('U0BOB', env.channel, (await env.approvalCard(jobId)).ts, { actionId: 'natmigrate_reject' });
    await env.waitThread(jobId, finished, 'cleanup');
    // The requester's DM about this job ends before the next test queues its faults: a DM in flight then took one.
    await until(() => env.slack.calls('chat.postMessage').some((c) => String(c.params.channel).startsWith('D') && String(c.params.text ?? '').includes(jobId) && c.response !== undefined), { what: "the requester's DM", timeoutMs: 30_000 });
  });

  it('a Slack outage (429 then 5xx on chat.postMessage) during a migration: it completes, and the thread ends complete and in order', async () => {
    const [instanceId] = MIGRATABLE[4]!;
    const t0 = Date.now();
    env.slack.fail('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 1 }, 1);
    env.slack.fail('chat.postMessage', { kind: 'http', status: 503 }, 3);
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    // The 429 first: the post it refuses is retried into the two 500s, so every fault is taken even when the outbox
    // merges the replies after the approval into fewer posts (a 429 queued last could be left over).
    env.slack.fail('chat.postMessage', { kind: 'rate_limited', retryAfterSec: 1 }, 1);
    env.slack.fail('chat.postMessage', { kind: 'http', status: 500 }, 2);
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, finished, 'the migration after the outage', 60_000);
    const calls = env.slack.calls('chat.postMessage').filter((c) => c.at >= t0);
    expect(calls.filter((c) => c.status === 429)).toHaveLength(2);
    expect(calls.filter((c) => c.status >= 500)).toHaveLength(5);
    assertOrder(lines, [
      '*Migration queued*',
      'Plan for',
      'Create the secondary ENI',
      'Attach the ENI',
      'Wait for the ENI to be InUse',
      /Approval: migrate[\s\S]*\*Approved\* by @bob/,
      'Original DNAT entry saved',
      'Move the DNAT IP mapping to the ENI in place',
      'Wait until the DNAT IP mapping is Available on the ENI',
      'Verification passed',
      /Finished[\s\S]*Migrated and verified/,
    ]);
    // Nothing twice, and the card tells the end.
    const replies = lines.slice(1);
    expect(new Set(replies).size).toBe(replies.length);
    expect(lines[0]).toContain('Migrated and verified');
    const [rec] = await env.engine.service.status(jobId);
    expect(rec?.outcome).toBe('migrated');
  });
});
