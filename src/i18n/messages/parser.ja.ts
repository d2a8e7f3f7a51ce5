import type { CommandRefusal } from '../../domain/command-refusal.ts';
import type { IdProblem, ResourceKind } from '../../domain/ids.ts';
import { RESOURCE_ID_PREFIX } from '../../domain/ids.ts';
import type { SameMessages } from '../message-type.ts';
import type { en as En } from './parser.en.ts';

// コマンドを読み取れなかった理由（src/domain/command-refusal.ts のコードと事実から）と、IDの何が違うか。
// 入力された語はバッククォートの中にそのまま示す。コマンド、フラグ、IDは英語のまま。呼び出し側が文全体をエスケープする。

const SEE_HELP = '使い方は `/natmigrate help` で確認できます。';

const LABEL: Record<ResourceKind, string> = {
  instance: 'ECSインスタンスID', natGateway: 'NATゲートウェイID', vpc: 'VPC ID', eni: 'ENI ID', vSwitch: 'vSwitch ID', securityGroup: 'セキュリティグループID',
};

function example(flag: string): string {
  switch (flag) {
    case 'region': return '`--region cn-hangzhou`';
    case 'ports': return '`--ports 22,443` または `--ports any`';
    case 'concurrency': return '`--concurrency 4`';
    case 'canary': return '`--canary 1`';
    case 'vswitch': return '`--vswitch vsw-bp1…`';
    case 'security-groups': return '`--security-groups sg-bp1…,sg-bp1…`';
    case 'accept-port': return '`--accept-port 8080`（繰り返し指定、またはカンマ区切り）';
    default: return `\`--${flag}\``;
  }
}

/** 句点なし: 呼び出し側の文が続くか、句点で終える。 */
function idProblemText(p: IdProblem): string {
  if (p.kind === 'region') {
    switch (p.problem) {
      case 'upper_case': return `\`${p.shown}\` に大文字が含まれています。リージョンIDは小文字です（\`${p.lower}\` のことですか？）`;
      case 'not_configured': return `リージョン \`${p.shown}\` はここでは設定されていません（このデプロイで使えるのは ${p.configured.join('、')}）`;
      default: return `\`${p.shown}\` は Alibaba Cloud のリージョンIDの形式ではありません（cn-hangzhou、ap-southeast-1、us-west-1 のような形式です）`;
    }
  }
  const prefix = RESOURCE_ID_PREFIX[p.kind];
  switch (p.problem) {
    case 'upper_case': return `\`${p.shown}\` に大文字が含まれています。Alibaba の${LABEL[p.kind]}は小文字です（\`${p.lower}\` のことですか？）`;
    case 'other_kind': return `\`${p.shown}\` は${LABEL[p.other]}です。${LABEL[p.kind]}（${prefix}-…）を指定してください`;
    default: return `\`${p.shown}\` は${LABEL[p.kind]}の形式ではありません（${prefix}- の後に小文字の英数字が20文字ほど続く形式です）`;
  }
}

const SUB_WHAT: Record<'cancel' | 'rollback' | 'report', string> = { cancel: 'キャンセル', rollback: 'ロールバック', report: 'レポート' };

