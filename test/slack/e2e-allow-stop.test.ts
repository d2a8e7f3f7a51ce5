// --allow-stop through Slack (issue 15): the slash command with the flag, the approval card that says first and
// plainly that the instance will be stopped and started, the click, and the thread's account of the stop and start.
// Real Bolt, the simulated workspace, Redis, the engine and the sandbox (realism layer on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/sandbox/index.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { assertOrder, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';

const T5 = ['i-slackt50001', '192.168.1.90', '203.0.113.90'] as const;
const REFUSED = ['i-slackt50002', '192.168.1.91', '203.0.113.91'] as const;

function scenario(): ScenarioInput {
  return natWorld({
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, runCommand: 20, instanceStop: 60, instanceStart: 60 },
    snatIp: '203.0.113.20', eips: [T5[2], REFUSED[2]],
    instances: [worldInstance(T5[0], T5[1], { instanceType: 'ecs.t5-lc1m1.small' }), worldInstance(REFUSED[0], REFUSED[1], { instanceType: 'ecs.n4.large' })],
    dnatEntries: [ipMapping(T5[2], T5[1]), ipMapping(REFUSED[2], REFUSED[1])],
  });
}

let env: Env;
beforeAll(async () => { env = await startEnv('e2e-allow-stop', {}, { ...FASTER_SLACK, scenario: scenario() }); });
afterAll(async () => { await env?.close(); });

const finished = (l: string[]) => l.some((x) => x.includes('*Finished*'));

async function run(text: string): Promise<string> {
  const res = await env.slack.slash('U0ALICE', env.channel, `run ${text}`);
  const m = /queued as `([^`]+)`/.exec(String(res.json?.text));
  if (!m) throw new Error(`run was not queued: ${String(res.json?.text)}`);
  return m[1]!;
}

describe('--allow-stop through Slack', () => {
  it('without the flag: refused, naming --allow-stop', async () => {
    const lines = await env.waitThread(await run(REFUSED[0]), finished, 'the refusal');
    expect(lines.join('\n')).toMatch(/AttachRequiresStop[\s\S]*ecs\.n4\.large \(family ecs\.n4\)[\s\S]*--allow-stop/);
  });

  it('with it: the card says the instance will be stopped and started; approved, it is, and the migration verifies', async () => {
    const jobId = await run(`${T5[0]} --allow-stop`);
    const card = await env.approvalCard(jobId);
    const cardText = JSON.stringify(card.blocks);
    // First thing under the header, before who asked and what changes.
    expect((card.blocks as { type: string; text?: { text: string } }[])[1]!.text!.text).toMatch(/^:warning: \*The instance will be stopped and started\.\*/);
    expect(cardText).toContain('The instance will be STOPPED and STARTED.');
    expect(card.text).toMatch(/STOPS AND STARTS the instance/);
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, finished, 'the migration', 45_000);
    assertOrder(lines, [
      /Stop the instance \(StopInstance, KeepCharging\)/,
      /Attach the ENI to the instance/,
      /Start the instance again/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    expect(env.sandbox.world.instances.get(T5[0])!.status).toBe('Running');
    expect(dnatFor(env.sandbox, T5[2])[0]!.internalIp).not.toBe(T5[1]);
  });
});
