// What the engine says about a job, as codes with typed facts instead of English sentences: why a job ended the way
// it did (a failed step, a cancel, a rejection…) and its one-line outcome summary. The message catalog
// (src/i18n/messages/outcome.*.ts) words them in each language; the English rendering the engine stores next to them
// (records, logs, CLI) comes from the same catalog. Identifiers, codes and cloud error messages stay data.

/** One reason a job left its happy path; a job that failed again while undoing carries several, first one first. */
export type JobReason =
  /** A step failed: its name (src/domain/steps.ts), the error code and the cloud's (or our) message as data. */
  | { code: 'step_failed'; step: string; error: string; message?: string }
  | { code: 'cancelled'; by: string }
  | { code: 'rejected'; by: string[] }
  | { code: 'expired'; before: string }
  | { code: 'verify_failed'; problems: VerifyProblems; autoRollbackOff: boolean }
  | { code: 'original_unverified'; problems: VerifyProblems }
  /** Refused by the pre-flight: the refusal code and its English sentence (kept for logs; shown as data). */
  | { code: 'refused'; refusal: string; message: string }
  /** Why a rollback restores: the migration it undoes. */
  | { code: 'rollback_of'; job: string }
  /** A reason written as English text before reasons were codes (an older journal or record): shown as data. */
  | { code: 'text'; text: string };

/** What a verification found wrong: the probes' own error text (data) and the ports that stopped answering. */
export interface VerifyProblems { ssh?: string; egress?: string; lostPorts?: number[] }

/** A mapping as `EIP → private IP`. */
export interface MappingFacts { eip: string; originalIp: string }

/** A finished job's summary: the outcome and the facts its sentence needs. */
export type OutcomeText =
  | { outcome: 'migrated'; instanceId: string; eip: string; eniId: string; eniIp: string; egress: string[] }
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
