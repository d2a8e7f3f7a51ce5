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

/**
 * The ENI as read again while it still shows `before` (the status this job's write `key` changes) and the write may
 * not show yet: a run that took over after one died right after the write would otherwise send it again on a read
 * that predates it, and meet refusals (the ENI is Detaching, Deleting or gone) until the reads catch up.
 */
async function unlessOwnWriteHidden(s: StepContext, e: NetworkInterface, before: string, key: string): Promise<NetworkInterface | undefined> {
  if (!hasStatus(e, before) || lagLeft(s, key) === 0) return e;
  return readWhileDoubtful(s, () => s.getEni(e.networkInterfaceId), (x) => (x && hasStatus(x, before) ? lagLeft(s, key) : 0));
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
    let e: NetworkInterface | undefined = eni;
    if (hasStatus(e, 'Attaching')) e = (await s.cloud.waitNetworkInterface(e.networkInterfaceId, 'InUse', { ...s.waitOpts(), instanceId: s.j.instanceId }).catch(() => undefined)) ?? e;
    e = await unlessOwnWriteHidden(s, e, 'InUse', `detach:${e.networkInterfaceId}`);
    if (e && hasStatus(e, 'InUse') && e.instanceId) {
      const on = e.instanceId;
      const id = e.networkInterfaceId;
      await s.writing(`detach:${id}`, () => s.cloud.detachNetworkInterface({ networkInterfaceId: id, instanceId: on }));
      detached.push(id);
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
  for (const listed of await s.ourEnis()) {
    const e = await unlessOwnWriteHidden(s, listed, 'Available', `eni-delete:${listed.networkInterfaceId}`);
    if (!e || hasStatus(e, 'Deleting')) continue;
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
