import type { EntryFact, ReconcileSituation, ServiceAnswer, StepFailureText } from '../../domain/job-text.ts';
import type { SameMessages } from '../message-type.ts';
import type { en as En } from './engine.en.ts';
import type { RequestProblem } from '../../domain/request-problem.ts';
import { ja as parserJa } from './parser.ja.ts';

// cancel と rollback へのサービスの応答（src/domain/job-text.ts の ServiceAnswer のコードから）。プレーンテキスト。
// ジョブID、状態、結果のコードはそのまま。

const EFFECT = {
  restore: '元のDNATマッピングを復元し、ENIを削除します（承認済みの開始状態に戻すだけなので、再承認は不要です）',
  undoing: 'すでに変更を元に戻している最中のため、キャンセルしても何も変わりません',
  rollback_stops: 'ロールバックは何も変更する前に止まります',
  unstage: 'ステージングしたENIを削除します。DNATマッピングには触れません',
} as const;

function answerText(a: ServiceAnswer): string {
  switch (a.answer) {
    case 'no_job': return `ジョブ ${a.job} はありません。`;
    case 'not_cancellable':
      return a.kind === 'preview' ? `${a.job} はプランのみのため、キャンセルするものはありません。` : `${a.job} は ${a.kind} のため、キャンセルするものはありません。`;
    case 'already_finished':
      return `${a.job} はすでに終了しています（${a.outcome ?? 'done'}）。キャンセルするものはありません。${a.batch ? '必要なら各移行を1つずつロールバックしてください。' : ''}`;
    case 'finished_so_rollback': return `${a.job} はすでに終了しています（${a.outcome}）。今キャンセルするにはロールバックすることになります。${answerText(a.then)}`;
    case 'already_cancelling': return `${a.job} はすでにキャンセル中です。`;
    case 'cancelling': return `${a.job} をキャンセルしています（状態 ${a.state}）: ${EFFECT[a.effect]}。`;
    case 'cancelling_batch':
      return `バッチ ${a.job} をキャンセルしています: これ以上は開始せず、すべての子ジョブをキャンセルします（切り替え前ならステージングを元に戻し、切り替え中なら元のマッピングを復元します）。検証済みの移行はそのまま残ります。`;
    case 'not_migration': return `${a.job} は移行ジョブではありません。`;
    case 'not_rollbackable':
      return `${a.job} は ${a.outcome !== undefined ? `${a.outcome} で終了` : a.state} です。ロールバックできるのは migrated（または verify_failed）の移行だけです。`;
    case 'no_original': return `${a.job} には復元用に保存した元のエントリがありません。`;
    case 'rollback_running': return `${a.job} のロールバック ${a.rollback} はすでに実行中です。`;
    case 'already_rolled_back': return `${a.job} は ${a.rollback} ですでにロールバック済みです。`;
    case 'instance_busy': return `インスタンス ${a.instance} には実行中のジョブ ${a.holder} があります。完了してから再実行してください。`;
    case 'rollback_queued': return `${a.job} のロールバック ${a.rollback} をキューに追加しました。変更の前に承認が必要です。`;
    // 復元の応答は restoreDone / restoreFailed の中に入るので、句点で終えません。
    case 'restored_from_tags': return `元のマッピングを復元し、${a.eni} を削除しました`;
    case 'restore_bad_request': return a.problem ? parserJa.idProblemText({ problem: a.problem }) : `リージョン ${a.region} または ENI ${a.eni} はここでは使えません`;
    case 'restore_unavailable': return 'このプロセスはクラウドのジャーナルから復元できません';
    case 'restore_eni_gone': return `ENI ${a.eni} は（もう）存在しません`;
    case 'not_restored': return `${a.result}: ${a.situation ? situationText(a.situation) : a.why}`;
  }
}

/** エンジン自身の確認で手順が止まった理由（StepFailure）。ID、状態、ゲストOSの出力はそのまま。 */
function failureText(f: StepFailureText): string {
  switch (f.failure) {
    case 'nat_gateway_not_found': return `NATゲートウェイ ${f.gateway} がリージョン ${f.region} に見つかりません。IDと --region を確認してください。`;
    case 'bad_target': return `${f.target} はNATゲートウェイIDでもVPC IDでもありません`;
    case 'plan_gone': return `${f.instance} のプランが失われました`;
    case 'table_lock_lost': return `フォワードテーブル ${f.table ?? '（保持なし）'} のロックを失ったため、書き込みません${f.what ? `（${f.what}）` : ''}`;
    case 'journal_incomplete':
      return f.missing === 'plan' ? 'ジャーナルにプランがありません' : f.missing === 'forward_table' ? 'ジャーナルにフォワードテーブルがありません' : 'ジャーナルにENIのプライベートIPがありません';
    case 'cancelled': return `${f.by} がキャンセルしました`;
    case 'no_power_api': return 'このクラウドアダプターはインスタンスを停止・起動できません';
    case 'interrupted': return 'ワーカーが停止中のため、この手順は再実行されます';
    case 'instance_missing': return `インスタンス ${f.instance} はもう存在しません`;
    case 'instance_not_running': return `インスタンス ${f.instance} は ${f.status} で Running ではないため、停止していません`;
    case 'entry_not_as_approved': return `DNATエントリ ${f.entry} は承認後に ${f.status ?? '削除済み'} になったため、切り替えません`;
    case 'entry_changed': return `DNATエントリ ${f.entry} は承認後に変更されたため、切り替えません`;
    case 'entry_maps_elsewhere': return `DNATエントリ ${f.entry} は ${f.ip} を向いており、${f.original} でもENIでもないため、切り替えません`;
    case 'entry_not_ours': return `DNATエントリ ${f.entry} は ${f.ip} を向いており、このジョブのENI（${f.eniIp ?? 'なし'}）ではないため、移動しません`;
    case 'eip_in_use': return `EIP ${f.eip} は ${f.entries.join(', ')} で使われているため、元のマッピングを再作成できません`;
    case 'eni_missing': return `ENI ${f.eni} はもう存在しません`;
    case 'eni_busy':
      return f.doing === 'delete' ? `ENI ${f.eni} は ${f.status} のため削除できません` : `ENI ${f.eni} は ${f.status}${f.instance ? `（${f.instance}）` : ''} のためアタッチできません`;
    case 'eni_unconfigurable': return `ENI ${f.eni} には設定するMAC/IPがありません`;
    case 'vswitch_missing': return `vSwitch ${f.vswitch} が見つかりません`;
    case 'guest_config_failed':
      return `${f.windows ? 'Windows ' : ''}ゲストOSでのNIC設定が ${f.status} で終了しました${f.exitCode !== undefined ? `（終了コード ${f.exitCode}）` : ''}: ${f.output}`;
    case 'windows_config_missing': return `WindowsのNIC設定が反映されていません: ${f.problems.join('; ')}`;
    case 'no_migration': return `移行 ${f.job} には復元用に保存した元のエントリがありません`;
  }
}


