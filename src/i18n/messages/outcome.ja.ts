import type { BatchText, EngineSummary, JobReason, OutcomeText, ReadOnlyText, SkippedFact, VerifyProblems } from '../../domain/job-text.ts';
import type { SameMessages } from '../message-type.ts';
import { formatDateTime } from '../time.ts';
import { STEP as STEP_JA } from './audit.ja.ts';
import type { en as En } from './outcome.en.ts';
import { ja as planJa } from './plan.ja.ts';
import { ja as engineJa } from './engine.ja.ts';

// ジョブがなぜその結果になったかと、終了したジョブの1行の要約（src/domain/job-text.ts のコードと事実から）。
// プレーンテキスト: 呼び出し側が文全体をエスケープする。ID、IPアドレス、エラーコード、クラウドのメッセージはそのまま。

function problemsText(p: VerifyProblems): string {
  const lost = p.lostPorts?.length ? `ポート ${p.lostPorts.join(', ')} は切り替え前は応答し、切り替え後は応答しません` : '';
  return [p.ssh !== undefined ? `SSH: ${p.ssh}` : '', p.egress !== undefined ? `送信元IP: ${p.egress}` : '', lost].filter(Boolean).join('、');
}

function reasonText(r: JobReason, tz: string | undefined): string {
  switch (r.code) {
    case 'step_failed': {
      // The engine's own reason in Japanese from its facts; a cloud error's message stays as the cloud wrote it.
      const message = r.text ? engineJa.stepFailureText({ text: r.text }) : r.message;
      const what = message?.includes(r.error) ? message : `${r.error}${message ? `（${message}）` : ''}`;
      return `手順「${(STEP_JA as Record<string, string | undefined>)[r.step] ?? r.step}」が失敗しました: ${what}`;
    }
    case 'cancelled': return `${r.by} がキャンセルしました`;
    case 'rejected': return `${r.by.join('、')} が却下しました`;
    case 'expired': return `${formatDateTime(Date.parse(r.before), 'ja', tz)} までに誰も承認しませんでした`;
    case 'verify_failed': return `検証に失敗しました（${problemsText(r.problems)}）${r.autoRollbackOff ? '。自動ロールバックはオフです' : ''}`;
    case 'original_unverified': return `元のマッピングは戻りましたが、元の経路を検証できませんでした（${problemsText(r.problems)}）`;
    case 'refused': {
      // The refusal's own facts are on its card (blocks/plan-card.ts); the summary names the code and what it means.
      const explain = planJa.refusalExplain({ code: r.refusal }).replace(/。$/, '');
      return `事前チェックで拒否されました（${r.refusal}）${explain ? `: ${explain}` : ''}`;
    }
    case 'rollback_of': return `${r.job} のロールバック`;
    case 'reconcile':
      return `${r.lost ? 'Redisからジョブの記録が失われたため、リコンサイルがENIのタグから読み取りました: ' : 'リコンサイル: '}${engineJa.reconcileSituation({ situation: r.situation })}${r.verify !== undefined ? `。ただし検証に失敗しました（${r.verify}）` : ''}`;
    case 'child_failed':
      if (!r.outcome) return `${r.instanceId} は別のジョブが使用中のため取得できませんでした`;
      return `${r.instanceId}${r.canary ? '（カナリア）' : ''} は ${r.outcome} で終了しました${r.text ? `: ${outcomeText(r.text, tz)}` : r.summary ? `: ${r.summary}` : ''}`;
    case 'text': return r.text;
  }
}

const reasonsText = (rs: readonly JobReason[], tz?: string) => rs.map((r) => reasonText(r, tz)).join('。続いて ');

