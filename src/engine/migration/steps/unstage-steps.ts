// Undoing the staging: detach and delete every ENI this job made (found by its tag), after a rejection, an
// expiry, a cancel, a failure before the delete, a restore, or a rollback.
import { hasStatus } from '../../../domain/dnat.ts';
import { StepFailure } from '../../step-errors.ts';
import type { NetworkInterface } from '../../../domain/cloud-types.ts';
import { lagLeft, readWhileDoubtful } from '../read-lag.ts';
import { done, ENI_CREATED, eniAttached, type StepContext, type StepHandler } from '../step-context.ts';

/**
 * The ENI this job created, as it is once the reads caught up with what the job asked for. Reads may lag the writes
 * (a new ENI not listed yet, an attach still shown as Available): without this wait an undo right after staging would
 * see nothing to detach, or nothing at all, and leave the ENI attached. Undefined when it is gone or never settles.
 */
async function settledOwnEni(s: StepContext): Promise<NetworkInterface | undefined> {
  const id = s.j.eniId;
  if (!id || s.j.eniTagJobId) return undefined; // a rollback's ENI was staged long ago by its migration
  // An attach of this staging round only (since its last create_eni): a re-staged ENI is not the one an earlier
  // round attached, and a wait for an InUse nobody asked for lasts until the adapter gives up on the attach.
  // The record lists a step only once it ended: an attach sent by a run that died mid-step is known from the journal.
  const steps = (await s.deps.records.get(s.jobId))?.steps ?? [];
  const attachAsked = steps.slice(Math.max(0, steps.map((x) => x.step).lastIndexOf('create_eni'))).some((x) => x.step === 'attach_eni')
    || s.sinceWrite(eniAttached(id)) !== undefined;
  return s.cloud.waitNetworkInterface(id, attachAsked ? 'InUse' : 'Available', {
    ...s.waitOpts(attachAsked ? 'eniAttach' : undefined), instanceId: s.j.instanceId, ...(attachAsked ? { attachRequested: true } : {}),
  }).catch(() => undefined);
}

export const detachEni: StepHandler = async (s) => {
  const own = await settledOwnEni(s);
  // A create sent a moment ago (its answer possibly lost, so no id in the journal) whose ENI no read lists yet: the
  // tag lookup is made again until it does, or until the create had writeVisibleWithinMs to show. The tags go with
  // the create itself, so the tag finds it as soon as any read lists it (no lookup by name needed).
  const tagged = await readWhileDoubtful(s, () => s.ourEnis(),
    (es) => (own || es.some((e) => !hasStatus(e, 'Deleting')) ? 0 : lagLeft(s, ENI_CREATED)));
  const enis = [...(own ? [own] : []), ...tagged.filter((e) => e.networkInterfaceId !== own?.networkInterfaceId)];
  if (enis.length === 0) return { outcome: 'nothing_staged', detail: { skipped: 'no ENI to remove' } };
  const detached: string[] = [];
  for (const eni of enis) {
    let e = eni;
    if (hasStatus(e, 'Attaching')) e = (await s.cloud.waitNetworkInterface(e.networkInterfaceId, 'InUse', { ...s.waitOpts(), instanceId: s.j.instanceId }).catch(() => undefined)) ?? e;
    if (hasStatus(e, 'InUse') && e.instanceId) {
      const on = e.instanceId;
      await s.writing(`detach:${e.networkInterfaceId}`, () => s.cloud.detachNetworkInterface({ networkInterfaceId: e.networkInterfaceId, instanceId: on }));
      detached.push(e.networkInterfaceId);
      if (detached.length === 1) await s.hook('detach_eni', 'during');
    }
  }
  return done({ detached, enis: enis.map((e) => `${e.networkInterfaceId} (${e.status})`) });
};

export const waitEniDetached: StepHandler = async (s) => {
  const enis = (await s.ourEnis()).filter((e) => !hasStatus(e, 'Deleting') && !hasStatus(e, 'Available'));
  const p = Promise.all(enis.map((e) => s.cloud.waitNetworkInterface(e.networkInterfaceId, 'Available', s.waitOpts('eniDetach', `detach:${e.networkInterfaceId}`))));
  await s.hook('wait_eni_detached', 'during');
  await p;
  return done({ waited: enis.map((e) => e.networkInterfaceId) });
};

export const deleteEni: StepHandler = async (s) => {
  const deleted: string[] = [];
  for (const e of await s.ourEnis()) {
    if (hasStatus(e, 'Deleting')) continue;
    if (!hasStatus(e, 'Available')) throw new StepFailure('EniBusy', { failure: 'eni_busy', eni: e.networkInterfaceId, status: e.status, doing: 'delete' });
    await s.writing(`eni-delete:${e.networkInterfaceId}`, () => s.cloud.deleteNetworkInterface({ networkInterfaceId: e.networkInterfaceId }));
    deleted.push(e.networkInterfaceId);
    if (deleted.length === 1) await s.hook('delete_eni', 'during');
  }
  return done({ deleted });
};

export const waitEniGone: StepHandler = async (s) => {
  const enis = await s.ourEnis();
  const p = Promise.all(enis.map((e) => s.cloud.waitNetworkInterface(e.networkInterfaceId, 'Gone', s.waitOpts('eniDelete', `eni-delete:${e.networkInterfaceId}`))));
  await s.hook('wait_eni_gone', 'during');
  await p;
  return done({ gone: enis.map((e) => e.networkInterfaceId) });
};
