// A rollback job: read the finished migration and the live state it changed, ask for approval bound to a hash
// over that state, re-check it after the approval, then the restore and unstage paths, then verify_original.
import { canonicalJson, sha256Hex } from '../../../domain/canonical.ts';
import type { DnatEntry } from '../../../domain/cloud-types.ts';
import type { RollbackSummary } from '../../../domain/events.ts';
import { cutoverUsed } from '../../../domain/plan.ts';
import { StepFailure } from '../../step-errors.ts';
import type { JobRecord } from '../../ports.ts';
import type { StepContext, StepHandler } from '../step-context.ts';
import { ourNewEntries } from './restore-steps.ts';

type RollbackView = RollbackSummary & { hash: string };

async function loadMigration(s: StepContext): Promise<JobRecord> {
  const m = s.j.migrationJobId ? await s.deps.records.get(s.j.migrationJobId) : undefined;
  if (!m || !m.original || !m.plan) throw new StepFailure('NoMigration', { failure: 'no_migration', job: s.j.migrationJobId ?? '' });
  return m;
}

/** The live state a rollback changes, and a hash over it that its approval binds to. */
async function rollbackView(s: StepContext, migration: JobRecord): Promise<RollbackView> {
  const recipe = migration.original!.restoreRecipe;
  const cutover = cutoverUsed(migration);
  const entriesToDelete = (await ourNewEntries(s, migration.newEntryIds ?? [])).sort((a, b) => a.forwardEntryId.localeCompare(b.forwardEntryId));
  const view = {
    migrationJobId: migration.jobId,
    entriesToDelete: entriesToDelete.map(({ status: _s, ...rest }) => rest),
    restoreRecipe: recipe,
    eniId: migration.eniId,
    ...(cutover === 'modify' ? { cutover } : {}),
  };
  return {
    migrationJobId: migration.jobId, entriesToDelete, restoreRecipe: recipe, cutover,
    ...(migration.eniId ? { eniId: migration.eniId } : {}),
    hash: sha256Hex(canonicalJson({ v: 1, rollback: view })),
  };
}

export const rollbackPlan: StepHandler = async (s) => {
  const m = await loadMigration(s);
  s.j.plan = m.plan;
  s.j.original = m.original;
  s.j.newEntryIds = m.newEntryIds ?? [];
  // Undo the way the migration cut over (its record says when a refused modify fell back to delete and re-create).
  s.j.cutover = cutoverUsed(m);
  s.j.eniTagJobId = m.jobId;
  if (m.eniId) {
    s.j.eniId = m.eniId;
    const eni = await s.getEni(m.eniId);
    if (eni) s.j.eniIp = eni.privateIp;
  }
  s.j.rollback = await rollbackView(s, m);
  s.dirty.plan = m.plan;
  s.dirty.original = m.original;
  if (m.eniId) s.dirty.eniId = m.eniId;
  return { outcome: 'done', detail: { migrationJobId: m.jobId, hash: s.j.rollback.hash, entriesToDelete: s.j.rollback.entriesToDelete.map((e) => e.forwardEntryId) } };
};

const listed = (es: readonly DnatEntry[]) => es.map((e) => `${e.forwardEntryId} (${e.status})`).join(', ') || '(none)';

export const recheckRollback: StepHandler = async (s) => {
  const view = await rollbackView(s, await loadMigration(s));
  if (view.hash === s.j.approvalHash) return { outcome: 'unchanged', detail: { planChanged: false } };
  const before = s.j.rollback;
  s.j.rollback = view;
  s.j.planChanges = (s.j.planChanges ?? 0) + 1;
  const differences = [`entries to delete: ${listed(before?.entriesToDelete ?? [])} → ${listed(view.entriesToDelete)}`];
  await s.emit({ type: 'plan.changed', previousHash: s.j.approvalHash ?? '', plan: s.requirePlan(), differences });
  return { outcome: 'plan_changed', detail: { planChanged: true, differences } };
};
