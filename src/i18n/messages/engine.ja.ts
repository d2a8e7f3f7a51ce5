import type { SameMessages } from '../message-type.ts';
import type { en as En } from './engine.en.ts';

// エンジンが英語で書く1行の要約（src/engine/migration/summary.ts、fleet/batch-summary.ts）を、既知の形なら日本語に
// 言い換える。知らない形はそのまま表示する。ID、IPアドレス、理由の中身は変えない。
type Rule = [RegExp, (m: RegExpExecArray) => string];
const why = (r: string | undefined) => (r ? `（${r}）` : '');

const RULES: Rule[] = [
  [/^(\S+) now receives (\S+) on ENI (\S+) \((\S+)\) and egresses through SNAT as (.+); verified\.$/s,
    (m) => `${m[1]} は ENI ${m[3]}（${m[4]}）で ${m[2]} を受け、SNAT（${m[5]!.replace(/ or /g, ' または ')}）経由で通信しています。検証済みです。`],
  [/^Refused by the pre-flight; nothing changed\.$/, () => '事前チェックで拒否されました。変更はありません。'],
  [/^Rejected(?: \((.*)\))?; the staged ENI was removed and nothing else changed\.$/s,
    (m) => `却下されました${why(m[1])}。ステージングしたENIを削除し、それ以外は何も変更していません。`],
  [/^Approval expired(?: \((.*)\))?; the staged ENI was removed and nothing else changed\.$/s,
    (m) => `承認の期限が切れました${why(m[1])}。ステージングしたENIを削除し、それ以外は何も変更していません。`],
  [/^Cancelled(?: \((.*)\))? after the cutover had started; the original mapping (\S+) → (\S+) was restored and the ENI removed\.$/s,
    (m) => `切り替え開始後にキャンセルされました${why(m[1])}。元のマッピング ${m[2]} → ${m[3]} を復元し、ENIを削除しました。`],
  [/^Cancelled(?: \((.*)\))?; staging undone, the DNAT mapping was not touched\.$/s,
    (m) => `キャンセルされました${why(m[1])}。ステージングを元に戻しました。DNATマッピングには触れていません。`],
  [/^Restored(?: \((.*)\))?: the original mapping (\S+) → (\S+) is back and the ENI was removed\.$/s,
    (m) => `復元しました${why(m[1])}: 元のマッピング ${m[2]} → ${m[3]} を戻し、ENIを削除しました。`],
  [/^Cutover done but not verified(?: \((.*)\))?\. Use rollback to restore the original mapping\.$/s,
    (m) => `切り替えは完了しましたが、検証できませんでした${why(m[1])}。元のマッピングに戻すには rollback を使ってください。`],
  [/^Rolled back (\S+): (\S+) → (\S+) is back, the ENI was removed and the original path verified\.$/,
    (m) => `${m[1]} をロールバックしました: ${m[2]} → ${m[3]} を戻し、ENIを削除し、元の経路を検証しました。`],
  [/^Failed: (.*)\. The DNAT mapping was not touched\.$/s, (m) => `失敗: ${m[1]}。DNATマッピングには触れていません。`],
  [/^Failed: (.*)\. The original mapping (\S+) → (\S+) is in place\.$/s, (m) => `失敗: ${m[1]}。元のマッピング ${m[2]} → ${m[3]} は有効です。`],
  [/^Failed: (.*)\. Needs attention: the original mapping may be missing; recreate it with CreateForwardEntry (.*)\.$/s,
    (m) => `失敗: ${m[1]}。対応が必要です: 元のマッピングが失われている可能性があります。CreateForwardEntry ${m[2]} で再作成してください。`],
  [/^All (\d+) instances? migrated and verified \(canary first: (.*?)\); they now egress through SNAT\.(?: Skipped by the pre-flight: (.*)\.)?$/s,
    (m) => `${m[1]} 台すべての移行と検証が完了しました（カナリア: ${m[2]}）。現在はSNAT経由で通信しています。${m[3] ? `事前チェックで対象外: ${m[3]}。` : ''}`],
  [/^(Rejected|Approval expired) \((.*?)\); no DNAT entry was touched\. Untouched \(staging undone, DNAT mappings as they were\): (.*?)\.(?: Skipped by the pre-flight: (.*)\.)?$/s,
    (m) => `${m[1] === 'Rejected' ? '却下されました' : '承認の期限が切れました'}（${m[2]}）。DNATエントリには触れていません。変更なし（ステージングは元に戻し、DNATマッピングはそのまま）: ${m[3]}。${m[4] ? `事前チェックで対象外: ${m[4]}。` : ''}`],
  [/^Stopped(?:: (.*?))?\. Migrated before the stop: (.*?)\.(?: Not migrated after release: (.*?) — (original mappings restored|see their jobs)\.)? Untouched \(staging undone, DNAT mappings as they were\): (.*?)\.(?: Skipped by the pre-flight: (.*)\.)?$/s,
    (m) => `停止しました${m[1] ? `: ${m[1]}` : ''}。停止前に移行したもの: ${m[2]}。${m[3] ? `開始後に移行できなかったもの: ${m[3]} — ${m[4] === 'original mappings restored' ? '元のマッピングを復元しました' : '各ジョブを確認してください'}。` : ''}変更なし（ステージングは元に戻し、DNATマッピングはそのまま）: ${m[5]}。${m[6] ? `事前チェックで対象外: ${m[6]}。` : ''}`],
];

