// Where a fleet run's time goes beyond its floor, from the sandbox's request log: before the first cutover (planning,
// staging, the canary), the serialized cutovers (each modify's latency, then the time until the waiter's last read of
// that entry, then until the next modify), and after the last one (verification).
import type { RequestLog } from '../sandbox/index.ts';
import { round } from './stats.ts';

export interface FleetTimeline {
  /** Start → the first ModifyForwardEntry accepted. */
  headMs: number;
  /** The last modify's entry due Available → the last instance finished. */
  tailMs: number;
  /** Per cutover: entry due Available → the waiter's last read of it (stale reads and the poll gap). */
  detectMs: number;
  /** Per cutover: that read → the next ModifyForwardEntry (lock hand-over, the next job's steps). */
  handMs: number;
  /** Reads of the entry per cutover after its modify. */
  pollsPerCutover: number;
  /** Busy / throttling answers anywhere in the run, and the retries they cost. */
  transientAnswers: number;
}

export function fleetTimeline(reqs: readonly RequestLog[], t0: number, t1: number, modifyMs: number): FleetTimeline {
  const mods = reqs.filter((r) => r.action === 'ModifyForwardEntry' && r.code === 'OK');
  const detect: number[] = [];
  const hand: number[] = [];
  const polls: number[] = [];
  for (let i = 0; i < mods.length; i++) {
    const m = mods[i]!;
    const next = mods[i + 1];
    const id = m.params.ForwardEntryId;
    const reads = reqs.filter((r) => r.action === 'DescribeForwardTableEntries' && r.params.ForwardEntryId === id && r.at > m.at && (!next || r.at < next.at + 1000));
    polls.push(reads.length);
    const last = reads.filter((r) => !next || r.at <= next.at).at(-1);
    if (!last || !next) continue;
    detect.push(last.at - (m.at + modifyMs));
    hand.push(next.at - last.at);
  }
  const mean = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : Number.NaN);
  const first = mods[0]?.at ?? t1;
  const lastDue = (mods.at(-1)?.at ?? t1) + modifyMs;
  return {
    headMs: first - t0, tailMs: t1 - lastDue, detectMs: mean(detect), handMs: mean(hand), pollsPerCutover: mean(polls),
    transientAnswers: reqs.filter((r) => r.code !== 'OK').length,
  };
}
