import type { SameMessages } from '../message-type.ts';
import type { en as En } from './plan.en.ts';

// 事前チェックのプランとゲストOSのサービス（blocks/plan-card.ts、services-text.ts）。
export const ja: SameMessages<typeof En> = {
  portsAll: () => '全ポート（IPマッピング）',
  portsList: (p) => `TCP ${p.ports}`,
  cutoverModify: () => 'エントリをその場で変更（ModifyForwardEntry を1回。パブリックIPのマッピングは途切れません。APIが拒否した場合は削除して再作成に切り替えます）',
  cutoverRecreate: () => '削除して再作成（削除から新しいエントリの作成まで、パブリックIPはどこにもマッピングされません）',
  planCutover: (p) => `*切り替え方法*: ${p.how}`,
  planEntry: (p) => `*${p.inPlace ? '新しいENIに移動する' : '削除する'}DNATエントリ*\n${p.entry}`,
  planRecipe: (p) => `*復元手順*（${p.inPlace ? 'エントリをこの状態に戻します' : 'この内容どおりに再作成します'}）\n${p.recipe}`,
  planNewEni: (p) => `*新しいENI*: vSwitch ${p.vsw}（${p.zone}）、セキュリティグループ ${p.sgs}`,
  planNewEntries: (p) => `*${p.inPlace ? '変更後のエントリ' : '新しいDNATエントリ'}*（${p.ports}）:`,
  planNewEntryLine: (p) => `• ${p.external} → ${p.internal} プロトコル ${p.protocol}（${p.table}）`,
  newEniPrivateIp: () => '<新しいENIのプライベートIP>',
  planEgress: (p) => `*想定される送信元IP*（SNAT）: ${p.ips}`,
  planGuest: (p) => `*ゲストOSのNIC設定*（--configure-guest）: ${p.text}`,
  planWarnings: (p) => `:warning: *警告*\n${p.list}`,
  instanceRef: (p) => `インスタンス ${p.id}${p.name ? `（${p.name}）` : ''}`,
  primaryIpRef: (p) => `プライマリIP ${p.ip}`,
  vpcRef: (p) => `VPC ${p.id}`,
  natGatewayRef: (p) => `NATゲートウェイ ${p.id}`,
  planTitle: (p) => (p.dryRun ? `ドライラン: ${p.instance} のプラン` : `${p.instance} のプラン`),
  planText: (p) => `${p.title}: ${p.entry}（${p.from} → ${p.to}）を削除、想定される送信元IP ${p.egress}`,
  refusedText: (p) => `拒否${p.target ? ` ${p.target}` : ''}: ${p.code}: ${p.message}`,
  refusedHead: (p) => `:no_entry: *事前チェックで拒否されました${p.target ? ` ${p.target}` : ''}* — ${p.code}\n${p.message}`,
  serviceStatus: (p) => ({
    ok: 'ENI経由で応答', fixed: '--configure-guest で対処', accepted: '影響あり、了承済み（--accept-port）',
    at_risk: '影響あり', closed_before: '現在応答なし（ホストのファイアウォール）',
  })[p.status],
  servicesNotChecked: (p) => `*サービス*: 未確認（${p.reason}）`,
  serviceLine: (p) => `• TCP ${p.port}${p.name ? ` ${p.name}` : ''}（${p.bind}）: ${p.status}${p.why ? `: ${p.why}` : ''}${p.fix ? ` — 対処: ${p.fix}` : ''}`,
  servicesMoreTcp: (p) => `• …ほか TCP ポート ${p.n} 個`,
  servicesUdp: (p) => `• UDP ${p.list}: 外部からは確認していません`,
  servicesNotCarried: (p) => `• 新しいマッピングで転送されないポート: TCP ${p.list}`,
  servicesHead: (p) => `*サービス*（ゲストOSで待ち受けているソケット）:\n${p.lines}`,
  servicesNone: () => '• ループバック以外には見つかりません',
};
