import { regionProblem, type IdProblem } from '../domain/ids.ts';
import { msg } from '../i18n/catalog.ts';

/** What is wrong with `regionId` here (malformed, or no cloud configured for it), as facts; undefined when it can be used. */
export function regionProblemHere(regionId: string, configured: readonly string[] | undefined): IdProblem | undefined {
  const bad = regionProblem(regionId);
  if (bad) return bad;
  if (configured && !configured.includes(regionId)) return { problem: 'not_configured', kind: 'region', shown: regionId, configured: [...configured] };
  return undefined;
}

/** The same in English (logs, records, the CLI, and errors that are data). */
export function explainRegion(regionId: string, configured: readonly string[] | undefined): string | undefined {
  const bad = regionProblemHere(regionId, configured);
  return bad && msg('en').idProblemText({ problem: bad });
}
