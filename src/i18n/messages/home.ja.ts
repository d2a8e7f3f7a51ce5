import type { SameMessages } from '../message-type.ts';
import type { en as En } from './home.en.ts';

// ホームタブ: この人の承認待ち、実行中のもの、終了したもの、移行が残っているもの。
export const ja: SameMessages<typeof En> = {
  homeTitle: () => 'natmigrate',
  homeUpdated: (p) => `${p.at} 更新。移行は \`/natmigrate\` (フォーム) または「NAT 移行を開始」ショートカットで始められます。`,
  homeWaitingHeading: (p) => `*あなたの承認待ち* (${p.count} 件)`,
  homeWaitingNone: () => 'あなたの承認を待っているものはありません。',
  homeWaitingItem: (p) => `${p.job} · ${p.subject}\n依頼者 ${p.requester} (${p.channel}) · 承認 ${p.votes} / ${p.required} · 期限 ${p.until}`,
  homeApprove: () => '承認',
  homeReject: () => '却下',
  homeActiveHeading: (p) => `*実行中のジョブとバッチ* (${p.count} 件)`,
  homeActiveNone: () => '実行中のジョブやバッチはありません。',
  homeActiveItem: (p) => `• ${p.job} · ${p.subject} · ${p.state} · ${p.requester} · ${p.channel}`,
  homeFinishedHeading: (p) => `*最近終了したジョブ* (${p.count} 件)`,
  homeFinishedNone: () => '終了したジョブはまだありません。',
  homeFinishedItem: (p) => `• ${p.job} · ${p.subject} · ${p.outcome} · ${p.at}`,
  homeGatewaysHeading: () => '*NAT ゲートウェイごとの、DNAT IP マッピングが残っているインスタンス数*',
  homeGatewaysNone: () => 'まだ NAT ゲートウェイを読み取っていません。`/natmigrate scan <ngw-id|vpc-id>` で数えられます。',
  homeGatewayItem: (p) => `• ${p.gateway} (${p.vpc}、${p.region}): IP マッピングが残っているインスタンス *${p.count}* 台 · ${p.at} 時点`,
  homeBatchSubject: (p) => `インスタンス ${p.count} 台のバッチ`,
  homeMore: (p) => `…ほか ${p.count} 件。`,
  homeClickRecorded: (p) => `:white_check_mark: ${p.job} へのあなたの承認を記録しました (${p.votes} / ${p.required})。`,
  homeClickApproved: (p) => `:white_check_mark: ${p.job} を承認しました。切り替えを開始します。スレッドで経過を確認してください。`,
  homeClickRejected: (p) => `:white_check_mark: ${p.job} を却下しました。準備した ENI は削除され、それ以外は変わりません。`,
  homeWrongView: (p) => `${p.job} の承認は、ジョブのスレッドの承認カードか、あなた自身のホームタブからのみ有効です。何も記録していません。`,
  homeTampered: () => 'このボタンの値が不正なため、クリックを無視しました。何も記録していません。',
};
