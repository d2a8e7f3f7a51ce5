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
import type { EntryFact, ReconcileSituation } from './job-text.ts';

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
  | { kind: 'leave'; situation: ReconcileSituation }
  /** Something is still changing: look again at the next pass. */
  | { kind: 'wait'; situation: ReconcileSituation }
  /** The EIP maps to the ENI on the instance: verify, then report migrated (a failed check restores). */
  | { kind: 'verify_migrated'; situation: ReconcileSituation }
  /** Put the original mapping back (moving the ENI's entry back, or creating it from the tags), then remove the ENI. */
  | { kind: 'restore'; situation: ReconcileSituation }
  /** The original mapping is in place: only the staged ENI is left over. */
  | { kind: 'remove_eni'; situation: ReconcileSituation }
  /** A person decides: the situation goes to the job's thread with a Restore button. */
  | { kind: 'ask'; situation: ReconcileSituation };

const TRANSITIONAL_ENI = ['Attaching', 'Detaching', 'Deleting', 'CreateFailed'];
const settled = (e: DnatEntry) => hasStatus(e, 'Available');

export function decideReconcile(i: ReconcileInput): ReconcileAction {
  const { journal: j, eni } = i;
  if (i.job.state === 'active') return { kind: 'leave', situation: { code: 'job_running', job: j.jobId } };
  if (TRANSITIONAL_ENI.some((s) => hasStatus(eni, s))) return { kind: 'wait', situation: { code: 'eni_changing', eni: eni.networkInterfaceId, status: eni.status } };
  const busy = i.entriesOnEip.filter((e) => !settled(e));
  if (busy.length) return { kind: 'wait', situation: { code: 'dnat_changing', entries: busy.map((e) => ({ entry: e.forwardEntryId, status: e.status })) } };

  const o = j.original;
  const toEni = i.entriesOnEip.filter((e) => e.internalIp === eni.privateIp);
  const toOriginal = i.entriesOnEip.filter((e) => e.internalIp === o.internalIp);
  const foreign = i.entriesOnEip.filter((e) => e.internalIp !== eni.privateIp && e.internalIp !== o.internalIp);
  const onInstance = hasStatus(eni, 'InUse') && eni.instanceId === j.instanceId;
  const eip = o.externalIp;
  const job = j.jobId;

  if (i.job.state === 'finished') {
    const outcome = i.job.outcome;
    const migrated = outcome === 'migrated' || outcome === 'verify_failed';
    if (migrated && toEni.length && !toOriginal.length && !foreign.length) return { kind: 'leave', situation: { code: 'ended_as_shown', job, outcome } };
    if (!migrated && toOriginal.length && !toEni.length && !foreign.length) {
      return { kind: 'remove_eni', situation: { code: 'ended_left_eni', job, outcome, eni: eni.networkInterfaceId } };
    }
    return { kind: 'ask', situation: { code: 'ended_but_maps', job, outcome, eip, targets: facts(i.entriesOnEip) } };
  }

  // Redis forgot the job: the cloud alone says how far it got.
  if (foreign.length) return { kind: 'ask', situation: { code: 'foreign_mapping', job, eip, targets: facts(foreign) } };
  if (toEni.length && toOriginal.length) return { kind: 'ask', situation: { code: 'maps_both', eip, originalIp: o.internalIp } };
  if (toEni.length) {
    return onInstance
      ? { kind: 'verify_migrated', situation: { code: 'maps_to_eni', eip, eni: eni.networkInterfaceId, eniIp: eni.privateIp, instance: j.instanceId } }
      : { kind: 'restore', situation: { code: 'eni_detached', eip, eni: eni.networkInterfaceId, instance: j.instanceId } };
  }
  if (toOriginal.length) return { kind: 'remove_eni', situation: { code: 'still_original', eip, originalIp: o.internalIp } };
  return { kind: 'restore', situation: { code: 'maps_nothing', eip } };
}

function facts(es: readonly DnatEntry[]): EntryFact[] {
  return es.map((e) => ({ ip: e.internalIp, entry: e.forwardEntryId }));
}
