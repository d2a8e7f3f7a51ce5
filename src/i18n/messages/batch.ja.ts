import type { SameMessages } from '../message-type.ts';
import type { en as En } from './batch.en.ts';

// バッチのスレッド: ライブのルートメッセージ、プラン、承認ブロック、各インスタンスの結果（blocks/batch-card.ts）。
export const ja: SameMessages<typeof En> = {
  batchItemWord: (p) => ({
    staging: 'ENIをステージング中', waiting: '待機中', in_flight: '切り替え／検証中', done: '移行済み', failed: '未移行', untouched: '変更なし（ステージングは元に戻しました）',
  })[p.status],
  batchPlanning: () => '*プラン作成中*: VPCを読み取っています（全インスタンス、DNATエントリ、SNATエントリ）…',
  batchWaitingApproval: (p) => `*承認待ち*（${p.of} 件中 ${p.n} 件、期限 ${p.until}）。その間に全インスタンスのENIをステージングします（破壊的な変更はありません）。`,
  // `title` is the engine's English line (it names the freeze windows' own zone); the time above already names its zone.
  batchWaitingWindow: (p) => `*変更ウィンドウを待機中*${p.until ? `（${p.until} まで）` : ''}`,
  batchCanary: (p) => `*カナリア*: ${p.canaries} を単独で切り替えます。検証が済むまで残りは待機します。`,
  batchRolling: (p) => `*順次実行*: カナリアの検証が済みました。残りは最大 ${p.concurrency} 台ずつ進めます（フォワードテーブルへの書き込みは1件ずつ）。`,
  batchStopping: () => '*停止中*: これ以上は開始しません。切り替え中のものは完了または復元し、残りはステージングを元に戻します。',
  batchStaging: (p) => `*ステージング中* ${p.count} 台`,
  batchCounts: (p) =>
    [`✅ 完了 ${p.done}`, `⏳ 実行中 ${p.inFlight}`, `⬜ 待機 ${p.waiting}`, `❌ 失敗 ${p.failed}`, ...(p.untouched ? [`➖ 変更なし ${p.untouched}`] : []), ...(p.skipped ? [`🚫 対象外 ${p.skipped}`] : [])].join(' · '),
  batchProgress: (p) => `*進捗*: ${p.counts}`,
  canaryTag: () => ' *カナリア*',
  batchItemLine: (p) => `${p.icon} ${p.instance}${p.canary ? ' *カナリア*' : ''} — ${p.word}${p.tail ? `（${p.tail}）` : ''}`,
  batchHeader: (p) => `NATバッチ · ${p.target}${p.count ? ` · ${p.count} 台` : ''}`,
  batchMoreRows: (p) => `…ほか ${p.n} 台（上の件数に含まれます。各インスタンスの結果はスレッドにあります）`,
  canaryRef: (p) => `カナリア ${p.n}`,
  concurrencyRef: (p) => `同時実行数 ${p.n}`,
  batchTextOutcome: (p) => `NATバッチ ${p.id}: ${p.outcome}`,
  batchTextProgress: (p) => `NATバッチ ${p.id}: 完了 ${p.done}、実行中 ${p.inFlight}、待機 ${p.waiting}、失敗 ${p.failed}`,
  batchPlanLine: (p) =>
    `• ${p.instance}${p.canary ? ' *カナリア*' : ''}: ${p.entry}（${p.mapping}）を${p.inPlace ? 'その場で移動' : '削除'}。復元 = ${p.inPlace ? '元に戻す先' : 'CreateForwardEntry'} ${p.recipe}。移行後の送信元IP: ${p.egress}`,
  batchPlanHead: (p) =>
    `:clipboard: ${p.at} ${p.targets} の*バッチのプラン*: 移行対象 ${p.count} 台、対象外 ${p.skipped} 台${p.atRisk ? `（うちサービスに影響があるもの ${p.atRisk} 台）` : ''}。まずカナリア: ${p.canaries}。その後は最大 ${p.concurrency} 台ずつ進めます。検証に1件でも失敗するとバッチを止め、そのインスタンスを復元します。`,
  batchSkippedTitle: () => '*事前チェックで対象外（変更しません）*',
  batchPlanText: (p) => `バッチのプラン: 移行対象 ${p.count} 台、対象外 ${p.skipped} 台（バッチ ${p.id}）`,
  batchPlanTitle: (p) => `バッチのプラン ${p.id}`,
  batchPlanContinued: (p) => `続きは次の ${p.rest} 件の返信にあります（全 ${p.rest + 1} 件）。`,
  batchPlanInFile: (p) => `プラン全体（${p.count} 台、対象外 ${p.skipped} 台）はメッセージに収まらないため、このスレッドのファイル ${p.file} にあります。上には最初のインスタンスを表示しています。`,
  batchPlanFileTitle: (p) => `natmigrate バッチのプラン ${p.id}（${p.count} 台）`,
  batchApprovalMore: (p) => `\n…ほか ${p.n} 台（上のバッチのプランに一覧があります）。`,
  batchApprovalOne: (p) =>
    `*バッチ全体で1回の承認*: DNAT IPマッピング ${p.count} 件を、${p.count === 1 ? 'インスタンス' : '各インスタンス'}の新しいENIへ${p.inPlace ? 'その場で移動します（ModifyForwardEntry。拒否された場合は削除して再作成）' : '削除して再作成します'}。まずカナリア（${p.canaries}）、その後は最大 ${p.concurrency} 台ずつ。検証に1件でも失敗するとバッチを止め、そのインスタンスを復元し、残りは変更しません。`,
  batchApprovalSkipped: (p) => `事前チェックで対象外: ${p.list}${p.more ? ` ほか ${p.more} 台` : ''}`,
  batchInstanceText: (p) => `${p.instance}${p.canary ? '（カナリア）' : ''}: ${p.outcome}。${p.summary}`,
  batchInstanceLine: (p) => `${p.icon} ${p.at} ${p.instance}${p.canary ? ' *（カナリア）*' : ''}: *${p.outcome}*\n${p.summary}`,
  batchInstancePorts: (p) => `パブリックIP経由の*サービスポート*: ${p.summary}\n${p.table}`,
  statusShowsSteps: (p) => `${p.command} で手順と RequestId を確認できます`,
  statusShowsEachJob: (p) => `各行のジョブ ID を付けた ${p.command} で、そのインスタンスの手順と RequestId を確認できます`,
  noneWordBatch: () => 'なし',
};
