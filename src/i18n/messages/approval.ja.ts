import type { SameMessages } from '../message-type.ts';
import type { en as En } from './approval.en.ts';

// ジョブのスレッドの承認カード（blocks/approval-card.ts）。ボタンの文言 Approve / Reject は英語のまま。
export const ja: SameMessages<typeof En> = {
  approvalTitle: (p) => {
    const head = p.decided ? '承認' : '承認が必要です';
    if (p.kind === 'batch') return `${head}: ${p.target} の ${p.count} 台のバッチ`;
    return p.kind === 'rollback' ? `${head}: ${p.target} のロールバック` : `${head}: ${p.target} の移行`;
  },
  approvalRequestLine: (p) => `依頼者 ${p.by}（${p.at}）。依頼者以外の承認者 ${p.n} 名の承認が必要です。期限 ${p.expires}。`,
  approvalsSoFar: (p) => `これまでの承認（${p.of} 件中 ${p.n} 件）: ${p.list}`,
  rollbackWhat: (p) => `${p.instance} の移行の*ロールバック*${p.job ? `（ジョブ ${p.job}）` : ''}。`,
  rollbackCreatedEntries: () => '移行で作成したDNATエントリ',
  rollbackMoveBack: (p) => `*その場で元に戻すDNATエントリ*（ModifyForwardEntry）\n${p.entries}`,
  rollbackDelete: (p) => `*削除するDNATエントリ*\n${p.entries}`,
  rollbackOriginal: (p) => `*${p.inPlace ? '復元する' : '再作成する'}元のIPマッピング*\n${p.recipe}`,
  rollbackEni: (p) => `*デタッチして削除するENI*: ${p.eni ?? '移行で作成したENI'}`,
  approveButton: () => 'Approve',
  rejectButton: () => 'Reject',
  cancelButton: () => 'キャンセル',
  approveConfirmTitle: () => 'この変更を承認しますか？',
  approveConfirmBatch: (p) => `DNAT IPマッピング ${p.count} 件を削除し（カナリアから順に）、各EIPを新しいENIに移します。`,
  approveConfirmMigrate: (p) => `DNATエントリ ${p.entry}（${p.from} → ${p.to}）を削除し、EIPを新しいENIに移します。`,
  approveConfirmRollback: (p) => `新しいDNATエントリを削除し、${p.entry} のマッピングを再作成します。`,
  approvalTextBatch: (p) => `${p.title}: DNAT IPマッピング ${p.count} 件を削除します。スレッドで Approve か Reject を選んでください。`,
  approvalText: (p) => `${p.title}: ${p.stop ? 'インスタンスを停止・起動し、' : ''}${p.entry}（${p.from} → ${p.to}）を削除します。スレッドで Approve か Reject を選んでください。`,
  approvalStopNotice: (p) =>
    `:warning: *インスタンスを停止して再起動します。* ${p.instance} はセカンダリENIを停止中（Stopped）にしかアタッチできません（--allow-stop）。承認後にインスタンスを停止し（StopInstance、KeepCharging）、ENIをアタッチしてから、切り替えの前に再び起動します。停止中はどの通信にも応答しません。`,
  approveConfirmStop: () => 'インスタンスを停止・起動します。',
  approvalOutcomeApproved: (p) => `:white_check_mark: ${p.by} が*承認*しました ${p.at}`,
  approvalOutcomeRejected: (p) => `:x: ${p.by} が*却下*しました ${p.at}`,
  approvalOutcomeExpired: (p) => `:hourglass: *期限切れ* ${p.at}: 期限内に誰も決定しませんでした`,
  approvalOutcomeSuperseded: (p) => `:arrows_counterclockwise: *無効* ${p.at}: ${p.reason}`,
  supersededByDrift: () => '現在の状態が変わりました。新しい承認依頼が続きます',
  supersededByFinish: (p) => `ジョブが終了しました（${p.outcome}）`,
  supersededByNewRequest: () => '新しい承認依頼に置き換えられました',
  decidedText: (p) => `${p.title}: ${p.decision}`,
  approvalCardTooBig: () => '_承認カード全体が1つのSlackメッセージに収まらなかったため、プランはこのスレッドにあります。_',
};
