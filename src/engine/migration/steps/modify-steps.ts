// The in-place cutover and its restore: ModifyForwardEntry moves the IP mapping's InternalIp from the primary IP to
// the ENI, and back. One asynchronous operation each way; the entry id stays the same and the EIP is never unmapped.
// Each write first reads the entry (a resumed run may find the change made or under way) and carries a ClientToken.
import { isCloudError, type CloudError } from '../../../cloud/cloud-error.ts';
import type { DnatEntry } from '../../../domain/cloud-types.ts';
import { hasStatus } from '../../../domain/dnat.ts';
import { StepFailure } from '../../step-errors.ts';
import { lagLeft } from '../read-lag.ts';
import { done, originalSeenFresh, sameSpec, type StepContext, type StepHandler } from '../step-context.ts';

/**
 * Answers that mean "this API will not change this entry in place" (the entry is left as it was), so the cutover
 * deletes and re-creates instead: a RAM policy without vpc:ModifyForwardEntry, an account or gateway where the
 * operation is unsupported (codes from the VPC error tables; OperationUnsupported.ForwardEntry also names entry
 * kinds the API cannot change). Busy codes are not here: the adapter retries those.
 */
function modifyRefused(e: CloudError): boolean {
  return e.isPermissionDenied
    || e.code === 'OperationUnsupported.ForwardEntry' || e.code === 'OperationDenied' || e.code === 'UnsupportedOperation';
}

/** The entry once no change of it is under way (a Pending entry takes no write), or undefined when it is gone. */
async function settledEntry(s: StepContext, forwardTableId: string, forwardEntryId: string, seen?: DnatEntry): Promise<DnatEntry | undefined> {
  const live = seen ?? await s.entry(forwardTableId, forwardEntryId);
  if (!live || hasStatus(live, 'Deleting') || hasStatus(live, 'Available')) return live;
  await s.cloud.waitForwardEntry(forwardTableId, forwardEntryId, 'Available', s.waitOpts('dnatModify'));
  return s.entry(forwardTableId, forwardEntryId);
}

export const modifyEntry: StepHandler = async (s) => {
  const orig = s.j.original!.entry;
  const eniIp = s.j.eniIp;
  if (!eniIp) throw new StepFailure('EniMissing', { failure: 'journal_incomplete', missing: 'eni_ip' });
  // Read a moment ago (save_original): no second read on the cutover's critical path; a stale read is done again.
  const seen = originalSeenFresh(s) ? orig : undefined;
  const live = await settledEntry(s, orig.forwardTableId, orig.forwardEntryId, seen);
  if (!live || hasStatus(live, 'Deleting')) {
    throw new StepFailure('Drift', { failure: 'entry_not_as_approved', entry: orig.forwardEntryId, ...(live ? { status: 'Deleting' } : {}) });
  }
  const moved = (): void => {
    s.j.newEntryIds = [orig.forwardEntryId];
    s.dirty.newEntryIds = s.j.newEntryIds;
  };
  if (live.internalIp === eniIp) {
    moved();
    return done({ forwardEntryId: orig.forwardEntryId, already: `maps to ${eniIp}` });
  }
  if (live.internalIp !== orig.internalIp) {
    throw new StepFailure('Drift', { failure: 'entry_maps_elsewhere', entry: orig.forwardEntryId, ip: live.internalIp, original: orig.internalIp });
  }
  try {
    await s.tableWrite(() => s.writing(`modify:${orig.forwardEntryId}`, () => s.cloud.modifyForwardEntry({
      forwardTableId: orig.forwardTableId, forwardEntryId: orig.forwardEntryId, internalIp: eniIp, clientToken: s.token('modify_entry'),
    })));
  } catch (e) {
    if (!isCloudError(e) || !modifyRefused(e)) throw e;
    // Nothing changed: cut over by delete and re-create instead (the restore follows the same method).
    s.j.cutover = 'recreate';
    s.dirty.cutover = 'recreate';
    return { outcome: 'modify_refused', detail: { fallback: 'delete and re-create', code: e.code, message: e.message, ...(e.requestId ? { requestId: e.requestId } : {}) } };
  }
  moved();
  await s.hook('modify_entry', 'during');
  return done({ forwardEntryId: orig.forwardEntryId, internalIp: `${orig.internalIp} → ${eniIp}` });
};

export const waitEntryModified: StepHandler = async (s) => {
  const orig = s.j.original!.entry;
  const id = orig.forwardEntryId;
  const p = s.cloud.waitForwardEntry(orig.forwardTableId, id, 'Available', { ...s.waitOpts('dnatModify', `modify:${id}`), expectInternalIp: s.j.eniIp });
  await s.hook('wait_entry_modified', 'during');
  await p;
  // The table is ours to write no more: hand it to the next job now, not after the journal and events.
  await s.releaseLock();
  return done({ forwardEntryId: id, internalIp: s.j.eniIp });
};

/** The entry once a read shows it on this job's ENI, or undefined when no read does within `withinMs`. */
async function moveShown(s: StepContext, forwardTableId: string, id: string, withinMs: number): Promise<DnatEntry | undefined> {
  try {
    return await s.cloud.waitForwardEntry(forwardTableId, id, 'Available', {
      ...s.waitOpts('dnatModify', `modify:${id}`), timeoutMs: withinMs, expectInternalIp: s.j.eniIp,
    });
  } catch (e) {
    if (isCloudError(e) && e.code === 'WaitTimeout') return undefined;
    throw e;
  }
}

export const restoreModifyBack: StepHandler = async (s) => {
  // Cancelled or failed before the original was saved: the mapping was never touched.
  if (!s.j.original) return { outcome: 'untouched', detail: { skipped: 'the original entry was never touched' } };
  const recipe = s.j.original.restoreRecipe;
  const id = s.j.original.entry.forwardEntryId;
  let live = await settledEntry(s, recipe.forwardTableId, id);
  // This run's move to the ENI was accepted a moment ago yet the read shows the original: the read may predate the
  // move (reads lag writes). Believe it only once the move had time to show; else move it back.
  const left = lagLeft(s, `modify:${id}`);
  if (live && sameSpec(live, recipe) && left > 0) live = (await moveShown(s, recipe.forwardTableId, id, left)) ?? live;
  // Gone (deleted by hand, or a fallback that deleted it): put the original back by creating it.
  if (!live || hasStatus(live, 'Deleting')) return { outcome: 'entry_gone', detail: { forwardEntryId: id, found: live ? 'Deleting' : 'gone' } };
  s.j.restoredEntryId = id;
  if (sameSpec(live, recipe)) return done({ forwardEntryId: id, already: `maps to ${recipe.internalIp}` });
  if (live.internalIp !== s.j.eniIp) {
    throw new StepFailure('Conflict', { failure: 'entry_not_ours', entry: id, ip: live.internalIp, ...(s.j.eniIp ? { eniIp: s.j.eniIp } : {}) });
  }
  await s.tableWrite(() => s.writing(`modify:${id}`, () => s.cloud.modifyForwardEntry({
    forwardTableId: recipe.forwardTableId, forwardEntryId: id, internalIp: recipe.internalIp,
    externalPort: recipe.externalPort, internalPort: recipe.internalPort, ipProtocol: recipe.ipProtocol, clientToken: s.token('restore_modify_back'),
  })));
  await s.hook('restore_modify_back', 'during');
  return done({ forwardEntryId: id, internalIp: `${live.internalIp} → ${recipe.internalIp}` });
};
