// Ephemeral answers with the hostile-string corpus typed into every subcommand and put into button values, through
// the real Bolt receiver with signed requests against the strict simulated workspace: whatever is echoed back is
// escaped, and every answer would be taken by Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-card.ts';
import { validateMessage } from '../../src/slack-sim/block-validation.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { CORPUS, messageFaults } from './hostile-strings.ts';
import { MIGRATABLE } from './scenario.ts';

let env: Env;
beforeAll(async () => { env = await startEnv('e2e-hostile', {}, FASTER_SLACK); });
afterAll(async () => { await env?.close(); });

const SUBCOMMANDS = ['', 'help ', 'status ', 'cancel ', 'rollback ', 'plan ', 'scan ', 'run ', 'run --all ', `run ${MIGRATABLE[0]![0]} --ports `];

describe('ephemeral answers to hostile input', () => {
  it('every subcommand echoes the corpus escaped, within Slack\'s limits', async () => {
    const before = await env.jobIds();
    const faults: string[] = [];
    for (const [name, h] of CORPUS) {
      for (const sub of SUBCOMMANDS) {
        const res = await env.slack.slash('U0ALICE', env.channel, `${sub}${h}`);
        expect(res.status).toBe(200);
        const answer = { text: res.json?.text, blocks: res.json?.blocks };
        faults.push(...messageFaults(answer).map((f) => `${sub}${name}: ${f}`));
        const bad = validateMessage(answer);
        if (bad) faults.push(`${sub}${name}: ${bad}`);
      }
    }
    expect(faults).toEqual([]);
    // Nothing hostile was queued.
    expect(await env.jobIds()).toEqual(before);
  });

  it('a click whose value holds the corpus is refused with an escaped answer', async () => {
    const jobId = await env.runJob('U0ALICE', MIGRATABLE[1]![0]);
    const card = await env.approvalCard(jobId);
    for (const [name, h] of CORPUS) {
      await env.slack.click('U0DAVE', env.channel, card.ts, { actionId: APPROVE_ACTION_ID, value: h });
      const told = env.slack.ephemerals('U0DAVE').at(-1)!;
      expect(told.text, name).toMatch(/invalid value/);
      expect(messageFaults(told), name).toEqual([]);
    }
    await env.rejectAndWait(jobId);
  });
});
