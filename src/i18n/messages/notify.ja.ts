import type { SameMessages } from '../message-type.ts';
import type { en as En } from './notify.en.ts';

// 承認者への通知 (ジョブのスレッドでのメンション、または DM)、承認期限の 80 % でのリマインダー、ジョブ終了時の依頼者への DM。
export const ja: SameMessages<typeof En> = {
  notifyApprovalAsked: (p) =>
    `:bell: ${p.who}: ${p.requester} さんが ${p.job} (${p.subject}) の承認を依頼しています。必要な承認者は ${p.required} 人、期限は ${p.until} です。このスレッドの承認カードを確認してください。`,
  notifyApprovalReminder: (p) =>
    `:alarm_clock: リマインダー ${p.who}: ${p.job} (${p.subject}) にはあと ${p.missing} 件の承認が必要です。依頼は ${p.until} に期限切れとなり、準備した変更は元に戻されます。`,
  notifyApprovalAskedDm: (p) =>
    `:bell: ${p.requester} さんが ${p.channel} で ${p.job} (${p.subject}) の承認を依頼しています。期限は ${p.until} です。ジョブのスレッドの承認カード、または natmigrate のホームタブで承認または却下してください。`,
  notifyApprovalReminderDm: (p) =>
    `:alarm_clock: リマインダー: ${p.channel} の ${p.job} (${p.subject}) にはあと ${p.missing} 件の承認が必要です。期限は ${p.until} です。`,
  notifyJobEndedDm: (p) => `あなたのジョブ ${p.job} (${p.subject}、${p.channel}) が終了しました: ${p.label} (${p.outcome})。\n${p.summary}`,
  notifyBatchSubject: (p) => `インスタンス ${p.count} 台のバッチ`,
};
