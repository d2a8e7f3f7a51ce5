import type { RequestProblem } from '../domain/request-problem.ts';
import { problemOf } from '../engine/bad-request.ts';
import { msg } from '../i18n/catalog.ts';
import type { Lang } from '../i18n/lang.ts';
import { esc } from './mrkdwn.ts';

/**
 * Why the service did not take a request, escaped for mrkdwn: what is wrong in the reader's language when the service
 * gave it as facts (an unconfigured region, a malformed id, a wrong target, scans not run here), else the service's English as data.
 */
export function refusedBecause(err: unknown, lang: Lang): string {
  const problem = problemOf(err);
  if (problem) return esc(msg(lang).requestProblemText({ problem }));
  return esc(err instanceof Error ? err.message : String(err));
}

/** The same for a refusal the service returned: its facts, else its English message. */
export function refusalText(r: { message: string; problem?: RequestProblem }, lang: Lang): string {
  return r.problem ? esc(msg(lang).requestProblemText({ problem: r.problem })) : esc(r.message);
}
