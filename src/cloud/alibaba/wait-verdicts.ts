// How a waiter reads each state it polls: done, failed for good, or still on the way. Stateful per wait (what was
// seen earlier changes what a later state means), pure otherwise.
import type { DnatEntry, InvocationResult, NetworkInterface } from '../../domain/cloud-types.ts';
import type { Verdict } from './waiters.ts';

/**
 * Reads are eventually consistent (terraform and terway wait through stale reads): a state that contradicts the
 * write just made counts only once it has been read this many times in a row without the expected transition, and
 * the wait has lasted the schedule's staleGraceMs.
 */
const STALE_READS = 3;

/** ENI to reach `target`. "Available after an attach means the attach failed" (AttachNetworkInterface SDK remark). */
export function eniJudge(target: 'InUse' | 'Available' | 'Gone', o: { attachRequested: boolean; expectInstance?: string; staleGraceMs?: number }) {
  const { attachRequested, expectInstance } = o;
  const grace = o.staleGraceMs ?? 0;
  let seenTransition = false;
  let seen = false;
  let unlisted = 0;
  let stillAvailable = 0;
  return (eni: NetworkInterface | undefined, _index = 0, elapsedMs = Infinity): Verdict<NetworkInterface | undefined> => {
    const state = eni ? `${eni.status}${eni.instanceId ? ` on ${eni.instanceId}` : ''}` : 'gone';
    const stale = (n: number) => n >= STALE_READS && elapsedMs >= grace;
    // A new ENI may not be listed yet: "gone" means gone once it was seen, or after a few reads.
    if (!eni && target !== 'Gone' && !seen && !stale(++unlisted)) return { kind: 'pending', state: 'not listed yet' };
    if (eni) seen = true;
    switch (target) {
      case 'InUse':
        if (!eni) return { kind: 'failed', why: 'the ENI no longer exists' };
        if (eni.status === 'InUse') {
          if (expectInstance && eni.instanceId && eni.instanceId !== expectInstance) {
            return { kind: 'failed', why: `the ENI is attached to ${eni.instanceId}, not ${expectInstance}` };
          }
          return { kind: 'done', value: eni };
        }
        if (eni.status === 'Attaching') seenTransition = true;
        // Documented: Available after an attach means the attach failed. Right after the attach a read may still
        // show the Available of before: that counts only after Attaching was seen, or after a few reads.
        if (eni.status === 'Available' && (seenTransition || (attachRequested && stale(++stillAvailable)))) {
          return { kind: 'failed', why: 'the attach failed (the ENI went back to Available)' };
        }
        return { kind: 'pending', state };
      case 'Available':
        if (!eni) return { kind: 'failed', why: 'the ENI no longer exists' };
        if (eni.status === 'Available') return { kind: 'done', value: eni };
        if (eni.status === 'Detaching') seenTransition = true;
        if (eni.status === 'InUse' && seenTransition) return { kind: 'failed', why: 'the detach failed (the ENI went back to InUse)' };
        return { kind: 'pending', state };
      case 'Gone':
        if (!eni) return { kind: 'done', value: undefined };
        if (eni.status === 'Deleting') seenTransition = true;
        if (eni.status === 'Available' && seenTransition) return { kind: 'failed', why: 'the delete failed (the ENI went back to Available)' };
        return { kind: 'pending', state };
    }
  };
}

/** Reads of a just-created DNAT entry that may come back without it before the waiter calls the create failed. */
const NEVER_LISTED_READS = 10;

/**
 * DNAT entry to be Available (after a create or a modify) or gone (after a delete). After a modify, Available counts
 * only with the new InternalIp: a read that still shows the old one is the moment before the change was listed.
 */
export function dnatJudge(target: 'Available' | 'Gone', expectInternalIp?: string, staleGraceMs = 0) {
  let seen = false;
  let seenDeleting = false;
  let missing = 0;
  return (entry: DnatEntry | undefined, _index = 0, elapsedMs = Infinity): Verdict<DnatEntry | undefined> => {
    const state = entry ? entry.status : 'not listed';
    if (target === 'Gone') {
      if (!entry) return { kind: 'done', value: undefined };
      if (entry.status === 'Deleting') seenDeleting = true;
      if (entry.status === 'Available' && seenDeleting) return { kind: 'failed', why: 'the delete failed (the entry is Available again)' };
      return { kind: 'pending', state };
    }
    if (!entry) {
      missing++;
      // Vanishing after it was listed means the create failed. A new entry may take a while to be listed at all
      // (eventual consistency): "never appeared" only after many reads, not three.
      if (seen) return { kind: 'failed', why: 'the entry disappeared before it became Available' };
      if (missing >= NEVER_LISTED_READS && elapsedMs >= staleGraceMs) return { kind: 'failed', why: `the entry was not listed in its forward table in ${missing} reads` };
      return { kind: 'pending', state };
    }
    seen = true;
    if (entry.status === 'Available' && (expectInternalIp === undefined || entry.internalIp === expectInternalIp)) return { kind: 'done', value: entry };
    return { kind: 'pending', state: entry.status === 'Available' ? `Available on ${entry.internalIp}` : state };
  };
}

const TERMINAL_INVOCATION = new Set(['Success', 'Failed', 'Error', 'Timeout', 'Cancelled', 'Terminated', 'Invalid', 'Aborted']);

/** A Cloud Assistant invocation on one instance, until a terminal InvocationStatus (DescribeInvocationResults). */
export function invocationVerdict(r: InvocationResult | undefined): Verdict<InvocationResult> {
  if (!r) return { kind: 'pending', state: 'not listed yet' };
  if (TERMINAL_INVOCATION.has(r.status)) return { kind: 'done', value: r };
  return { kind: 'pending', state: r.status || 'unknown' };
}
