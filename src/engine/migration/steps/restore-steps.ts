// Restoring the original mapping from the saved restore recipe: after a failure or cancel past the delete, and
// for a rollback. The new entries go first (the same EIP may not be mapped twice), one write at a time.
import type { DnatEntry } from '../../../domain/cloud-types.ts';
import { hasStatus } from '../../../domain/dnat.ts';
import { StepFailure } from '../../step-errors.ts';
import { lagLeft, readWhileDoubtful } from '../read-lag.ts';
import { createSent, done, RESTORE_CREATE_SENT, sameSpec, type StepContext, type StepHandler } from '../step-context.ts';
import type { JobReason } from '../../../domain/job-text.ts';
import { msg } from '../../../i18n/catalog.ts';

/**
 * The entries this job (or the migration a rollback undoes) created on the EIP: by id, or mapping to our ENI. An
 * entry this run created a moment ago may not be listed yet (reads lag writes): it is read for again until it shows
 * or had time to show, unless this run has deleted it since. Without that, a cancel right after the create found
 * nothing to delete and the original was created next to the new entry.
 */
export async function ourNewEntries(s: StepContext, ids: readonly string[] = s.j.newEntryIds ?? []): Promise<DnatEntry[]> {
  const recipe = s.j.original!.restoreRecipe;
  const ours = (es: DnatEntry[]) => es.filter((e) => ids.includes(e.forwardEntryId) || (s.j.eniIp !== undefined && e.internalIp === s.j.eniIp));
  const unlisted = (es: DnatEntry[]) => ids.filter((id) => !es.some((e) => e.forwardEntryId === id) && s.sinceWrite(`delete:${id}`) === undefined);
  // A create whose answer was lost has no id: then it is one more entry to the ENI that may not be listed yet.
  const lost = (s.j.plan?.newEntries ?? []).map((_, i) => createSent(i)).filter((k) => lagLeft(s, k) > 0);
  const unknownToEni = (es: DnatEntry[]) => es.filter((e) => e.internalIp === s.j.eniIp && !ids.includes(e.forwardEntryId)).length;
  const lostUnlisted = (es: DnatEntry[]) => (unknownToEni(es) < lost.length ? Math.max(0, ...lost.map((k) => lagLeft(s, k))) : 0);
  const doubt = (es: DnatEntry[]) => Math.max(lostUnlisted(es), ...unlisted(es).map((id) => lagLeft(s, `create:${id}`)));
  const listed = await readWhileDoubtful(s, () => s.entriesOnEip(recipe.forwardTableId, recipe.externalIp), doubt);
  // Shown, or given the time to show: the later steps (restore_wait_new_gone) do not wait for them again.
  for (const k of lost) s.forget(k);
  return ours(listed);
}

export const restoreDeleteNew: StepHandler = async (s) => {
  // Cancelled or failed before the original was saved: the mapping was never touched.
  if (!s.j.original) return { outcome: 'untouched', detail: { skipped: 'the original entry was never touched' } };
  const table = s.j.original.restoreRecipe.forwardTableId;
  const deleted: string[] = [];
  for (const e of await ourNewEntries(s)) {
    if (hasStatus(e, 'Deleting')) continue;
    if (!hasStatus(e, 'Available')) await s.cloud.waitForwardEntry(table, e.forwardEntryId, 'Available', s.waitOpts());
    await s.tableWrite(() => s.writing(`delete:${e.forwardEntryId}`, () => s.cloud.deleteForwardEntry({
      forwardTableId: table, forwardEntryId: e.forwardEntryId, clientToken: s.token(`restore_delete_new-${e.forwardEntryId}`),
    })));
    deleted.push(e.forwardEntryId);
    if (deleted.length === 1) await s.hook('restore_delete_new', 'during');
    // One write at a time: the next delete waits until this one has settled.
    await s.cloud.waitForwardEntry(table, e.forwardEntryId, 'Gone', s.waitOpts('dnatDelete', `delete:${e.forwardEntryId}`));
  }
  return done({ deleted });
};

export const restoreWaitNewGone: StepHandler = async (s) => {
  const table = s.j.original!.restoreRecipe.forwardTableId;
  const left = await ourNewEntries(s);
  const p = Promise.all(left.map((e) => s.cloud.waitForwardEntry(table, e.forwardEntryId, 'Gone', s.waitOpts('dnatDelete', `delete:${e.forwardEntryId}`))));
  await s.hook('restore_wait_new_gone', 'during');
  await p;
  return done({ waited: left.map((e) => e.forwardEntryId) });
};

