// A batch (`run --all <ngw|vpc> …`): one plan, one approval, canary first, then the rest with a concurrency cap.
//
// Design:
// - The batch is a parent job on the fleet queue plus one ordinary migration job per instance (its "children", on
//   the migrations queue, running the unchanged migration steps). The batch plans every instance from one read of
//   each VPC, creates the children already holding their plan, and they stage at once (ENI create/attach is not
//   destructive), then park in await_approval.
// - People approve the batch only: its record carries an approval request bound to the batch plan hash (the same
//   rule as every approval: four-eyes, M-of-N, expiry, stale-hash refusal). A child's own request is "held" by the
//   batch and granted by it, when the child's turn comes, only if the child still asks for exactly the plan hash
//   listed in the approved batch plan. A child whose plan changed after the grant asks again under another hash,
//   which the batch never grants: it is cancelled and counts as a failure.
// - Releasing = granting: canaries first, alone; only when every canary ended 'migrated' do the others go, at most
//   `concurrency` in flight. Forward-table writes stay serialized by each child's table lock.
// - The first child that does not end 'migrated' stops the batch: nothing more is released, children not released
//   are cancelled (their staging is undone, their mapping untouched) and listed.
// - The batch job is a reconciler: each run ("tick") reads the children's records, acts, tells the thread what
//   changed, and parks until the next look or a decision. Everything it decides is derived from records, so a
//   worker killed mid-tick loses nothing.
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import type { ApprovalRequest } from '../../domain/approval.ts';
import { countStatuses, nextToRelease, type BatchItem, type BatchItemStatus, type BatchPhase, type BatchPlan } from '../../domain/batch-plan.ts';
import type { JobOutcome, MigrationEvent } from '../../domain/events.ts';
import { announceWindowOpen, announceWindowWait, freezeEndsAt, realTimeOf } from '../change-window.ts';
import { StepFailure } from '../step-errors.ts';
import { parkJob } from '../park.ts';
import { BATCH_PRIORITY } from '../job-options.ts';
import type { EventBody } from '../ports.ts';
import type { BatchRecord } from '../store/fleet-records.ts';
import type { ChildView } from '../store/records.ts';
import { batchSummary } from './batch-summary.ts';
import type { BatchText, EngineSummary, JobReason } from '../../domain/job-text.ts';
import { msg } from '../../i18n/catalog.ts';
import { planBatch, queueChildren } from './batch-planning.ts';
import { iso, type FleetContext, type FleetJobData } from './context.ts';

type Tick = { outcome: JobOutcome | 'unknown' } | { until: number; wake: () => Promise<boolean> };

/** How long a planning run holds the batch without renewing (it renews every third of it). */
const PLANNING_LEASE_MS = 60_000;

const FINAL: ReadonlySet<BatchItemStatus> = new Set(['done', 'failed', 'untouched']);

/**
 * What the ticks of this process saw of finished children, per engine and batch: a finished child's record is final,
 * so a batch of a thousand reads only the children still running, not all of them on every look.
 */
const FINISHED_CHILDREN = new WeakMap<FleetContext, Map<string, Map<string, ChildView>>>();
/** Batches whose finished children are remembered, per engine (the oldest is forgotten first). */
const FINISHED_CHILDREN_BATCHES = 16;

function finishedChildren(ctx: FleetContext, batchId: string): Map<string, ChildView> {
  let perBatch = FINISHED_CHILDREN.get(ctx);
  if (!perBatch) { perBatch = new Map(); FINISHED_CHILDREN.set(ctx, perBatch); }
  let m = perBatch.get(batchId);
  if (m) { perBatch.delete(batchId); } else { m = new Map(); }
  perBatch.set(batchId, m);
  if (perBatch.size > FINISHED_CHILDREN_BATCHES) perBatch.delete(perBatch.keys().next().value!);
  return m;
}