function refusalText(r: CommandRefusal): string {
  switch (r.code) {
    case 'empty': return `コマンドが空です。${SEE_HELP}`;
    case 'internal': return `natmigrate はこのコマンドを読み取れませんでした。${SEE_HELP}`;
    case 'too_long': return `このコマンドは ${r.length} 文字あります。${r.max} 文字未満にしてください（1つのコマンドで指定できるインスタンスは ${r.maxInstances} 台までです）。`;
    case 'missing_subcommand': return `サブコマンドがありません。\`/natmigrate plan ${r.id}\` または \`/natmigrate run ${r.id}\` を試してください。`;
    case 'unknown_subcommand':
      return r.guess
        ? `サブコマンド \`${r.typed}\` はありません。\`${r.guess}\` のことですか？ ${SEE_HELP}`
        : `サブコマンド \`${r.typed}\` はありません。次のいずれかを使ってください: ${r.subcommands.map((s) => `\`${s}\``).join('、')}。`;
    case 'unknown_flag': return `フラグ \`--${r.flag}\` はありません。${r.guess ? `\`--${r.guess}\` のことですか？ ` : ''}${SEE_HELP}`;
    case 'single_dash': return `フラグはハイフン2つで始めます: \`${r.typed}\` ではなく \`--${r.flag}\` と書いてください。`;
    case 'flag_not_here': return `\`--${r.flag}\` は \`${r.sub}\` には使えません。${SEE_HELP}`;
    case 'flag_needs_all': return r.withTargets ? `\`--${r.flag}\` は \`run --all <ngw-id|vpc-id>\` でのみ使えます。` : `\`--${r.flag}\` は \`run --all\` でのみ使えます。${SEE_HELP}`;
    case 'flag_twice': return `\`--${r.flag}\` が2回指定されています。1回だけ指定してください。`;
    case 'flag_needs_value': return `\`--${r.flag}\` には値が必要です（例: ${example(r.flag)}）。`;
    case 'flag_takes_no_value': return `\`--${r.flag}\` は値を取りません（指定された値: \`${r.got}\`）。`;
    case 'ports_empty': return '`--ports` には `any` か、`22,443` のようなTCPポートの一覧を指定してください。';
    case 'port_range': return `\`${r.item}\` のようなポートの範囲指定には対応していません。ポートを列挙する（${r.max} 個まで）か、\`--ports any\` を使ってください。`;
    case 'not_a_port': return `\`${r.item}\` はポートではありません。\`--ports\` には \`any\` か、1〜65535 のTCPポート番号をカンマ区切りで指定します（例: \`22,443\`）。`;
    case 'port_out_of_range': return `ポート ${r.port} は範囲外です。ポートは 1〜65535 です。`;
    case 'too_many_ports': return `\`--ports\` に ${r.count} 個のポートが指定されています。指定できるのは ${r.max} 個までです（すべてのポートを転送するには \`--ports any\` を使ってください）。`;
    case 'count_not_number': return `\`--${r.flag}\` には 1〜${r.max} の整数を指定してください（指定された値: \`${r.got}\`）。`;
    case 'count_out_of_range': return `\`--${r.flag}\` は 1〜${r.max} の範囲で指定してください（指定された値: ${r.got}）。`;
    case 'verify_port_bad': return `\`--verify-port\` には 1〜65535 のTCPポートを指定してください（指定された値: \`${r.got}\`）。`;
    case 'accept_port_bad': return `\`--accept-port\` には 1〜65535 のTCPポートを指定してください（例: \`--accept-port 8080\`、指定された値: \`${r.got}\`）。`;
    case 'security_groups_empty': return '`--security-groups` にはセキュリティグループIDを1つ以上指定してください。';
    case 'security_groups_too_many': return `ENIに設定できるセキュリティグループは5つまでです。\`--security-groups\` には ${r.count} 個指定されています。`;
    case 'bad_id': return r.orVpc ? `${idProblemText(r.id)}。VPC ID（vpc-…）も指定できます。` : `${idProblemText(r.id)}。`;
    case 'gateway_for_instance':
      return `\`${r.id}\` は${LABEL[r.kind]}です。\`${r.sub}\` にはECSインスタンスID（i-…）を指定します。NATゲートウェイやVPC全体には \`/natmigrate ${r.sub === 'run' ? 'run --all' : 'scan'} ${r.id}\` を使ってください。`;
    case 'missing_job_id': return `ジョブIDがありません: \`/natmigrate ${r.sub} <job-id>\`（ジョブIDは \`migrate-cn-hangzhou-i-bp1…\` の形式です。\`/natmigrate status\` で一覧を表示できます）。`;
    case 'one_job_id': return `\`${r.sub}\` に指定できるジョブIDは1つです（${r.count} 個指定されています）。`;
    case 'instance_for_job':
      return `\`${r.id}\` はインスタンスIDです。\`${r.sub}\`（${SUB_WHAT[r.sub]}）には \`migrate-<region>-${r.id}\` のようなジョブIDを指定します。\`/natmigrate status ${r.id}\` で確認できます。`;
    case 'bad_job_id': return `\`${r.shown}\` はジョブIDの形式ではありません（例: \`migrate-cn-hangzhou-i-bp1…\`）。`;
    case 'missing_plan_instance': return 'インスタンスIDがありません: `/natmigrate plan <instance-id>`（例: `/natmigrate plan i-bp1…`）。';
    case 'plan_one_instance': return `\`plan\` に指定できるインスタンスIDは1つです（${r.count} 個指定されています）。複数を移行するには \`run\` を使ってください。`;
    case 'missing_all_target': return '対象がありません: `/natmigrate run --all <ngw-id|vpc-id> [more]`。';
    case 'instance_for_all': return `\`${r.id}\` はインスタンスIDです。\`run --all\` にはNATゲートウェイIDかVPC IDを指定します。インスタンスを移行するには \`--all\` を外してください。`;
    case 'too_many_all_targets': return `\`run --all\` に指定できるNATゲートウェイまたはVPCは ${r.max} 個までです（${r.count} 個指定されています）。`;
    case 'missing_run_instance': return 'インスタンスIDがありません: `/natmigrate run <instance-id> [more ids]`、または `/natmigrate run --all <ngw-id>`。';
    case 'too_many_instances': return `インスタンスが多すぎます: ${r.count} 台（1つのコマンドで ${r.max} 台まで）。分けて実行するか、NATゲートウェイ全体なら \`run --all <ngw-id>\` を使ってください。`;
    case 'status_one_target': return `\`status\` に指定できるジョブIDまたはインスタンスIDは1つまでです（${r.count} 個指定されています）。`;
    case 'status_bad_target':
      return `\`${r.shown}\` はジョブID（例: \`migrate-cn-hangzhou-i-bp1…\`）でもインスタンスIDでもありません${r.upper ? `（${idProblemText(r.upper)}）` : ''}。`;
    case 'config_what': return '`config` はチャンネルの言語を設定します: `/natmigrate config language ja|en|default`。';
    case 'config_one_value': return `\`config language\` に指定できる値は1つです（${r.count} 個指定されています）。`;
    case 'config_bad_language': return `\`${r.shown}\` は natmigrate が話せる言語ではありません。\`ja\`、\`en\`、\`default\` のいずれかを使ってください。`;
    case 'missing_scan_target': return '対象がありません: `/natmigrate scan <ngw-id|vpc-id>`。';
    case 'scan_one_target': return `\`scan\` に指定できるNATゲートウェイIDまたはVPC IDは1つです（${r.count} 個指定されています）。`;
    case 'instance_for_scan': return `\`${r.id}\` はインスタンスIDです。\`scan\` にはNATゲートウェイIDかVPC IDを指定します。1台だけなら \`/natmigrate plan ${r.id}\` を使ってください。`;
  }
}

export const ja: SameMessages<typeof En> = {
  commandRefusal: (p) => refusalText(p.refusal),
  idProblemText: (p) => idProblemText(p.problem),
};
