import type { SameMessages } from '../message-type.ts';
import type { en as En } from './help.en.ts';

// `/natmigrate help`: 使い方。コマンドとオプションの語は英語のまま（1行に1コマンド、トピック指定で行を絞り込む）。
export const ja: SameMessages<typeof En> = {
  helpLines: () => [
    '*natmigrate* は、ECSインスタンスをDNAT IPマッピングから外し、NATゲートウェイのSNAT IPから通信するように移行します。',
    '',
    '`/natmigrate plan <instance-id>` — ドライラン: 削除するDNATエントリとその復元手順、新しいENIとDNATエントリ、想定される送信元IP、または拒否される理由を表示します。',
    '`/natmigrate run <instance-id> [more ids…] [--ports any|22,443] [--configure-guest]` — 1台なら1ジョブを専用のスレッドで実行。複数台（最大50台）なら1つのバッチを1つのスレッドで実行し、カナリアから順に進め、承認は1回です。',
    '`/natmigrate run --all <ngw-id|vpc-id> [more…] [--canary N] [--concurrency N]` — IPマッピングを持つ全インスタンスを1つのバッチで移行します。カナリアから順に進め、承認は1回です。',
    '`/natmigrate status [job-id|instance-id]` — ジョブの記録（バッチIDなら各インスタンス）、または実行中のジョブの一覧。',
    '`/natmigrate cancel <job-id>` — 切り替え前ならステージングを元に戻し、切り替え後ならロールバックします。',
    '`/natmigrate rollback <job-id>` — 元のDNAT IPマッピングを復元します（承認が必要）。',
    '`/natmigrate scan <ngw-id|vpc-id>` — VPC内の全インスタンスと、それぞれが通信に使うパブリックIP。',
    '`/natmigrate config language ja|en|default` — このチャンネルのジョブスレッドの言語（承認者が設定）。',
    '`/natmigrate report <job-id|batch-id>` — 監査記録（すべてのステップ、実行者、時刻、RequestId、元のエントリと新しいエントリ）を CSV と Markdown のファイルで出力します。',
    '`/natmigrate` のみ（または「NAT 移行を開始」ショートカット）— フォーム: NATゲートウェイを選ぶとIPマッピングを持つインスタンスが表示され、対応する `run` コマンドをキューに登録します。',
    '`/natmigrate help` — このメッセージ。',
    '',
    'オプション: `--region <region-id>` はすべてのコマンドで使えます（既定値は設定から）。`--ports any`（既定）は全ポートを転送し、`--ports 22,443` は指定したTCPポートだけを転送します（最大20個）。`--configure-guest` はクラウドアシスタントで新しいNICを有効にしてポリシールーティングを設定します（最初のNICを指定したホストのファイアウォールルールも複製します）。`--accept-port 8080`（複数指定可）は、そのポートがENI経由で応答しなくなる場合でも移行します。`--vswitch <vsw-id>` / `--security-groups <sg-id,…>` は新しいENIのvSwitch（同じゾーン）やセキュリティグループを指定します。`--verify-port N` は SSH（22）や Windows の RDP（3389）の代わりに、パブリックIP経由でそのTCPポートを確認します。',
    'ジョブIDは `migrate-cn-hangzhou-i-bp1…` のような形式です。全角で入力しても読み取れます（例: `ｒｕｎ　ｉ－ｂｐ１…`）。',
  ].join('\n'),
};
