// The service's answers to cancel and rollback, from their codes (src/domain/job-text.ts ServiceAnswer). Plain text:
// the caller escapes it. The engine keeps this English as the answer's `message` (logs, CLI).
import type { EntryFact, ReconcileSituation, ServiceAnswer, StepFailureText } from '../../domain/job-text.ts';
import type { RequestProblem } from '../../domain/request-problem.ts';
import { en as parserEn } from './parser.en.ts';

const EFFECT = {
  restore: 'the original DNAT mapping will be restored and the ENI removed (no second approval: it returns to the approved starting point)',
  undoing: 'it is already undoing its changes; the cancel changes nothing',
  rollback_stops: 'the rollback stops before changing anything',
  unstage: 'the staged ENI will be removed; the DNAT mapping is not touched',
} as const;

function answerText(a: ServiceAnswer): string {
  switch (a.answer) {
    case 'no_job': return `No job ${a.job}.`;
    case 'not_cancellable': return a.kind === 'preview' ? `${a.job} is a plan only; there is nothing to cancel.` : `${a.job} is a ${a.kind}; there is nothing to cancel.`;
    case 'already_finished':
      return `${a.job} already finished (${a.outcome ?? 'done'}); nothing to cancel.${a.batch ? ' Roll back its migrations one by one if needed.' : ''}`;
    case 'finished_so_rollback': return `${a.job} already finished (${a.outcome}); cancelling it now means rolling it back. ${answerText(a.then)}`;
    case 'already_cancelling': return `${a.job} is already being cancelled.`;
    case 'cancelling': return `Cancelling ${a.job} (${a.state}): ${EFFECT[a.effect]}.`;
    case 'cancelling_batch':
      return `Cancelling batch ${a.job}: nothing more is released; every child job is cancelled (before its cutover: staging undone; during it: its original mapping restored). Migrations already verified stay.`;
    case 'not_migration': return `${a.job} is not a migration.`;
    case 'not_rollbackable':
      return `${a.job} is ${a.outcome !== undefined ? `finished as ${a.outcome}` : a.state}; only a migrated (or verify_failed) migration can be rolled back.`;
    case 'no_original': return `${a.job} has no saved original entry to restore.`;
    case 'rollback_running': return `Rollback ${a.rollback} of ${a.job} is already running.`;
    case 'already_rolled_back': return `${a.job} was already rolled back by ${a.rollback}.`;
    case 'instance_busy': return `Instance ${a.instance} has an active job ${a.holder}; try again when it is done.`;
    case 'rollback_queued': return `Rollback ${a.rollback} of ${a.job} queued; it needs an approval before it changes anything.`;
    // The restore answers go inside restoreDone / restoreFailed: no closing full stop.
    case 'restored_from_tags': return `restored the original mapping and removed ${a.eni}`;
    case 'restore_bad_request': return a.problem ? parserEn.idProblemText({ problem: a.problem }) : `region ${a.region} or ENI ${a.eni} is not valid here`;
    case 'restore_unavailable': return 'this process cannot restore from the cloud journal';
    case 'restore_eni_gone': return `ENI ${a.eni} does not exist (any more)`;
    case 'not_restored': return `${a.result}: ${a.situation ? situationText(a.situation) : a.why}`;
  }
}

function failureText(f: StepFailureText): string {
  switch (f.failure) {
    case 'nat_gateway_not_found': return `NAT gateway ${f.gateway} was not found in region ${f.region}; check the id and the --region.`;
    case 'bad_target': return `${f.target} is neither a NAT gateway id nor a VPC id`;
    case 'plan_gone': return `the plan of ${f.instance} is gone`;
    case 'table_lock_lost': return `lost the lock of forward table ${f.table ?? '(none held)'}; not writing${f.what ? ` ${f.what}` : ''}`;
    case 'journal_incomplete':
      return f.missing === 'plan' ? 'the journal has no plan' : f.missing === 'forward_table' ? 'no forward table in the journal' : 'the journal has no ENI private IP';
    case 'cancelled': return `cancelled by ${f.by}`;
    case 'no_power_api': return 'this cloud adapter cannot stop or start instances';
    case 'interrupted': return 'worker shutting down; the step will be re-run';
    case 'instance_missing': return `instance ${f.instance} no longer exists`;
    case 'instance_not_running': return `instance ${f.instance} is ${f.status}, not Running; it was not stopped`;
    case 'entry_not_as_approved': return `DNAT entry ${f.entry} is ${f.status ?? 'gone'} since the approval; not cutting over`;
    case 'entry_changed': return `DNAT entry ${f.entry} changed since the approval; not cutting over`;
    case 'entry_maps_elsewhere': return `DNAT entry ${f.entry} maps to ${f.ip}, neither ${f.original} nor the ENI; not cutting over`;
    case 'entry_not_ours': return `DNAT entry ${f.entry} maps to ${f.ip}, not to this job's ENI (${f.eniIp ?? 'none'}); not moving it`;
    case 'eip_in_use': return `EIP ${f.eip} is used by ${f.entries.join(', ')}; cannot recreate the original mapping`;
    case 'eni_missing': return `ENI ${f.eni} no longer exists`;
    case 'eni_busy':
      return f.doing === 'delete' ? `ENI ${f.eni} is ${f.status}; cannot delete it` : `ENI ${f.eni} is ${f.status}${f.instance ? ` on ${f.instance}` : ''}, cannot attach it`;
    case 'eni_unconfigurable': return `ENI ${f.eni} has no MAC/IP to configure`;
    case 'vswitch_missing': return `vSwitch ${f.vswitch} not found`;
    case 'guest_config_failed':
      return `configuring the NIC in the ${f.windows ? 'Windows guest' : 'guest'} ended ${f.status}${f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ''}: ${f.output}`;
    case 'windows_config_missing': return `the Windows NIC configuration is not in place: ${f.problems.join('; ')}`;
    case 'no_migration': return `migration ${f.job} has no saved original entry to restore`;
  }
}


