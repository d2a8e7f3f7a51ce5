import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDisplayTimeZone } from '../../src/i18n/time.ts';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { startBot } from './helpers.ts';
import { MIGRATABLE } from './scenario.ts';

/**
 * What the engine says, read in Japanese: through the real Bolt receiver, engine, worker and sandbox cloud, a
 * channel whose language is Japanese (NATMIGRATE_LANGUAGE=ja) and whose times are in NATMIGRATE_TIMEZONE=Asia/Tokyo
 * gets a migration that finishes, one that is rejected and one that is cancelled. No sentence the engine used to
 * write in English (summaries, reasons, warnings, step titles, answers) may show up in those threads: the engine
 * records codes with facts and the catalog words them.
 */

const CH = 'C0OPS';
let env: Env;

beforeAll(async () => {
  env = await startEnv('e2e-i18n-engine', {}, {
    ...FASTER_SLACK,
    bot: (c) => startBot(c.slack, c.service, c.redis, c.prefix, { outbox: c.outbox, inventory: c.inventory, language: 'ja', timeZone: 'Asia/Tokyo' }),
  });
  // dave (an approver) reads Slack in Japanese, and is in London this week.
  env.slack.addUser({ id: 'U0DAVE', name: 'dave', locale: 'ja-JP', tz: 'Europe/London' });
});
afterAll(async () => {
  await env?.close();
  // The display zone is process-wide (set by the bot at start): files that share this worker read times in UTC.
  setDisplayTimeZone('UTC');
});

/** Sentences (and their telltale pieces) the engine wrote in English before it wrote codes. */
const ENGLISH_ENGINE = [
  'now receives', 'egresses through', 'verified.', 'staged ENI', 'nothing else changed', 'cancelled by', 'rejected by', 'nobody approved',
  ' failed: ', 'Refused by the pre-flight', 'Without --configure-guest', 'does not include', 'will likely fail', 'stay as they are',
  'not Available', 'Cancelling ', 'already finished', 'nothing to cancel', 'verification failed', 'Rolled back', 'is back', 'not touched',
  'Needs attention', 'Waiting for the change window', 'Change window open', 'staging undone', 'the cutover', 'Create the DNAT entry',
  'Read the live state', 'Attach the ENI', 'Delete the ENI', 'Detach the ENI',
];
const KANA = /[\u3040-\u30ff]/;
const TOKYO_TIME = /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} JST/;

function assertJapanese(lines: string[], what: string): void {
  const all = lines.join('\n');
  for (const phrase of ENGLISH_ENGINE) expect(all, `${what}: "${phrase}" is the engine's English`).not.toContain(phrase);
  for (const l of lines) expect(l, what).toMatch(KANA);
  for (const l of lines.slice(1)) expect(l, what).toMatch(TOKYO_TIME);
  expect(all, what).not.toMatch(/\d{2}:\d{2}:\d{2} UTC/);
}

const textOf = (res: { json?: Record<string, unknown> }) => String(res.json?.text);

/** `run` typed by `userId`; the job id is read from the answer, in either language (a first answer is the channel's). */
async function runJob(userId: string, instanceId: string): Promise<string> {
  const answer = textOf(await env.slack.slash(userId, CH, `run ${instanceId}`));
  const jobId = /`(migrate-cn-hangzhou-[^`]+)`/.exec(answer)?.[1];
  if (!jobId) throw new Error(`run was not queued: ${answer}`);
  return jobId;
}

describe('a Japanese channel reads what the engine says in Japanese, with times in NATMIGRATE_TIMEZONE', () => {
  it('a finished migration: summary, warnings and step titles in Japanese, ids and RequestIds as they are', async () => {
    const [instanceId, , eip] = MIGRATABLE[0]!;
    const jobId = await runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    await env.slack.click('U0BOB', CH, card.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('*完了*')), 'the migration to finish');
    assertJapanese(lines, 'migrated');
    expect(lines[0]).toMatch(new RegExp(`${instanceId} は ENI eni-\\w+（[\\d.]+）で ${eip.replace(/\./g, '\\.')} を受け`));
    expect(lines.join('\n')).toMatch(/RequestId `[0-9A-F-]{36}`/);
  });

  it('a rejected migration: the reason names who rejected, in Japanese', async () => {
    const [instanceId] = MIGRATABLE[1]!;
    const jobId = await runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    await env.slack.click('U0BOB', CH, card.ts, { actionId: 'natmigrate_reject' });
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('却下されました（')), 'the rejected job to finish');
    assertJapanese(lines, 'rejected');
    expect(lines.join('\n')).toContain('却下されました（U0BOB が却下しました）。ステージングしたENIを削除し、それ以外は何も変更していません。');

    // dave reads Slack in Japanese: the answer to cancelling a finished job is Japanese too, from the same code.
    const answer = textOf(await env.slack.slash('U0DAVE', CH, `cancel ${jobId}`));
    expect(answer).toContain(`${jobId} はすでに終了しています（rejected）。キャンセルするものはありません。`);
    for (const phrase of ENGLISH_ENGINE) expect(answer).not.toContain(phrase);
  });

  it('a cancelled migration: the reason names who cancelled, in Japanese', async () => {
    const [instanceId] = MIGRATABLE[2]!;
    const jobId = await runJob('U0ALICE', instanceId);
    await env.approvalCard(jobId);
    const answer = textOf(await env.slack.slash('U0DAVE', CH, `cancel ${jobId}`));
    expect(answer).toMatch(/をキャンセルしています（状態 awaiting_approval）: ステージングしたENIを削除します。DNATマッピングには触れません。/);
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('キャンセルされました（')), 'the cancelled job to finish');
    assertJapanese(lines, 'cancelled');
    expect(lines.join('\n')).toContain('キャンセルされました（U0DAVE がキャンセルしました）。ステージングを元に戻しました。');
  });

  it('the App Home shows its times in the person\'s own Slack time zone, not the channel\'s', async () => {
    await env.slack.openHome('U0DAVE');
    const view = await env.slack.waitFor(() => {
      const v = env.slack.calls('views.publish').filter((c) => c.params.user_id === 'U0DAVE').at(-1)?.params.view;
      const text = JSON.stringify(v ?? '');
      return /\d{2}:\d{2}:\d{2} GMT/.test(text) ? text : undefined;
    }, { what: 'dave\'s Home with its times in London time' });
    expect(view).toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} GMT/);
    expect(view).not.toMatch(/ JST| UTC/);
    // His answers and Home are in his zone; the thread stays in NATMIGRATE_TIMEZONE (checked above).
  });
});
