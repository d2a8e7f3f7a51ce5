import type { SameMessages } from '../message-type.ts';
import type { en as En } from './clicks.en.ts';
import { REFUSAL } from './audit.ja.ts';

// ボタンを押した本人だけに伝える内容（slack/listeners/actions/*）。拒否コードは英語のまま添える。
export const ja: SameMessages<typeof En> = {
  clickFailed: (p) => `:rotating_light: natmigrate はこのクリックを処理できませんでした（参照番号 \`${p.ref}\`）${p.checkThread ? '。もう一度押す前にスレッドを確認してください' : ''}。`,
  clickRefused: (p) => `:no_entry_sign: ${REFUSAL[p.code]?.(p.job) ?? p.reason}（\`${p.code}\`）`,
  clickTampered: () => 'ボタンの値が不正なため、クリックを無視しました。何も記録していません。',
  clickTamperedCard: () => 'ボタンの値が押された承認カードと一致しないため、クリックを無視しました。何も記録していません。',
  clickUnknownJob: (p) => `ジョブ ${p.job} の承認依頼はここでは見つかりません。何も記録していません。`,
  clickNotAwaiting: (p) => `ジョブ ${p.job} は承認待ちではありません。何も記録していません。`,
  clickRejected: (p) => `:white_check_mark: ${p.job} を却下しました。ステージングしたENIを削除し、それ以外は何も変更しません。`,
  clickApproved: (p) => `:white_check_mark: ${p.job} を承認しました（${p.of} 件中 ${p.n} 件）。切り替えを開始します。スレッドで進捗を確認してください。`,
  clickRecorded: (p) => `:white_check_mark: ${p.job} へのあなたの承認を記録しました（${p.of} 件中 ${p.n} 件）。あと ${p.of - p.n} 名の承認が必要です。`,
  invalidButtonQueued: () => ':no_entry_sign: ボタンの値が不正です。何もキューに追加していません。',
  invalidButtonChanged: () => ':no_entry_sign: ボタンの値が不正です。何も変更していません。',
  driftNotAllowed: (p) => `:no_entry_sign: 移行のプラン作成は許可されていません。依頼できるのは ${p.requesters} だけです（NATMIGRATE_REQUESTERS）。何もキューに追加していません。`,
  driftPlanQueued: (p) => `${p.instance} のドライランをキューに追加しました（ジョブ ${p.job}）。プランはこの通知のスレッドに投稿されます。変更は一切行いません。`,
  restoreApproversOnly: (p) => `:no_entry_sign: 復元できるのは承認者（${p.approvers}、NATMIGRATE_APPROVERS）だけです。何も変更していません。`,
  restoreUnavailable: () => ':no_entry_sign: このデプロイではここからクラウドのジャーナルを使った復元はできません。代わりに `natmigrate reconcile --restore` を実行してください。',
  restoreStarted: (p) => `:hourglass_flowing_sand: ${p.user} が ${p.eni} の復元を依頼しました: ENIのタグから元のマッピングを復元しています…`,
  restoreDone: (p) => `:white_check_mark: ${p.message}。詳細はジョブのスレッドにあります。`,
  restoreFailed: (p) => `:warning: 復元できませんでした: ${p.message}`,
};
