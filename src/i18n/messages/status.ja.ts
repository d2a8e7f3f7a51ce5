import type { SameMessages } from '../message-type.ts';
import type { en as En } from './status.en.ts';

// `/natmigrate status …`: ジョブの記録から作る概要（依頼した本人だけに表示）。
export const ja: SameMessages<typeof En> = {
  statusWaiting: (p) => ` · あと ${p.n} 件の承認待ち（期限 ${p.until}）`,
  statusDecided: (p) => ` · ${p.decision}${p.by ? `（${p.by}）` : ''}`,
  statusWhere: (p) => ` · スレッドは ${p.channel}`,
  statusState: (p) => `状態 ${p.state}`,
  statusPhase: (p) => `フェーズ ${p.phase}`,
  statusError: (p) => `\n   エラー ${p.code}: ${p.message}`,
  statusJobLine: (p) => `• ${p.job}（${p.kind} ${p.instance}、依頼者 ${p.by}、更新 ${p.updated}）: ${p.state}${p.rest}`,
  statusBatchCancel: (p) => ` · ${p.by} がキャンセルを依頼`,
  statusBatchKnobs: (p) => `\nプランハッシュ ${p.hash} · カナリア ${p.canary} · 同時実行数 ${p.concurrency}`,
  statusBatchNotPlanned: () => '\nまだプランを作成していません。',
  statusBatchTally: (p) => ` · ${p.count} 台: ${p.tally}`,
  statusNoRecord: () => 'ジョブの記録なし',
  statusBatchItem: (p) => `• ${p.instance}${p.canary ? ' *カナリア*' : ''} — ${p.status} · ${p.child}: ${p.state}`,
  statusBatchMore: (p) => `…ほか ${p.n} 台（各インスタンスの結果はバッチのスレッドにあります）。`,
  statusBatchSkipped: (p) => `\n事前チェックで対象外: ${p.list}${p.more ? ` ほか ${p.more} 台` : ''}`,
  statusBatchHead: (p) => `バッチ ${p.batch}（${p.region} の ${p.command}、依頼者 ${p.by}、更新 ${p.updated}）: `,
  statusNoJob: (p) => `${p.target} のジョブは見つかりません。`,
  statusNoActive: () => 'あなたが見られる実行中のジョブはありません（スレッドが非公開チャンネルにあるジョブは、そのメンバー、依頼者、承認者にだけ表示されます）。',
  statusJobsFor: (p) => `${p.target} のジョブ:`,
  statusActive: (p) => `実行中のジョブ（${p.n} 件）:`,
  statusMore: (p) => `\n…ほか ${p.n} 件。`,
  statusChecking: () => 'このジョブを見られる人を確認中です。しばらくしてからもう一度お試しください。',
  statusUnchecked: (p) => `\nメンバーを確認中の会話に、ほか ${p.n} 件あります。しばらくしてからもう一度お試しください。`,
};
