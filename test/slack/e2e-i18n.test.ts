import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnv, type Env } from './e2e-env.ts';

/**
 * Japanese and English through the real Bolt receiver (signed requests from the simulated workspace), the real
 * engine and worker, and the sandbox cloud: a channel's language is set by an approver and announced in the channel;
 * each person's answers follow their Slack locale (users.info with include_locale).
 */

const CH = 'C0OPS';
let env: Env;

beforeAll(async () => {
  env = await startEnv('e2e-i18n');
  // dave (an approver) and carol (an approver through the group) use Slack in Japanese; the rest in English.
  env.slack.addUser({ id: 'U0DAVE', name: 'dave', locale: 'ja-JP' });
  env.slack.addUser({ id: 'U0CAROL', name: 'carol', locale: 'ja-JP' });
});
afterAll(async () => {
  await env?.close();
});

const textOf = (res: { json?: Record<string, unknown> }) => String(res.json?.text);
const channelLines = () => env.slack.channelMessages(CH).map((m) => env.slack.render(m));

describe('/natmigrate config language', () => {
  it('is set by an approver only, answered in each person\'s language, and announced in the channel in the new one', async () => {
    const before = channelLines().length;
    // eve is no approver and reads Slack in English: refused, in English, with the refusal code.
    const refused = await env.slack.slash('U0EVE', CH, 'config language ja');
    expect(refused.status).toBe(200);
    expect(textOf(refused)).toMatch(/Only approvers .* may change the channel's language \(`NotApprover`\)\. Nothing was changed\./);
    expect(await env.slack.slash('U0ALICE', CH, 'config language')).toMatchObject({ json: { text: expect.stringMatching(/are in English \(`en`\), the deployment's default/) } });

    // dave is an approver whose Slack is in Japanese; he types it the way a Japanese IME does.
    const set = await env.slack.slash('U0DAVE', CH, 'ｃｏｎｆｉｇ　ｌａｎｇｕａｇｅ　ｊａ');
    expect(textOf(set)).toMatch(/のジョブスレッドは次のジョブから日本語（`ja`）になります/);
    const audit = await env.slack.waitFor(() => channelLines().slice(before).find((l) => l.includes('言語を日本語')), { what: 'the audit line of the change' });
    // Who and when, with the time zone shown.
    expect(audit).toMatch(/^:globe_with_meridians: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC @dave がこのチャンネルの言語を日本語（`ja`）に設定しました/);
    // alice (English) asks: the answer is in English, and says the channel's threads are in Japanese.
    expect(textOf(await env.slack.slash('U0ALICE', CH, 'config language'))).toMatch(/are in Japanese \(`ja`\), set for this channel/);
    expect(textOf(await env.slack.slash('U0DAVE', CH, 'config language'))).toMatch(/日本語（`ja`）で表示されます（このチャンネルの設定）/);

    // Back to the default, by an approver whose Slack is in English.
    expect(textOf(await env.slack.slash('U0BOB', CH, 'config language default'))).toMatch(/will be in English \(`en`\), starting with the next job/);
    await env.slack.waitFor(() => channelLines().slice(before).find((l) => l.includes('cleared this channel\'s language')), { what: 'the audit line of the reset' });
    expect(textOf(await env.slack.slash('U0ALICE', CH, 'config language'))).toMatch(/the deployment's default/);
  });
});
