import { decideApproval, expiredRequest, requestToOpen, type ApprovalClick, type ApprovalRequest } from '../../domain/approval.ts';
import type { Actor } from '../../domain/events.ts';
import type { Clock } from '../options.ts';
import type { ApprovalsPort, DecisionResult, Notifier } from '../ports.ts';
import type { RecordStore } from './records.ts';

const MAX_CAS_ATTEMPTS = 20;

/**
 * Approval requests, stored in the job (or batch) record's `approval` field and changed only by compare-and-set
 * around the domain's decideApproval, so two clicks at once (or a click racing the expiry) cannot both win. Whoever
 * makes the decision emits it and wakes the parked job.
 */
export class RedisApprovals implements ApprovalsPort {
  constructor(
    private readonly records: RecordStore,
    private readonly notifier: Notifier,
    /** Wakes the parked job; must tolerate a job that is not delayed (it re-checks after parking). */
    private readonly wake: (jobId: string) => Promise<void>,
    private readonly clock: Clock,
  ) {}

  async current(jobId: string): Promise<ApprovalRequest | undefined> {
    return (await this.records.getApproval(jobId)).approval;
  }

  async decide(jobId: string, click: ApprovalClick): Promise<DecisionResult> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { exists, raw, approval } = await this.records.getApproval(jobId);
      if (!exists) return { ok: false, code: 'UnknownJob', message: `No job ${jobId} is known; nothing was recorded.` };
      const now = new Date(this.clock.now());
      const verdict = decideApproval(jobId, approval, click, now);
      if (!verdict.ok) {
        // An overdue request is recorded as expired by whoever notices first (this click, or the parked job).
        if (verdict.code === 'Expired' && !approval?.decision && (await this.expire(jobId)) === 'conflict') continue;
        return verdict;
      }
      const res = await this.records.casApproval(jobId, raw, verdict.request);
      if (res === 'missing') return { ok: false, code: 'UnknownJob', message: `No job ${jobId} is known; nothing was recorded.` };
      if (res === 'conflict') continue;

      const at = now.toISOString();
      if (verdict.outcome !== 'rejected') {
        await this.notifier.emit({ type: 'approval.recorded', jobId, at, by: { kind: 'user', userId: click.userId }, approvals: verdict.approvals, requiredApprovals: verdict.requiredApprovals });
      }
      const decision = verdict.request.decision;
      if (decision) {
        await this.notifier.emit({ type: 'approval.decided', jobId, at, decision: decision.decision, by: decision.by.map((userId): Actor => ({ kind: 'user', userId })) });
        await this.wake(jobId);
      }
      return { ok: true, request: verdict.request, decided: decision !== undefined, approvals: verdict.approvals, requiredApprovals: verdict.requiredApprovals, remaining: verdict.remaining };
    }
    return { ok: false, code: 'NotAwaiting', message: `Job ${jobId} is changing too fast to record the decision; try again.` };
  }

  /**
   * Engine side: opens an approval request bound to `wanted.planHash`. An undecided request for the same hash
   * is kept (a resumed step must not restart the clock). Returns the request in force and whether it is new.
   */
  async open(jobId: string, wanted: ApprovalRequest): Promise<{ request: ApprovalRequest; opened: boolean }> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { raw, approval } = await this.records.getApproval(jobId);
      const next = requestToOpen(approval, wanted);
      if (!next) return { request: approval!, opened: false };
      const res = await this.records.casApproval(jobId, raw, next);
      if (res === 'ok') return { request: next, opened: true };
      if (res === 'missing') throw new Error(`job record ${jobId} is missing`);
    }
    throw new Error(`could not open the approval request of ${jobId}: too many concurrent changes`);
  }

  /** Marks an undecided, overdue request expired. Returns the request afterwards, or 'conflict' to retry. */
  async expire(jobId: string): Promise<ApprovalRequest | 'conflict' | undefined> {
    const { raw, approval } = await this.records.getApproval(jobId);
    const next = expiredRequest(approval, new Date(this.clock.now()));
    if (!next) return approval;
    const res = await this.records.casApproval(jobId, raw, next);
    if (res === 'conflict') return 'conflict';
    if (res === 'missing') return undefined;
    await this.notifier.emit({ type: 'approval.decided', jobId, at: next.decision!.at, decision: 'expired', by: [] });
    await this.wake(jobId);
    return next;
  }

  /** The request, after recording its expiry if it is overdue (a few tries against concurrent clicks). */
  async currentExpiring(jobId: string): Promise<ApprovalRequest | undefined> {
    let a = await this.current(jobId);
    if (a && !a.decision && this.clock.now() >= Date.parse(a.expiresAt)) {
      for (let i = 0; i < 5; i++) {
        const r = await this.expire(jobId);
        if (r !== 'conflict') { a = r ?? a; break; }
      }
    }
    return a;
  }

  /** Grants a batch's decision to one of its children, for exactly the plan hash the batch approved for it. */
  async grantFromBatch(childJobId: string, childPlanHash: string, batchId: string, batch: ApprovalRequest): Promise<'granted' | 'pending' | 'decided' | 'mismatch'> {
    const d = batch.decision!;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { raw, approval } = await this.records.getApproval(childJobId);
      if (!approval) return 'pending';
      if (approval.decision) return 'decided';
      if (approval.planHash !== childPlanHash) return 'mismatch';
      const at = new Date(this.clock.now()).toISOString();
      const next: ApprovalRequest = {
        ...approval, approvals: batch.approvals.map((a) => ({ ...a })),
        decision: { decision: 'approved', by: [...d.by], at }, viaBatch: { batchId, batchHash: batch.planHash },
      };
      const res = await this.records.casApproval(childJobId, raw, next);
      if (res === 'missing') return 'pending';
      if (res === 'conflict') continue;
      await this.notifier.emit({ type: 'approval.decided', jobId: childJobId, at, decision: 'approved', by: d.by.map((userId): Actor => ({ kind: 'user', userId })) });
      await this.wake(childJobId);
      return 'granted';
    }
    return 'pending';
  }
}
