// The value an Approve/Reject button carries: which job, which plan hash and which card (nonce) it approves.
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
