import type { ServiceAnswer } from '../../domain/job-text.ts';
import type { SameMessages } from '../message-type.ts';
import type { en as En } from './engine.en.ts';

// cancel と rollback へのサービスの応答（src/domain/job-text.ts の ServiceAnswer のコードから）。プレーンテキスト。
// ジョブID、状態、結果のコードはそのまま。

const EFFECT = {
  restore: '元のDNATマッピングを復元し、ENIを削除します（承認済みの開始状態に戻すだけなので、再承認は不要です）',
  undoing: 'すでに変更を元に戻している最中のため、キャンセルしても何も変わりません',
  rollback_stops: 'ロールバックは何も変更する前に止まります',
  unstage: 'ステージングしたENIを削除します。DNATマッピングには触れません',
} as const;

function answerText(a: ServiceAnswer): string {
  switch (a.answer) {
    case 'no_job': return `ジョブ ${a.job} はありません。`;
    case 'not_cancellable':
      return a.kind === 'preview' ? `${a.job} はプランのみのため、キャンセルするものはありません。` : `${a.job} は ${a.kind} のため、キャンセルするものはありません。`;
    case 'already_finished':
      return `${a.job} はすでに終了しています（${a.outcome ?? 'done'}）。キャンセルするものはありません。${a.batch ? '必要なら各移行を1つずつロールバックしてください。' : ''}`;
    case 'finished_so_rollback': return `${a.job} はすでに終了しています（${a.outcome}）。今キャンセルするにはロールバックすることになります。${answerText(a.then)}`;
    case 'already_cancelling': return `${a.job} はすでにキャンセル中です。`;
    case 'cancelling': return `${a.job} をキャンセルしています（状態 ${a.state}）: ${EFFECT[a.effect]}。`;
    case 'cancelling_batch':
      return `バッチ ${a.job} をキャンセルしています: これ以上は開始せず、すべての子ジョブをキャンセルします（切り替え前ならステージングを元に戻し、切り替え中なら元のマッピングを復元します）。検証済みの移行はそのまま残ります。`;
    case 'not_migration': return `${a.job} は移行ジョブではありません。`;
    case 'not_rollbackable':
      return `${a.job} は ${a.outcome !== undefined ? `${a.outcome} で終了` : a.state} です。ロールバックできるのは migrated（または verify_failed）の移行だけです。`;
    case 'no_original': return `${a.job} には復元用に保存した元のエントリがありません。`;
    case 'rollback_running': return `${a.job} のロールバック ${a.rollback} はすでに実行中です。`;
    case 'already_rolled_back': return `${a.job} は ${a.rollback} ですでにロールバック済みです。`;
    case 'instance_busy': return `インスタンス ${a.instance} には実行中のジョブ ${a.holder} があります。完了してから再実行してください。`;
    case 'rollback_queued': return `${a.job} のロールバック ${a.rollback} をキューに追加しました。変更の前に承認が必要です。`;
  }
}

export const ja: SameMessages<typeof En> = {
  serviceAnswerText: (p) => answerText(p.answer),
};
