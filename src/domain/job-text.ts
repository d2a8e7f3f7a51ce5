// What the engine says about a job, as codes with typed facts instead of English sentences: why a job ended the way
// it did (a failed step, a cancel, a rejection…) and its one-line outcome summary. The message catalog
// (src/i18n/messages/outcome.*.ts) words them in each language; the English rendering the engine stores next to them
// (records, logs, CLI) comes from the same catalog. Identifiers, codes and cloud error messages stay data.
import type { IdProblem } from './ids.ts';

/** Final states of a job, as users see them. */
export type JobOutcome =
  | 'migrated'        // cutover done and verified
  | 'verify_failed'   // cutover done, verification failed, not rolled back
  | 'refused'         // pre-flight said no; nothing changed
  | 'rejected'        // an approver said no; staging undone
  | 'expired'         // nobody decided in time; staging undone
  | 'cancelled'       // cancelled; staging undone or rolled back
  | 'restored'        // cutover failed or verification failed; original mapping restored
  | 'rolled_back'     // rollback requested and done
  | 'failed';         // something could not be completed automatically; see the error and the thread

/** One reason a job left its happy path; a job that failed again while undoing carries several, first one first. */
export type JobReason =
  /** A step failed: its name (src/domain/steps.ts), the error code and the cloud's (or our) message as data. */
  | { code: 'step_failed'; step: string; error: string; message?: string; text?: StepFailureText }
  | { code: 'cancelled'; by: string }
  | { code: 'rejected'; by: string[] }
  | { code: 'expired'; before: string }
  | { code: 'verify_failed'; problems: VerifyProblems; autoRollbackOff: boolean }
  | { code: 'original_unverified'; problems: VerifyProblems }
  /** Refused by the pre-flight: the refusal code and its English sentence (kept for logs; shown as data). */
  | { code: 'refused'; refusal: string; message: string }
  /** Reconcile restored from the ENI's tags; `lost`: Redis had forgotten the job; `verify`: the failed check's own text (data). */
  | { code: 'reconcile'; situation: ReconcileSituation; lost: boolean; verify?: string }
  /** Why a rollback restores: the migration it undoes. */
  | { code: 'rollback_of'; job: string }
  /** A batch stopped because one of its instances did not migrate (`outcome` absent: another job held it). */
  | { code: 'child_failed'; instanceId: string; canary: boolean; outcome?: JobOutcome; text?: OutcomeText; summary?: string }
  /** A reason written as English text before reasons were codes (an older journal or record): shown as data. */
  | { code: 'text'; text: string };

/** What a verification found wrong: the probes' own error text (data) and the ports that stopped answering. */
export interface VerifyProblems { ssh?: string; egress?: string; lostPorts?: number[] }

/** A mapping as `EIP → private IP`. */
export interface MappingFacts { eip: string; originalIp: string }

/** A finished job's summary: the outcome and the facts its sentence needs. */
export type OutcomeText =
  /** `reconciled`: Redis had lost the job and reconcile found it cut over (the situation) and verified it. */
  | { outcome: 'migrated'; instanceId: string; eip: string; eniId: string; eniIp: string; egress: string[]; reconciled?: ReconcileSituation }
  | { outcome: 'refused'; reasons: JobReason[] }
  | { outcome: 'rejected' | 'expired'; reasons: JobReason[] }
  /** `restored`: set when the cutover had started and the original mapping was put back. */
  | { outcome: 'cancelled'; reasons: JobReason[]; restored?: MappingFacts }
  | { outcome: 'restored'; reasons: JobReason[]; mapping: MappingFacts }
  | { outcome: 'verify_failed'; reasons: JobReason[] }
  | { outcome: 'rolled_back'; migrationJobId: string; mapping: MappingFacts }
  /** `error`: the last step error when no reason was recorded. `recipe`: the restore request (JSON) when the mapping may be missing. */
  | { outcome: 'failed'; reasons: JobReason[]; error?: { code: string; message: string };
      mapping: { state: 'untouched' } | { state: 'in_place'; eip: string; originalIp: string } | { state: 'missing'; recipe: string } }
  /** Written by the engine outside the steps (a job the queue lost); `step` is where it was. */
  | { outcome: 'failed'; lost: { step: string; times: number } };

