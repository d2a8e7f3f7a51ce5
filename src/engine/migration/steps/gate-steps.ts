// The gate: an approval request bound to the plan hash, a parked wait for the decision, and (with change
// freezes configured) a parked wait for the window. Parking holds no worker slot.
import type { ApprovalRequest } from '../../../domain/approval.ts';
import type { RollbackSummary } from '../../../domain/events.ts';
import { announceWindowOpen, announceWindowWait, freezeEndsAt, realTimeOf } from '../../change-window.ts';
import type { EventBody } from '../../ports.ts';
import { ParkSignal } from '../../step-errors.ts';
import { done, iso, type StepContext, type StepHandler } from '../step-context.ts';
import { noteReason } from '../summary.ts';

const lastWake = new Map<string, number>();
function wakeDue(batchId: string, now = Date.now()): boolean {
  if (now - (lastWake.get(batchId) ?? 0) < 250) return false;
  lastWake.set(batchId, now);
  if (lastWake.size > 1000) lastWake.clear();
  return true;
}

export const requestApproval: StepHandler = async (s) => {
  const rollback = s.j.kind === 'rollback';
  const plan = s.requirePlan();
  const hash = rollback ? s.j.rollback!.hash : plan.hash;
  const now = s.now();
  // A batch child's request is decided by its batch (which has its own expiry), so it waits as long as that may take.
  const ttl = s.j.batchId ? s.opts.batchChildHoldMs : s.opts.approvalTtlMs;
  const wanted: ApprovalRequest = {
    kind: rollback ? 'rollback' : 'migrate', planHash: hash, requestedBy: s.j.requestedBy,
    requiredApprovals: s.opts.requiredApprovals, requestedAt: iso(now), expiresAt: iso(now + ttl), approvals: [],
    ...(s.j.batchId ? { heldBy: s.j.batchId } : {}),
  };
  const { request, opened } = await s.deps.approvals.open(s.jobId, wanted);
  s.j.approvalHash = hash;
  if (opened) {
    const { hash: _h, ...summary } = s.j.rollback ?? { hash: '' };
    await s.emit({
      type: 'approval.requested', kind: wanted.kind, plan, planHash: hash, expiresAt: request.expiresAt,
      requiredApprovals: request.requiredApprovals, requestedBy: { kind: 'user', userId: s.j.requestedBy },
      ...(rollback ? { rollback: summary as RollbackSummary } : {}),
    });
    // A batch child is ready for its grant: the batch (parked until its next look) can release it now. Children
    // stage together, so one wake per batch a quarter second is enough (each wake makes the batch read every child).
    if (s.j.batchId && wakeDue(s.j.batchId)) await s.deps.wakeBatch?.(s.j.batchId).catch(() => {});
  }
  return done({ planHash: hash, expiresAt: request.expiresAt, requiredApprovals: request.requiredApprovals });
};

const cancelRequested = async (s: StepContext) => (await s.deps.cancels.requestedBy(s.jobId)) !== undefined;

export const awaitApproval: StepHandler = async (s) => {
  const a = await s.deps.approvals.currentExpiring(s.jobId);
  if (!a || a.planHash !== s.j.approvalHash) return { outcome: 'not_requested' };
  const d = a.decision;
  if (!d) {
    throw new ParkSignal(realTimeOf(Date.parse(a.expiresAt), s.opts), async () => {
      const cur = await s.deps.approvals.current(s.jobId);
      return cur?.decision !== undefined || (await cancelRequested(s));
    });
  }
  if (d.decision === 'approved') return { outcome: 'approved', detail: { approvedBy: d.by } };
  noteReason(s.j, d.decision === 'rejected' ? { code: 'rejected', by: d.by } : { code: 'expired', before: a.expiresAt });
  return { outcome: d.decision, detail: { decision: d.decision, by: d.by } };
};

export const awaitWindow: StepHandler = async (s) => {
  const until = freezeEndsAt(s.opts);
  const emit = (e: EventBody) => s.emit(e);
  if (!until) {
    await announceWindowOpen(emit, s.j.windowNotedUntil, 'Change window open: the cutover starts');
    s.j.windowNotedUntil = undefined;
    return done();
  }
  s.j.windowNotedUntil = await announceWindowWait(emit, s.j.windowNotedUntil, until, s.opts.cutoverTimeZone ?? 'UTC');
  throw new ParkSignal(realTimeOf(until.getTime(), s.opts), () => cancelRequested(s));
};
