import type { DriftReason } from '../../domain/job-text.ts';
import type { SameMessages } from '../message-type.ts';
import type { en as En } from './fleet.en.ts';

// スキャン、ドリフト通知、リコンサイルの確認（blocks/scan-card.ts、drift-card.ts、reconcile-card.ts）。
function driftReason(w: DriftReason): string {
  const expected = (ips: string[]) => ips.join(' または ') || 'ゲートウェイのSNAT IP';
  switch (w.code) {
    case 'dnat_mapping':
      return `DNAT IPマッピング ${w.entry}${w.others.length ? `（ほかに ${w.others.join(', ')}）` : ''} のEIP ${w.eip} から、SNAT IPではなく通信しています`;
    case 'own_public_ip': return `インスタンス自身の${w.eip ? 'EIP' : 'パブリックIP'} ${w.ip} から通信しています（DNATやSNATより優先されます）。想定: ${expected(w.expected)}`;
    case 'snat_elsewhere': return `SNATエントリ ${w.entry}（${w.scope}）経由で ${w.ips.join(' または ')} から通信しています。想定: ${expected(w.expected)}`;
    case 'not_answering':
      return `${w.eip}:${w.port}（${w.eniIp} に転送）経由の ${w.probe} が ${w.seconds} 秒以内に応答しませんでした（${w.attempts} 回試行）: ${w.error ?? 'バナーなし'}`;
  }
}

export const ja: SameMessages<typeof En> = {
  driftReason: (p) => driftReason(p.why),
  scanVia: (p) => ({ 'dnat-ip-mapping': 'DNAT', snat: 'SNAT', 'own-public-ip': '自身のIP', none: 'なし' })[p.via],
  scanColumn: (p) => ({ instance: 'インスタンス', privateIp: 'プライベートIP', egressIp: '送信元IP', via: '経路', action: '対応' })[p.col],
  scanAction: (p) => (p.action === 'refused' ? `拒否: ${p.code ?? ''}` : p.action === 'migrate' ? '移行' : '—'),
  scanHead: (p) => `:mag: ${p.at} *${p.target} のインベントリ*${p.vpc ? `（VPC ${p.vpc}）` : ''}${p.by ? `（依頼者 ${p.by}）` : ''}`,
  scanTotals: (p) =>
    `*インスタンス ${p.instances} 台*: DNAT IPマッピング経由で通信しているもの *${p.need}* 台（移行可能 *${p.ready}* 台、拒否される見込み *${p.refused}* 台）、SNAT経由 ${p.snat} 台、自身のパブリックIP経由 ${p.own} 台、インターネットへの送信経路なし ${p.none} 台。`,
  scanRefusedMore: (p) => `…ほか ${p.n} 台（CSVを参照してください）。`,
  scanRefusedTitle: (p) => `*拒否される見込み*\n${p.lines}`,
  scanShowing: (p) => `${p.total} 台中 ${p.shown} 台を表示しています。インベントリ全体はスレッドのCSVにあります。`,
  scanAllShown: (p) => `全 ${p.total} 台を表示しています。`,
  scanRef: (p) => `スキャン ${p.id}`,
  scanRunAll: (p) => `${p.command} で移行可能な ${p.ready} 台を1つのバッチとして移行します`,
  scanText: (p) => `${p.target} のインベントリ: ${p.instances} 台、DNAT IPマッピング ${p.need} 台（移行可能 ${p.ready} 台、拒否 ${p.refused} 台）。`,
  scanFileTitle: (p) => `natmigrate インベントリ ${p.target}（${p.count} 台）`,
  driftWhat: (p) =>
    p.kind === 'dnat-ip-mapping'
      ? `に再びDNAT IPマッピングが設定され、SNAT IP ${p.expected || '（なし）'} ではなく ${p.egress} から通信しています`
      : p.kind === 'not-answering'
        ? 'は移行済みですが、パブリックIPで応答しなくなりました（再起動でゲストOSのポリシールーティングが消えた可能性があります）'
        : `が想定外のIP ${p.egress} から通信しています（期待値 ${p.expected || 'ゲートウェイのSNAT IP'}）`,
  driftText: (p) =>
    `${p.ngw} でドリフト: ${p.instance} ${p.kind === 'dnat-ip-mapping' ? `にDNAT IPマッピングがあります（${p.egress}）` : p.kind === 'not-answering' ? 'がパブリックIPで応答しません' : `が想定外のIPから通信しています（${p.egress}）`}`,
  driftHead: (p) => `:warning: ${p.at} *${p.ngw} でドリフトを検出*: ${p.who} ${p.what}。\n${p.reason}`,
  planButton: () => 'Plan',
  sweepRef: (p) => `スイープ ${p.id}`,
  driftOnce: () => '通知は1回だけです。解消後に再発した場合は再度通知します。',
  reconcileText: (p) => `natmigrate のリコンサイルで ENI ${p.eni} について判断が必要です: ${p.situation}`,
  reconcileHead: (p) => `:raising_hand: ${p.at} *リコンサイルで人の判断が必要です*: ${p.situation}\nENI ${p.eni}（${p.region}）。変更はしていません。`,
  reconcileRestore: (p) => `*Restore* を押すと、（ENIのタグから）この元のマッピングを戻し、ENIを削除します:\n${p.recipe}`,
  restoreButton: () => 'Restore',
  reconcileApproversOnly: (p) => `承認者のみ実行できます。または ${p.command} を実行してください`,
};