export const restoreCreateOriginal: StepHandler = async (s) => {
  const recipe = s.j.original!.restoreRecipe;
  // An entry this run deleted a moment ago (the original in the cutover, a new one in restore_delete_new) may still
  // be listed as it was (reads lag writes): taken as "already restored" it left the EIP unmapped, as "in the way" it
  // failed the restore. Such a read is not believed until the delete had time to show.
  // Likewise the entry this step created a moment ago (a run that died after the create went out, or an answer lost)
  // may not be listed yet: read for again, so it is taken as restored, not created a second time.
  const sameOf = (es: DnatEntry[]) => es.find((e) => sameSpec(e, recipe) && !hasStatus(e, 'Deleting'));
  const doubt = (es: DnatEntry[]) => Math.max(sameOf(es) ? 0 : lagLeft(s, RESTORE_CREATE_SENT),
    ...es.filter((e) => !hasStatus(e, 'Deleting')).map((e) => lagLeft(s, `delete:${e.forwardEntryId}`)));
  const onEip = await readWhileDoubtful(s, () => s.entriesOnEip(recipe.forwardTableId, recipe.externalIp), doubt);
  const same = sameOf(onEip);
  if (same) {
    s.j.restoredEntryId = same.forwardEntryId;
    return done({ forwardEntryId: same.forwardEntryId, reused: true });
  }
  // The same EIP may not be mapped again until every entry on it is fully gone (CreateForwardEntry's SDK remark:
  // an IP used for IP mapping cannot be used by any other entry).
  const others = onEip.filter((e) => !hasStatus(e, 'Deleting'));
  if (others.length > 0) {
    throw new StepFailure('Conflict', { failure: 'eip_in_use', eip: recipe.externalIp, entries: others.map((e) => `${e.forwardEntryId} → ${e.internalIp}`) });
  }
  const pending = onEip.filter((e) => hasStatus(e, 'Deleting'));
  const p = Promise.all(pending.map((e) => s.cloud.waitForwardEntry(recipe.forwardTableId, e.forwardEntryId, 'Gone', s.waitOpts('dnatDelete', `delete:${e.forwardEntryId}`))));
  if (pending.length) await s.hook('restore_create_original', 'during');
  await p;
  const id = await s.tableWrite(() => s.writing(RESTORE_CREATE_SENT, () => s.cloud.createForwardEntry({ ...recipe, clientToken: s.token('restore_create_original') })));
  s.forget(RESTORE_CREATE_SENT);
  s.wrote(`create:${id}`);
  if (!pending.length) await s.hook('restore_create_original', 'during');
  s.j.restoredEntryId = id;
  return done({ forwardEntryId: id });
};

export const restoreWaitOriginal: StepHandler = async (s) => {
  const recipe = s.j.original!.restoreRecipe;
  const id = s.j.restoredEntryId!;
  // Moved back in place (the original entry id) or created anew: either way it must map to the primary IP again.
  const inPlace = id === s.j.original!.entry.forwardEntryId;
  const p = s.cloud.waitForwardEntry(recipe.forwardTableId, id, 'Available', {
    ...(inPlace ? s.waitOpts('dnatModify', `modify:${id}`) : s.waitOpts('dnatCreate', `create:${id}`)), expectInternalIp: recipe.internalIp,
  });
  await s.hook('restore_wait_original', 'during');
  const entry = await p;
  const restored: DnatEntry = entry ?? { ...recipe, forwardEntryId: s.j.restoredEntryId!, status: 'Available' };
  s.dirty.newEntryIds = [];
  const reasons: JobReason[] = s.j.kind === 'rollback' ? [{ code: 'rollback_of', job: s.j.migrationJobId ?? '' }] : (s.j.reasons ?? []);
  const reason = reasons.length ? msg('en').jobReasons({ reasons }) : (s.j.reason ?? 'restore');
  await s.emit({ type: 'restored', entry: restored, reason, ...(reasons.length ? { reasons } : {}) });
  return done({ forwardEntryId: restored.forwardEntryId, mapping: `${recipe.externalIp} → ${recipe.internalIp}` });
};