export async function runBatch(ctx: FleetContext, job: Job<FleetJobData>, token: string | undefined): Promise<unknown> {
  const id = (job.data as { jobId: string }).jobId;
  const rec = await ctx.store.getBatch(id);
  if (!rec) {
    ctx.log.warn({ jobId: id }, 'batch has no record (expired or removed); dropping it');
    await ctx.store.forget(id);
    return { outcome: 'unknown' };
  }
  const res = await new BatchRun(ctx, rec).tick();
  if ('outcome' in res) return res;
  return parkJob(job, token, res.until, res.wake);
}

class BatchRun {
  private readonly id: string;
  private children = new Map<string, ChildView | undefined>();
  private releasedSet?: { of: string[]; ids: Set<string> };

  constructor(private readonly ctx: FleetContext, private rec: BatchRecord) {
    this.id = rec.jobId;
  }

  private async emit(e: EventBody): Promise<void> {
    await this.ctx.notifier.emit({ ...e, jobId: this.id, at: iso() } as MigrationEvent);
  }

  private async patch(fields: Partial<BatchRecord>): Promise<void> {
    Object.assign(this.rec, fields);
    await this.ctx.store.patch(this.id, fields as Record<string, unknown>);
  }

  async tick(): Promise<Tick> {
    if (this.rec.state === 'finished') {
      if (!this.rec.finishEmitted && this.rec.outcome) await this.emitFinished(this.rec.outcome, this.rec.summary ?? '', this.rec.summaryText);
      return { outcome: this.rec.outcome ?? 'unknown' };
    }
    if (this.rec.state === 'queued') await this.patch({ state: 'running' });
    if (!this.rec.plan) {
      const done = await this.plan();
      if (done) return done;
    }
    const plan = this.rec.plan!;
    // The card first: approving can start while the children are created and staged (nothing runs before both).
    await this.announceApproval(plan);
    if (!this.rec.childrenQueued) {
      await queueChildren(this.ctx, this.rec, plan);
      await this.patch({ childrenQueued: true });
    }

    const approval = await this.ctx.approvals.currentExpiring(this.id);
    await this.readChildren(plan);
    const cancel = await this.ctx.cancels.requestedBy(this.id);
    if (!this.rec.stop) await this.decideStop(plan, approval, cancel);

    if (this.rec.stop) {
      await this.cancelChildren(plan, this.rec.stop.kind === 'cancelled');
      await this.readChildren(plan);
      await this.report(plan, 'stopping');
      if (plan.items.every((i) => FINAL.has(this.status(i)))) return this.finish(plan);
      return this.poll();
    }

    if (!approval?.decision) {
      const staging = plan.items.some((i) => this.status(i) === 'staging');
      await this.report(plan, staging ? 'staging' : 'awaiting_approval');
      const expires = approval ? realTimeOf(Date.parse(approval.expiresAt), this.ctx.opts) : Date.now() + this.ctx.settings.batchPollMs;
      return {
        until: staging ? Math.min(expires, Date.now() + this.ctx.settings.batchPollMs) : expires,
        wake: async () => (await this.ctx.approvals.current(this.id))?.decision !== undefined || (await this.ctx.cancels.requestedBy(this.id)) !== undefined,
      };
    }

    // Approved. Re-grant released children first (a crash may have come between "released" and the grant).
    for (const item of plan.items.filter((i) => this.isReleased(i.instanceId))) {
      if (this.children.get(item.instanceId)?.state === 'finished') continue;
      const g = await this.ctx.approvals.grantFromBatch(item.childJobId, item.planHash, this.id, approval);
      if (g === 'mismatch') await this.ctx.cancelJob(item.childJobId, `batch ${this.id}: its plan changed after the batch was approved`);
    }

    const pending = plan.items.some((i) => !this.isReleased(i.instanceId) && !FINAL.has(this.status(i)));
    const until = freezeEndsAt(this.ctx.opts);
    const emit = (e: EventBody) => this.emit(e);
    if (until && pending) {
      const announced = await announceWindowWait(emit, this.rec.windowNotedUntil, until, this.ctx.opts.cutoverTimeZone ?? 'UTC');
      if (announced !== this.rec.windowNotedUntil) await this.patch({ windowNotedUntil: announced });
      await this.report(plan, 'waiting_window');
      return {
        until: Math.min(realTimeOf(until.getTime(), this.ctx.opts), Date.now() + this.ctx.settings.batchPollMs),
        wake: async () => (await this.ctx.cancels.requestedBy(this.id)) !== undefined,
      };
    }
    if (this.rec.windowNotedUntil) {
      await announceWindowOpen(emit, this.rec.windowNotedUntil, 'Change window open: the batch proceeds');
      await this.patch({ windowNotedUntil: '' });
    }

    const items = new Map(plan.items.map((i) => [i.instanceId, i]));
    const ready = (instanceId: string) => {
      const c = this.children.get(instanceId);
      const item = items.get(instanceId)!;
      return c?.state === 'awaiting_approval' && !!c.approval && !c.approval.decision && c.approval.planHash === item.planHash;
    };
    const release = nextToRelease(plan, (id) => this.status(items.get(id)!), ready);
    if (release.length) {
      // Journal first: a crash after this is healed by the re-grant above.
      await this.patch({ released: [...(this.rec.released ?? []), ...release.map((i) => i.instanceId)] });
      for (const item of release) {
        // Its turn: ahead of the children still queued for staging once the grant wakes it (job-options.ts).
        await (await this.ctx.migrations.getJob(item.childJobId))?.changePriority({ priority: BATCH_PRIORITY.turn }).catch(() => {});
        await this.ctx.approvals.grantFromBatch(item.childJobId, item.planHash, this.id, approval);
      }
      await this.readChildren(plan);
    }
    const canariesDone = plan.items.filter((i) => i.canary).every((i) => this.status(i) === 'done');
    await this.report(plan, canariesDone ? 'rolling' : 'canary');
    if (plan.items.every((i) => FINAL.has(this.status(i)))) return this.finish(plan);
    return this.poll();
  }

