import type { SameMessages } from '../message-type.ts';
import type { en as En } from './demo.en.ts';
import { ja as planJa } from './plan.ja.ts';
import type { WorldProblem } from '../../demo/world-problem.ts';

function worldText(p: WorldProblem): string {
  switch (p.code) {
    case 'unverified': return 'ジョブは migrated と報告していますが、検証に成功していません';
    case 'no_mapping': return `シナリオの ${p.instance} にはDNAT IPマッピングがなく、移行するものがありませんでした`;
    case 'still_primary': return `EIPはまだプライマリIP ${p.ip} にマッピングされています（エントリ ${p.entry}）`;
    case 'not_on_eni': return `${p.eip} は ${p.instance} のENIにマッピングされていません（現在: ${p.now.join('、') || 'エントリなし'}）`;
    case 'no_snat': return `${p.instance} をカバーするSNATエントリがありません`;
    case 'egress': return `${p.instance} の送信元IPは ${p.egress ?? 'なし（タイムアウト）'} で、SNAT IP ${p.snat} ではありません`;
    case 'rdp': return `パブリックエッジ経由の ${p.target} へのRDPの応答は ${p.answered ? `'${p.answered}'` : 'ありませんでした'}。X.224 Connection Confirm ではありません`;
    case 'ssh': return `パブリックエッジ経由の ${p.target} へのSSHの応答は ${p.answered ? `'${p.answered}'` : 'ありませんでした'}。期待値は '${p.expected}' です`;
    case 'engine_egress': return `エンジンが観測した送信元IPは ${p.observed ?? 'なし'} で、SNAT IP ${p.snat} ではありません`;
  }
}

// `natmigrate demo` が出力するセッションの枠: 見出し、誰に何が見えたか、結果の行（src/demo/）。
export const ja: SameMessages<typeof En> = {
  demoChannelHeading: () => '══ シミュレートしたワークスペースの #ops ═══════════════════════════════════',
  demoThreadHeading: () => '══ ジョブのスレッド（時刻 UTC、発言者、内容）═════════════════════════════════',
  demoSummaryHeading: () => '══ まとめ ═══════════════════════════════════════════════════════════════════',
  demoOnlyVisible: (p) => `（${p.who} だけに表示）`,
  demoClickedApprove: () => '承認カードの [Approve] をクリック',
  demoRepliesBelow: (p) => `↳ スレッドに ${p.n} 件の返信（下記）`,
  demoEdited: (p) => ` _（${p.n} 回編集、現在の表示）_`,
  demoPass: (p) => `RESULT: PASS — ${p.instance} の移行と検証が完了（${p.secs}）: ${p.from} → ${p.eni}、EIP経由でSSHが応答、送信元IP ${p.egress} = SNAT IP`,
  demoPassWindows: (p) => `  さらに ${p.instance}（${p.name}、Windows、--configure-guest）の移行と検証が完了: ${p.from} → ${p.eni}、EIP経由でRDPが応答、送信元IP ${p.egress} = SNAT IP`,
  demoWindowsThreadHeading: () => '══ Windows ジョブのスレッド ═════════════════════════════════════════════════',
  sumWindows: (p) => `Windows       ${p.name} ${p.instance}: ${p.outcome}。${p.from} → ${p.eni}、EIP経由でRDP（${p.port}）が応答、送信元IP ${p.egress}${p.viaSnat ? ' = SNAT IP ✔' : ''}`,
  demoFail: (p) => `RESULT: FAIL — ${p.cause}`,
  demoAlso: (p) => `  ほかに: ${p.problem}`,
  demoRefused: (p) => `事前チェックで ${p.instance} が拒否されました: ${p.code}${planJa.refusalExplain({ code: p.code }) ? ` — ${planJa.refusalExplain({ code: p.code })}` : ''}`,
  demoEnded: (p) => `${p.job} は ${p.outcome} で終了しました: ${p.summary}`,
  demoWorld: (p) => worldText(p.problem),
  demoWarnings: () => 'システムのログに出た最近の警告:',
  sumInstance: (p) => `インスタンス  ${p.id}（${p.name}、${p.ip}）`,
  sumJob: (p) => `ジョブ        ${p.job} — 依頼者 alice、${p.decision ? `${p.by} が${p.decision === 'approved' ? '承認' : p.decision === 'rejected' ? '却下' : p.decision}` : '承認の決定なし'}。結果 ${p.outcome}`,
  sumOriginal: (p) =>
    `元のエントリ  ${p.table} の ${p.entry}: ${p.from} → ${p.to}（${p.detail}）— 変更前に保存${p.how === 'deleted' ? `、RequestId ${p.requestId} で削除` : p.how === 'moved' ? `、RequestId ${p.requestId} でその場でENIへ移動` : ''}`,
  sumOriginalUntouched: (p) => `元のエントリ  ${p.entry}（${p.mapping} → ${p.ip}）— 変更なし`,
  sumNoMapping: () => 'マッピングなし',
  sumNow: (p) => `現在          ${p.entry}: ${p.from} → ${p.eni} の ${p.eniIp}（セカンダリENI、${p.instance} で InUse）${p.requestId ? `、RequestId ${p.requestId}` : ''}`,
  sumNowNone: (p) => `現在          ${p.from} はENIにマッピングされていません`,
  sumSsh: (p) => `SSH           パブリックエッジ経由 ${p.target} で${p.banner ? ` '${p.banner}'` : 'バナーなし'}${p.engineBanner ? `（エンジンの確認: '${p.engineBanner}'、${p.attempts} 回目）` : ''}`,
  sumEgress: (p) => `送信元IP      エンジンの観測値 ${p.engine}、ワールドでは ${p.world}。SNAT IP ${p.snat}${p.ok ? ' ✔' : ' ✘'}`,
  sumCalls: (p) => `API呼び出し   APIリクエスト ${p.requests} 件、書き込み ${p.writes} 件${p.actions ? `（${p.actions}）` : ''}。ジョブの呼び出しは RequestId とともにスレッドに記載しています`,
  sumTimings: (p) => `所要時間      準備 ${p.setup} · ドライラン ${p.dry} · run → 承認カード ${p.card} · 承認 → 検証 ${p.verify} · 合計 ${p.total}`,
};
