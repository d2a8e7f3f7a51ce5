import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOrder, cloudWrites, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE } from './scenario.ts';

/** Approvals expire (NATMIGRATE_APPROVAL_TTL): the staging is undone and late clicks are refused. The engine's clock is moved past the expiry, so nothing waits for it. */

let env: Env;
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };
beforeAll(async () => {
  env = await startEnv('e2e-expiry', { approvalTtlMs: 30 * 60_000, clock }, FASTER_SLACK);
});
afterAll(async () => {
  await env?.close();
});

describe('approval expiry', () => {
  it('nobody decides in time: the card says expired, the ENI is removed, a late Approve is refused and audited', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[7]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    const rawValue = (card.blocks as { type: string; elements?: { value?: string }[] }[]).find((b) => b.type === 'actions')!.elements![0]!.value!;
    // Thirty minutes pass with nobody deciding; the parked job wakes at its deadline.
    offsetMs = 30 * 60_000 + 1000;
    await env.engine.service.wake(jobId);
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('*Finished*')), 'the expiry', 20_000);
    assertOrder(lines, [
      /Approval: migrate[\s\S]*\*Expired\*/,
      '*Approval expired*: nobody decided in time',
      /Delete the ENI\* — by natmigrate[\s\S]*DeleteNetworkInterface OK/,
      /Finished[\s\S]*Approval expired; staging undone/,
    ]);
    expect(lines[0]).toContain('Approval expired; staging undone');
    expect(lines.find((l) => l.includes('Approval: migrate'))).not.toContain('[Approve]');

    const t0 = Date.now();
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve', value: rawValue });
    expect(env.slack.ephemerals('U0BOB').at(-1)?.text).toMatch(/expired/);
    const after = await env.waitThread(jobId, (l) => l.some((x) => /@bob clicked \*Approve\* — refused/.test(x)), 'the late click in the thread');
    expect(after.at(-1)).toMatch(/@bob clicked \*Approve\* — refused \(`Expired`\): .*expired/);
    expect(cloudWrites(env.sandbox, t0)).toEqual([]);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: privateIp, status: 'Available' })]);
    expect((await env.engine.service.status(jobId))[0]?.outcome).toBe('expired');
  });
});
