import type { RequestProblem } from '../domain/request-problem.ts';
import { msg } from '../i18n/catalog.ts';

/**
 * A request the service cannot take as given (an unconfigured region, a malformed id, a scan target of the wrong
 * kind, scans this deployment does not run): what is wrong is a fact a
 * front end words in its reader's language; the message is its English (logs, the CLI).
 */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
  constructor(readonly problem: RequestProblem) {
    super(msg('en').requestProblemText({ problem }));
  }
}

/** The facts of a refused request, when the error carries them (the service's own refusals do). */
export function problemOf(err: unknown): RequestProblem | undefined {
  const p = (err as { problem?: unknown } | null)?.problem;
  return p && typeof p === 'object' && 'problem' in p ? (p as RequestProblem) : undefined;
}
