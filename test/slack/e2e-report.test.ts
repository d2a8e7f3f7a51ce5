import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { MIGRATABLE, slackScenario } from './scenario.ts';
import { until } from '../../src/util/until.ts';

/**
 * `/natmigrate report <job-id>` through the real Bolt receiver, engine, worker and sandbox cloud: the audit comes back
 * as two files uploaded to the channel (files.getUploadURLExternal → bytes → completeUploadExternal, as the simulated
 * workspace checks), in the channel's language, with every step, actor, time, RequestId and the DNAT entries.
 */

let env: Env;
const GW = 'ngw-reportgw001';
beforeAll(async () => {
  // The scenario's gateway with an id `scan` takes (the parser wants a real id's shape).
  const scenario = JSON.parse(JSON.stringify(slackScenario()).replaceAll('"ngw-1"', `"${GW}"`).replaceAll('"vpc-1"', '"vpc-reportvpc01"'));
  env = await startEnv('e2e-report', {}, { ...FASTER_SLACK, scenario });
});
afterAll(async () => {
  await env?.close();
});

const finished = (l: string[]) => l.some((x) => x.includes('*Finished*'));

async function reportFiles(userId: string, id: string): Promise<{ csv: string; md: string; comment: string; reply: string }> {
  const before = env.slack.files().length;
  const res = await env.slack.slash(userId, env.channel, `report ${id}`);
  const files = await env.slack.waitFor(() => {
    const f = env.slack.files().slice(before).filter((x) => x.completed);
    return f.length === 2 ? f : undefined;
  }, { what: 'the two report files', timeoutMs: 15_000 });
  const csv = files.find((f) => f.name.endsWith('.csv'))!;
  const md = files.find((f) => f.name.endsWith('.md'))!;
  const post = env.slack.message(csv.channel!, csv.ts!)!;
  return { csv: csv.content!.toString('utf8'), md: md.content!.toString('utf8'), comment: post.text, reply: String(res.json?.text) };
}

