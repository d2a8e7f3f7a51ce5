// A batch (`run --all <ngw|vpc> …`): one plan, one approval, canary first, then the rest with a concurrency cap.
//
// Design:
// - The batch is a parent job on the fleet queue plus one ordinary migration job per instance (its "children", on
//   the migrations queue, running the unchanged step machine of processor.ts). The batch plans every instance
//   from one read of each VPC, creates the children already holding their plan, and they stage at once (ENI
//   create/attach is not destructive), then park in await_approval.
// - People approve the batch only: its record carries an approval request bound to the batch plan hash (same
//   port, same rules: four-eyes, M-of-N, expiry, stale-hash refusal). A child's own request is "held" by the batch
//   (never decided by a click) and granted by the batch, when the child's turn comes, only if the child still asks
//   for exactly the plan hash listed in the approved batch plan (the grant records the batch id and hash).
// - Releasing = granting: canaries first, alone; only when every canary ended 'migrated' do the others go, at most
//   `concurrency` in flight. Forward-table writes stay serialized by each child's table lock. A child that drifts
//   after the grant asks again under another hash, which the batch never grants: it is cancelled and counts as a
//   failure.
// - The first child that does not end 'migrated' stops the batch: nothing more is released, children not released
//   are cancelled (their staging is undone, their mapping untouched) and listed; a failed child restored itself
//   through its own restore path.
// - The batch job is a reconciler: each run ("tick") reads the children's records, acts, tells the thread what
//   changed, and parks (moveToDelayed) until the next look or a decision. Everything it decides is derived from
//   records, so a worker killed mid-tick loses nothing.
import type { Job } from 'bullmq';
import { isCloudError } from '../cloud/errors.ts';
import {
  buildBatchPlan, countStatuses, nextToRelease, type BatchCandidate, type BatchItem, type BatchItemStatus, type BatchPhase, type BatchPlan, type BatchSkip,
} from '../domain/batch-plan.ts';
import { hasStatus, isIpMapping } from '../domain/dnat.ts';
import type { Actor, JobOutcome, MigrationEvent } from '../domain/events.ts';
import { jobIdFor } from '../domain/ids.ts';
import { planInputFor } from '../domain/inventory.ts';
import { buildPlan, refusalFromPermissionError } from '../domain/plan.ts';
import type { Plan } from '../domain/plan-types.ts';
import { iso, parkJob, type FleetContext, type FleetJobData } from './fleet-context.ts';
import type { BatchRecord } from './fleet-records.ts';
import type { JobData } from './job-data.ts';
import type { ApprovalRecord, JobRecord } from './ports.ts';
import { StepFailure, windowWaitTitle } from './processor.ts';
import { JOB_OPTIONS } from './service.ts';
import { randomBytes } from 'node:crypto';
import { gatherVpcState, vpcOfTarget } from './vpc-state.ts';

type Tick = { outcome: JobOutcome | 'unknown' } | { until: number; wake: () => Promise<boolean> };
/** The few fields of a child's record a tick looks at (not its steps or journal: a batch may have hundreds). */
type ChildView = Pick<JobRecord, 'state' | 'outcome' | 'summary' | 'approval'>;
const CHILD_FIELDS = ['jobId', 'state', 'outcome', 'summary', 'approval'] as const;
type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

const FINAL: ReadonlySet<BatchItemStatus> = new Set(['done', 'failed', 'untouched']);
const MAX_LISTED = 60;

function listIds(ids: string[]): string {
  if (!ids.length) return 'none';
  return ids.length > MAX_LISTED ? `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more` : ids.join(', ');
}

export async function runBatch(ctx: FleetContext, job: Job<FleetJobData>, token: string | undefined): Promise<unknown> {
  const id = (job.data as { jobId: string }).jobId;
  const rec = await ctx.store.get<BatchRecord>(id);
  if (!rec || rec.kind !== 'batch') {
    ctx.log.warn({ jobId: id }, 'batch has no record (expired or removed); dropping it');
    await ctx.store.forget(id);
    return { outcome: 'unknown' };
  }
  const res = await new BatchRun(ctx, rec).tick();
  if ('outcome' in res) return res;
  return parkJob(job, token, res.until, res.wake);
}

