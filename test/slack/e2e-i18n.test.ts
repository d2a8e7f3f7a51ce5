import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOrder, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE, NO_SNAT, SNAT_IP } from './scenario.ts';
import { until } from '../../src/util/until.ts';

/**
 * Japanese and English through the real Bolt receiver (signed requests from the simulated workspace), the real
 * engine and worker, and the sandbox cloud: a channel's language is set by an approver and announced in the channel;
 * each person's answers follow their Slack locale (users.info with include_locale).
 */

const CH = 'C0OPS';
let env: Env;

beforeAll(async () => {
  env = await startEnv('e2e-i18n', {}, FASTER_SLACK);
  // dave (an approver) and carol (an approver through the group) use Slack in Japanese; the rest in English.
  env.slack.addUser({ id: 'U0DAVE', name: 'dave', locale: 'ja-JP' });
  env.slack.addUser({ id: 'U0CAROL', name: 'carol', locale: 'ja-JP' });
});
afterAll(async () => {
  await env?.close();
});

const textOf = (res: { json?: Record<string, unknown> }) => String(res.json?.text);
const channelLines = () => env.slack.channelMessages(CH).map((m) => env.slack.render(m));

describe('what the service cannot take', () => {
  it('a region this deployment has no cloud for is refused in each reader\'s language, the region as typed; nothing is queued', async () => {
    const [a] = MIGRATABLE[5]!;
    const [b] = MIGRATABLE[6]!;
    // dave's very first answer is in the channel's language (his locale is read after it); from then on, his own.
    await until(async () => /[\u3040-\u30ff]/.test(textOf(await env.slack.slash('U0DAVE', CH, 'help'))), { what: 'dave\'s answers in Japanese' });
    const before = await env.jobIds();
    for (const [text, what] of [[`plan ${a}`, 'ドライラン'], [`run ${a}`, 'キューに追加できませんでした'], [`run ${a} ${b}`, 'キューに追加できませんでした']] as const) {
      const ja = textOf(await env.slack.slash('U0DAVE', CH, `${text} --region cn-shanghai`));
      expect(ja, text).toContain(what);
      expect(ja, text).toMatch(/リージョン `cn-shanghai` はここでは設定されていません（このデプロイで使えるのは cn-hangzhou）/);
      expect(ja, text).not.toMatch(/is not configured|this deployment works/);
      const en = textOf(await env.slack.slash('U0ALICE', CH, `${text} --region cn-shanghai`));
      expect(en, text).toContain('region `cn-shanghai` is not configured here (this deployment works in cn-hangzhou)');
    }
    expect(await env.jobIds()).toEqual(before);
  });
});

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

/** Kana: every Japanese sentence has some; the guest's Chinese IP-echo page (in a code block) has none. */
const JAPANESE = /[\u3040-\u30ff]/;
const JA_TIME = /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC/;
const EN_TIME = /[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} UTC/;

