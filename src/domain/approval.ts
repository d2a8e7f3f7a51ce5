// The one approval rule: what an Approve or Reject does to an open approval request. Pure: the engine's store
// runs it inside its compare-and-set (so two clicks at once cannot both win), and every front end reaches it
// through that store. Where a click may come from (channel, thread, card) is the front end's business.
//
// Check order (the first failing rule wins):
//   1. NotAwaiting     no open request, or one held by a batch (people approve the batch)
//   2. Expired         the expiry is recorded (the same answer as 4: the clicker cannot tell whether the engine
//                      has recorded it yet, so neither should the answer)
//   3. AlreadyDecided  someone already approved / rejected: say who and when
//   4. StalePlan       the click approves an older plan hash (the plan drifted and was asked again)
//   5. Expired         past expiresAt (the store then records the expiry)
//   6. NotApprover     only approvers approve; approvers or the requester may reject
//   7. SelfApproval    the requester never approves their own job
//   8. AlreadyCounted  a repeated Approve by the same approver

export type ApprovalKind = 'migrate' | 'rollback' | 'batch';
export type ApprovalDecision = 'approved' | 'rejected' | 'expired';

/** One approver's Approve. */
export interface ApprovalVote {
  userId: string;
  /** ISO time. */
  at: string;
}

/** An approval request as the engine stores it with its job (or batch). */
export interface ApprovalRequest {
  kind: ApprovalKind;
  /** The plan hash the request is bound to: a click for another hash is stale. */
  planHash: string;
  requestedBy: string;
  requiredApprovals: number;
  requestedAt: string;
  expiresAt: string;
  approvals: ApprovalVote[];
  decision?: { decision: ApprovalDecision; by: string[]; at: string };
  /** A batch child's request: only its batch decides it. */
  heldBy?: string;
  /** Granted by a batch approval: the batch and the batch plan hash the approvers approved. */
  viaBatch?: { batchId: string; batchHash: string };
}

export interface ApprovalClick {
  userId: string;
  /** The hash the clicked button carries. */
  planHash: string;
  decision: 'approve' | 'reject';
  /** Whether the clicker is a configured approver (resolved by the caller: user ids and user-group members). */
  isApprover: boolean;
}

export type ApprovalRefusalCode =
  | 'NotAwaiting' | 'AlreadyDecided' | 'StalePlan' | 'Expired' | 'NotApprover' | 'SelfApproval' | 'AlreadyCounted';

export type ApprovalVerdict =
  | {
    ok: true;
    /** What this click did. */
    outcome: 'recorded' | 'approved' | 'rejected';
    /** The request after the click. */
    request: ApprovalRequest;
    approvals: number;
    requiredApprovals: number;
    /** Approvals still needed (0 once decided). */
    remaining: number;
  }
  | { ok: false; code: ApprovalRefusalCode; message: string };

const no = (code: ApprovalRefusalCode, message: string): ApprovalVerdict => ({ ok: false, code, message });

/** M-of-N never goes below one approver. */
function requiredOf(request: Pick<ApprovalRequest, 'requiredApprovals'>): number {
  const n = Math.floor(request.requiredApprovals);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** Expired at or after expiresAt; an unreadable expiresAt counts as expired (fail closed). */
export function isExpired(request: Pick<ApprovalRequest, 'expiresAt'>, now: Date): boolean {
  const t = Date.parse(request.expiresAt);
  return !Number.isFinite(t) || now.getTime() >= t;
}

/** "2026-11-27 09:58 UTC". */
function approvalTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

const mentions = (ids: readonly string[]) => ids.map((u) => `<@${u}>`).join(', ');

/** Decides one click against the request as stored; never mutates its inputs. */
export function decideApproval(jobId: string, req: ApprovalRequest | undefined, click: ApprovalClick, now: Date): ApprovalVerdict {
  if (!req) return no('NotAwaiting', `Job ${jobId} is not waiting for an approval; nothing was recorded.`);
  if (req.heldBy && !req.decision) return no('NotAwaiting', `Job ${jobId} is part of batch ${req.heldBy}; approve the batch instead.`);
  const expired = () => no('Expired', `The approval request for ${jobId} expired at ${approvalTime(req.expiresAt)}; run the command again to get a fresh plan.`);
  if (req.decision?.decision === 'expired') return expired();
  if (req.decision) {
    const d = req.decision;
    const who = d.by.length ? ` by ${mentions(d.by)}` : '';
    return no('AlreadyDecided', `Job ${jobId} was already ${d.decision}${who} at ${approvalTime(d.at)}; this click changes nothing.`);
  }
  if (click.planHash !== req.planHash) {
    return no('StalePlan', `This button is for an older plan of ${jobId} (the live state changed); review and use the latest approval request in the thread.`);
  }
  if (isExpired(req, now)) return expired();
  const required = requiredOf(req);
  const isRequester = click.userId === req.requestedBy;
  const at = now.toISOString();
  if (click.decision === 'reject') {
    // Rejecting your own request only undoes the staging, so the requester may do it without being an approver.
    if (!click.isApprover && !isRequester) {
      return no('NotApprover', `Only configured approvers (or the requester) may reject ${jobId}; nothing was recorded.`);
    }
    const request: ApprovalRequest = { ...req, approvals: [...req.approvals], decision: { decision: 'rejected', by: [click.userId], at } };
    return { ok: true, outcome: 'rejected', request, approvals: req.approvals.length, requiredApprovals: required, remaining: 0 };
  }
  if (!click.isApprover) {
    return no('NotApprover', `You are not a configured approver for natmigrate, so you cannot approve ${jobId}; ask someone in NATMIGRATE_APPROVERS.`);
  }
  if (isRequester) return no('SelfApproval', `You requested ${jobId}, so you cannot approve it yourself; another approver has to.`);
  if (req.approvals.some((a) => a.userId === click.userId)) {
    return no('AlreadyCounted', `Your approval of ${jobId} is already counted (${req.approvals.length} of ${required}); another approver has to approve too.`);
  }
  const approvals = [...req.approvals, { userId: click.userId, at }];
  if (approvals.length >= required) {
    const request: ApprovalRequest = { ...req, approvals, decision: { decision: 'approved', by: approvals.map((a) => a.userId), at } };
    return { ok: true, outcome: 'approved', request, approvals: approvals.length, requiredApprovals: required, remaining: 0 };
  }
  return { ok: true, outcome: 'recorded', request: { ...req, approvals }, approvals: approvals.length, requiredApprovals: required, remaining: required - approvals.length };
}

/** The request marked expired, when it is undecided and overdue; undefined when there is nothing to expire. */
export function expiredRequest(req: ApprovalRequest | undefined, now: Date): ApprovalRequest | undefined {
  if (!req || req.decision || !isExpired(req, now)) return undefined;
  return { ...req, decision: { decision: 'expired', by: [], at: now.toISOString() } };
}

/** A fresh request; an open request for the same kind and hash is kept instead (a resumed step keeps its clock). */
export function requestToOpen(current: ApprovalRequest | undefined, wanted: ApprovalRequest): ApprovalRequest | undefined {
  if (current && current.planHash === wanted.planHash && current.kind === wanted.kind && !current.decision) return undefined;
  return wanted;
}