  /** Why the batch stops (rejection, expiry, cancel, or the first child that did not migrate), decided once. */
  private async decideStop(plan: BatchPlan, approval: ApprovalRequest | undefined, cancel: string | undefined): Promise<void> {
    const d = approval?.decision;
    const stopWith = (why: JobReason) => ({ reason: msg('en').jobReasons({ reasons: [why] }), why });
    if (d?.decision === 'rejected') return this.patch({ stop: { kind: 'rejected', ...stopWith({ code: 'rejected', by: d.by }) } });
    if (d?.decision === 'expired') return this.patch({ stop: { kind: 'expired', ...stopWith({ code: 'expired', before: approval!.expiresAt }) } });
    if (cancel) return this.patch({ stop: { kind: 'cancelled', ...stopWith({ code: 'cancelled', by: cancel }), by: cancel } });
    const failed = plan.items.find((i) => this.status(i) === 'failed');
    if (!failed) return;
    const c = this.children.get(failed.instanceId);
    const why: JobReason = c
      ? { code: 'child_failed', instanceId: failed.instanceId, canary: failed.canary, outcome: c.outcome ?? 'failed',
          ...(c.outcomeText ? { text: c.outcomeText } : c.summary ? { summary: c.summary } : {}) }
      : { code: 'child_failed', instanceId: failed.instanceId, canary: failed.canary };
    await this.patch({ stop: { kind: 'failure', ...stopWith(why), instanceId: failed.instanceId } });
  }

  private poll(): Tick {
    return { until: Date.now() + this.ctx.settings.batchPollMs, wake: async () => false };
  }

  private isReleased(instanceId: string): boolean {
    // A batch of a thousand asks this of every item several times a tick: a set, made again when the list changes.
    const list = this.rec.released ?? [];
    if (this.releasedSet?.of !== list) this.releasedSet = { of: list, ids: new Set(list) };
    return this.releasedSet.ids.has(instanceId);
  }

