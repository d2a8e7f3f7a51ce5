/** How fast the outbox calls Slack (see pacing.ts for the sources): posts per channel, edits per workspace. */

export interface PaceRule {
  perSecond: number;
  burst: number;
}

export interface Pacing {
  post: PaceRule;
  update: PaceRule;
}

export const DEFAULT_PACING: Pacing = {
  post: { perSecond: 1, burst: 3 },
  update: { perSecond: 40 / 60, burst: 5 },
};

/** The same pacing `scale` times as fast (bursts unchanged), for a workspace whose limits run that much faster. */
export function scaledPacing(p: Pacing, scale: number): Pacing {
  if (scale === 1) return p;
  return { post: { ...p.post, perSecond: p.post.perSecond * scale }, update: { ...p.update, perSecond: p.update.perSecond * scale } };
}
