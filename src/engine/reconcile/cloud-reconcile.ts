// `natmigrate reconcile` and every worker's start-up and scheduled pass: the cloud as the journal of last resort.
// Finds every natmigrate-tagged ENI (DescribeNetworkInterfaces by tag key), reads its journal (the tags), asks
// src/domain/reconcile-decision.ts what to do given the cloud now and what Redis still knows, and does it under
// the forward-table lock with its own fencing token. A job Redis forgot ends migrated and verified, or restored;
// either way its thread (bound again from the tags) says which. What a person must decide goes to the thread.
import type { Logger } from 'pino';
import type { CloudPort } from '../../cloud/cloud-port.ts';
import { JOURNAL_TAGS, readJournal, type CloudJournal } from '../../domain/cloud-journal.ts';
import type { NetworkInterface } from '../../domain/cloud-types.ts';
import type { JobOutcome, MigrationEvent } from '../../domain/events.ts';
import type { JobReason, OutcomeText, ReconcileSituation } from '../../domain/job-text.ts';
import { decideReconcile, type JobKnowledge, type ReconcileAction } from '../../domain/reconcile-decision.ts';
import { msg } from '../../i18n/catalog.ts';
import { fencedCloud } from '../migration/fenced-cloud.ts';
import type { EngineOptions } from '../options.ts';
import type { EventBody, JobRecord, Notifier } from '../ports.ts';
import { FencedOut, tableLockOwner, type Fencing } from '../store/fencing.ts';
import type { RecordStore } from '../store/records.ts';
import type { TableLocks } from '../store/table-lock.ts';
import { sleep } from '../../util/sleep.ts';
import { reconcileToken, removeEni, restoreOriginal, verifyMigrated, type ActionContext } from './reconcile-actions.ts';

export interface CloudReconcileDeps {
  records: RecordStore;
  locks: TableLocks;
  fencing: Fencing;
  /** Only this deployment's ENIs are reconciled. */
  deployment: string;
  notifier: Notifier;
  cloudFor(regionId: string): CloudPort;
  opts: EngineOptions;
  log: Logger;
}

/** The decision's English (logs, the report, the records' stored summary), from the catalog. */
const whyOf = (a: ReconcileAction) => msg('en').reconcileSituation({ situation: a.situation });

export interface ReconcileReport {
  eniId: string;
  jobId?: string;
  instanceId?: string;
  action: ReconcileAction['kind'] | 'skipped';
  why: string;
  /** What it came to: 'migrated', 'restored', 'eni removed', 'asked', or an error. */
  result?: string;
  /** The ENI asked about does not exist (a forced restore of one ENI). */
  eniGone?: boolean;
  /** `why` as a code with facts, worded per reader. */
  situation?: ReconcileSituation;
}

async function knowledgeOf(d: CloudReconcileDeps, regionId: string, j: CloudJournal): Promise<JobKnowledge> {
  // Any unfinished job of the instance (this one, or a rollback of it) owns the instance and its ENI.
  if (await d.records.activeHolder(regionId, j.instanceId)) return { state: 'active' };
  const rec = await d.records.get(j.jobId);
  if (!rec) return { state: 'unknown' };
  if (rec.state !== 'finished') return { state: 'active' };
  // A rollback that finished owns the end state of the migration it undid.
  const related = rec.relatedJobId ? await d.records.get(rec.relatedJobId) : undefined;
  const outcome = related?.state === 'finished' && related.kind === 'rollback' ? related.outcome : rec.outcome;
  return { state: 'finished', outcome: outcome ?? 'failed' };
}

/** Posts to the job's thread, bound again from the tags when Redis forgot where it was. */
async function tell(d: CloudReconcileDeps, j: CloudJournal, events: EventBody[]): Promise<void> {
  if (j.thread) await d.notifier.bindAudience?.(j.jobId, { channelId: j.thread.channelId, ...(j.thread.threadTs ? { threadTs: j.thread.threadTs } : {}) });
  for (const e of events) await d.notifier.emit({ ...e, jobId: j.jobId, at: new Date().toISOString() } as MigrationEvent);
}

