// The service's answers to cancel and rollback, from their codes (src/domain/job-text.ts ServiceAnswer). Plain text:
// the caller escapes it. The engine keeps this English as the answer's `message` (logs, CLI).
import type { ServiceAnswer } from '../../domain/job-text.ts';

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
  }
}

export const en = {
  /** The service's answer to cancel or rollback, in plain text. */
  serviceAnswerText: (p: { answer: ServiceAnswer }) => answerText(p.answer),
};
