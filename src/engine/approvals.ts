import type { Actor } from '../domain/events.ts';
import type { ApprovalRecord, ApprovalsPort, DecisionResult, Notifier } from './ports.ts';
import type { RecordStore } from './records.ts';

/**
 * Approval decisions, stored in the job record's `approval` field and changed only by compare-and-set, so two
 * clicks at once (or a click racing the expiry) cannot both win. Whoever makes the decision emits it and wakes
 * the parked job.
 */
export class RedisApprovals implements ApprovalsPort {
  constructor(
    private readonly records: RecordStore,
    private readonly notifier: Notifier,
    /** Wakes the parked job; must tolerate a job that is not delayed (it re-checks after parking). */
    private readonly wake: (jobId: string) => Promise<void>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async current(jobId: string): Promise<ApprovalRecord | undefined> {
    return (await this.records.getApproval(jobId)).approval;
  }

  async decide(jobId: string, input: { planHash: string; decision: 'approve' | 'reject'; userId: string }): Promise<DecisionResult> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { exists, raw, approval } = await this.records.getApproval(jobId);
      if (!exists) return { ok: false, code: 'unknown_job', message: `No job ${jobId}.` };
      if (!approval) return { ok: false, code: 'not_awaiting', message: `Job ${jobId} is not waiting for an approval.` };
      // A batch child is released by its batch; people approve the batch, never its children one by one.
      if (approval.heldBy && !approval.decision) return { ok: false, code: 'not_awaiting', message: `Job ${jobId} is part of batch ${approval.heldBy}; approve the batch instead.` };
      if (approval.decision) {
        const d = approval.decision;
        return { ok: false, code: 'already_decided', message: `Job ${jobId} was already ${d.decision}${d.by.length ? ` by ${d.by.map((u) => `<@${u}>`).join(', ')}` : ''} at ${d.at}.` };
      }
      if (input.planHash !== approval.planHash) {
        return { ok: false, code: 'stale_plan', message: `That button is for an older plan of job ${jobId}; the plan changed and a new approval request was posted.` };
      }
      const now = this.now();
      if (now.getTime() >= Date.parse(approval.expiresAt)) {
        const expired = await this.expire(jobId);
        if (expired === 'conflict') continue;
        return { ok: false, code: 'expired', message: `The approval request of job ${jobId} expired at ${approval.expiresAt}.` };
      }
      if (input.decision === 'approve' && input.userId === approval.requestedBy) {
        return { ok: false, code: 'self_approval', message: `<@${input.userId}> requested job ${jobId} and cannot approve it; another approver must.` };
      }
      if (input.decision === 'approve' && approval.approvals.some((a) => a.userId === input.userId)) {
        return { ok: false, code: 'already_counted', message: `<@${input.userId}>'s approval of job ${jobId} is already counted (${approval.approvals.length} of ${approval.requiredApprovals}).` };
      }

      const at = now.toISOString();
      const next: ApprovalRecord = structuredClone(approval);
      if (input.decision === 'reject') {
        next.decision = { decision: 'rejected', by: [input.userId], at };
      } else {
        next.approvals.push({ userId: input.userId, at });
        if (next.approvals.length >= next.requiredApprovals) {
          next.decision = { decision: 'approved', by: next.approvals.map((a) => a.userId), at };
        }
      }
      const res = await this.records.casApproval(jobId, raw, next);
      if (res === 'missing') return { ok: false, code: 'unknown_job', message: `No job ${jobId}.` };
      if (res === 'conflict') continue;

      const actor: Actor = { kind: 'user', userId: input.userId };
      if (input.decision === 'approve') {
        await this.notifier.emit({ type: 'approval.recorded', jobId, at, by: actor, approvals: next.approvals.length, requiredApprovals: next.requiredApprovals });
      }
      if (next.decision) {
        await this.notifier.emit({
          type: 'approval.decided', jobId, at, decision: next.decision.decision,
          by: next.decision.by.map((userId): Actor => ({ kind: 'user', userId })),
        });
        await this.wake(jobId);
      }
      return { ok: true, record: next, decided: next.decision !== undefined };
    }
    return { ok: false, code: 'not_awaiting', message: `Job ${jobId} is changing too fast to record the decision; try again.` };
  }

  /**
   * Engine side: opens an approval request bound to `approval.planHash`. An undecided request for the same hash
   * is kept (a resumed step must not restart the clock). Returns the request in force and whether it is new.
   */
  async open(jobId: string, approval: ApprovalRecord): Promise<{ record: ApprovalRecord; opened: boolean }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { raw, approval: cur } = await this.records.getApproval(jobId);
      if (cur && cur.planHash === approval.planHash && cur.kind === approval.kind && !cur.decision) {
        return { record: cur, opened: false };
      }
      const res = await this.records.casApproval(jobId, raw, approval);
      if (res === 'ok') return { record: approval, opened: true };
      if (res === 'missing') throw new Error(`job record ${jobId} is missing`);
    }
    throw new Error(`could not open the approval request of ${jobId}: too many concurrent changes`);
  }

  /** Marks an undecided, overdue request expired. Returns the request afterwards, or 'conflict' to retry. */
  async expire(jobId: string): Promise<ApprovalRecord | 'conflict' | undefined> {
    const { raw, approval } = await this.records.getApproval(jobId);
    if (!approval || approval.decision) return approval;
    if (this.now().getTime() < Date.parse(approval.expiresAt)) return approval;
    const at = this.now().toISOString();
    const next: ApprovalRecord = { ...approval, decision: { decision: 'expired', by: [], at } };
    const res = await this.records.casApproval(jobId, raw, next);
    if (res === 'conflict') return 'conflict';
    if (res === 'missing') return undefined;
    await this.notifier.emit({ type: 'approval.decided', jobId, at, decision: 'expired', by: [] });
    await this.wake(jobId);
    return next;
  }
}