const targetsEn = (ts: readonly EntryFact[]) => (ts.length ? ts.map((t) => `${t.ip} (${t.entry})`).join(', ') : 'nothing');

/** Why reconcile decided what it did (src/domain/reconcile-decision.ts). */
function situationText(s: ReconcileSituation): string {
  switch (s.code) {
    case 'job_running': return `job ${s.job} is still running; its worker owns it`;
    case 'eni_changing': return `ENI ${s.eni} is ${s.status}`;
    case 'dnat_changing': return `DNAT ${s.entries.map((e) => `${e.entry} is ${e.status}`).join(', ')}`;
    case 'ended_as_shown': return `job ${s.job} ended ${s.outcome}, as the cloud shows`;
    case 'ended_left_eni': return `job ${s.job} ended ${s.outcome} but left its ENI ${s.eni}`;
    case 'ended_but_maps': return `job ${s.job} ended ${s.outcome}, but EIP ${s.eip} now maps to ${targetsEn(s.targets)}`;
    case 'foreign_mapping': return `EIP ${s.eip} maps to ${targetsEn(s.targets)}, which neither job ${s.job} nor its original made`;
    case 'maps_both': return `EIP ${s.eip} maps both to the ENI and to the original ${s.originalIp}`;
    case 'maps_to_eni': return `EIP ${s.eip} already maps to ENI ${s.eni} (${s.eniIp}) on ${s.instance}`;
    case 'eni_detached': return `EIP ${s.eip} maps to ENI ${s.eni}, which is not attached to ${s.instance}`;
    case 'still_original': return `EIP ${s.eip} still maps to the original ${s.originalIp}: the cutover never happened or was undone`;
    case 'maps_nothing': return `EIP ${s.eip} maps to nothing: the job stopped between the delete and the create`;
    case 'eni_gone': return 'the ENI is gone';
    case 'not_journal': return 'its tags are not a complete natmigrate journal (an ENI from before the journal, or edited by hand)';
    case 'other_deployment': return `made by another deployment (${s.deployment})`;
    case 'table_busy': return `forward table ${s.table} is busy (a job holds its lock)`;
    case 'reads_differed':
      return `the cloud read differently once the reads caught up with the last writes (first: ${situationText(s.first)}; then: ${situationText(s.then)})`;
    case 'restore_asked': return `restore asked for by ${s.by} (${situationText(s.before)})`;
  }
}

function requestText(p: RequestProblem): string {
  if ('kind' in p) return parserEn.idProblemText({ problem: p });
  switch (p.problem) {
    case 'not_scan_target': return `\`${p.shown}\` is neither a NAT gateway id nor a VPC id`;
    case 'not_batch_targets': return `not NAT gateway, VPC or instance ids: ${p.shown.join(', ') || '(none given)'}`;
    case 'unavailable': return `${p.what} are not available in this deployment`;
  }
}

export const en = {
  /** Why the service did not take a request (BadRequestError, a refused batch), in plain text. */
  requestProblemText: (p: { problem: RequestProblem }) => requestText(p.problem),
  /** Why one of the engine's own checks stopped a step, in plain text (the caller escapes it). */
  stepFailureText: (p: { text: StepFailureText }) => failureText(p.text),
  /** The service's answer to cancel or rollback, in plain text. */
  serviceAnswerText: (p: { answer: ServiceAnswer }) => answerText(p.answer),
  /** Why reconcile decided what it did, in plain text. */
  reconcileSituation: (p: { situation: ReconcileSituation }) => situationText(p.situation),
};