/** Where the per-instance plans of a batch wait until its children are created (kept out of the record). */
function plansKey(ctx: FleetContext, batchId: string): string {
  return `${ctx.keys.prefix}:fleet:plans:${batchId}`;
}

class BatchRun {
  private readonly id: string;
  private children = new Map<string, ChildView | undefined>();

  constructor(private readonly ctx: FleetContext, private rec: BatchRecord) {
    this.id = rec.jobId;
  }

  private async emit(e: DistributiveOmit<MigrationEvent, 'jobId' | 'at'>): Promise<void> {
    await this.ctx.notifier.emit({ ...e, jobId: this.id, at: iso() } as MigrationEvent);
  }

  private async patch(fields: Partial<BatchRecord>): Promise<void> {
    Object.assign(this.rec, fields);
    await this.ctx.store.patch(this.id, fields as Record<string, unknown>);
  }

  async tick(): Promise<Tick> {
    if (this.rec.state === 'finished') {
      if (!this.rec.finishEmitted && this.rec.outcome) await this.emitFinished(this.rec.outcome, this.rec.summary ?? '');
      return { outcome: this.rec.outcome ?? 'unknown' };
    }
    if (this.rec.state === 'queued') await this.patch({ state: 'running' });
    if (!this.rec.plan) {
      const done = await this.plan();
      if (done) return done;
    }
    const plan = this.rec.plan!;
    if (!this.rec.childrenQueued) await this.queueChildren(plan);
    await this.announceApproval(plan);

    let approval = await this.ctx.approvals.current(this.id);
    if (approval && !approval.decision && Date.now() >= Date.parse(approval.expiresAt)) {
      for (let i = 0; i < 5; i++) {
        const r = await this.ctx.approvals.expire(this.id);
        if (r !== 'conflict') { approval = r ?? approval; break; }
      }
    }
    await this.readChildren(plan);
    const cancel = await this.cancelRequested();

    // Why we stop, decided once.
    if (!this.rec.stop) {
      const d = approval?.decision;
      if (d?.decision === 'rejected') await this.patch({ stop: { kind: 'rejected', reason: `rejected by ${d.by.map((u) => `<@${u}>`).join(', ')}` } });
      else if (d?.decision === 'expired') await this.patch({ stop: { kind: 'expired', reason: `nobody approved before ${approval!.expiresAt}` } });
      else if (cancel) await this.patch({ stop: { kind: 'cancelled', reason: `cancelled by <@${cancel}>`, by: cancel } });
      else {
        const failed = plan.items.find((i) => this.status(i) === 'failed');
        if (failed) {
          const c = this.children.get(failed.instanceId);
          const what = c ? `${failed.instanceId}${failed.canary ? ' (canary)' : ''} ended ${c.outcome ?? 'failed'}${c.summary ? `: ${c.summary}` : ''}` : `${failed.instanceId} could not be claimed (another job holds it)`;
          await this.patch({ stop: { kind: 'failure', reason: what, instanceId: failed.instanceId } });
        }
      }
    }

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
      const expires = approval ? Date.parse(approval.expiresAt) : Date.now() + this.ctx.settings.batchPollMs;
      return {
        until: staging ? Math.min(expires, Date.now() + this.ctx.settings.batchPollMs) : expires,
        wake: async () => (await this.ctx.approvals.current(this.id))?.decision !== undefined || (await this.cancelRequested()) !== undefined,
      };
    }

    // Approved. Re-grant released children first (a crash may have come between "released" and the grant).
    for (const item of plan.items.filter((i) => this.isReleased(i.instanceId))) {
      if (this.children.get(item.instanceId)?.state === 'finished') continue;
      const g = await this.grant(item, approval);
      if (g === 'mismatch') await this.ctx.cancelJob(item.childJobId, `batch ${this.id}: its plan changed after the batch was approved`);
    }

