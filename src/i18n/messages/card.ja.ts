import type { SameMessages } from '../message-type.ts';
import type { en as En } from './card.en.ts';

// ジョブの状況カード、結果、検証の証跡（blocks/status-card.ts、card-common.ts、result-card.ts、services-text.ts）。
export const ja: SameMessages<typeof En> = {
  outcomeLabel: (p) => ({
    migrated: ':white_check_mark: 移行と検証が完了',
    verify_failed: ':warning: 切り替えましたが検証に失敗しました（ロールバックしていません）',
    refused: ':no_entry: 事前チェックで拒否されました。変更はありません',
    rejected: ':x: 却下されました。ステージングは元に戻しました',
    expired: ':hourglass: 承認の期限切れ。ステージングは元に戻しました',
    cancelled: ':octagonal_sign: キャンセルされました',
    restored: ':leftwards_arrow_with_hook: 元のマッピングを復元しました',
    rolled_back: ':leftwards_arrow_with_hook: ロールバックしました',
    failed: ':rotating_light: 失敗: 対応が必要です（スレッドを確認してください）',
  })[p.outcome],
  cancelNote: (p) => `:octagonal_sign: ${p.by} がキャンセルを依頼しました`,
  jobWhat: (p) => (p.kind === 'rollback' ? 'ロールバック' : p.kind === 'preview' ? 'ドライラン' : 'NAT移行'),
  cardFallback: (p) => `${p.target} の${p.what}: ${p.state}`,
  cardHeader: (p) => `${p.what} · ${p.target}`,
  waitingForApproval: (p) => `*承認待ち*（${p.of} 件中 ${p.n} 件、期限 ${p.until}）`,
  inProgressStep: (p) => `*実行中:* ${p.step}`,
  inProgress: () => '*実行中*',
  queued: () => '*キュー待ち*',
  approvalRowDecided: (p) => ` — ${p.by} が${{ approved: '承認', rejected: '却下', expired: '期限切れ' }[p.decision]}`,
  verifyRow: (p) => `${p.ok ? ' — SSHと送信元IPは正常' : ' — 失敗'}${p.ports ? `、${p.ports}` : ''}`,
  mappingRestoredNote: () => ':leftwards_arrow_with_hook: 元のDNATマッピングを復元しました',
  portsSummary: (p) => `サービスポート ${p.probed} 個中 ${p.answering} 個が応答`,
  portsTableHead: () => 'ポート\tサービス\t切替前\t切替後\t最初のバイト',
  portsTableCell: (p) => ({ yes: '応答', no: '応答なし', accepted: '応答なし（許容）', unknown: '-', not_probed: '未確認' })[p.answer],
  verifySsh: (p) => {
    const body = p.banner ? `バナー ${p.banner}` : p.error ? `エラー ${p.error}` : '';
    return `${p.ok ? ':white_check_mark:' : ':x:'} *SSH* ${p.target}（${p.attempts} 回目で${p.ok ? '成功' : '終了'}）${body ? `: ${body}` : ''}`;
  },
  verifyEgress: (p) => `${p.ok ? ':white_check_mark:' : ':x:'} *送信元IP* 観測値 ${p.observed}、期待値 ${p.expected}`,
  orWord: () => ' または ',
  noneWord: () => 'なし',
  cloudAssistantInvocation: (p) => `クラウドアシスタントの実行 ${p.id}`,
  errorRef: (p) => `エラー ${p.error}`,
  servicePortsLine: (p) => `${p.ok ? ':white_check_mark:' : ':x:'} パブリックIP経由の*サービスポート*: ${p.summary}${p.lost ? ` — 応答しなくなったポート: ${p.lost}` : ''}`,
  verificationTitle: (p) => `:mag: *検証に${p.ok ? '成功' : '失敗'}しました* ${p.at}`,
  verificationText: (p) =>
    `検証${p.ok ? '成功' : '失敗'}: SSH ${p.ssh ? '正常' : '失敗'}${p.banner ? `（${p.banner}）` : ''}、送信元IP ${p.observed}（期待値 ${p.expected}）${p.ports ? `、${p.ports}` : ''}`,
  unknownWord: () => '不明',
  finished: (p) => `:checkered_flag: *完了* ${p.at}: *${p.outcome}*\n${p.summary}`,
  finishedText: (p) => `完了: ${p.outcome}: ${p.summary}`,
  outcomeRef: (p) => `結果 ${p.outcome}`,
};
