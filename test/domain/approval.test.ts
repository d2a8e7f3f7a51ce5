import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideApproval, expiredRequest, isExpired, requestToOpen, type ApprovalClick, type ApprovalRequest } from '../../src/domain/approval.ts';
import { APPROVAL_VALUE_MAX, decodeApprovalValue, encodeApprovalValue } from '../../src/domain/approval-button.ts';
import { canRequest, parseSlackPrincipals } from '../../src/domain/principals.ts';

const HASH = 'a'.repeat(64);
const NOW = new Date('2026-11-27T10:00:00Z');
const JOB = 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa';

function request(patch: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    kind: 'migrate', planHash: HASH, requestedBy: 'UREQ', requiredApprovals: 1, requestedAt: '2026-11-27T09:30:00Z',
    expiresAt: '2026-11-27T10:30:00Z', approvals: [], ...patch,
  };
}
const click = (patch: Partial<ApprovalClick> = {}): ApprovalClick => ({ userId: 'UAPP1', planHash: HASH, decision: 'approve', isApprover: true, ...patch });
const decide = (r: Partial<ApprovalRequest> | 'none' = {}, c: Partial<ApprovalClick> = {}, now = NOW) =>
  decideApproval(JOB, r === 'none' ? undefined : request(r), click(c), now);

describe('decideApproval: refusals', () => {
  it.each([
    ['no open request', 'none', {}, 'NotAwaiting', /not waiting for an approval/],
    ['a batch child held by its batch', { heldBy: 'batch-cn-hangzhou-ngw-bp1aaaaaaaa-1' }, {}, 'NotAwaiting', /part of batch batch-cn-hangzhou-ngw-bp1aaaaaaaa-1; approve the batch/],
    ['after approval', { decision: { decision: 'approved', by: ['UAPP2'], at: '2026-11-27T09:58:00Z' } }, {}, 'AlreadyDecided', /already approved by <@UAPP2> at 2026-11-27 09:58 UTC/],
    ['after an M-of-N approval', { decision: { decision: 'approved', by: ['UA', 'UB'], at: '2026-11-27T09:58:00Z' } }, {}, 'AlreadyDecided', /approved by <@UA>, <@UB> at/],
    ['after rejection', { decision: { decision: 'rejected', by: ['UAPP2'], at: '2026-11-27T09:58:00Z' } }, { decision: 'reject' }, 'AlreadyDecided', /already rejected by <@UAPP2>/],
    // The same answer as before the expiry is recorded: the clicker cannot tell whether the engine has swept yet.
    ['after expiry was recorded', { expiresAt: '2026-11-27T09:29:00Z', decision: { decision: 'expired', by: [], at: '2026-11-27T09:30:00Z' } }, {}, 'Expired', /request for migrate-cn-hangzhou-i-bp1a+ expired at 2026-11-27 09:29 UTC; run the command again/],
    ['stale plan hash', {}, { planHash: 'b'.repeat(64) }, 'StalePlan', new RegExp(`older plan of ${JOB}`)],
    ['expired', { expiresAt: '2026-11-27T09:59:59Z' }, {}, 'Expired', /expired at 2026-11-27 09:59 UTC/],
    ['expired exactly now', { expiresAt: NOW.toISOString() }, {}, 'Expired', /expired/],
    ['unreadable expiry fails closed', { expiresAt: 'soon' }, {}, 'Expired', /expired/],
    ['non-approver approves', {}, { isApprover: false }, 'NotApprover', /not a configured approver/],
    ['non-approver rejects', {}, { decision: 'reject', isApprover: false }, 'NotApprover', /Only configured approvers \(or the requester\) may reject/],
    ['requester approves own job', {}, { userId: 'UREQ' }, 'SelfApproval', /cannot approve it yourself/],
    ['requester who is not an approver approves', {}, { userId: 'UREQ', isApprover: false }, 'NotApprover', /not a configured approver/],
    ['same approver twice', { requiredApprovals: 2, approvals: [{ userId: 'UAPP1', at: '2026-11-27T09:50:00Z' }] }, {}, 'AlreadyCounted', /already counted \(1 of 2\)/],
  ] as const)('%s → %s', (_name, r, c, code, message) => {
    const v = decide(r as Partial<ApprovalRequest> | 'none', c as Partial<ApprovalClick>);
    expect(v).toMatchObject({ ok: false, code });
    if (!v.ok) expect(v.message).toMatch(message);
  });

  it('checks the decision before the hash, the hash before expiry, expiry before authorization', () => {
    expect(decide({ decision: { decision: 'approved', by: ['U'], at: NOW.toISOString() }, expiresAt: '2000-01-01T00:00:00Z' }, { planHash: 'x' })).toMatchObject({ code: 'AlreadyDecided' });
    expect(decide({ expiresAt: '2000-01-01T00:00:00Z' }, { planHash: 'x' })).toMatchObject({ code: 'StalePlan' });
    expect(decide({ expiresAt: '2000-01-01T00:00:00Z' }, { isApprover: false })).toMatchObject({ code: 'Expired' });
  });
});

