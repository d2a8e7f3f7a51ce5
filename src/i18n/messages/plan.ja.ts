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
  refusedHead: (p) => `:no_entry: *事前チェックで拒否されました${p.target ? ` ${p.target}` : ''}* — ${p.code}\n${p.explain ? `${p.explain}\n詳細: ` : ''}${p.message}`,
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
  refusalExplain: (p) => ({
    InstanceNotFound: 'インスタンスが見つかりません。IDと --region を確認してください。',
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
  planWarning: (p) => {
    const rules: [RegExp, (m: RegExpExecArray) => string][] = [
      [/^--ports (\S+) does not include (\d+), so the (.+) check through (\S+) is skipped; only the egress IP is verified\.$/,
        (m) => `--ports ${m[1]} に ${m[2]} が含まれないため、${m[4]} 経由の ${m[3]} の確認は行わず、送信元IPだけを検証します。`],
      [/^Could not read security group (.+), so whether TCP (\d+) is open to the Internet was not checked\.$/,
        (m) => `セキュリティグループ ${m[1]} を読み取れなかったため、TCP ${m[2]} がインターネットに開いているかは確認していません。`],
      [/^Security group (.+) of the new ENI does not accept TCP (\d+) from the Internet(.*), so the (.+) check through (\S+) will likely fail\.$/,
        (m) => `新しいENIのセキュリティグループ ${m[1]} はインターネットからの TCP ${m[2]} を許可していません${m[3]}。そのため ${m[5]} 経由の ${m[4]} の確認は失敗する可能性が高いです。`],
      [/^DNAT entry (\S+) is (\S+), not Available; the cutover waits until it is\.$/,
        (m) => `DNATエントリ ${m[1]} は ${m[2]} で、Available ではありません。Available になるまで切り替えを待ちます。`],
      [/^--configure-guest: the guest's network stack could not be detected \((.*)\), so the configuration may not persist or may fail\.$/,
        (m) => `--configure-guest: ゲストOSのネットワークスタックを判別できませんでした（${m[1]}）。設定が再起動後に残らないか、失敗する可能性があります。`],
      [/^Without --configure-guest the guest must already route replies from the new NIC \(policy routing\), or connections through (\S+) may fail\.$/,
        (m) => `--configure-guest を指定しない場合、ゲストOSが新しいNICからの応答をすでにルーティングできる（ポリシールーティング）必要があります。そうでないと ${m[1]} 経由の接続が失敗する可能性があります。`],
      [/^Without --configure-guest the new NIC keeps its automatic interface metric, equal to the primary NIC's, so which NIC new outbound connections leave by is up to Windows; the egress check after the cutover shows it\.$/,
        () => '--configure-guest を指定しない場合、新しいNICは自動のインターフェイスメトリック（プライマリNICと同じ値）のままなので、新しい外向きの接続がどちらのNICから出るかは Windows 次第です。切り替え後の送信元IPの確認で分かります。'],
      [/^Port-forwarding entr(?:y|ies) (.+) to the primary IP stay as they are\.$/,
        (m) => `プライマリIP宛てのポートフォワーディングエントリ ${m[1]} はそのまま残ります。`],
    ];
    for (const [re, say] of rules) {
      const m = re.exec(p.text);
      if (m) return say(m);
    }
    return p.text;
  },
};
