import type { RecordStepName } from '../../domain/steps.ts';
import type { SameMessages } from '../message-type.ts';
import type { en as En } from './audit.en.ts';

// ジョブのスレッドの監査ログ: 時刻、実行者、何が起きたか（blocks/audit.ts）。

/** 記録に残りうる手順名（src/domain/steps.ts の RecordStepName）ごとの日本語の見出し。 */
export const STEP: Record<RecordStepName, string> = {
  plan: '事前チェック（読み取りのみ）',
  scan: 'スキャン（読み取りのみ）',
  create_eni: 'セカンダリENIを作成',
  attach_eni: 'ENIをインスタンスにアタッチ',
  wait_eni_in_use: 'ENIが InUse になるまで待機',
  configure_guest: 'ゲストOSでセカンダリNICを設定（ルーティング、再起動後も維持。Windows: ネットワークプロファイル）',
  request_approval: '承認を依頼',
  await_approval: '承認の決定を待機',
  recheck_plan: '現在の状態を再取得し、承認済みのプランと比較',
  await_window: '変更ウィンドウを待機',
  save_original: '元のDNATエントリと復元手順を保存',
  modify_entry: 'DNAT IPマッピングをその場でENIに移動（ModifyForwardEntry）',
  wait_entry_modified: 'ENI上のDNAT IPマッピングが Available になるまで待機',
  delete_entry: 'DNAT IPマッピングを削除',
  wait_entry_gone: 'DNAT IPマッピングの削除完了を待機',
  create_entry: 'ENI宛てのDNATエントリを作成',
  wait_entry_available: '新しいDNATエントリが Available になるまで待機',
  verify: '検証: EIP経由のSSH（またはRDP）と送信元IP',
  rollback_plan: 'ロールバック対象の移行と現在の状態を読み取り',
  restore_modify_back: 'DNAT IPマッピングをその場でプライマリIPに戻す',
  restore_delete_new: '新しいDNATエントリを削除',
  restore_wait_new_gone: '新しいDNATエントリの削除完了を待機',
  restore_create_original: '復元手順から元のDNAT IPマッピングを再作成',
  restore_wait_original: '元のDNAT IPマッピングが Available になるまで待機',
  detach_eni: 'ENIをデタッチ',
  wait_eni_detached: 'ENIが Available になるまで待機',
  delete_eni: 'ENIを削除',
  wait_eni_gone: 'ENIの削除完了を待機',
  verify_original: '元の経路を検証: EIP経由のSSHバナーと送信元IP',
  stop_instance: 'ENIをアタッチするためインスタンスを停止（StopInstance、KeepCharging）',
  wait_instance_stopped: 'インスタンスが Stopped になるまで待機',
  start_instance: 'インスタンスを再び起動（StartInstance）',
  wait_instance_running: 'インスタンスが Running になるまで待機',
  finish: '完了',
};

/** 再送として無視したもの（slack/replay.ts が英語で書く）。 */
const REPLAYED: Record<string, string> = { 'an approval click that had already been received': 'すでに受け取った承認クリック' };

/** クリック拒否の理由（コードごと）。コード自体は英語のまま表示する。 */
export const REFUSAL: Record<string, (job: string) => string> = {
  Tampered: () => 'ボタンの値が不正なため、クリックを無視しました。何も記録していません。',
  UnknownJob: (job) => `ジョブ ${job} の承認依頼はここでは見つかりません。何も記録していません。`,
  NotAwaiting: (job) => `ジョブ ${job} は承認待ちではありません。何も記録していません。`,
  AlreadyDecided: (job) => `ジョブ ${job} はすでに決定済みです。このクリックでは何も変わりません。`,
  StalePlan: (job) => `このボタンは ${job} の古いプランのものです（現在の状態が変わりました）。スレッド内の最新の承認依頼を確認して使ってください。`,
  Expired: (job) => `${job} の承認依頼は期限切れです。コマンドをもう一度実行して新しいプランを作成してください。`,
  NotApprover: (job) => `natmigrate の承認者として設定されていないため、${job} を承認できません。NATMIGRATE_APPROVERS のメンバーに依頼してください。`,
  SelfApproval: (job) => `${job} の依頼者本人は承認できません。別の承認者の承認が必要です。`,
  AlreadyCounted: (job) => `${job} へのあなたの承認はすでに数えられています。別の承認者の承認も必要です。`,
  WrongChannel: (job) => `${job} の承認は、そのジョブのスレッドからのみ有効です。何も記録していません。`,
  WrongThread: (job) => `${job} の承認は、ジョブのスレッド内の承認メッセージからのみ有効です。何も記録していません。`,
};