    const until = this.ctx.opts.cutoverGate?.(new Date());
    const pending = plan.items.some((i) => !this.isReleased(i.instanceId) && !FINAL.has(this.status(i)));
    if (until && until.getTime() > Date.now() && pending) {
      if (this.rec.windowNotedUntil !== until.toISOString()) {
        const tz = this.ctx.opts.cutoverTimeZone ?? 'UTC';
        await this.emit({ type: 'step.started', step: 'await_window', title: windowWaitTitle(until, tz) });
        await this.emit({ type: 'window.waiting', until: until.toISOString(), timeZone: tz });
        await this.patch({ windowNotedUntil: until.toISOString() });
      }
      await this.report(plan, 'waiting_window');
      return { until: Math.min(until.getTime(), Date.now() + this.ctx.settings.batchPollMs), wake: async () => (await this.cancelRequested()) !== undefined };
    }
    if (this.rec.windowNotedUntil) {
      await this.emit({ type: 'step.finished', step: 'await_window', title: 'Change window open: the batch proceeds', calls: [], detail: { waitedUntil: this.rec.windowNotedUntil } });
      await this.patch({ windowNotedUntil: '' });
    }

    const ready = (instanceId: string) => {
      const c = this.children.get(instanceId);
      const item = plan.items.find((i) => i.instanceId === instanceId)!;
      return c?.state === 'awaiting_approval' && !!c.approval && !c.approval.decision && c.approval.planHash === item.planHash;
    };
    const release = nextToRelease(plan, (id) => this.status(plan.items.find((i) => i.instanceId === id)!), ready);
    if (release.length) {
      // Journal first: a crash after this is healed by the re-grant above.
      await this.patch({ released: [...(this.rec.released ?? []), ...release.map((i) => i.instanceId)] });
      for (const item of release) await this.grant(item, approval);
      await this.readChildren(plan);
    }
    const canariesDone = plan.items.filter((i) => i.canary).every((i) => this.status(i) === 'done');
    await this.report(plan, canariesDone ? 'rolling' : 'canary');
    if (plan.items.every((i) => FINAL.has(this.status(i)))) return this.finish(plan);
    return this.poll();
  }

  private poll(): Tick {
    return { until: Date.now() + this.ctx.settings.batchPollMs, wake: async () => false };
  }

  private isReleased(instanceId: string): boolean {
    return (this.rec.released ?? []).includes(instanceId);
  }

  private async cancelRequested(): Promise<string | undefined> {
    const raw = await this.ctx.redis.get(this.ctx.keys.cancel(this.id));
    if (!raw) return undefined;
    try { return (JSON.parse(raw) as { by: string }).by; } catch { return raw; }
  }

  // ── planning ──────────────────────────────────────────────────────────────

  /** Plans every IP-mapped instance of the targets from one read per VPC. Returns a Tick when the batch ends here. */
  private async plan(): Promise<Tick | undefined> {
    const rec = this.rec;
    const cloud = this.ctx.cloudFor(rec.regionId);
    const candidates: BatchCandidate[] = [];
    const skips: BatchSkip[] = [];
    try {
      const vpcs = new Map<string, string[]>();
      for (const t of rec.targets) {
        const vpc = await vpcOfTarget(cloud, t);
        vpcs.set(vpc, [...(vpcs.get(vpc) ?? []), t]);
      }
      for (const [vpcId, targets] of vpcs) {
        const state = await gatherVpcState(cloud, vpcId);
        // A VPC target covers every gateway of the VPC; NAT gateway targets only their own mappings.
        const wholeVpc = targets.includes(vpcId);
        const tables = new Set(state.natGateways.filter((g) => wholeVpc || targets.includes(g.natGatewayId)).flatMap((g) => g.forwardTableIds));
        for (const inst of state.instances) {
          const mapped = state.dnatEntries.some((e) => tables.has(e.forwardTableId) && isIpMapping(e) && e.internalIp === inst.primaryIp && !hasStatus(e, 'Deleting'));
          if (!mapped || candidates.some((c) => c.instanceId === inst.instanceId)) continue;
          const holder = await this.ctx.records.activeHolder(rec.regionId, inst.instanceId);
          if (holder) {
            skips.push({ instanceId: inst.instanceId, code: 'ActiveJob', message: `Instance ${inst.instanceId} already has an active job ${holder}; it is left out of the batch.` });
            continue;
          }
          const seq = await this.ctx.records.nextSeq('migrate', rec.regionId, inst.instanceId);
          const childJobId = `${jobIdFor('migrate', rec.regionId, inst.instanceId)}-${seq}`;
          const result = buildPlan(planInputFor(state, inst.instanceId, rec.options), { jobId: childJobId });
          candidates.push({ instanceId: inst.instanceId, childJobId, result });
        }
      }
    } catch (e) {
      if (isCloudError(e) && e.isPermissionDenied) return this.finishEarly('failed', refusalFromPermissionError(e.action, e.deniedAction).message);
      if (isCloudError(e) || e instanceof StepFailure) return this.finishEarly('failed', `Planning the batch failed: ${(e as Error).message}`);
      throw e;
    }
    const { plan, plans } = buildBatchPlan({
      batchId: this.id, regionId: rec.regionId, targets: rec.targets, options: rec.options, candidates, extraSkips: skips,
      ...(rec.concurrency !== undefined ? { concurrency: rec.concurrency } : {}), ...(rec.canary !== undefined ? { canary: rec.canary } : {}),
    });
    if (plans.size) {
      const key = plansKey(this.ctx, this.id);
      await this.ctx.redis.multi()
        .hset(key, ...[...plans].flatMap(([k, p]) => [k, JSON.stringify(p)]))
        .pexpire(key, this.ctx.opts.recordRetentionMs)
        .exec();
    }
    await this.patch({ plan, phase: 'staging', statuses: {} });
    await this.emit({ type: 'batch.planned', batch: plan });
    if (!plan.items.length) {
      return this.finishEarly('refused', `Nothing to migrate: no instance of ${rec.targets.join(', ')} has a DNAT IP mapping the pre-flight accepts${plan.skipped.length ? ` (${plan.skipped.length} skipped: ${plan.skipped.map((s) => `${s.instanceId} ${s.code}`).join(', ')})` : ''}.`);
    }
    return undefined;
  }

  private async finishEarly(outcome: JobOutcome, summary: string): Promise<Tick> {
    await this.ctx.store.finish(this.id, { outcome, summary, phase: 'finished' });
    this.rec.state = 'finished';
    await this.emitFinished(outcome, summary);
    return { outcome };
  }

  /** Creates and queues every child (idempotent: a child that exists is left alone). */
  private async queueChildren(plan: BatchPlan): Promise<void> {
    const rec = this.rec;
    const key = plansKey(this.ctx, this.id);
    for (const item of plan.items) {
      if (await this.ctx.records.get(item.childJobId)) continue;
      const raw = await this.ctx.redis.hget(key, item.instanceId);
      if (!raw) continue; // plans expired: the child is reported as never claimed
      const p = JSON.parse(raw) as Plan;
      const now = iso();
      const data: JobData = {
        v: 1, kind: 'migrate', jobId: item.childJobId, regionId: rec.regionId, instanceId: item.instanceId, requestedBy: rec.requestedBy,
        options: rec.options, step: 'create_eni', nonce: randomBytes(6).toString('hex'), plan: p, batchId: this.id,
      };
      const child: JobRecord = {
        jobId: item.childJobId, kind: 'migrate', regionId: rec.regionId, instanceId: item.instanceId, requestedBy: rec.requestedBy,
        // No channel: the batch's thread tells the children's story.
        audience: { batchId: this.id }, options: rec.options, state: 'staging', createdAt: now, updatedAt: now, steps: [], plan: p, batchId: this.id,
      };
      const res = await this.ctx.records.createActive(child, data);
      if (!res.created) continue; // another job took the instance since planning: reported as a failure to claim
      await this.ctx.migrations.add('migrate', data, { ...JOB_OPTIONS, jobId: item.childJobId });
    }
    await this.patch({ childrenQueued: true });
  }

  /** Opens the batch's approval request (bound to the batch hash) and posts it, once. */
  private async announceApproval(plan: BatchPlan): Promise<void> {
    if (this.rec.approvalAnnounced) return;
    let cur = await this.ctx.approvals.current(this.id);
    if (!cur) {
      const now = Date.now();
      const wanted: ApprovalRecord = {
        kind: 'batch', planHash: plan.hash, requestedBy: this.rec.requestedBy, requiredApprovals: this.ctx.opts.requiredApprovals,
        requestedAt: iso(now), expiresAt: iso(now + this.ctx.opts.approvalTtlMs), approvals: [],
      };
      cur = (await this.ctx.approvals.open(this.id, wanted)).record;
    }
    // The event carries one full plan (the first canary's) for consumers that know only single jobs.
    const first = plan.items[0]!;
    const raw = await this.ctx.redis.hget(plansKey(this.ctx, this.id), first.instanceId);
    const canaryPlan = raw ? (JSON.parse(raw) as Plan) : (await this.ctx.records.get(first.childJobId))?.plan;
    if (!canaryPlan) throw new StepFailure('NoPlan', `the plan of ${first.instanceId} is gone`);
    await this.emit({
      type: 'approval.requested', kind: 'batch', plan: canaryPlan, planHash: plan.hash, expiresAt: cur.expiresAt,
      requiredApprovals: cur.requiredApprovals, requestedBy: { kind: 'user', userId: this.rec.requestedBy }, batch: plan,
    });
    await this.patch({ approvalAnnounced: true });
  }

  // ── children ──────────────────────────────────────────────────────────────

  /** One pipelined HMGET per child; children that finished are not read again in this tick's run. */
  private async readChildren(plan: BatchPlan): Promise<void> {
    const todo = plan.items.filter((i) => this.children.get(i.instanceId)?.state !== 'finished');
    if (!todo.length) return;
    const p = this.ctx.redis.pipeline();
    for (const i of todo) p.hmget(this.ctx.keys.record(i.childJobId), ...CHILD_FIELDS);
    const res = (await p.exec()) ?? [];
    todo.forEach((item, k) => {
      const [err, vals] = res[k] ?? [null, []];
      if (err) throw err;
      const [jobId, state, outcome, summary, approval] = (vals as (string | null)[]).map((v) => {
        if (v === null) return undefined;
        try { return JSON.parse(v) as unknown; } catch { return undefined; }
      });
      if (jobId === undefined) { this.children.set(item.instanceId, undefined); return; }
      const view: ChildView = { state: (state ?? 'queued') as JobRecord['state'] };
      if (outcome !== undefined) view.outcome = outcome as JobOutcome;
      if (summary !== undefined) view.summary = summary as string;
      if (approval !== undefined) view.approval = approval as ApprovalRecord;
      this.children.set(item.instanceId, view);
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

  /** Grants the batch's approval to one child, for exactly its approved plan hash. */
  private async grant(item: BatchItem, batch: ApprovalRecord): Promise<'granted' | 'pending' | 'decided' | 'mismatch'> {
    const d = batch.decision!;
    for (let attempt = 0; attempt < 20; attempt++) {
      const { raw, approval } = await this.ctx.records.getApproval(item.childJobId);
      if (!approval) return 'pending';
      if (approval.decision) return 'decided';
      if (approval.planHash !== item.planHash) return 'mismatch';
      const at = iso();
      const next: ApprovalRecord = {
        ...approval, approvals: batch.approvals.map((a) => ({ ...a })),
        decision: { decision: 'approved', by: [...d.by], at }, viaBatch: { batchId: this.id, batchHash: batch.planHash },
      };
      const res = await this.ctx.records.casApproval(item.childJobId, raw, next);
      if (res === 'missing') return 'pending';
      if (res === 'conflict') continue;
      await this.ctx.notifier.emit({ type: 'approval.decided', jobId: item.childJobId, at, decision: 'approved', by: d.by.map((userId): Actor => ({ kind: 'user', userId })) });
      await this.ctx.wakeJob(item.childJobId);
      return 'granted';
    }
    return 'pending';
  }

  /** After a stop: children not released are cancelled (staging undone); on a cancel of the batch, all of them. */
  private async cancelChildren(plan: BatchPlan, all: boolean): Promise<void> {
    const sent = new Set(this.rec.cancelSent ?? []);
    const by = `batch ${this.id} (${this.rec.stop?.kind === 'failure' ? 'stopped after a failure' : this.rec.stop?.reason ?? 'stopped'})`;
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
      await this.emit({ type: 'batch.instance', instanceId: i.instanceId, childJobId: i.childJobId, canary: i.canary, outcome: c.outcome ?? 'failed', summary: c.summary ?? '' });
      reported.add(i.instanceId);
    }
    if (changes.length || phase !== this.rec.phase) {
      await this.emit({ type: 'batch.progress', phase, changes, counts: countStatuses(Object.values(now), plan.skipped.length) });
    }
    await this.patch({ statuses: now, phase, reported: [...reported] });
  }

  private summary(plan: BatchPlan): { outcome: JobOutcome; summary: string } {
    const by = (s: BatchItemStatus) => plan.items.filter((i) => this.status(i) === s).map((i) => i.instanceId);
    const done = by('done');
    const failed = by('failed');
    const untouched = by('untouched');
    const skipped = plan.skipped.length ? ` Skipped by the pre-flight: ${listIds(plan.skipped.map((s) => `${s.instanceId} (${s.code})`))}.` : '';
    const stop = this.rec.stop;
    if (!stop && done.length === plan.items.length) {
      return { outcome: 'migrated', summary: `All ${done.length} instance${done.length === 1 ? '' : 's'} migrated and verified (canary first: ${listIds(plan.items.filter((i) => i.canary).map((i) => i.instanceId))}); they now egress through SNAT.${skipped}` };
    }
    const untouchedText = `Untouched (staging undone, DNAT mappings as they were): ${listIds(untouched)}.`;
    if (stop?.kind === 'rejected' || stop?.kind === 'expired') {
      return { outcome: stop.kind, summary: `${stop.kind === 'rejected' ? 'Rejected' : 'Approval expired'} (${stop.reason}); no DNAT entry was touched. ${untouchedText}${skipped}` };
    }
    const restored = failed.filter((id) => {
      const o = this.children.get(id)?.outcome;
      return o === 'restored' || o === 'cancelled' || o === 'refused';
    });
    const outcome: JobOutcome = stop?.kind === 'cancelled' ? 'cancelled' : failed.length && restored.length === failed.length ? 'restored' : 'failed';
    const head = stop ? `Stopped: ${stop.reason}.` : 'Stopped.';
    const failedText = failed.length
      ? ` Not migrated after release: ${failed.map((id) => `${id} (${this.children.get(id)?.outcome ?? 'not claimed'})`).join(', ')}${restored.length === failed.length ? ' — original mappings restored' : ' — see their jobs'}.`
      : '';
    return { outcome, summary: `${head} Migrated before the stop: ${listIds(done)}.${failedText} ${untouchedText}${skipped}` };
  }

  private async finish(plan: BatchPlan): Promise<Tick> {
    const { outcome, summary } = this.summary(plan);
    await this.report(plan, 'finished');
    await this.ctx.store.finish(this.id, { outcome, summary, phase: 'finished' });
    this.rec.state = 'finished';
    await this.ctx.redis.del(plansKey(this.ctx, this.id));
    await this.emitFinished(outcome, summary);
    return { outcome };
  }

  private async emitFinished(outcome: JobOutcome, summary: string): Promise<void> {
    await this.emit({ type: 'finished', outcome, summary });
    await this.ctx.store.patch(this.id, { finishEmitted: true });
  }
}
