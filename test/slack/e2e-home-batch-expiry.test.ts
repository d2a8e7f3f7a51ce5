import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { homeViews } from './home-views.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * A batch's approval that has expired, clicked from the App Home, through the real Bolt receiver (signed
 * block_actions from the Home view), the engine with its fleet, a worker and the sandbox cloud: it is refused exactly
 * as the same click on the batch's card in its thread is (the same code and reason, recorded in the thread the same
 * way), and nothing is approved. bob reads Slack in English in Tokyo: his Home names the zone of its times.
 */

const TTL = 30 * 60_000;
const clock = { offset: 0 };
let env: Env;

beforeAll(async () => {
  env = await startEnv('e2e-home-batch-expiry', { approvalTtlMs: TTL, clock: { now: () => Date.now() + clock.offset } }, {
    ...FASTER_SLACK,
    bot: ({ slack, service, redis, prefix, outbox }) => startBot(slack, service, redis, prefix, { outbox, homeDebounceMs: 50 }),
  });
  env.slack.addUser({ id: 'U0BOB', name: 'bob', locale: 'en-US', tz: 'Asia/Tokyo' });
});
afterAll(async () => {
  await env?.close();
});

const { homeOf, valueFor } = homeViews(() => env.slack);

/** The thread's record of a refused click: "… @name clicked *Approve* — refused (`Code`): reason", after the name. */
const refusalLine = (lines: string[], name: string) => {
  const line = lines.find((l) => l.includes(`@${name} clicked *Approve* — refused`));
  return line?.slice(line.indexOf(' clicked ')).split('\n')[0];
};

/** A batch of `ids` asked for by dave, waiting for an approval: its id and its approval card. */
async function batchOf(ids: string[]) {
  const reply = String((await env.slack.slash('U0DAVE', env.channel, `run ${ids.join(' ')}`)).json?.text);
  const batchId = /queued as one batch `(batch-[^`]+)`/.exec(reply)?.[1];
  if (!batchId) throw new Error(`no batch: ${reply}`);
  return { batchId, card: await env.approvalCard(batchId) };
}

/** A sentence about one batch with the batch's own id and times taken out, to compare it with another's. */
const shape = (text: string | undefined, batchId: string) =>
  text?.replaceAll(batchId, '<batch>').replace(/expired at [^;]*;/g, 'expired at <time>;');

describe('App Home: an expired batch approval', () => {
  it('is refused from the Home exactly as from the thread\'s card, in the thread too, and approves nothing', async () => {
    // dave asks for two batches of two; each waits for an approval.
    const a = await batchOf([MIGRATABLE[0]![0], MIGRATABLE[1]![0]]);
    const b = await batchOf([MIGRATABLE[2]![0], MIGRATABLE[3]![0]]);
    const cardValue = (b.card.blocks as { type: string; elements?: { value?: string }[] }[]).find((x) => x.type === 'actions')!.elements![0]!.value!;

    // bob's Home offers him batch a; its times are in his zone, named (English has no short name for Tokyo's).
    await env.slack.openHome('U0BOB');
    const bobHome = await homeOf('U0BOB', 'the batch on bob\'s home', (t) => t.includes(a.batchId) && t.includes('[Approve]'));
    const home = JSON.stringify(bobHome.view.blocks);
    expect(home).toMatch(/Updated [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} GMT\+9 \(Asia\/Tokyo\)/);
    expect(home).not.toMatch(/GMT\+9(?! \(Asia\/Tokyo\))/);

    // Both requests' lifetime passes (the engine's clock) before anyone decides.
    clock.offset = TTL + 60_000;
    try {
      // bob clicks Approve on his Home for batch a: refused as expired, told at the top of his Home, recorded in a's thread.
      await env.slack.clickView('U0BOB', bobHome.id, 'natmigrate_home_approve', valueFor(bobHome, a.batchId));
      const refusedHome = await homeOf('U0BOB', 'the expiry refusal on bob\'s home', (t) => t.includes(':no_entry_sign:'));
      const fromHome = refusalLine(await env.waitThread(a.batchId, (l) => refusalLine(l, 'bob') !== undefined, 'bob\'s refusal in the thread'), 'bob');
      expect(fromHome).toMatch(new RegExp(`refused \\(\`Expired\`\\): The approval request for ${a.batchId} expired at `));

      // carol clicks Approve on batch b's card in its thread: the same refusal, recorded the same way.
      await env.slack.click('U0CAROL', env.channel, b.card.ts, { actionId: 'natmigrate_approve', value: cardValue });
      const fromThread = refusalLine(await env.waitThread(b.batchId, (l) => refusalLine(l, 'carol') !== undefined, 'carol\'s refusal in the thread'), 'carol');
      expect(shape(fromHome, a.batchId)).toBe(shape(fromThread, b.batchId));
      // Both were told the same sentence: bob on his Home, carol in an ephemeral message (both read English).
      const toCarol = env.slack.ephemerals('U0CAROL').at(-1)?.text ?? '';
      expect(toCarol).toMatch(/^:no_entry_sign: .*expired/);
      const toBob = (refusedHome.view.blocks as { text?: { text?: string } }[]).map((x) => x.text?.text ?? '').find((t) => t.startsWith(':no_entry_sign:'));
      expect(shape(toBob, a.batchId)).toBe(shape(toCarol, b.batchId));
      for (const { batchId } of [a, b]) expect((await env.engine.service.approvals.current(batchId))?.approvals ?? []).toEqual([]);
    } finally {
      clock.offset = 0;
    }
  });
});