  /**
   * Plans the batch and tells the thread; returns a Tick when the batch ends here. Planned once: a second run of the
   * same batch (BullMQ took the first for stalled) waits for its plan.
   */
  private async plan(): Promise<Tick | undefined> {
    const token = randomBytes(8).toString('hex');
    if (!(await this.ctx.batchPlans.claimPlanning(this.id, token, PLANNING_LEASE_MS))) return this.poll();
    const renew = setInterval(() => { this.ctx.batchPlans.claimPlanning(this.id, token, PLANNING_LEASE_MS).catch(() => {}); }, PLANNING_LEASE_MS / 3);
    try {
      // A run that held the lease before this one may have planned already.
      const fresh = await this.ctx.store.getBatch(this.id);
      if (fresh?.plan) {
        this.rec = fresh;
        return undefined;
      }
      const res = await planBatch(this.ctx, this.rec);
      if ('failed' in res) return this.finishEarly('failed', { batch: 'plan_failed', message: res.failed });
      const { plan, plans, facts } = res;
      await this.ctx.batchPlans.save(this.id, plans, facts);
      await this.patch({ plan, phase: 'staging', statuses: {} });
      await this.emit({ type: 'batch.planned', batch: plan });
      if (!plan.items.length) {
        return this.finishEarly('refused', { batch: 'nothing', targets: this.rec.targets, skipped: plan.skipped.map((s) => ({ instanceId: s.instanceId, code: s.code })) });
      }
      return undefined;
    } finally {
      clearInterval(renew);
      await this.ctx.batchPlans.releasePlanning(this.id, token).catch(() => {});
    }
  }

  private async finishEarly(outcome: JobOutcome, text: BatchText): Promise<Tick> {
    const summary = msg('en').outcomeText({ text });
    await this.ctx.store.finish(this.id, { outcome, summary, summaryText: text, phase: 'finished' });
    this.rec.state = 'finished';
    await this.emitFinished(outcome, summary, text);
    return { outcome };
  }

  /** Opens the batch's approval request (bound to the batch hash) and posts it, once. */
  private async announceApproval(plan: BatchPlan): Promise<void> {
    if (this.rec.approvalAnnounced) return;
    const now = this.ctx.opts.clock.now();
    // A request opened by an earlier tick (which died before noting the card) is kept, decided or not.
    const request = (await this.ctx.approvals.current(this.id)) ?? (await this.ctx.approvals.open(this.id, {
      kind: 'batch', planHash: plan.hash, requestedBy: this.rec.requestedBy, requiredApprovals: this.ctx.opts.requiredApprovals,
      requestedAt: iso(now), expiresAt: iso(now + this.ctx.opts.approvalTtlMs), approvals: [],
    })).request;
    // The event carries one full plan (the first canary's) for consumers that know only single jobs.
    const first = plan.items[0]!;
    const canaryPlan = (await this.ctx.batchPlans.get(this.id, first.instanceId)) ?? (await this.ctx.records.get(first.childJobId))?.plan;
    if (!canaryPlan) throw new StepFailure('NoPlan', { failure: 'plan_gone', instance: first.instanceId });
    await this.emit({
      type: 'approval.requested', kind: 'batch', plan: canaryPlan, planHash: plan.hash, expiresAt: request.expiresAt,
      requiredApprovals: request.requiredApprovals, requestedBy: { kind: 'user', userId: this.rec.requestedBy }, batch: plan,
    });
    await this.patch({ approvalAnnounced: true });
  }

  // ── children ──────────────────────────────────────────────────────────────

  /** One read for the children not known to be finished (by this tick, or by an earlier tick in this process). */
  private async readChildren(plan: BatchPlan): Promise<void> {
    const known = finishedChildren(this.ctx, this.id);
    const todo: BatchItem[] = [];
    for (const i of plan.items) {
      if (this.children.get(i.instanceId)?.state === 'finished') continue;
      const done = known.get(i.childJobId);
      if (done) this.children.set(i.instanceId, done);
      else todo.push(i);
    }
    const views = await this.ctx.records.peek(todo.map((i) => i.childJobId));
    todo.forEach((item, k) => {
      const v = views[k];
      this.children.set(item.instanceId, v);
      if (v?.state === 'finished') known.set(item.childJobId, v);
    });
  }

