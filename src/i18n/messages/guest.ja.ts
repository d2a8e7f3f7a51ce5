import type { WinVerdict } from '../../domain/service-exposure.ts';
import type { SameMessages } from '../message-type.ts';
import type { en as En } from './guest.en.ts';

// ゲストOSのネットワーク設定と、サービスポートが影響を受ける理由（プランカード）。ドメインの構造化された事実から組み立てる。
const METHOD: Record<string, string> = {
  netplan: 'netplan の routing-policy（/etc/netplan）',
  networkmanager: 'ルーティングルール付きの NetworkManager キーファイル',
  'network-scripts': 'network-scripts の ifcfg-/route-/rule- ファイル',
  ifupdown: '/etc/network/interfaces.d の ifupdown スタンザ',
  windows: 'Windows: 新しいNICのインターフェイスメトリックを PersistentStore に設定（送信はプライマリNICのまま）し、ネットワークを Private にするか、許可しているファイアウォールルールを新しいNIC用に複製（Set-NetIPInterface、Set-NetConnectionProfile、New-NetFirewallRule）',
};

/** What stops the connection on the new NIC's profile (an older plan's English verdict is shown as data). */
function blockedJa(v: string | WinVerdict): string {
  if (typeof v === 'string') return ` ${v}`;
  switch (v.by) {
    case 'no_rule': return `、プロファイル ${v.profile} に TCP ${v.port} を許可するルールがありません（既定の受信: Block）`;
    case 'rule_blocks': return `、ルール "${v.rule}" がブロックします`;
    case 'rule_allows': return `、ルール "${v.rule}" が許可します`;
    case 'profile_default': return `、プロファイル ${v.profile} の既定の動作で許可されます`;
    case 'profile_off': return `、プロファイル ${v.profile} は無効です`;
  }
}

/** What lets the connection in on the primary NIC's profile. */
function acceptedJa(v: string | WinVerdict): string {
  if (typeof v === 'string') return ` ${v} が許可しています`;
  switch (v.by) {
    case 'rule_allows': return `ルール "${v.rule}" が許可しています`;
    case 'profile_default': return `プロファイル ${v.profile} の既定の動作で許可されています`;
    case 'profile_off': return `プロファイル ${v.profile} が無効のため通ります`;
    case 'rule_blocks': return `ルール "${v.rule}" がブロックします`;
    case 'no_rule': return `プロファイル ${v.profile} に TCP ${v.port} を許可するルールがありません`;
  }
}

export const ja: SameMessages<typeof En> = {
  guestConfig: (p) => {
    if (!p.probe) return '再起動後も維持。ネットワークスタックは設定時にゲストOSで判別します';
    return 'method' in p.probe
      ? `再起動後も維持。${METHOD[p.probe.method] ?? p.probe.method}（ゲストOSで判別）で、すぐに適用して確認します`
      : `ゲストOSのネットワークスタックを判別できませんでした（${p.probe.error}）。netplan、NetworkManager、ifupdown、network-scripts、Windows 以外では設定に失敗します`;
  },
  exposureReason: (p) => {
    const r = p.reason;
    switch (r.kind) {
      case 'bound_to_primary': return `プライマリアドレス ${r.address} だけで待ち受けており、新しいNICのアドレスでは待ち受けていません`;
      case 'bound_to_address': return `${r.address} だけで待ち受けています`;
      case 'bound_to_device': return `デバイス ${r.device} だけにバインドされています`;
      case 'firewall': return `ホストのファイアウォールはプライマリNICでは "${r.acceptedBy}" で許可していますが、${p.newDevice} では "${r.blockedBy}" が破棄します`;
      case 'firewall_unknown': return `ホストのファイアウォールルール "${r.rule}" が判定に関わる可能性がありますが、ここでは解釈できません`;
      case 'rp_filter': return `rp_filter=${r.value}（strict）のため、応答が ${p.newDevice} 経由でポリシールーティングされない限り、${p.newDevice} のパケットは破棄されます（--configure-guest で対処します）`;
      case 'windows_profile':
        return `${r.newProfile ? `新しいNIC（${p.newDevice}）はファイアウォールプロファイル ${r.newProfile} にあり` : `新しいNIC（${p.newDevice}）は識別されていないネットワーク（ファイアウォールプロファイル Public）に入り`}、そこでは${blockedJa(r.blockedBy)}。プライマリNIC（${r.category}）では${acceptedJa(r.acceptedBy)}`;
    }
  },
  exposureFix: (p) => {
    const d = p.newDevice;
    const parts = p.port.mirrors.map((m) => `${d} 用に "${m.rule.text}" を複製`);
    if (p.port.reasons.some((r) => r.kind === 'rp_filter')) parts.push(`応答を ${d} 経由でポリシールーティング（rp_filter）`);
    if (p.port.windowsFix?.method === 'set_private') parts.push(`${d} のネットワークをプライマリNICと同じ Private に設定（Set-NetConnectionProfile）`);
    if (p.port.windowsFix?.method === 'mirror') parts.push(`ルール "${p.port.windowsFix.ruleDisplayName}" を TCP ${p.port.port} 用に ${d} だけへ複製（New-NetFirewallRule -Profile Public -InterfaceAlias）`);
    return parts.join('。');
  },
};
