// The cutover, under the forward-table lock: save the original entry, delete it, wait until it is gone, create the
// entry to the ENI, wait until it is Available. From the delete on, a failure restores the original (transitions).
import type { DnatSpec } from '../../../domain/cloud-types.ts';
import { hasStatus } from '../../../domain/dnat.ts';
import { sleep } from '../../../util/sleep.ts';
import { StepFailure } from '../../step-errors.ts';
import { baselinePorts, PORT_PROBE_TIMEOUT_MS } from '../port-probes.ts';
import { createSent, done, iso, ORIGINAL_READ_FRESH_MS, originalSeenFresh, sameSpec, type StepHandler } from '../step-context.ts';

export const saveOriginal: StepHandler = async (s) => {
  const plan = s.requirePlan();
  if (s.j.original) return done({ already: true });
  // The baseline, through the public IP, right before the cutover: which service ports answer now (kept in the journal).
  if (!s.j.portBaseline && plan.services?.checked) {
    s.j.portBaseline = await baselinePorts(plan, { edge: s.opts.publicEdge, timeoutMs: PORT_PROBE_TIMEOUT_MS, signal: s.signal });
  }
  const want = plan.entryToDelete;
  // The gate's recheck read this entry last, moments ago in this run (the approval was judged on it): taken as the
  // original when it is as fresh as the write may trust (ORIGINAL_READ_FRESH_MS, counted from that read). A resumed
  // or parked run, or a slower one, reads it here.
  const gate = s.gateSawOriginal;
  s.gateSawOriginal = undefined;
  const recent = gate && gate.entry.forwardEntryId === want.forwardEntryId && Date.now() - gate.at <= ORIGINAL_READ_FRESH_MS ? gate : undefined;
  const readAt = recent?.at ?? Date.now();
  const live = recent?.entry ?? await s.entry(want.forwardTableId, want.forwardEntryId);
  if (!live || hasStatus(live, 'Deleting')) {
    throw new StepFailure('Drift', { failure: 'entry_not_as_approved', entry: want.forwardEntryId, ...(live ? { status: live.status } : {}) });
  }
  if (!sameSpec(live, want)) throw new StepFailure('Drift', { failure: 'entry_changed', entry: want.forwardEntryId });
  s.j.original = { entry: { ...live }, restoreRecipe: plan.restoreRecipe, savedAt: iso() };
  s.dirty.original = s.j.original;
  s.seenOriginalAvailable = hasStatus(live, 'Available');
  s.seenOriginalAt = readAt;
  await s.emit({ type: 'original.saved', entry: live, restoreRecipe: plan.restoreRecipe });
  return done({ forwardEntryId: live.forwardEntryId, restoreRecipe: plan.restoreRecipe });
};

export const deleteEntry: StepHandler = async (s) => {
  const orig = s.j.original!.entry;
  // Read a moment ago (save_original): no second read on the cutover's critical path; a stale read is done again.
  const live = originalSeenFresh(s) ? orig : await s.entry(orig.forwardTableId, orig.forwardEntryId);
  if (!live || hasStatus(live, 'Deleting')) return done({ already: live ? 'Deleting' : 'gone' });
  if (!hasStatus(live, 'Available')) await s.cloud.waitForwardEntry(orig.forwardTableId, orig.forwardEntryId, 'Available', s.waitOpts());
  await s.tableWrite(() => s.writing(`delete:${orig.forwardEntryId}`, () => s.cloud.deleteForwardEntry({
    forwardTableId: orig.forwardTableId, forwardEntryId: orig.forwardEntryId, clientToken: s.token('delete_entry'),
  })));
  await s.hook('delete_entry', 'during');
  return done({ forwardEntryId: orig.forwardEntryId });
};

export const waitEntryGone: StepHandler = async (s) => {
  const orig = s.j.original!.entry;
  const p = s.cloud.waitForwardEntry(orig.forwardTableId, orig.forwardEntryId, 'Gone', s.waitOpts('dnatDelete', `delete:${orig.forwardEntryId}`));
  await s.hook('wait_entry_gone', 'during');
  await p;
  s.seenOriginalGone = true;
  return done({ forwardEntryId: orig.forwardEntryId });
};

export const createEntry: StepHandler = async (s) => {
  const plan = s.requirePlan();
  if (!s.j.eniIp) throw new StepFailure('EniMissing', { failure: 'journal_incomplete', missing: 'eni_ip' });
  const ids: string[] = [];
  const reused: string[] = [];
  // An earlier attempt's entry can exist only if this run did not itself just see the EIP freed (a resumed run).
  const fresh = s.seenOriginalGone;
  s.seenOriginalGone = false;
  // The EIP of the IP mapping this run just deleted stays "in binding" a while after the delete completed: the first
  // create goes out when that is expected to be over, instead of meeting EipInBinding and the busy backoff (whose
  // gaps double, so the create lands up to a gap late). A create that still meets it is retried as before.
  const orig = s.j.original!.entry;
  const bindingLeftMs = fresh ? s.eipBindingLeftMs(orig.forwardEntryId, orig.ipProtocol) : 0;
  if (bindingLeftMs > 0) await sleep(bindingLeftMs, s.signal);
  for (const [i, tpl] of plan.newEntries.entries()) {
    const spec: DnatSpec = { ...tpl, internalIp: s.j.eniIp };
    const existing = fresh ? undefined : (await s.entriesOnEip(tpl.forwardTableId, tpl.externalIp))
      .find((e) => sameSpec(e, spec) && !hasStatus(e, 'Deleting'));
    let id = existing?.forwardEntryId;
    if (id) reused.push(id);
    else {
      // Journaled before it goes out, and kept when the answer may have been lost after the create: until the id is
      // known, the undo has only the ENI's IP to look for (also the run that takes over after this one died mid-step).
      id = await s.tableWrite(() => s.writing(createSent(i), () => s.cloud.createForwardEntry({ ...spec, clientToken: s.token(`create_entry-${i}`) })));
      s.forget(createSent(i));
      s.wrote(`create:${id}`);
      if (i === 0) await s.hook('create_entry', 'during');
    }
    ids.push(id);
    s.j.newEntryIds = [...ids];
    // The table takes no other write while this entry is Pending.
    if (i < plan.newEntries.length - 1) await s.cloud.waitForwardEntry(tpl.forwardTableId, id, 'Available', s.waitOpts('dnatCreate', `create:${id}`));
  }
  s.dirty.newEntryIds = ids;
  return done({ forwardEntryIds: ids, ...(reused.length ? { reused } : {}), ...(bindingLeftMs > 0 ? { waitedForEipMs: Math.round(bindingLeftMs) } : {}) });
};

export const waitEntryAvailable: StepHandler = async (s) => {
  const table = s.requirePlan().entryToDelete.forwardTableId;
  const p = Promise.all((s.j.newEntryIds ?? []).map((id) => s.cloud.waitForwardEntry(table, id, 'Available', s.waitOpts('dnatCreate', `create:${id}`))));
  await s.hook('wait_entry_available', 'during');
  await p;
  // The table is ours to write no more: hand it to the next job now, not after the journal and events.
  await s.releaseLock();
  return done({ forwardEntryIds: s.j.newEntryIds });
};
