import type { SameMessages } from '../message-type.ts';
import type { en as En } from './plan.en.ts';
import type { PlanWarning, ProbeName } from '../../domain/plan-warning.ts';

// 事前チェックのプランとゲストOSのサービス（blocks/plan-card.ts、services-text.ts）。

/** 拒否の細目（details.problem）ごとの説明。値そのものは詳細（details）に表示する。 */
const PROBLEM: Record<string, string> = {
  ports_empty: '--ports にはポートを1つ以上指定するか、全ポートなら `any` を指定してください。',
  ports_too_many: '--ports に指定できるポートは最大 20 個です。全ポートを転送するには `--ports any` を使ってください。',
  ports_invalid: '--ports のポートは 1〜65535 の整数で指定してください。',
  ports_repeated: '--ports に同じポートが重複しています。各ポートは1回だけ指定してください。',
  vswitch_not_found: '指定した vSwitch がインスタンスのVPCに見つかりません。同じVPCで、インスタンスと同じゾーンの vSwitch を指定してください。',
  vswitch_other_vpc: '指定した vSwitch はインスタンスとは別のVPCにあります。インスタンスのVPCの vSwitch を指定してください。',
  vswitch_other_zone: '指定した vSwitch はインスタンスとは別のゾーンにあります。ENIはインスタンスと同じゾーンに作る必要があります。',
  security_groups_empty: 'セキュリティグループの指定が空です。1つ以上指定するか、指定を外してインスタンス自身のものを使ってください。',
  security_group_not_found: '指定したセキュリティグループが見つかりません。インスタンスのVPCのセキュリティグループを指定してください。',
  security_group_other_vpc: '指定したセキュリティグループはインスタンスとは別のVPCに属しています。インスタンスのVPCのものを指定してください。',
  table_outside_gateways: 'DNATエントリのフォワードテーブルが、インスタンスのVPCのどのNATゲートウェイにも属していません。ゲートウェイを確認してから再実行してください。',
};
const probe = (p: ProbeName, port: number) => (p === 'TCP' ? `TCP ${port}` : p);

/** プランの警告（コードと事実から）。ID、アドレス、ポート、ゲストOSのエラー文はそのまま。 */
function warningText(w: PlanWarning): string {
  switch (w.code) {
    case 'verify_port_not_forwarded':
      return `--ports ${w.ports} に ${w.port} が含まれないため、${w.eip} 経由の ${probe(w.probe, w.port)} の確認は行わず、送信元IPだけを検証します。`;
    case 'security_group_unreadable':
      return `セキュリティグループ ${w.groups.join(', ')} を読み取れなかったため、TCP ${w.port} がインターネットに開いているかは確認していません。`;
    case 'security_group_closed':
      return `新しいENIのセキュリティグループ ${w.groups.join(', ')} はインターネットからの TCP ${w.port} を許可していません${w.shadowedBy ? `（Drop ルールが優先: ${w.shadowedBy}）` : ''}。そのため ${w.eip} 経由の ${probe(w.probe, w.port)} の確認は失敗する可能性が高いです。`;
    case 'entry_not_available': return `DNATエントリ ${w.entry} は ${w.status} で、Available ではありません。Available になるまで切り替えを待ちます。`;
    case 'guest_stack_unknown':
      return `--configure-guest: ゲストOSのネットワークスタックを判別できませんでした（${w.error}）。設定が再起動後に残らないか、失敗する可能性があります。`;
    case 'guest_routing_needed':
      return `--configure-guest を指定しない場合、ゲストOSが新しいNICからの応答をすでにルーティングできる（ポリシールーティング）必要があります。そうでないと ${w.eip} 経由の接続が失敗する可能性があります。`;
    case 'windows_metric':
      return '--configure-guest を指定しない場合、新しいNICは自動のインターフェイスメトリック（プライマリNICと同じ値）のままなので、新しい外向きの接続がどちらのNICから出るかは Windows 次第です。切り替え後の送信元IPの確認で分かります。';
    case 'port_entries_stay':
      return `プライマリIP宛てのポートフォワーディングエントリ ${w.entries.map((e) => `${e.id}（${e.entry}）`).join('、')} はそのまま残ります。`;
    case 'stop_to_attach':
      return `インスタンス ${w.instanceId} のタイプ ${w.instanceType}（ファミリー ${w.family}）は、停止中にしかセカンダリENIをアタッチできません。承認後にインスタンスを停止（StopInstance、KeepCharging）し、ENIをアタッチしてから再び起動します。その間は応答しません。`;
    case 'services_unchecked': return `ゲストOSのサービスは確認していません（${w.reason}）。SSHと送信元IPだけを検証します。`;
  }
}

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
  refusedHead: (p) => `:no_entry: *事前チェックで拒否されました${p.target ? ` ${p.target}` : ''}* — ${p.code}\n${p.explain ? p.explain : `詳細: ${p.message}`}`,
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
  refusalExplain: (p) => (p.problem ? PROBLEM[p.problem] : undefined) ?? ({
    InstanceNotFound: 'インスタンスが見つかりません。IDと --region を確認してください。',
    ActiveJob: 'このインスタンスにはすでに実行中のジョブがあるため、バッチから除外しました。',
    InstanceNotRunning: 'インスタンスが Running ではありません。起動してから再実行してください（ENIのアタッチと検証に必要です）。',
    AttachRequiresStop: 'このインスタンスタイプは停止中にしかセカンダリENIをアタッチできません。natmigrate は稼働中のインスタンスを停止しません。',
    NoNatGateway: 'NATゲートウェイが見つからないため、移行するDNAT IPマッピングも、SNATによる送信経路もありません。',
    NoIpMapping: 'このインスタンスにはDNAT IPマッピング（Any/Any/Any）がないため、移行するものはありません。',
    AlreadyMigrated: 'すでに移行済みです（DNATエントリがセカンダリENIを向いています）。',
    AmbiguousIpMapping: 'このインスタンスには複数のDNAT IPマッピングがあります。1つだけ残してから再実行してください。',
    NoSnatCoverage: 'このインスタンスをカバーする Available なSNATエントリがないため、移行するとインターネットへの送信経路を失います。先にSNATエントリを追加してください。',
    EipUsedBySnat: 'このEIPはSNATでも使われています。先にSNATから外してください（新しいDNATエントリが拒否され、送信元IPも変わりません）。',
    EipNotOnNatGateway: 'このEIPはNATゲートウェイにバインドされていないため、新しいDNATエントリで使えません。',
    InstanceHasPublicIp: 'インスタンス自身がパブリックIPを持っており、SNATではなくそのIPから通信するため、移行しても送信元IPは変わりません。',
    EniQuotaFull: 'ENIの上限までアタッチ済みのため、これ以上アタッチできません。不要なENIをデタッチするか、インスタンスタイプを変更してください。',
    CloudAssistantUnavailable: 'クラウドアシスタントが利用できないため、ゲストOSの確認と送信元IPの検証ができません。',
    SshNotAllowed: 'EIP経由の検証用ポートがセキュリティグループで許可されていません。',
    BadOption: 'オプションの指定に誤りがあります。',
    PermissionDenied: 'RAMの権限が不足しています（拒否されたアクションは詳細を参照）。',
    ServiceAtRisk: '切り替え後にENI経由で応答しなくなるサービスポートがあります。--configure-guest で対処するか、--accept-port で了承してください。',
  } as Record<string, string>)[p.code] ?? '',
  planWarning: (p) => (typeof p.w === 'string' ? p.w : warningText(p.w)),
};