  private status(item: BatchItem): BatchItemStatus {
    const c = this.children.get(item.instanceId);
    const released = this.isReleased(item.instanceId);
    if (!c) return this.rec.childrenQueued ? (this.rec.stop ? 'untouched' : 'failed') : 'staging';
    if (c.state === 'finished') {
      if (c.outcome === 'migrated') return 'done';
      if (released) return 'failed';
      return this.rec.stop ? 'untouched' : 'failed';
    }
    if (released) return 'in_flight';
    if (c.state === 'awaiting_approval' && c.approval && !c.approval.decision) return 'waiting';
    return 'staging';
  }

  /** After a stop: children not released are cancelled (staging undone); on a cancel of the batch, all of them. */
  private async cancelChildren(plan: BatchPlan, all: boolean): Promise<void> {
    const sent = new Set(this.rec.cancelSent ?? []);
    // The child's reason names the batch; why the batch stopped is in the batch's own thread and summary.
    const by = `batch ${this.id}`;
    let changed = false;
    for (const item of plan.items) {
      const c = this.children.get(item.instanceId);
      if (!c || c.state === 'finished' || sent.has(item.instanceId)) continue;
      if (this.isReleased(item.instanceId) && !all) continue; // let a cutover in flight finish (or restore) by itself
      await this.ctx.cancelJob(item.childJobId, by);
      sent.add(item.instanceId);
      changed = true;
    }
    if (changed) await this.patch({ cancelSent: [...sent] });
  }

  // ── telling the thread ────────────────────────────────────────────────────

  private async report(plan: BatchPlan, phase: BatchPhase): Promise<void> {
    const prev = this.rec.statuses ?? {};
    const now: Record<string, BatchItemStatus> = {};
    const changes: { instanceId: string; status: BatchItemStatus }[] = [];
    for (const i of plan.items) {
      const s = this.status(i);
      now[i.instanceId] = s;
      if (prev[i.instanceId] !== s) changes.push({ instanceId: i.instanceId, status: s });
    }
    const reported = new Set(this.rec.reported ?? []);
    for (const i of plan.items) {
      const c = this.children.get(i.instanceId);
      if (!c || c.state !== 'finished' || reported.has(i.instanceId)) continue;
      // The canary's service-port table goes to the batch thread (one full record read, for the canary only).
      const ports = i.canary ? (await this.ctx.records.get(i.childJobId))?.verification?.ports : undefined;
      await this.emit({ type: 'batch.instance', instanceId: i.instanceId, childJobId: i.childJobId, canary: i.canary, outcome: c.outcome ?? 'failed', summary: c.summary ?? '', ...(c.outcomeText ? { text: c.outcomeText } : {}), ...(ports?.length ? { ports } : {}) });
      reported.add(i.instanceId);
    }
    if (changes.length || phase !== this.rec.phase) {
      await this.emit({ type: 'batch.progress', phase, changes, counts: countStatuses(Object.values(now), plan.skipped.length) });
    }
    // Only what changed: a tick that saw nothing new (most of them, in a batch of a thousand) writes nothing.
    const fields: Partial<BatchRecord> = {};
    if (changes.length || !this.rec.statuses) fields.statuses = now;
    if (phase !== this.rec.phase) fields.phase = phase;
    if (reported.size !== (this.rec.reported?.length ?? 0)) fields.reported = [...reported];
    if (Object.keys(fields).length) await this.patch(fields);
  }

  private async finish(plan: BatchPlan): Promise<Tick> {
    const { outcome, summary, text } = batchSummary(plan, this.rec.stop, (i) => this.status(i), (id) => this.children.get(id)?.outcome);
    await this.report(plan, 'finished');
    await this.ctx.store.finish(this.id, { outcome, summary, summaryText: text, phase: 'finished' });
    this.rec.state = 'finished';
    await this.ctx.batchPlans.drop(this.id);
    FINISHED_CHILDREN.get(this.ctx)?.delete(this.id);
    await this.emitFinished(outcome, summary, text);
    return { outcome };
  }

  private async emitFinished(outcome: JobOutcome, summary: string, text: EngineSummary | undefined): Promise<void> {
    await this.emit({ type: 'finished', outcome, summary, ...(text ? { text } : {}) });
    await this.ctx.store.patch(this.id, { finishEmitted: true });
  }
}
