// Who may click Approve / Reject, and what a click does. Pure: the Slack layer resolves who is an approver
// (NATMIGRATE_APPROVERS user ids + user-group members) and passes `now`; this decides and returns the new state.
//
// Check order for a click (first failing rule wins):
//   1. WrongJob       the button value names another job            (tampered, or a button from another card)
//   2. WrongChannel   the click comes from another channel
//   3. WrongThread    …or from another thread / message
//   4. AlreadyDecided someone already approved/rejected (or it expired/was cancelled): say who and when
//   5. StalePlan      the button approves an older plan hash (the plan drifted and was re-requested)
//   6. Expired        past expiresAt
//   7. NotApprover    only allowed approvers may approve or reject (the requester may reject their own request)
//   8. SelfApproval   the requester can never approve their own job
//   9. AlreadyCounted a repeated Approve by the same approver

export type ApprovalDecision = 'approved' | 'rejected' | 'expired' | 'cancelled';

export interface ApprovalRecord {
  userId: string;
  /** ISO time. */
  at: string;
}

export interface ApprovalRequest {
  jobId: string;
  planHash: string;
  channelId: string;
  /** The job's thread (root message ts). */
  threadTs: string;
  /** ts of the approval message itself; when set, clicks must come from that message. */
  messageTs?: string;
  requestedBy: string;
  requiredApprovals: number;
  /** ISO time. */
  expiresAt: string;
  decided?: { decision: ApprovalDecision; by: string; at: string };
  approvals: ApprovalRecord[];
}

export interface ApprovalClick {
  userId: string;
  channelId: string;
  /** thread_ts of the clicked message (undefined when the click is on a thread root). */
  threadTs?: string;
  /** ts of the clicked message. */
  messageTs?: string;
  /** From the decoded button value. */
  jobId: string;
  /** From the decoded button value. */
  planHash: string;
  action: 'approve' | 'reject';
}

export interface ApprovalClickInput {
  request: ApprovalRequest;
  click: ApprovalClick;
  /** Resolved by the Slack layer from NATMIGRATE_APPROVERS (user ids and user-group members). */
  isApprover: boolean;
  now: Date;
}

export type RefusalReasonCode =
  | 'WrongJob' | 'WrongChannel' | 'WrongThread' | 'AlreadyDecided' | 'StalePlan' | 'Expired'
  | 'NotApprover' | 'SelfApproval' | 'AlreadyCounted';

export interface ApprovalState {
  /** What this click did. */
  outcome: 'recorded' | 'approved' | 'rejected';
  /** The request after the click (approvals appended, decided set when final). */
  request: ApprovalRequest;
  approvals: number;
  requiredApprovals: number;
  /** Approvals still needed (0 once approved or rejected). */
  remaining: number;
}

export type ApprovalClickResult =
  | { ok: true; state: ApprovalState }
  | { ok: false; reason: RefusalReasonCode; message: string };

const no = (reason: RefusalReasonCode, message: string): ApprovalClickResult => ({ ok: false, reason, message });

