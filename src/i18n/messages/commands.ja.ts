import type { SameMessages } from '../message-type.ts';
import type { en as En } from './commands.en.ts';

// `/natmigrate …` を入力した本人だけに見える応答（slack/listeners/commands/*）。
export const ja: SameMessages<typeof En> = {
  parseError: (p) => `:warning: コマンドを読み取れませんでした: ${p.error}`,
  commandFailed: (p) =>
    `:rotating_light: natmigrate は今 \`${p.command}\` を処理できませんでした（参照番号 \`${p.ref}\`）。完了していない可能性があるため、再実行の前に \`/natmigrate status\` で確認してください。`,
  notAllowedToRequest: (p) =>
    `移行の${{ run: '実行', plan: 'プラン作成', scan: 'スキャン', rollback: 'ロールバック' }[p.what]}は許可されていません。依頼できるのは ${p.requesters} だけです（NATMIGRATE_REQUESTERS）。何もキューに追加していません。`,
  threadHint: (p) => ` — スレッドは ${p.channel}（メッセージ ${p.ts}）`,
  inviteDirect: () => 'natmigrate は各ジョブのスレッドと承認カードを承認者が見られるチャンネルに投稿するため、DMやグループDMからはジョブを実行しません。私がメンバーになっているチャンネルで実行してください。何もキューに追加していません。',
  inviteArchived: () => 'このチャンネルはアーカイブされているため、ジョブのスレッドを投稿できません。アクティブなチャンネルで実行してください。何もキューに追加していません。',
  inviteNotVisible: () => 'この会話を参照できません（私が参加していないプライベートチャンネル、またはスコープ外の会話です）。ジョブのスレッドを投稿できないため、私を招待する（`/invite @natmigrate`）か、別のチャンネルを使ってください。何もキューに追加していません。',
  inviteSlackUnavailable: () => 'このチャンネルに投稿できるかどうか、Slack から時間内に応答がありませんでした。何もキューに追加していません。少し待ってからもう一度実行してください。',
  slackTooSlow: () => 'この依頼が許可されているかどうか、Slack から時間内に応答がありませんでした。何もキューに追加していません。少し待ってからもう一度実行してください。',
  inviteNotMember: () => '私はこのチャンネルのメンバーではないため、ジョブのスレッドを投稿できません。先に招待して（`/invite @natmigrate`）からもう一度実行してください。何もキューに追加していません。',
  notQueued: (p) => `:warning: ${{ preview: 'ドライランをキューに追加できませんでした', scan: 'スキャンをキューに追加できませんでした', batch: 'バッチをキューに追加できませんでした', run: 'キューに追加できませんでした' }[p.what]}: ${p.reason}`,
  planQueued: (p) => `${p.region} の ${p.instance} のドライランをキューに追加しました（ジョブ ${p.job}）。プランはこのチャンネルに投稿されます。変更は一切行いません。`,
  scanUnavailable: (p) => `このデプロイでは ${p.target} のスキャンは利用できません。何もキューに追加していません。1台ずつなら \`/natmigrate plan <instance-id>\` で確認できます。`,
  scanQueued: (p) =>
    `${p.region} の ${p.target} のスキャンをキューに追加しました（ジョブ ${p.job}）。全インスタンス、DNATエントリ、SNATエントリを1回読み取り、インベントリをこのチャンネルに投稿します。変更は一切行いません。`,
  runQueuedLine: (p) => `• ${p.instance}: ${p.job} としてキューに追加しました。このチャンネルのスレッドで進捗を確認できます。`,
  runActiveLine: (p) => `• ${p.instance}: 実行中のジョブ ${p.job} があるため、新たには追加していません。`,
  runRefusedLine: (p) => `• ${p.instance}: キューに追加できませんでした: ${p.reason}`,
  runSummary: (p) => `${p.region} で ${p.total} 件中 ${p.queued} 件の移行をキューに追加しました:\n${p.lines}`,
  runAsBatchQueued: (p) =>
    `${p.region} のインスタンス ${p.count} 台を1つのバッチ ${p.batch} としてキューに追加しました。各インスタンスのプラン作成とステージング（破壊的な変更なし）を行い、スレッドで1回承認するとカナリアから順に進めます。移行できないインスタンスはプランに記載します。`,
  batchUnavailable: (p) => `このデプロイではバッチ移行（${p.command}）は利用できません。何もキューに追加していません。\`/natmigrate run <instance-id> …\` を使ってください。`,
  batchQueued: (p) =>
    `${p.region} の ${p.targets} を対象とするバッチを ${p.batch} としてキューに追加しました。VPCを1回読み取ってIPマッピングを持つ全インスタンスのプランを作成し、ステージングします（破壊的な変更なし）。スレッドで1回承認するとカナリアから順に進めます。`,
  cancelNotAllowed: (p) => `ジョブをキャンセルできるのは依頼者（${p.requesters}）と承認者（${p.approvers}）だけです。何も変更していません。`,
  serviceAnswer: (p) => `${p.ok ? ':octagonal_sign: ' : ''}${p.message}${p.hint}`,
  rollbackQueued: (p) => `${p.job} のロールバックを ${p.rollback} としてキューに追加しました。${p.where}承認を依頼します。${p.message}`,
  rollbackWhereParent: (p) => `${p.channel} の ${p.job} のスレッドで`,
  rollbackWhereNew: () => 'このチャンネルの新しいスレッドで',
  helpFooter: (p) => `既定のリージョン: ${p.region}。承認者: ${p.approvers}。`,
  anyone: () => '誰でも',
};
