import { explainBadRegion } from '../domain/ids.ts';

/** Why a submission cannot use `regionId` here (malformed, or no cloud configured for it); undefined when it can. */
export function explainRegion(regionId: string, configured: readonly string[] | undefined): string | undefined {
  const bad = explainBadRegion(regionId);
  if (bad) return bad;
  if (configured && !configured.includes(regionId)) {
    return `region \`${regionId}\` is not configured here (this deployment works in ${configured.join(', ')})`;
  }
  return undefined;
}
