// What reconcile does with one natmigrate-tagged ENI, given the cloud now and what Redis still knows of its job.
// Pure: the engine (src/engine/reconcile/) reads the state and carries the decision out.
//
// The rule of thumb: a job a worker still owns is left alone; anything that is still changing is looked at again
// later; a job Redis forgot is brought to an end the cloud can prove: migrated (the EIP maps to the ENI, attached
// to the instance, then verified) or restored (the original mapping back from the tags, the ENI removed). When the
// EIP maps to something neither the job nor its original made, a person decides (the thread gets a Restore button).
import type { CloudJournal } from './cloud-journal.ts';
import type { DnatEntry, NetworkInterface } from './cloud-types.ts';
import { hasStatus } from './dnat.ts';
import type { JobOutcome } from './events.ts';

export type JobKnowledge =
  | { state: 'active' }
  | { state: 'finished'; outcome: JobOutcome }
  | { state: 'unknown' };

export interface ReconcileInput {
  journal: CloudJournal;
  eni: Pick<NetworkInterface, 'networkInterfaceId' | 'status' | 'instanceId' | 'privateIp'>;
  /** Every DNAT entry on the journal's EIP in its forward table, now. */
  entriesOnEip: DnatEntry[];
  job: JobKnowledge;
}

export type ReconcileAction =
  /** A worker owns the job, or it ended as the cloud shows. */
  | { kind: 'leave'; why: string }
  /** Something is still changing: look again at the next pass. */
  | { kind: 'wait'; why: string }
  /** The EIP maps to the ENI on the instance: verify, then report migrated (a failed check restores). */
  | { kind: 'verify_migrated'; why: string }
  /** Put the original mapping back (moving the ENI's entry back, or creating it from the tags), then remove the ENI. */
  | { kind: 'restore'; why: string }
  /** The original mapping is in place: only the staged ENI is left over. */
  | { kind: 'remove_eni'; why: string }
  /** A person decides: the situation goes to the job's thread with a Restore button. */
  | { kind: 'ask'; why: string };

const TRANSITIONAL_ENI = ['Attaching', 'Detaching', 'Deleting', 'CreateFailed'];
const settled = (e: DnatEntry) => hasStatus(e, 'Available');

export function decideReconcile(i: ReconcileInput): ReconcileAction {
  const { journal: j, eni } = i;
  if (i.job.state === 'active') return { kind: 'leave', why: `job ${j.jobId} is still running; its worker owns it` };
  if (TRANSITIONAL_ENI.some((s) => hasStatus(eni, s))) return { kind: 'wait', why: `ENI ${eni.networkInterfaceId} is ${eni.status}` };
  const busy = i.entriesOnEip.filter((e) => !settled(e));
  if (busy.length) return { kind: 'wait', why: `DNAT ${busy.map((e) => `${e.forwardEntryId} is ${e.status}`).join(', ')}` };

  const o = j.original;
  const toEni = i.entriesOnEip.filter((e) => e.internalIp === eni.privateIp);
  const toOriginal = i.entriesOnEip.filter((e) => e.internalIp === o.internalIp);
  const foreign = i.entriesOnEip.filter((e) => e.internalIp !== eni.privateIp && e.internalIp !== o.internalIp);
  const onInstance = hasStatus(eni, 'InUse') && eni.instanceId === j.instanceId;
  const eip = `EIP ${o.externalIp}`;

  if (i.job.state === 'finished') {
    const migrated = i.job.outcome === 'migrated' || i.job.outcome === 'verify_failed';
    if (migrated && toEni.length && !toOriginal.length && !foreign.length) return { kind: 'leave', why: `job ${j.jobId} ended ${i.job.outcome}, as the cloud shows` };
    if (!migrated && toOriginal.length && !toEni.length && !foreign.length) {
      return { kind: 'remove_eni', why: `job ${j.jobId} ended ${i.job.outcome} but left its ENI ${eni.networkInterfaceId}` };
    }
    return { kind: 'ask', why: `job ${j.jobId} ended ${i.job.outcome}, but ${eip} now maps to ${describe(i.entriesOnEip)}` };
  }

  // Redis forgot the job: the cloud alone says how far it got.
  if (foreign.length) return { kind: 'ask', why: `${eip} maps to ${describe(foreign)}, which neither job ${j.jobId} nor its original made` };
  if (toEni.length && toOriginal.length) return { kind: 'ask', why: `${eip} maps both to the ENI and to the original ${o.internalIp}` };
  if (toEni.length) {
    return onInstance
      ? { kind: 'verify_migrated', why: `${eip} already maps to ENI ${eni.networkInterfaceId} (${eni.privateIp}) on ${j.instanceId}` }
      : { kind: 'restore', why: `${eip} maps to ENI ${eni.networkInterfaceId}, which is not attached to ${j.instanceId}` };
  }
  if (toOriginal.length) return { kind: 'remove_eni', why: `${eip} still maps to the original ${o.internalIp}: the cutover never happened or was undone` };
  return { kind: 'restore', why: `${eip} maps to nothing: the job stopped between the delete and the create` };
}

function describe(es: readonly DnatEntry[]): string {
  return es.length ? es.map((e) => `${e.internalIp} (${e.forwardEntryId})`).join(', ') : 'nothing';
}