/** `run` typed by `userId`; the job id is read from the answer, in either language. */
async function run(userId: string, instanceId: string): Promise<{ jobId: string; answer: string }> {
  const answer = textOf(await env.slack.slash(userId, CH, `run ${instanceId}`));
  const jobId = /`(migrate-cn-hangzhou-[^`]+)`/.exec(answer)?.[1];
  if (!jobId) throw new Error(`run was not queued: ${answer}`);
  return { jobId, answer };
}

const lastEphemeral = (user: string) => String(env.slack.ephemerals(user).at(-1)?.text);

describe('a full migration in each language', () => {
  it('a Japanese channel with an English requester and an English approver: the thread is Japanese, their answers English', async () => {
    expect(textOf(await env.slack.slash('U0DAVE', CH, 'config language ja'))).toMatch(/日本語/);
    const [instanceId, privateIp, eip] = MIGRATABLE[5]!;
    const { jobId, answer } = await run('U0ALICE', instanceId);
    expect(answer).toMatch(/queued as `migrate-cn-hangzhou-/);
    const card = await env.approvalCard(jobId);
    // The card is Japanese; the buttons keep their words.
    expect(env.slack.render(card)).toMatch(/承認が必要です: i-slackmig06 の移行[\s\S]*\[Approve\] \[Reject\]/);
    // The requester is no approver: refused, told in English, audited in Japanese, with the same code.
    await env.slack.click('U0ALICE', CH, card.ts, { actionId: 'natmigrate_approve' });
    expect(lastEphemeral('U0ALICE')).toMatch(/^:no_entry_sign: You are not a configured approver for natmigrate/);
    await env.slack.click('U0BOB', CH, card.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('*完了*')), 'the Japanese migration to finish');
    expect(lastEphemeral('U0BOB')).toMatch(/^:white_check_mark: You approved `migrate-cn-hangzhou-/);

    expect(lines[0]).toContain(`NAT移行 · ${instanceId}`);
    expect(lines[0]).toContain('移行と検証が完了');
    assertOrder(lines, [
      `@alice が*移行をキューに追加*しました: \`cn-hangzhou\` の \`${instanceId}\``,
      `${instanceId} のプラン`,
      /事前チェック（読み取りのみ）\* — 実行者 natmigrate（ボット）[\s\S]*DescribeInstances OK \(RequestId `[0-9A-F-]{36}`\)/,
      /セカンダリENIを作成[\s\S]*CreateNetworkInterface OK \(RequestId `/,
      /承認: i-slackmig06 の移行[\s\S]*エントリをその場で変更[\s\S]*新しいENIに移動するDNATエントリ[\s\S]*@bob が\*承認\*しました/,
      /@alice が \*Approve\* をクリック — 拒否（`NotApprover`）: natmigrate の承認者として設定されていないため/,
      '@bob が*承認*しました',
      /元のDNATエントリを保存しました[\s\S]*fwd-[\s\S]*CreateForwardEntry/,
      /DNAT IPマッピングをその場でENIに移動（ModifyForwardEntry）[\s\S]*ModifyForwardEntry OK \(RequestId/,
      /検証に成功しました[\s\S]*SSH-2.0-OpenSSH_8.9p1[\s\S]*観測値 `203.0.113.20`/,
      /\*完了\*[\s\S]*移行と検証が完了/,
    ]);
    // Every message is Japanese and carries its time, the way Japan writes it, with the zone.
    for (const l of lines) expect(l).toMatch(JAPANESE);
    for (const l of lines.slice(1)) expect(l).toMatch(JA_TIME);
    expect(lines.join('\n')).not.toMatch(EN_TIME);
    expect(lines.find((l) => l.includes('承認: i-slackmig06'))).toContain(`\`${eip}:any\` → \`${privateIp}:any\``);
    const now = dnatFor(env.sandbox, eip);
    expect(now).toHaveLength(1);
    expect(now[0]!.internalIp).not.toBe(privateIp);
    expect(String(lines.at(-1))).toContain(SNAT_IP);
    // The job's one-line summary and the plan's warnings, which the engine writes in English, read in Japanese too.
    expect(lines[0]).toMatch(new RegExp(`${instanceId} は ENI eni-\\w+（[\\d.]+）で ${eip.replace(/\./g, '\\.')} を受け、SNAT（${SNAT_IP.replace(/\./g, '\\.')}）経由で通信しています。検証済みです。`));
    expect(lines.join('\n')).toContain('--configure-guest を指定しない場合、ゲストOSが新しいNICからの応答');
    expect(lines.join('\n')).not.toContain('Without --configure-guest');

    // A dry run the pre-flight refuses, posted in the channel: the refusal explained in Japanese, the code as it is.
    const dry = textOf(await env.slack.slash('U0ALICE', CH, `plan ${NO_SNAT}`));
    expect(dry).toMatch(/Dry run of `i-slacknosnat1` in `cn-hangzhou` queued/);
    const refusal = await env.slack.waitFor(() => channelLines().find((l) => l.includes('`NoSnatCoverage`')), { what: 'the refused dry run' });
    expect(refusal).toMatch(/事前チェックで拒否されました\* — `NoSnatCoverage`\n.*SNATエントリがないため、移行するとインターネットへの送信経路を失います/);
  });

  it('an English channel with a Japanese requester and a Japanese approver: the thread is English, their answers Japanese', async () => {
    expect(textOf(await env.slack.slash('U0BOB', CH, 'config language en'))).toMatch(/will be in English/);
    const [instanceId, privateIp, eip] = MIGRATABLE[6]!;
    // carol (a requester through her group) uses Slack in Japanese and types with a Japanese IME.
    const { jobId, answer } = await run('U0CAROL', `ｉ－ｓｌａｃｋｍｉｇ０７`);
    expect(answer).toMatch(/1 件中 1 件の移行をキューに追加しました/);
    expect(answer).toContain(`\`${instanceId}\`: \`${jobId}\` としてキューに追加しました`);
    const card = await env.approvalCard(jobId);
    expect(env.slack.render(card)).toMatch(/Approval needed: migrate i-slackmig07[\s\S]*\[Approve\] \[Reject\]/);
    await env.slack.click('U0CAROL', CH, card.ts, { actionId: 'natmigrate_approve' });
    expect(lastEphemeral('U0CAROL')).toMatch(/依頼者本人は承認できません。.*（`SelfApproval`）$/);
    await env.slack.click('U0DAVE', CH, card.ts, { actionId: 'natmigrate_approve' });
    const lines = await env.waitThread(jobId, (l) => l.some((x) => x.includes('*Finished*')), 'the English migration to finish');
    expect(lastEphemeral('U0DAVE')).toMatch(/を承認しました（1 件中 1 件）。切り替えを開始します/);

    expect(lines[0]).toContain(`NAT migration · ${instanceId}`);
    assertOrder(lines, [
      `*Migration queued* by @carol: \`${instanceId}\``,
      /Pre-flight plan \(read-only\)\* — by natmigrate \(bot\)/,
      /@carol clicked \*Approve\* — refused \(`SelfApproval`\): You requested/,
      '*Approved* by @dave',
      /Verification passed[\s\S]*observed `203.0.113.20`/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    for (const l of lines) expect(l).not.toMatch(JAPANESE);
    for (const l of lines.slice(1)) expect(l).toMatch(EN_TIME);
    expect(dnatFor(env.sandbox, eip)[0]!.internalIp).not.toBe(privateIp);
    // dave asks for the job's status: the answer is his, in Japanese.
    const status = textOf(await env.slack.slash('U0DAVE', CH, `status ${jobId}`));
    expect(status).toMatch(/依頼者 <@U0CAROL>、更新 .*移行と検証が完了/);
  });
});
