import { regionProblem, type IdProblem } from '../domain/ids.ts';

/** What is wrong with `regionId` here (malformed, or no cloud configured for it), as facts; undefined when it can be used. */
export function regionProblemHere(regionId: string, configured: readonly string[] | undefined): IdProblem | undefined {
  const bad = regionProblem(regionId);
  if (bad) return bad;
  if (configured && !configured.includes(regionId)) return { problem: 'not_configured', kind: 'region', shown: regionId, configured: [...configured] };
  return undefined;
}