describe('decideApproval: decisions', () => {
  it('one approval of one required → approved', () => {
    expect(decide()).toEqual({
      ok: true, outcome: 'approved', approvals: 1, requiredApprovals: 1, remaining: 0,
      request: request({ approvals: [{ userId: 'UAPP1', at: NOW.toISOString() }], decision: { decision: 'approved', by: ['UAPP1'], at: NOW.toISOString() } }),
    });
  });

  it('M-of-N: the first of two is recorded, a second distinct approver approves', () => {
    const first = decide({ requiredApprovals: 2 });
    expect(first).toMatchObject({ ok: true, outcome: 'recorded', approvals: 1, remaining: 1 });
    if (!first.ok) throw new Error('unreachable');
    expect(first.request.decision).toBeUndefined();
    const second = decideApproval(JOB, first.request, click({ userId: 'UAPP2' }), NOW);
    expect(second).toMatchObject({ ok: true, outcome: 'approved', approvals: 2, remaining: 0, request: { decision: { decision: 'approved', by: ['UAPP1', 'UAPP2'] } } });
  });

  it('a nonsense requiredApprovals counts as one', () => {
    expect(decide({ requiredApprovals: 0 })).toMatchObject({ ok: true, outcome: 'approved', requiredApprovals: 1 });
  });

  it('an approver rejects → rejected (even after approving earlier)', () => {
    const r = decide({ requiredApprovals: 2, approvals: [{ userId: 'UAPP1', at: NOW.toISOString() }] }, { decision: 'reject' });
    expect(r).toMatchObject({ ok: true, outcome: 'rejected', remaining: 0, request: { decision: { decision: 'rejected', by: ['UAPP1'] } } });
  });

  it('the requester may reject their own request without being an approver', () => {
    expect(decide({}, { userId: 'UREQ', decision: 'reject', isApprover: false })).toMatchObject({ ok: true, outcome: 'rejected' });
  });

  it('does not mutate its input', () => {
    const req = request({ requiredApprovals: 2 });
    const copy = structuredClone(req);
    decideApproval(JOB, req, click(), NOW);
    expect(req).toEqual(copy);
  });

  it('never approves twice, whatever the clicks (property)', () => {
    const users = fc.constantFrom('UREQ', 'UA', 'UB', 'UC');
    const clicks = fc.array(fc.record({ userId: users, decision: fc.constantFrom('approve' as const, 'reject' as const), isApprover: fc.boolean() }), { maxLength: 12 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), clicks, (m, cs) => {
      let req = request({ requiredApprovals: m });
      let decided = 0;
      for (const c of cs) {
        const v = decideApproval(JOB, req, { ...c, planHash: HASH }, NOW);
        if (!v.ok) continue;
        if (v.outcome !== 'recorded') decided++;
        req = v.request;
        expect(new Set(req.approvals.map((a) => a.userId)).size).toBe(req.approvals.length);
        expect(req.approvals.some((a) => a.userId === 'UREQ')).toBe(false);
      }
      expect(decided).toBeLessThanOrEqual(1);
      if (req.decision?.decision === 'approved') expect(req.approvals.length).toBeGreaterThanOrEqual(m);
    }));
  });

  it('isExpired, expiredRequest and requestToOpen', () => {
    expect(isExpired({ expiresAt: '2026-11-27T10:00:01Z' }, NOW)).toBe(false);
    expect(isExpired({ expiresAt: '2026-11-27T10:00:00Z' }, NOW)).toBe(true);
    expect(expiredRequest(request({ expiresAt: '2026-11-27T09:00:00Z' }), NOW)?.decision).toEqual({ decision: 'expired', by: [], at: NOW.toISOString() });
    expect(expiredRequest(request(), NOW)).toBeUndefined();
    expect(expiredRequest(undefined, NOW)).toBeUndefined();
    const open = request();
    expect(requestToOpen(open, request({ requestedAt: 'later' }))).toBeUndefined();
    expect(requestToOpen(open, request({ planHash: 'c'.repeat(64) }))).toMatchObject({ planHash: 'c'.repeat(64) });
    expect(requestToOpen(request({ decision: { decision: 'rejected', by: ['U'], at: 'x' } }), request())).toEqual(request());
  });
});

