import type { JobReason, OutcomeText, VerifyProblems } from '../../domain/job-text.ts';
import type { SameMessages } from '../message-type.ts';
import { formatDateTime } from '../time.ts';
import { STEP as STEP_JA } from './audit.ja.ts';
import type { en as En } from './outcome.en.ts';
import { ja as planJa } from './plan.ja.ts';

// ジョブがなぜその結果になったかと、終了したジョブの1行の要約（src/domain/job-text.ts のコードと事実から）。
// プレーンテキスト: 呼び出し側が文全体をエスケープする。ID、IPアドレス、エラーコード、クラウドのメッセージはそのまま。

function problemsText(p: VerifyProblems): string {
  const lost = p.lostPorts?.length ? `ポート ${p.lostPorts.join(', ')} は切り替え前は応答し、切り替え後は応答しません` : '';
  return [p.ssh !== undefined ? `SSH: ${p.ssh}` : '', p.egress !== undefined ? `送信元IP: ${p.egress}` : '', lost].filter(Boolean).join('、');
}

function reasonText(r: JobReason, tz: string | undefined): string {
  switch (r.code) {
    case 'step_failed': {
      const what = r.message?.includes(r.error) ? r.message : `${r.error}${r.message ? `（${r.message}）` : ''}`;
      return `手順「${STEP_JA[r.step] ?? r.step}」が失敗しました: ${what}`;
    }
    case 'cancelled': return `${r.by} がキャンセルしました`;
    case 'rejected': return `${r.by.join('、')} が却下しました`;
    case 'expired': return `${formatDateTime(Date.parse(r.before), 'ja', tz ?? 'UTC')} までに誰も承認しませんでした`;
    case 'verify_failed': return `検証に失敗しました（${problemsText(r.problems)}）${r.autoRollbackOff ? '。自動ロールバックはオフです' : ''}`;
    case 'original_unverified': return `元のマッピングは戻りましたが、元の経路を検証できませんでした（${problemsText(r.problems)}）`;
    case 'refused': {
      // The refusal's own facts are on its card (blocks/plan-card.ts); the summary names the code and what it means.
      const explain = planJa.refusalExplain({ code: r.refusal }).replace(/。$/, '');
      return `事前チェックで拒否されました（${r.refusal}）${explain ? `: ${explain}` : ''}`;
    }
    case 'rollback_of': return `${r.job} のロールバック`;
    case 'text': return r.text;
  }
}

const reasonsText = (rs: readonly JobReason[], tz?: string) => rs.map((r) => reasonText(r, tz)).join('。続いて ');

function outcomeText(t: OutcomeText, tz: string | undefined): string {
  const rs = 'reasons' in t ? reasonsText(t.reasons, tz) : '';
  const why = rs ? `（${rs}）` : '';
  switch (t.outcome) {
    case 'migrated':
      return `${t.instanceId} は ENI ${t.eniId}（${t.eniIp}）で ${t.eip} を受け、SNAT（${t.egress.join(' または ')}）経由で通信しています。検証済みです。`;
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

export const ja: SameMessages<typeof En> = {
  jobReasons: (p) => reasonsText(p.reasons, p.tz),
  outcomeText: (p) => outcomeText(p.text, p.tz),
};
