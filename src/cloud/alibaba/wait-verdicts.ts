// How a waiter reads each state it polls: done, failed for good, or still on the way. Stateful per wait (what was
// seen earlier changes what a later state means), pure otherwise.
import type { DnatEntry, InvocationResult, NetworkInterface } from '../../domain/cloud-types.ts';
import type { Verdict } from './waiters.ts';

/** ENI to reach `target`. "Available after an attach means the attach failed" (AttachNetworkInterface SDK remark). */
export function eniJudge(target: 'InUse' | 'Available' | 'Gone', o: { attachRequested: boolean; expectInstance?: string }) {
  const { attachRequested, expectInstance } = o;
  let seenTransition = false;
  return (eni: NetworkInterface | undefined): Verdict<NetworkInterface | undefined> => {
    const state = eni ? `${eni.status}${eni.instanceId ? ` on ${eni.instanceId}` : ''}` : 'gone';
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
        // Documented: Available after an attach means the attach failed.
        if (eni.status === 'Available' && (seenTransition || attachRequested)) {
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

/**
 * DNAT entry to be Available (after a create or a modify) or gone (after a delete). After a modify, Available counts
 * only with the new InternalIp: a read that still shows the old one is the moment before the change was listed.
 */
export function dnatJudge(target: 'Available' | 'Gone', expectInternalIp?: string) {
  let seen = false;
  let seenDeleting = false;
  let missing = 0;
  return (entry: DnatEntry | undefined): Verdict<DnatEntry | undefined> => {
    const state = entry ? entry.status : 'not listed';
    if (target === 'Gone') {
      if (!entry) return { kind: 'done', value: undefined };
      if (entry.status === 'Deleting') seenDeleting = true;
      if (entry.status === 'Available' && seenDeleting) return { kind: 'failed', why: 'the delete failed (the entry is Available again)' };
      return { kind: 'pending', state };
    }
    if (!entry) {
      missing++;
      // Listed right after the create (Pending). Vanishing later, or never showing up, means the create failed.
      if (seen) return { kind: 'failed', why: 'the entry disappeared before it became Available' };
      if (missing >= 3) return { kind: 'failed', why: 'the entry never appeared in its forward table' };
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