/** The job's record again, finished, so `status` answers and the next pass leaves the ENI alone. */
async function recordEnd(d: CloudReconcileDeps, regionId: string, j: CloudJournal, eni: NetworkInterface, outcome: JobOutcome, summary: string, outcomeText?: OutcomeText): Promise<void> {
  const now = new Date().toISOString();
  const rec: JobRecord = {
    jobId: j.jobId, kind: 'migrate', regionId, instanceId: j.instanceId, requestedBy: 'reconcile',
    audience: j.thread ? { channelId: j.thread.channelId, ...(j.thread.threadTs ? { threadTs: j.thread.threadTs } : {}) } : {},
    options: { ports: j.newPorts === 'any' ? { kind: 'all' } : { kind: 'list', ports: j.newPorts.split(',').map(Number) }, configureGuest: false },
    state: 'finished', outcome, summary, ...(outcomeText ? { outcomeText } : {}), createdAt: now, updatedAt: now, steps: [], eniId: eni.networkInterfaceId,
    original: { entry: { ...j.original, status: 'Available' }, restoreRecipe: j.original, savedAt: now },
  };
  await d.records.createDetached(rec, {
    v: 1, kind: 'migrate', jobId: j.jobId, regionId, instanceId: j.instanceId, requestedBy: 'reconcile', options: rec.options, step: 'finish', finishEmitted: true,
  });
}

/** Decisions that write to the cloud (verify_migrated restores when its check fails). */
const WRITING: ReadonlySet<ReconcileAction['kind']> = new Set(['restore', 'remove_eni', 'verify_migrated']);

async function act(d: CloudReconcileDeps, regionId: string, c: ActionContext, action: ReconcileAction, known: JobKnowledge): Promise<string | undefined> {
  const j = c.journal;
  const entries = () => c.cloud.listForwardEntries(j.original.forwardTableId, { externalIp: j.original.externalIp });
  const lost = known.state === 'unknown';
  const restore = async (situation: ReconcileSituation, verify?: string): Promise<string> => {
    const entry = await restoreOriginal(c, await entries());
    await removeEni(c);
    // Facts worded per reader; the English (record, logs) from the same catalog.
    const reason: JobReason = { code: 'reconcile', situation, lost, ...(verify !== undefined ? { verify } : {}) };
    const text: OutcomeText = { outcome: 'restored', reasons: [reason], mapping: { eip: j.original.externalIp, originalIp: j.original.internalIp } };
    const summary = msg('en').outcomeText({ text });
    if (lost) await recordEnd(d, regionId, j, c.eni, 'restored', summary, text);
    await tell(d, j, [{ type: 'restored', entry, reason: msg('en').jobReasons({ reasons: [reason] }), reasons: [reason] },
      ...(lost ? [{ type: 'finished' as const, outcome: 'restored' as const, summary, text }] : [])]);
    return 'restored';
  };
  switch (action.kind) {
    case 'leave':
    case 'wait':
      return undefined;
    case 'remove_eni': {
      await removeEni(c);
      if (lost) {
        // The original mapping is in place and the staged ENI is gone: a restored end, worded per reader from its facts.
        const text: OutcomeText = { outcome: 'restored', reasons: [{ code: 'reconcile', situation: action.situation, lost }],
          mapping: { eip: j.original.externalIp, originalIp: j.original.internalIp } };
        const summary = msg('en').outcomeText({ text });
        await recordEnd(d, regionId, j, c.eni, 'restored', summary, text);
        await tell(d, j, [{ type: 'finished', outcome: 'restored', summary, text }]);
      }
      return 'eni removed';
    }
    case 'restore':
      return restore(action.situation);
    case 'verify_migrated': {
      const v = await verifyMigrated(c);
      if (!v.ok) return restore(action.situation, [v.ssh.error, v.egress.error].filter(Boolean).join('; '));
      const text: OutcomeText = { outcome: 'migrated', instanceId: j.instanceId, eip: j.original.externalIp, eniId: c.eni.networkInterfaceId,
        eniIp: c.eni.privateIp, egress: v.egress.observedIp ? [v.egress.observedIp] : v.egress.expectedIps, reconciled: action.situation };
      const summary = msg('en').outcomeText({ text });
      await recordEnd(d, regionId, j, c.eni, 'migrated', summary, text);
      await d.records.patch(j.jobId, { newEntryIds: (await entries()).map((e) => e.forwardEntryId), verification: { ...v, at: new Date().toISOString() } });
      await tell(d, j, [{ type: 'verified', ssh: v.ssh, egress: v.egress, ok: true }, { type: 'finished', outcome: 'migrated', summary, text }]);
      return 'migrated';
    }
    case 'ask': {
      await tell(d, j, [{ type: 'reconcile.ask', eniId: c.eni.networkInterfaceId, regionId, situation: whyOf(action), facts: action.situation, original: j.original }]);
      return 'asked';
    }
  }
}