describe('/natmigrate report', () => {
  it('uploads the audit of a finished migration as CSV and Markdown: steps, actors, times, RequestIds, original and new entries', async () => {
    const [instanceId, privateIp, eip] = MIGRATABLE[0]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    const card = await env.approvalCard(jobId);
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    await env.waitThread(jobId, finished, 'the migration to finish');
    const [rec] = await env.engine.service.status(jobId);

    const { csv, md, comment, reply } = await reportFiles('U0ALICE', jobId);
    expect(reply).toContain(`Uploading the audit report of \`${jobId}\``);
    expect(comment).toMatch(new RegExp(`Audit report of \`${jobId}\`: \\d+ audit lines`));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('time,job,instance,what,actor,API action,result,RequestId,detail');
    // Who asked and who approved, with their times.
    expect(lines.some((l) => l.includes('migrate job queued,U0ALICE'))).toBe(true);
    expect(lines.find((l) => /,approved,U0BOB,/.test(l))).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    // Every step the record holds is there, started and finished, and every cloud call with its RequestId.
    for (const s of rec!.steps) {
      expect(csv).toContain(`step started: ${s.title}`);
      for (const c of s.calls) if (c.requestId) expect(csv).toContain(`,${c.action},${c.code},${c.requestId},`);
    }
    expect(rec!.steps.flatMap((s) => s.calls).filter((c) => c.requestId).length).toBeGreaterThan(5);
    expect(csv).toMatch(/ModifyForwardEntry,OK,[0-9A-F-]{36}/);
    // The original entry (saved before the change) and the new one, pointing at the ENI.
    expect(csv).toContain(`original DNAT entry saved`);
    expect(csv.toLowerCase()).toContain(`${eip}:any → ${privateIp}:any`);
    const made = new RegExp(`new DNAT entry,natmigrate,,,,fwd-[^ ]+ ftb-1: ${eip.replace(/\./g, '\\.')}:Any → ([0-9.]+):Any`).exec(csv);
    expect(made?.[1]).toMatch(/^192\.168\.1\.\d+$/);
    expect(made?.[1]).not.toBe(privateIp);
    expect(csv).toContain('finished: migrated');
    // The Markdown: a summary, both entries, and the same trail as a table, times with the zone shown.
    expect(md).toContain(`# natmigrate audit report: ${jobId}`);
    expect(md).toContain('### Original DNAT entry');
    expect(md.toLowerCase()).toContain(`${eip}:any → ${privateIp}:any`);
    expect(md).toContain('### Audit trail');
    expect(md).toMatch(/\| [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} UTC \| migrate-/);
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBeGreaterThan(lines.length - 1);
  });

  it('is written in the channel\'s language, and an unknown id is told without uploading anything', async () => {
    const [instanceId] = MIGRATABLE[1]!;
    const jobId = await env.runJob('U0ALICE', instanceId);
    await env.rejectAndWait(jobId);
    // The helpers' bot answers only after its deferred work (processBeforeResponse), here the channel announcement:
    // with the thread still posting, Slack's 1-a-second pace for the channel would hold that answer past 3 s.
    await env.outbox.waitIdle();
    await env.slack.slash('U0BOB', env.channel, 'config language ja');
    try {
      const { csv, md, comment } = await reportFiles('U0EVE', jobId);
      expect(csv.split('\r\n')[0]).toBe('時刻,ジョブ,インスタンス,内容,実行者,API アクション,結果,RequestId,詳細');
      expect(csv).toContain('承認の結果: rejected');
      expect(csv).toContain('CreateNetworkInterface,OK,');
      // Step titles in Alibaba's Japanese documentation's words; API actions and codes as they are.
      expect(csv).toContain('ステップ開始: セカンダリENIを作成');
      // The job's summary and its reason are the catalog's Japanese from the engine's codes, not the engine's English.
      expect(csv).toMatch(/却下されました（U0\w+ が却下しました）。ステージングしたENIを削除し/);
      expect(csv).not.toMatch(/rejected by|staged ENI|nothing else changed/);
      expect(md).toContain(`# natmigrate 監査レポート: ${jobId}`);
      expect(md).toMatch(/\| \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC \|/);
      expect(comment).toContain('の監査レポート');
    } finally {
      await env.outbox.waitIdle();
      await env.slack.slash('U0BOB', env.channel, 'config language default');
    }
    const before = env.slack.files().length;
    // Asked from another channel: refused, so the thread's contents are not copied where its members could not read them.
    const elsewhere = await env.slack.slash('U0ALICE', 'C0PRIVATE', `report ${jobId}`);
    expect(String(elsewhere.json?.text)).toContain(`The audit of \`${jobId}\` is uploaded only where its thread is, <#${env.channel}>`);
    const res = await env.slack.slash('U0ALICE', env.channel, 'report migrate-cn-hangzhou-i-nosuch1');
    expect(String(res.json?.text)).toContain('No job or batch `migrate-cn-hangzhou-i-nosuch1` is known here');
    expect(env.slack.files().length).toBe(before);
  });

  it('a dry run and a scan, which end with no outcome, end their audit with what they found, in either language', async () => {
    const plan = String((await env.slack.slash('U0ALICE', env.channel, `plan ${MIGRATABLE[4]![0]}`)).json?.text);
    const previewId = /\(job `(preview-[^`]+)`\)/.exec(plan)?.[1];
    if (!previewId) throw new Error(`no dry run: ${plan}`);
    const scan = String((await env.slack.slash('U0ALICE', env.channel, `scan ${GW}`)).json?.text);
    const scanId = /\(job `(scan-[^`]+)`\)/.exec(scan)?.[1];
    if (!scanId) throw new Error(`no scan: ${scan}`);
    await until(async () => (await env.engine.service.status(previewId))[0]?.state === 'finished', { what: 'the dry run to finish' });
    await until(async () => (await env.engine.service.scanStatus!(scanId))?.state === 'finished', { what: 'the scan to finish' });

    const preview = await reportFiles('U0ALICE', previewId);
    expect(preview.csv).toMatch(/,finished: dry run done \(plan only\),natmigrate,,planned,,Plan only; nothing changed\.\r?$/m);
    expect(preview.md).toMatch(new RegExp(`\\| ${previewId} \\| ${MIGRATABLE[4]![0]} \\| cn-hangzhou \\| U0ALICE \\| finished \\| planned \\|`));
    const scanned = await reportFiles('U0ALICE', scanId);
    expect(scanned.csv).toContain('scan job queued,U0ALICE');
    expect(scanned.csv).toMatch(/,finished: scan done,natmigrate,,scanned,,"\d+ instances, \d+ egress through a DNAT IP mapping \(\d+ ready to migrate, \d+ refused\)\."\r?$/m);

    // The helpers' bot answers only after its deferred work (processBeforeResponse), here the channel announcement:
    // with the thread still posting, Slack's 1-a-second pace for the channel would hold that answer past 3 s.
    await env.outbox.waitIdle();
    await env.slack.slash('U0BOB', env.channel, 'config language ja');
    try {
      const ja = await reportFiles('U0ALICE', previewId);
      expect(ja.csv).toMatch(/,終了: ドライラン完了（計画のみ）,natmigrate,,planned,,計画のみです。何も変更していません。\r?$/m);
      expect(ja.csv).toContain(',リージョン cn-hangzhou');
      expect(ja.csv).not.toMatch(/Plan only|region cn-hangzhou/);
      const jaScan = await reportFiles('U0ALICE', scanId);
      expect(jaScan.csv).toMatch(/,終了: スキャン完了,natmigrate,,scanned,,インスタンス \d+ 台のうち \d+ 台がDNAT IPマッピング経由で外部に出ています/);
    } finally {
      await env.outbox.waitIdle();
      await env.slack.slash('U0BOB', env.channel, 'config language default');
    }
  });

  it('for a batch, holds every instance\'s job: each one\'s steps, RequestIds and entries', async () => {
    const ids = [MIGRATABLE[2]![0], MIGRATABLE[3]![0]];
    const reply = await env.slack.slash('U0ALICE', env.channel, `run ${ids.join(' ')}`);
    const batchId = /queued as one batch `(batch-[^`]+)`/.exec(String(reply.json?.text))![1]!;
    const card = await env.approvalCard(batchId);
    await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
    await env.waitThread(batchId, finished, 'the batch to finish', 60_000);
    const status = (await env.engine.service.batchStatus!(batchId))!;
    expect(status.items.map((i) => i.outcome)).toEqual(['migrated', 'migrated']);

    const { csv, md } = await reportFiles('U0ALICE', batchId);
    expect(md).toContain(`Batch ${batchId} with 2 instance(s)`);
    for (const item of status.items) {
      expect(md).toContain(`## ${item.childJobId}`);
      expect(csv).toMatch(new RegExp(`${item.childJobId},${item.instanceId},Move the DNAT IP mapping to the ENI in place \\(ModifyForwardEntry\\),natmigrate,ModifyForwardEntry,OK,[0-9A-F-]{36}`));
      expect(csv).toMatch(new RegExp(`${item.childJobId},${item.instanceId},original DNAT entry saved`));
    }
  });
});
