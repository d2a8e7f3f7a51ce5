// Reads lag writes: Describe* answer as the cloud was a moment ago (the sandbox's staleReads rule; Alibaba's own lag
// is unconfirmed). Right after this job's own write (this run's, or from the journal a predecessor's), a read that
// shows the state from before that write proves nothing. An undo that would conclude "nothing to undo" or "already
// done" from such a read reads again until the write shows, or until it had writeVisibleWithinMs to show.
import { sleep } from '../../util/sleep.ts';
import type { StepContext } from './step-context.ts';

/** First gap between the reads again, and the most it grows to: cheap while the write is due to show any moment. */
const FIRST_GAP_MS = 25;
const MAX_GAP_MS = 1_000;

/**
 * How much longer a read may still predate this job's write `key` (StepContext.wrote, journaled, so a resumed run
 * knows it too): 0 when the job did not make that write (another job's) or made it long enough ago.
 */
export function lagLeft(s: StepContext, key: string): number {
  const since = s.sinceWrite(key);
  return since === undefined ? 0 : Math.max(0, s.opts.writeVisibleWithinMs - since);
}

/**
 * Reads again while `doubt` says the answer may predate a write of this run (the milliseconds the write may still
 * take to show; 0 once the answer shows it or the time is up); the last answer either way.
 */
export async function readWhileDoubtful<T>(s: StepContext, read: () => Promise<T>, doubt: (v: T) => number): Promise<T> {
  let v = await read();
  for (let gap = FIRST_GAP_MS, left = doubt(v); left > 0; gap = Math.min(MAX_GAP_MS, gap * 1.5), left = doubt(v)) {
    await sleep(Math.min(gap, left), s.signal);
    v = await read();
  }
  return v;
}