/** A report's reason: the facts (worded per reader) and their English. */
const said = (situation: ReconcileSituation) => ({ why: msg('en').reconcileSituation({ situation }), situation });

/** One ENI: lock its forward table, take a fencing token, read, decide, act. */
export async function reconcileEni(d: CloudReconcileDeps, regionId: string, eni: NetworkInterface, force?: { restore: true; by: string }): Promise<ReconcileReport> {
  const j = readJournal(eni.tags);
  const base = { eniId: eni.networkInterfaceId };
  if (!j) return { ...base, action: 'skipped', ...said({ code: 'not_journal' }) };
  if (j.deployment !== d.deployment) return { ...base, jobId: j.jobId, action: 'skipped', ...said({ code: 'other_deployment', deployment: j.deployment }) };
  const report: ReconcileReport = { ...base, jobId: j.jobId, instanceId: j.instanceId, action: 'skipped', why: '' };
  const owner = `reconcile-${eni.networkInterfaceId}`;
  const token = await d.fencing.takeOver(owner);
  const lock = await d.locks.tryAcquire(j.original.forwardTableId, tableLockOwner(owner, token));
  if (!lock) return { ...report, action: 'wait', ...said({ code: 'table_busy', table: j.original.forwardTableId }) };
  try {
    const raw = d.cloudFor(regionId);
    const cloud = fencedCloud(raw, async (what) => {
      const v = lock.lost ? 'table-lock' : await d.fencing.check({ jobId: owner, token, tableLockKey: lock.key });
      if (v !== 'ok') throw new FencedOut(owner, v, what);
    });
    // Read under the lock: no job or other reconcile writes to the table meanwhile.
    const read = async () => ({
      live: (await raw.listNetworkInterfaces({ networkInterfaceIds: [eni.networkInterfaceId] }))[0],
      entriesOnEip: await raw.listForwardEntries(j.original.forwardTableId, { externalIp: j.original.externalIp }),
    });
    let seen = await read();
    if (!seen.live) return { ...report, action: 'leave', ...said({ code: 'eni_gone' }) };
    const known = await knowledgeOf(d, regionId, j);
    let action = decideReconcile({ journal: j, eni: seen.live, entriesOnEip: seen.entriesOnEip, job: known });
    // Redis forgot the job, so nothing says when it last wrote, and reads lag writes: its last write (the entry it
    // just moved or created, the original it just deleted) may not show yet. A decision that writes is made again on
    // reads writeVisibleWithinMs later and carried out only if it stands; else the next pass looks again.
    if (known.state === 'unknown' && !force && WRITING.has(action.kind)) {
      await sleep(d.opts.writeVisibleWithinMs);
      seen = await read();
      const again: ReconcileAction = seen.live
        ? decideReconcile({ journal: j, eni: seen.live, entriesOnEip: seen.entriesOnEip, job: known })
        : { kind: 'leave', situation: { code: 'eni_gone' } };
      action = again.kind === action.kind ? again
        : { kind: 'wait', situation: { code: 'reads_differed', first: action.situation, then: again.situation } };
    }
    const live = seen.live ?? eni;
    // A person's Restore overrides anything but a running job and a cloud still changing.
    if (force && action.kind !== 'wait' && known.state !== 'active') action = { kind: 'restore', situation: { code: 'restore_asked', by: force.by, before: action.situation } };
    report.action = action.kind;
    report.why = whyOf(action);
    report.situation = action.situation;
    const ctx: ActionContext = { cloud, journal: j, eni: live, opts: d.opts, tokenLabel: (l) => reconcileToken(eni.networkInterfaceId, l), pass: token };
    const result = await act(d, regionId, ctx, action, known);
    if (result) report.result = result;
  } catch (e) {
    report.result = `error: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    await lock.release().catch(() => {});
  }
  return report;
}

/** Every natmigrate-tagged ENI of the region. */
export async function reconcileRegion(d: CloudReconcileDeps, regionId: string): Promise<ReconcileReport[]> {
  const cloud = d.cloudFor(regionId);
  const enis = (await cloud.listNetworkInterfaces({ tags: { [JOURNAL_TAGS.job]: '', [JOURNAL_TAGS.deployment]: d.deployment } })).filter((e) => e.type !== 'Primary');
  const out: ReconcileReport[] = [];
  for (const eni of enis) {
    const r = await reconcileEni(d, regionId, eni);
    if (r.action !== 'leave' || r.result) d.log.info({ ...r }, 'reconcile');
    out.push(r);
  }
  return out;
}
