import type { SameMessages } from '../message-type.ts';
import type { en as En } from './engine.en.ts';

// エンジンが英語で書く、cancel と rollback への応答を、既知の形なら日本語に言い換える。知らない形はそのまま表示する。

export const ja: SameMessages<typeof En> = {
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
