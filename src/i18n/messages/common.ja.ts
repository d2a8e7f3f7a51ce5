import type { SameMessages } from '../message-type.ts';
import type { en as En } from './common.en.ts';

// どのカードでも使う語: 実行者、DNATエントリの項目。
export const ja: SameMessages<typeof En> = {
  botActor: () => 'natmigrate（ボット）',
  nobody: () => 'なし',
  authzNobody: () => '（なし）',
  authzAnyone: () => '全員',
  listJoin: () => '、',
  entryField: (p) =>
    `${{ entry: 'エントリ', table: 'テーブル', protocol: 'プロトコル', name: '名前', status: '状態', natGateway: 'NATゲートウェイ' }[p.field]} ${p.value}`,
  jobRef: (p) => `ジョブ ${p.id}`,
  batchRef: (p) => `バッチ ${p.id}`,
  regionRef: (p) => `リージョン ${p.id}`,
  planHashRef: (p) => `プランハッシュ ${p.hash}`,
  requestedByRef: (p) => `依頼者 ${p.who}`,
  nothingChanged: () => '変更はありません',
  auditBelow: () => '監査ログはこのスレッドに続きます ↓',
  continued: (p) => `${p.title}（続き ${p.n}/${p.of}）`,
  continuedTag: (p) => `${p.title} · 続き ${p.n}/${p.of}`,
};