export const ja: SameMessages<typeof En> = {
  auditQueued: (p) =>
    p.kind === 'batch'
      ? `:inbox_tray: ${p.at} ${p.by} が*バッチをキューに追加*しました: ${p.region} の ${p.instance} でIPマッピングを持つ全インスタンス（バッチ ${p.job}）`
      : `:inbox_tray: ${p.at} ${p.by} が*${p.kind === 'rollback' ? 'ロールバック' : p.kind === 'preview' ? 'ドライラン' : '移行'}をキューに追加*しました: ${p.region} の ${p.instance}（ジョブ ${p.job}）`,
  stepTitle: (p) => (STEP as Record<string, string | undefined>)[p.step] ?? p.title,
  auditStepDone: (p) => `:white_check_mark: ${p.at} *${p.title}* — 実行者 ${p.by}`,
  auditStepDoneText: (p) => `${p.title} 完了${p.calls ? `: ${p.calls}` : ''}`,
  auditApprovedOne: (p) => `:+1: ${p.at} ${p.by} が*承認*しました（${p.of} 件中 ${p.n} 件）`,
  auditApproved: (p) => `:white_check_mark: ${p.at} ${p.by} が*承認*しました`,
  auditRejected: (p) => `:x: ${p.at} ${p.by} が*却下*しました`,
  auditExpired: (p) => `:hourglass: ${p.at} *承認の期限切れ*: 期限内に誰も決定しませんでした`,
  auditDriftedText: (p) => `プランの承認後に現在の状態が変わりました: ${p.differences}`,
  auditDrifted: (p) =>
    `:arrows_counterclockwise: ${p.at} *現在の状態がプランと異なります*（ハッシュ ${p.from} → ${p.to}）。改めて承認を依頼します:\n${p.list}${p.more ? `\n…ほか ${p.more} 件の差分` : ''}`,
  auditOriginalSavedText: (p) => `削除前に元のDNATエントリを保存しました: ${p.entry}`,
  auditOriginalSaved: (p) => `:floppy_disk: ${p.at} *元のDNATエントリを保存しました*（次に削除します）:\n${p.entry}`,
  restoreRecipeTitle: () => '*復元手順*',
  fullEntryAsRead: () => '読み取ったエントリ全体:',
  auditRestored: (p) => `:leftwards_arrow_with_hook: ${p.at} *元のマッピングを復元しました*: ${p.entry}\n理由: ${p.reason}`,
  auditFailed: (p) => {
    const where = [p.action ? `アクション ${p.action}` : '', p.requestId ? `RequestId ${p.requestId}` : ''].filter(Boolean).join(' · ');
    return `:rotating_light: ${p.at} *手順 ${p.step} が失敗しました*: ${p.code} ${p.message}${where ? `\n${where}` : ''}`;
  },
  auditCancelRequested: (p) => `:octagonal_sign: ${p.at} ${p.by} が*キャンセルを依頼*しました`,
  auditRefusedClickText: (p) => `${p.user} の${p.action === 'approve' ? '承認' : '却下'}クリックを拒否しました: ${p.reason}`,
  auditRefusedClick: (p) =>
    `:no_entry_sign: ${p.at} ${p.user} が *${p.action === 'approve' ? 'Approve' : 'Reject'}* をクリック — 拒否（${p.code}）: ${p.reason}`,
  noChangeMade: () => '変更はありません。',
  auditWindowWaiting: (p) =>
    `:hourglass_flowing_sand: ${p.at} *変更ウィンドウを待機中*（${p.until} まで、${p.tz}）: 変更凍結期間中のため、終了後に切り替えを開始します。`,
  auditRestoreAsked: (p) =>
    `:leftwards_arrow_with_hook: ${p.at} ${p.user} がENI ${p.eni} の *Restore* をクリックしました: ENIのタグから元のマッピングを戻します。`,
  auditReplayIgnored: (p) =>
    `:no_entry_sign: ${p.at} 再送されたリクエスト${p.user ? `（${p.user} の署名）` : ''}を無視しました: ${REPLAYED[p.what] ?? p.what}。変更はありません。`,
  previewFailed: (p) => `:rotating_light: ${p.at} ${p.scan ? 'スキャン' : 'ドライラン'} ${p.job} を完了できませんでした: ${p.code} ${p.message}`,
  clickRefusalReason: (p) => REFUSAL[p.code]?.(p.job) ?? p.reason,
  slackRefusedAlert: (p) =>
    `:warning: Slack がジョブ ${p.job} のメッセージを受け付けませんでした（${p.reason}）。${p.minimal ? '代わりに短縮版を投稿しました' : 'このメッセージは省略しました'}。ジョブ自体には影響ありません。${p.command} で状況を確認できます。`,
};
