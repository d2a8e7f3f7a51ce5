import type { SameMessages } from '../message-type.ts';
import type { en as En } from './modal.en.ts';

// 移行を開始するモーダル (引数なしの `/natmigrate`、またはグローバルショートカット)。
export const ja: SameMessages<typeof En> = {
  modalTitle: () => 'NAT 移行を開始',
  modalSubmit: () => 'キューに登録',
  modalClose: () => 'キャンセル',
  modalIntro: () => '選んだインスタンスを DNAT IP マッピングから移行します。`/natmigrate run` と同じく、まず計画と ENI の準備を行い、ジョブのスレッドで 1 回承認を受けます。',
  modalChannel: () => 'ジョブのスレッドを投稿するチャンネル',
  modalRegion: () => 'リージョン',
  modalTarget: () => 'NAT ゲートウェイまたは VPC',
  modalTargetPlaceholder: () => 'リージョンの NAT ゲートウェイを検索',
  modalTargetHint: () => '1 つ選ぶと、DNAT IP マッピング経由で外に出ているインスタンスが下にすべて選択された状態で表示されます。',
  modalInstances: () => 'DNAT IP マッピングが残っているインスタンス',
  modalInstanceOption: (p) => `${p.id} · ${p.eip}${p.name ? ` · ${p.name}` : ''}`,
  modalInstanceRefused: (p) => `${p.id} · ${p.eip} · 拒否: ${p.code}`,
  modalLoading: (p) => `${p.target} のインスタンスを読み取っています…`,
  modalNoneMapped: (p) => `${p.target} には DNAT IP マッピング経由で外に出ているインスタンスがありません。移行するものはありません。`,
  modalLoadFailed: (p) => `${p.target} のインスタンスを読み取れませんでした: ${p.reason}`,
  modalPickTargetFirst: () => 'まず NAT ゲートウェイまたは VPC を選び、インスタンスが表示されるまでお待ちください。',
  modalPorts: () => '新しい DNAT エントリで転送するポート',
  modalPortsHint: () => '`any` (すべてのポート、その場で変更) または `22,443` のような一覧。',
  modalOptions: () => 'オプション',
  modalConfigureGuest: () => 'ゲストを設定する (--configure-guest)',
  modalConfigureGuestHint: () => 'Cloud Assistant で新しい NIC をポリシールーティング付きで有効にします。',
  modalCanary: () => 'カナリア (多数のインスタンス)',
  modalConcurrency: () => '同時実行数 (多数のインスタンス)',
  modalCanaryHint: () => 'NAT ゲートウェイまたは VPC 全体 (表示されたインスタンスをすべて選択) の場合に、最初に単独で進める台数。',
  modalWholeTargetOnly: () => 'カナリアと同時実行数は NAT ゲートウェイまたは VPC 全体に適用されます。表示されたインスタンスをすべて選択したままにするか、両方を空にしてください。',
  modalNoInstance: () => 'インスタンスを 1 台以上選択してください。',
  modalQueuedFrom: (p) => `フォームから (${p.command} と同じ):\n${p.reply}`,
  modalOptionsFailed: (p) => `NAT ゲートウェイを読み取れませんでした: ${p.reason}`,
};