describe('canRequest and principals', () => {
  it.each([
    ['U1', [], true], ['U1', ['U1', 'U2'], true], ['U3', ['U1', 'U2'], false],
  ] as const)('canRequest(%s, %j) → %s', (u, list, ok) => {
    expect(canRequest(u, list)).toBe(ok);
  });

  it('splits user and group ids', () => {
    expect(parseSlackPrincipals('U012AB, W0XYZ S0GROUP;U012AB bad')).toEqual({ userIds: ['U012AB', 'W0XYZ'], groupIds: ['S0GROUP'], invalid: ['bad'] });
    expect(parseSlackPrincipals(undefined)).toEqual({ userIds: [], groupIds: [], invalid: [] });
  });
});

describe('button value codec', () => {
  const v = { jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa', planHash: HASH, nonce: 'n0nce_-1' };

  it('round-trips and stays under Slack\'s limit', () => {
    const s = encodeApprovalValue(v);
    expect(s).toBe(`na1:${v.jobId}:${HASH}:n0nce_-1`);
    expect(decodeApprovalValue(s)).toEqual(v);
    const longest = encodeApprovalValue({ jobId: 'j'.repeat(255), planHash: 'h'.repeat(128), nonce: 'n'.repeat(128) });
    expect(longest.length).toBeLessThanOrEqual(APPROVAL_VALUE_MAX);
  });

  it.each([
    '', 'garbage', 'na1:a:b', 'na1:a:b:c:d', 'na2:a:b:c', `na1::${HASH}:n`, `na1:job:${HASH}:`, `na1:job id:${HASH}:n`,
    `na1:job:${HASH}!:n`, 'x'.repeat(3000), '{"jobId":"x"}',
  ])('decode(%j) → undefined', (s) => {
    expect(decodeApprovalValue(s)).toBeUndefined();
  });

  it('decode never throws (property) and ignores non-strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { decodeApprovalValue(s); }));
    expect(decodeApprovalValue(undefined)).toBeUndefined();
    expect(decodeApprovalValue({ jobId: 'x' })).toBeUndefined();
  });

  it('encode refuses values it could not decode', () => {
    expect(() => encodeApprovalValue({ ...v, jobId: 'a:b' })).toThrow();
    expect(() => encodeApprovalValue({ ...v, nonce: '' })).toThrow();
  });
});