/** An instance the batch's pre-flight left out, with its refusal code. */
export interface SkippedFact { instanceId: string; code: string }

/** A finished batch's summary: what migrated, what was restored, what was left untouched. */
export type BatchText =
  | { batch: 'migrated'; count: number; canaries: string[]; skipped: SkippedFact[] }
  | { batch: 'not_approved'; outcome: 'rejected' | 'expired'; reason?: JobReason; untouched: string[]; skipped: SkippedFact[] }
  /** `failed`: instances released but not migrated (`outcome` absent: not claimed); `allRestored`: each of them is back on its mapping. */
  | { batch: 'stopped'; reason?: JobReason; done: string[]; failed: { instanceId: string; outcome?: JobOutcome }[]; allRestored: boolean; untouched: string[]; skipped: SkippedFact[] }
  | { batch: 'nothing'; targets: string[]; skipped: SkippedFact[] }
  /** No plan could be made; `message` is the cloud's (or the permission refusal's) text, shown as data. */
  | { batch: 'plan_failed'; message: string };

/** A read-only job's summary when it succeeded (a dry run, a scan): what it found; nothing changed. */
export type ReadOnlyText =
  | { readOnly: 'planned' }
  | { readOnly: 'scanned'; instances: number; needMigration: number; ready: number; refused: number };

/** What a `finished` event or a record's summary is about: one job, a batch or a read-only job. */
export type EngineSummary = OutcomeText | BatchText | ReadOnlyText;

/** The service's answer to cancel and rollback, as a code with facts (worded per reader; English for logs and the CLI). */
export type ServiceAnswer =
  | { answer: 'no_job'; job: string }
  /** A dry run, a scan, a drift sweep: `kind` is the record's kind. */
  | { answer: 'not_cancellable'; job: string; kind: string }
  | { answer: 'already_finished'; job: string; outcome?: string; batch?: boolean }
  /** Cancelling a finished migration is a rollback: `then` is the rollback's own answer. */
  | { answer: 'finished_so_rollback'; job: string; outcome: string; then: ServiceAnswer }
  | { answer: 'already_cancelling'; job: string }
  /** `effect`: what the cancel does from `state` on. */
  | { answer: 'cancelling'; job: string; state: string; effect: 'restore' | 'undoing' | 'rollback_stops' | 'unstage' }
  | { answer: 'cancelling_batch'; job: string }
  | { answer: 'not_migration'; job: string }
  | { answer: 'not_rollbackable'; job: string; state: string; outcome?: string }
  | { answer: 'no_original'; job: string }
  | { answer: 'rollback_running'; job: string; rollback: string }
  | { answer: 'already_rolled_back'; job: string; rollback: string }
  | { answer: 'instance_busy'; instance: string; holder: string }
  | { answer: 'rollback_queued'; job: string; rollback: string }
  /** Restore from the cloud journal (an ENI's tags), asked by the Restore button of a reconcile question. */
  | { answer: 'restored_from_tags'; eni: string }
  /** `problem`: what is wrong with the region or the ENI id (absent in answers from before it was a fact). */
  | { answer: 'restore_bad_request'; region: string; eni: string; problem?: IdProblem }
  | { answer: 'restore_unavailable' }
  | { answer: 'restore_eni_gone'; eni: string }
  /** Reconcile looked and did not restore: what it came to (`result`, a code or the cloud's error) and why (English data). */
  | { answer: 'not_restored'; eni: string; result: string; why: string; situation?: ReconcileSituation };

/**
 * Why one of the engine's own checks stopped a step (StepFailure; a cloud error is the cloud's text instead), as a
 * code with facts. The step error's `code` (Drift, Conflict, EniBusy…) stays as it is beside it.
 */