function outcomeText(t: OutcomeText, tz: string | undefined): string {
  const rs = 'reasons' in t ? reasonsText(t.reasons, tz) : '';
  const why = rs ? `（${rs}）` : '';
  switch (t.outcome) {
    case 'migrated': {
      const found = t.reconciled ? `Redisからジョブの記録が失われたため、リコンサイルがENIのタグから読み取りました: ${engineJa.reconcileSituation({ situation: t.reconciled })}。` : '';
      return `${found}${t.instanceId} は ENI ${t.eniId}（${t.eniIp}）で ${t.eip} を受け、SNAT（${t.egress.join(' または ')}）経由で通信しています。検証済みです。`;
    }
    case 'refused': return rs ? `${rs}。変更はありません。` : '事前チェックで拒否されました。変更はありません。';
    case 'rejected': return `却下されました${why}。ステージングしたENIを削除し、それ以外は何も変更していません。`;
    case 'expired': return `承認の期限が切れました${why}。ステージングしたENIを削除し、それ以外は何も変更していません。`;
    case 'cancelled':
      return t.restored
        ? `切り替え開始後にキャンセルされました${why}。元のマッピング ${t.restored.eip} → ${t.restored.originalIp} を復元し、ENIを削除しました。`
        : `キャンセルされました${why}。ステージングを元に戻しました。DNATマッピングには触れていません。`;
    case 'restored': return `復元しました${why}: 元のマッピング ${t.mapping.eip} → ${t.mapping.originalIp} を戻し、ENIを削除しました。`;
    case 'verify_failed': return `切り替えは完了しましたが、検証できませんでした${why}。元のマッピングに戻すには rollback を使ってください。`;
    case 'rolled_back': return `${t.migrationJobId} をロールバックしました: ${t.mapping.eip} → ${t.mapping.originalIp} を戻し、ENIを削除し、元の経路を検証しました。`;
    case 'failed': {
      if ('lost' in t) return `ジョブは手順 ${t.lost.step} でキューから ${t.lost.times} 回失われました。クラウドの状態を手で確認してください。`;
      const what = rs || (t.error ? `${t.error.code}: ${t.error.message}` : '不明なエラー');
      const m = t.mapping;
      const state = m.state === 'untouched'
        ? 'DNATマッピングには触れていません。'
        : m.state === 'in_place'
          ? `元のマッピング ${m.eip} → ${m.originalIp} は有効です。`
          : `対応が必要です: 元のマッピングが失われている可能性があります。CreateForwardEntry ${m.recipe} で再作成してください。`;
      return `失敗: ${what}。${state}`;
    }
  }
}

const MAX_LISTED = 60;
function listIds(ids: readonly string[]): string {
  if (!ids.length) return 'なし';
  return ids.length > MAX_LISTED ? `${ids.slice(0, MAX_LISTED).join(', ')} ほか ${ids.length - MAX_LISTED} 台` : ids.join(', ');
}
const skippedText = (s: readonly SkippedFact[]) => (s.length ? `事前チェックで対象外: ${listIds(s.map((x) => `${x.instanceId}（${x.code}）`))}。` : '');
const UNTOUCHED = '変更なし（ステージングは元に戻し、DNATマッピングはそのまま）';

function batchText(t: BatchText, tz: string | undefined): string {
  switch (t.batch) {
    case 'migrated':
      return `${t.count} 台すべての移行と検証が完了しました（カナリア: ${listIds(t.canaries)}）。現在はSNAT経由で通信しています。${skippedText(t.skipped)}`;
    case 'not_approved':
      return `${t.outcome === 'rejected' ? '却下されました' : '承認の期限が切れました'}${t.reason ? `（${reasonText(t.reason, tz)}）` : ''}。DNATエントリには触れていません。${UNTOUCHED}: ${listIds(t.untouched)}。${skippedText(t.skipped)}`;
    case 'stopped': {
      const head = t.reason ? `停止しました: ${reasonText(t.reason, tz).replace(/。$/, '')}。` : '停止しました。';
      const failed = t.failed.length
        ? `開始後に移行できなかったもの: ${t.failed.map((f) => `${f.instanceId}（${f.outcome ?? '未取得'}）`).join(', ')} — ${t.allRestored ? '元のマッピングを復元しました' : '各ジョブを確認してください'}。`
        : '';
      return `${head}停止前に移行したもの: ${listIds(t.done)}。${failed}${UNTOUCHED}: ${listIds(t.untouched)}。${skippedText(t.skipped)}`;
    }
    case 'nothing': {
      const skipped = t.skipped.length ? `（対象外 ${t.skipped.length} 台: ${t.skipped.map((s) => `${s.instanceId} ${s.code}`).join(', ')}）` : '';
      return `移行するものはありません: ${t.targets.join(', ')} には、事前チェックを通るDNAT IPマッピングを持つインスタンスがありません${skipped}。`;
    }
    case 'plan_failed': return `バッチを計画できませんでした: ${t.message}`;
  }
}

/** 読み取り専用ジョブの要約: ドライランの計画、スキャンの件数。 */
function readOnlyText(t: ReadOnlyText): string {
  switch (t.readOnly) {
    case 'planned': return '計画のみです。何も変更していません。';
    case 'scanned': return `インスタンス ${t.instances} 台のうち ${t.needMigration} 台がDNAT IPマッピング経由で外部に出ています（移行可能 ${t.ready} 台、拒否 ${t.refused} 台）。`;
  }
}

const summaryOf = (t: EngineSummary, tz: string | undefined) => ('batch' in t ? batchText(t, tz) : 'readOnly' in t ? readOnlyText(t) : outcomeText(t, tz));

export const ja: SameMessages<typeof En> = {
  jobReasons: (p) => reasonsText(p.reasons, p.tz),
  outcomeText: (p) => summaryOf(p.text, p.tz),
};