/** M-of-N never goes below one approver. */
export function requiredOf(request: Pick<ApprovalRequest, 'requiredApprovals'>): number {
  const n = Math.floor(request.requiredApprovals);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** Expired at or after expiresAt; an unreadable expiresAt counts as expired (fail closed). */
export function isExpired(request: Pick<ApprovalRequest, 'expiresAt'>, now: Date): boolean {
  const t = Date.parse(request.expiresAt);
  return !Number.isFinite(t) || now.getTime() >= t;
}

function fmt(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

const DECIDED_WORD: Record<ApprovalDecision, string> = {
  approved: 'approved', rejected: 'rejected', expired: 'expired', cancelled: 'cancelled',
};

export function evaluateApprovalClick(input: ApprovalClickInput): ApprovalClickResult {
  const { request: req, click, now } = input;
  const required = requiredOf(req);

  if (click.jobId !== req.jobId) {
    return no('WrongJob', `This button belongs to job ${click.jobId}, not ${req.jobId}; nothing was recorded.`);
  }
  if (click.channelId !== req.channelId) {
    return no('WrongChannel', `Approvals for ${req.jobId} only count from its own thread in <#${req.channelId}>; nothing was recorded.`);
  }
  const clickThread = click.threadTs ?? click.messageTs;
  if (clickThread !== req.threadTs || (req.messageTs !== undefined && click.messageTs !== req.messageTs)) {
    return no('WrongThread', `Approvals for ${req.jobId} only count from its approval message in the job's thread; nothing was recorded.`);
  }
  if (req.decided) {
    const d = req.decided;
    const who = d.by === 'system' || !d.by ? '' : ` by <@${d.by}>`;
    return no('AlreadyDecided', `Job ${req.jobId} was already ${DECIDED_WORD[d.decision] ?? d.decision}${who} at ${fmt(d.at)}; this click changes nothing.`);
  }
  if (click.planHash !== req.planHash) {
    return no('StalePlan', `This button is for an older plan of ${req.jobId} (the live state changed); review and use the latest approval request in the thread.`);
  }
  if (isExpired(req, now)) {
    return no('Expired', `The approval request for ${req.jobId} expired at ${fmt(req.expiresAt)}; run the command again to get a fresh plan.`);
  }
  const isRequester = click.userId === req.requestedBy;
  if (click.action === 'reject') {
    // Rejecting your own request only undoes the staging, so the requester may do it without being an approver.
    if (!input.isApprover && !isRequester) {
      return no('NotApprover', `Only configured approvers (or the requester) may reject ${req.jobId}; nothing was recorded.`);
    }
    const at = now.toISOString();
    const request: ApprovalRequest = { ...req, approvals: [...req.approvals], decided: { decision: 'rejected', by: click.userId, at } };
    return { ok: true, state: { outcome: 'rejected', request, approvals: req.approvals.length, requiredApprovals: required, remaining: 0 } };
  }
  if (!input.isApprover) {
    return no('NotApprover', `You are not a configured approver for natmigrate, so you cannot approve ${req.jobId}; ask someone in NATMIGRATE_APPROVERS.`);
  }
  if (isRequester) {
    return no('SelfApproval', `You requested ${req.jobId}, so you cannot approve it yourself; another approver has to.`);
  }
  const counted = new Set(req.approvals.map((a) => a.userId));
  if (counted.has(click.userId)) {
    return no('AlreadyCounted', `Your approval of ${req.jobId} is already counted (${counted.size} of ${required}); another approver has to approve too.`);
  }
  const at = now.toISOString();
  const approvals = [...req.approvals, { userId: click.userId, at }];
  const distinct = new Set(approvals.map((a) => a.userId)).size;
  if (distinct >= required) {
    const request: ApprovalRequest = { ...req, approvals, decided: { decision: 'approved', by: click.userId, at } };
    return { ok: true, state: { outcome: 'approved', request, approvals: distinct, requiredApprovals: required, remaining: 0 } };
  }
  const request: ApprovalRequest = { ...req, approvals };
  return { ok: true, state: { outcome: 'recorded', request, approvals: distinct, requiredApprovals: required, remaining: required - distinct } };
}

/** Empty requesters list = anyone may request. `requesters` are resolved user ids (groups expanded by the caller). */
export function canRequest(userId: string, requesters: readonly string[]): boolean {
  return requesters.length === 0 || requesters.includes(userId);
}

/** Splits `U012AB,W0X, S0GROUP` into Slack user ids (U…/W…) and user-group ids (S…); anything else is `invalid`. */
export function parseSlackPrincipals(text: string | undefined): { userIds: string[]; groupIds: string[]; invalid: string[] } {
  const out = { userIds: [] as string[], groupIds: [] as string[], invalid: [] as string[] };
  for (const raw of (text ?? '').split(/[\s,;]+/)) {
    const id = raw.trim();
    if (!id) continue;
    const bucket = /^[UW][A-Z0-9]{2,}$/.test(id) ? out.userIds : /^S[A-Z0-9]{2,}$/.test(id) ? out.groupIds : out.invalid;
    if (!bucket.includes(id)) bucket.push(id);
  }
  return out;
}

// ── button values ──────────────────────────────────────────────────────────
// `na1.<jobId>.<planHash>.<nonce>` would be ambiguous (job ids contain dots), so ':' separates: BullMQ job ids
// cannot contain it. Slack caps a button value at 2000 characters.

export interface ApprovalValue {
  jobId: string;
  planHash: string;
  nonce: string;
}

export const APPROVAL_VALUE_MAX = 2000;
const VALUE_VERSION = 'na1';
const JOB_ID_RE = /^[A-Za-z0-9._-]{1,255}$/;
const HASH_RE = /^[A-Za-z0-9]{1,128}$/;
const NONCE_RE = /^[A-Za-z0-9_-]{1,128}$/;

export function encodeApprovalValue(v: ApprovalValue): string {
  if (!JOB_ID_RE.test(v.jobId)) throw new Error(`job id '${v.jobId}' cannot go into a button value`);
  if (!HASH_RE.test(v.planHash)) throw new Error('plan hash must be 1-128 letters/digits');
  if (!NONCE_RE.test(v.nonce)) throw new Error('nonce must be 1-128 letters, digits, - or _');
  return `${VALUE_VERSION}:${v.jobId}:${v.planHash}:${v.nonce}`;
}

export function decodeApprovalValue(s: unknown): ApprovalValue | undefined {
  if (typeof s !== 'string' || s.length > APPROVAL_VALUE_MAX) return undefined;
  const parts = s.split(':');
  if (parts.length !== 4 || parts[0] !== VALUE_VERSION) return undefined;
  const [, jobId, planHash, nonce] = parts as [string, string, string, string];
  if (!JOB_ID_RE.test(jobId) || !HASH_RE.test(planHash) || !NONCE_RE.test(nonce)) return undefined;
  return { jobId, planHash, nonce };
}