export type StepFailureText =
  | { failure: 'nat_gateway_not_found'; gateway: string; region: string }
  | { failure: 'bad_target'; target: string }
  | { failure: 'plan_gone'; instance: string }
  | { failure: 'table_lock_lost'; table?: string; what?: string }
  | { failure: 'journal_incomplete'; missing: 'plan' | 'forward_table' | 'eni_ip' }
  | { failure: 'cancelled'; by: string }
  | { failure: 'no_power_api' }
  /** The worker shut down mid-step; another worker re-runs it. */
  | { failure: 'interrupted' }
  | { failure: 'instance_missing'; instance: string }
  | { failure: 'instance_not_running'; instance: string; status: string }
  /** `status` absent: the entry is gone. */
  | { failure: 'entry_not_as_approved'; entry: string; status?: string }
  | { failure: 'entry_changed'; entry: string }
  | { failure: 'entry_maps_elsewhere'; entry: string; ip: string; original: string }
  | { failure: 'entry_not_ours'; entry: string; ip: string; eniIp?: string }
  | { failure: 'eip_in_use'; eip: string; entries: string[] }
  | { failure: 'eni_missing'; eni: string }
  | { failure: 'eni_busy'; eni: string; status: string; instance?: string; doing: 'attach' | 'delete' }
  | { failure: 'eni_unconfigurable'; eni: string }
  | { failure: 'vswitch_missing'; vswitch: string }
  /** `output`: what the guest printed (data). */
  | { failure: 'guest_config_failed'; windows: boolean; status: string; exitCode?: number; output: string }
  | { failure: 'windows_config_missing'; problems: string[] }
  | { failure: 'no_migration'; job: string };

/** Why the drift sweep reported an instance, as a code with facts (the alert's `reason` is its English, for logs). */
export type DriftReason =
  | { code: 'dnat_mapping'; eip: string; entry: string; others: string[] }
  | { code: 'own_public_ip'; ip: string; eip: boolean; expected: string[] }
  | { code: 'snat_elsewhere'; entry: string; scope: string; ips: string[]; expected: string[] }
  /** A migrated instance's SSH (or RDP) through its public IP no longer answers; `error`: the probe's own text. */
  | { code: 'not_answering'; probe: 'SSH' | 'RDP'; eip: string; port: number; eniIp: string; seconds: number; attempts: number; error?: string };

/** A DNAT entry as `internal IP (entry id)`. */
export interface EntryFact { ip: string; entry: string }

/**
 * Why reconcile decided what it did, as a code with facts: the message catalog (engine.*.ts reconcileSituation)
 * words it per reader, and its English is what the engine logs and stores. Identifiers and cloud states stay data.
 */
export type ReconcileSituation =
  | { code: 'job_running'; job: string }
  | { code: 'eni_changing'; eni: string; status: string }
  | { code: 'dnat_changing'; entries: { entry: string; status: string }[] }
  | { code: 'ended_as_shown'; job: string; outcome: JobOutcome }
  | { code: 'ended_left_eni'; job: string; outcome: JobOutcome; eni: string }
  | { code: 'ended_but_maps'; job: string; outcome: JobOutcome; eip: string; targets: EntryFact[] }
  | { code: 'foreign_mapping'; job: string; eip: string; targets: EntryFact[] }
  | { code: 'maps_both'; eip: string; originalIp: string }
  | { code: 'maps_to_eni'; eip: string; eni: string; eniIp: string; instance: string }
  | { code: 'eni_detached'; eip: string; eni: string; instance: string }
  | { code: 'still_original'; eip: string; originalIp: string }
  | { code: 'maps_nothing'; eip: string }
  /** Set by the engine (src/engine/reconcile/cloud-reconcile.ts), not by decideReconcile (src/domain/reconcile-decision.ts). */
  | { code: 'eni_gone' }
  /** The ENI's tags are not a complete natmigrate journal (set by the engine). */
  | { code: 'not_journal' }
  /** The ENI was made by another natmigrate deployment (set by the engine). */
  | { code: 'other_deployment'; deployment: string }
  /** A job holds the forward table's lock (set by the engine). */
  | { code: 'table_busy'; table: string }
  | { code: 'reads_differed'; first: ReconcileSituation; then: ReconcileSituation }
  | { code: 'restore_asked'; by: string; before: ReconcileSituation };
