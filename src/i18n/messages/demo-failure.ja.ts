import type { SameMessages } from '../message-type.ts';
import type { en as En } from './demo-failure.en.ts';

// `natmigrate demo` が実行できなかった、または成功しなかった理由（RESULT: FAIL の行）。reply、body、error はデータ。
export const ja: SameMessages<typeof En> = {
  demoNeedsRedis: (p) => [
    `natmigrate demo には Redis 7 が必要ですが、${p.url} から応答がなく、専用のサーバーを起動するための redis-server もインストールされていません。`,
    '次のいずれかを用意してから、もう一度 `npm run demo` を実行してください:',
    '  • インストールする:        sudo apt-get install -y redis-server     （macOS: brew install redis）',
    '  • Docker で起動する:       docker run -d --name natmigrate-redis -p 6379:6379 redis:7',
    '  • 手元のRedisを指定する:   REDIS_URL=redis://host:6379 npm run demo',
  ].join('\n'),
  demoNoSuchInstance: (p) => `--instance ${p.instance}: シナリオにそのインスタンスはありません（あるのは ${p.has.join('、')}）`,
  demoNoTarget: () => 'シナリオに、DNAT IPマッピングとSNATのカバーがあって移行できるインスタンスがありません。--instance で指定してください',
  demoBadConfig: (p) => `デモの設定が不正です:\n${p.problems.map((x) => `  - ${x}`).join('\n')}`,
  demoInterrupted: () => '中断されました',
  demoTimedOut: (p) => `${p.what} を ${p.secs} s 待ちましたが、タイムアウトしました`,
  waitDryRun: (p) => `#ops のドライラン ${p.job}`,
  waitThread: (p) => `${p.job} のスレッド`,
  waitCard: () => '承認カード',
  waitCardOf: (p) => `${p.job} の承認カード`,
  waitFinish: (p) => `${p.job} の完了`,
  demoHttpToCommand: (p) => `\`${p.command}\` に対してボットが HTTP ${p.status} を返しました: ${p.body}`,
  demoHttpToClick: (p) => `${p.who} の${p.name ? ` ${p.name} の承認カードの` : ''}クリックに対してボットが HTTP ${p.status} を返しました`,
  demoDryRunNotQueued: (p) => `${p.instance} のドライランがキューに追加されませんでした: ${p.reply}`,
  demoRunNotQueued: (p) => `${p.instance} の移行がキューに追加されませんでした: ${p.reply}`,
  demoSlipNotRefused: (p) => `誤ったコマンドが拒否されませんでした: ${p.reply}`,
  demoNotRefused: (p) => `事前チェックで ${p.instance} が拒否されませんでした: ${p.reply}`,
  demoRefusedWrote: (p) => `拒否された ${p.instance} のドライランがクラウドを変更しました（書き込み ${p.writes} 件）`,
  demoUnexpected: (p) => `予期しないエラー: ${p.error}`,
  demoPrintFailed: (p) => `記録の出力に失敗しました: ${p.error}`,
};