export const ja: SameMessages<typeof En> = {
  engineSummary: (p) => {
    for (const [re, say] of RULES) {
      const m = re.exec(p.text);
      if (m) return say(m);
    }
    return p.text;
  },
  engineAnswer: (p) => {
    const what: Record<string, string> = {
      'the original DNAT mapping will be restored and the ENI removed (no second approval: it returns to the approved starting point)':
        '元のDNATマッピングを復元し、ENIを削除します（承認済みの開始状態に戻すだけなので、再承認は不要です）',
      'it is already undoing its changes; the cancel changes nothing': 'すでに変更を元に戻している最中のため、キャンセルしても何も変わりません',
      'the rollback stops before changing anything': 'ロールバックは何も変更する前に止まります',
      'the staged ENI will be removed; the DNAT mapping is not touched': 'ステージングしたENIを削除します。DNATマッピングには触れません',
    };
    const rules: [RegExp, (m: RegExpExecArray) => string][] = [
      [/^Cancelling (\S+) \((\w+)\): (.*)\.$/s, (m) => `${m[1]} をキャンセルしています（状態 ${m[2]}）: ${what[m[3]!] ?? m[3]}。`],
      [/^No job (\S+)\.$/, (m) => `ジョブ ${m[1]} はありません。`],
      [/^(\S+) is a plan only; there is nothing to cancel\.$/, (m) => `${m[1]} はプランのみのため、キャンセルするものはありません。`],
      [/^(\S+) already finished \((\w+)\); nothing to cancel\.$/, (m) => `${m[1]} はすでに終了しています（${m[2]}）。キャンセルするものはありません。`],
      [/^(\S+) is already being cancelled\.$/, (m) => `${m[1]} はすでにキャンセル中です。`],
      [/^(\S+) is not a migration\.$/, (m) => `${m[1]} は移行ジョブではありません。`],
      [/^(\S+) has no saved original entry to restore\.$/, (m) => `${m[1]} には復元用に保存した元のエントリがありません。`],
      [/^Rollback (\S+) of (\S+) is already running\.$/, (m) => `${m[2]} のロールバック ${m[1]} はすでに実行中です。`],
      [/^(\S+) was already rolled back by (\S+)\.$/, (m) => `${m[1]} は ${m[2]} ですでにロールバック済みです。`],
      [/^Instance (\S+) has an active job (\S+); try again when it is done\.$/, (m) => `インスタンス ${m[1]} には実行中のジョブ ${m[2]} があります。完了してから再実行してください。`],
      [/^Rollback (\S+) of (\S+) queued; it needs an approval before it changes anything\.$/, (m) => `${m[2]} のロールバック ${m[1]} をキューに追加しました。変更の前に承認が必要です。`],
      [/^(\S+) is (.+); only a migrated \(or verify_failed\) migration can be rolled back\.$/, (m) => `${m[1]} は ${m[2]} です。ロールバックできるのは migrated（または verify_failed）の移行だけです。`],
    ];
    for (const [re, say] of rules) {
      const m = re.exec(p.text);
      if (m) return say(m);
    }
    return p.text;
  },
};