const targetsJa = (ts: readonly EntryFact[]) => ts.map((t) => `${t.ip}（${t.entry}）`).join(', ');

/** リコンサイルがその判断をした理由（src/domain/reconcile-decision.ts）。ID、状態、結果のコードはそのまま。 */
function situationText(s: ReconcileSituation): string {
  switch (s.code) {
    case 'job_running': return `ジョブ ${s.job} はまだ実行中で、そのワーカーが管理しています`;
    case 'eni_changing': return `ENI ${s.eni} は ${s.status} です`;
    case 'dnat_changing': return `DNAT ${s.entries.map((e) => `${e.entry} は ${e.status}`).join(', ')} です`;
    case 'ended_as_shown': return `ジョブ ${s.job} は ${s.outcome} で終了しており、クラウドの状態もそのとおりです`;
    case 'ended_left_eni': return `ジョブ ${s.job} は ${s.outcome} で終了しましたが、ENI ${s.eni} が残っています`;
    case 'ended_but_maps':
      return `ジョブ ${s.job} は ${s.outcome} で終了しましたが、EIP ${s.eip} は現在${s.targets.length ? ` ${targetsJa(s.targets)} にマッピングされています` : 'どこにもマッピングされていません'}`;
    case 'foreign_mapping': return `EIP ${s.eip} は ${targetsJa(s.targets)} にマッピングされていますが、これはジョブ ${s.job} も元の設定も作ったものではありません`;
    case 'maps_both': return `EIP ${s.eip} はENIと元の ${s.originalIp} の両方にマッピングされています`;
    case 'maps_to_eni': return `EIP ${s.eip} はすでに ${s.instance} 上の ENI ${s.eni}（${s.eniIp}）にマッピングされています`;
    case 'eni_detached': return `EIP ${s.eip} は ENI ${s.eni} にマッピングされていますが、そのENIは ${s.instance} にアタッチされていません`;
    case 'still_original': return `EIP ${s.eip} はまだ元の ${s.originalIp} にマッピングされています。切り替えは行われなかったか、元に戻されています`;
    case 'maps_nothing': return `EIP ${s.eip} はどこにもマッピングされていません。ジョブが削除と作成の間で止まりました`;
    case 'eni_gone': return 'ENIはもう存在しません';
    case 'not_journal': return 'タグが natmigrate のジャーナルとして完全ではありません（ジャーナル導入前のENIか、手で編集されたもの）';
    case 'other_deployment': return `別のデプロイ（${s.deployment}）が作ったものです`;
    case 'table_busy': return `転送テーブル ${s.table} は使用中です（ジョブがロックを保持しています）`;
    case 'reads_differed':
      return `直前の書き込みが読み取りに反映された後、クラウドの状態が変わっていました（最初: ${situationText(s.first)}、次: ${situationText(s.then)}）`;
    case 'restore_asked': return `${s.by} が復元を求めました（${situationText(s.before)}）`;
  }
}

function requestText(p: RequestProblem): string {
  if ('kind' in p) return parserJa.idProblemText({ problem: p });
  switch (p.problem) {
    case 'not_scan_target': return `\`${p.shown}\` はNATゲートウェイIDでもVPC IDでもありません`;
    case 'not_batch_targets':
      return p.shown.length ? `NATゲートウェイ、VPC、インスタンスのいずれのIDでもありません: ${p.shown.join('、')}` : '対象のIDが指定されていません';
    case 'unavailable': return p.what === 'scans' ? 'このデプロイではスキャンを利用できません' : 'このデプロイではバッチ移行を利用できません';
  }
}

export const ja: SameMessages<typeof En> = {
  requestProblemText: (p) => requestText(p.problem),
  stepFailureText: (p) => failureText(p.text),
  serviceAnswerText: (p) => answerText(p.answer),
  reconcileSituation: (p) => situationText(p.situation),
};
