import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  APPROVAL_VALUE_MAX, canRequest, decodeApprovalValue, encodeApprovalValue, evaluateApprovalClick, isExpired, parseSlackPrincipals,
} from '../../src/domain/approval-policy.ts';
import type { ApprovalClick, ApprovalClickInput, ApprovalRequest } from '../../src/domain/approval-policy.ts';

const HASH = 'a'.repeat(64);
const NOW = new Date('2026-11-27T10:00:00Z');

function request(patch: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa', planHash: HASH, channelId: 'C1', threadTs: '1700000000.000100',
    requestedBy: 'UREQ', requiredApprovals: 1, expiresAt: '2026-11-27T10:30:00Z', approvals: [], ...patch,
  };
}
function click(patch: Partial<ApprovalClick> = {}): ApprovalClick {
  return {
    userId: 'UAPP1', channelId: 'C1', threadTs: '1700000000.000100', messageTs: '1700000000.000200',
    jobId: 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa', planHash: HASH, action: 'approve', ...patch,
  };
}
const input = (r: Partial<ApprovalRequest> = {}, c: Partial<ApprovalClick> = {}, isApprover = true, now = NOW): ApprovalClickInput =>
  ({ request: request(r), click: click(c), isApprover, now });

describe('evaluateApprovalClick: refusals', () => {
  it.each([
    ['button value names another job', input({}, { jobId: 'migrate-cn-hangzhou-i-bp1zzzzzzzzzzzzzzzzz' }), 'WrongJob', /belongs to job migrate-cn-hangzhou-i-bp1zzzzzzzzzzzzzzzzz/],
    ['click from another channel', input({}, { channelId: 'C2' }), 'WrongChannel', /only count from its own thread in <#C1>/],
    ['click from another thread', input({}, { threadTs: '1700000000.999999' }), 'WrongThread', /only count from its approval message/],
    ['click on another message of the thread', input({ messageTs: '1700000000.000200' }, { messageTs: '1700000000.000300' }), 'WrongThread', /approval message/],
    ['click on a root message elsewhere', input({}, { threadTs: undefined, messageTs: '1600000000.000001' }), 'WrongThread', /approval message/],
    ['after approval', input({ decided: { decision: 'approved', by: 'UAPP2', at: '2026-11-27T09:58:00Z' } }), 'AlreadyDecided', /already approved by <@UAPP2> at 2026-11-27 09:58 UTC/],
    ['after rejection', input({ decided: { decision: 'rejected', by: 'UAPP2', at: '2026-11-27T09:58:00Z' } }, { action: 'reject' }), 'AlreadyDecided', /already rejected by <@UAPP2>/],
    ['after expiry was recorded', input({ decided: { decision: 'expired', by: 'system', at: '2026-11-27T09:30:00Z' } }), 'AlreadyDecided', /already expired at 2026-11-27 09:30 UTC/],
    ['stale plan hash', input({}, { planHash: 'b'.repeat(64) }), 'StalePlan', /older plan of migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa/],
    ['expired', input({ expiresAt: '2026-11-27T09:59:59Z' }), 'Expired', /expired at 2026-11-27 09:59 UTC/],
    ['expired exactly now', input({ expiresAt: NOW.toISOString() }), 'Expired', /expired/],
    ['unreadable expiry fails closed', input({ expiresAt: 'soon' }), 'Expired', /expired/],
    ['non-approver approves', input({}, {}, false), 'NotApprover', /not a configured approver/],
    ['non-approver rejects', input({}, { action: 'reject' }, false), 'NotApprover', /Only configured approvers \(or the requester\) may reject/],
    ['requester approves own job', input({}, { userId: 'UREQ' }), 'SelfApproval', /cannot approve it yourself/],
    ['requester who is not an approver approves', input({}, { userId: 'UREQ' }, false), 'NotApprover', /not a configured approver/],
    ['same approver twice', input({ requiredApprovals: 2, approvals: [{ userId: 'UAPP1', at: '2026-11-27T09:50:00Z' }] }), 'AlreadyCounted', /already counted \(1 of 2\)/],
  ] as const)('%s → %s', (_name, inp, reason, message) => {
    const r = evaluateApprovalClick(inp);
    expect(r).toMatchObject({ ok: false, reason });
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('checks the binding before the decision, the decision before expiry, expiry before authorization', () => {
    expect(evaluateApprovalClick(input({ decided: { decision: 'approved', by: 'U', at: NOW.toISOString() } }, { channelId: 'C9' }))).toMatchObject({ reason: 'WrongChannel' });
    expect(evaluateApprovalClick(input({ decided: { decision: 'approved', by: 'U', at: NOW.toISOString() }, expiresAt: '2000-01-01T00:00:00Z' }))).toMatchObject({ reason: 'AlreadyDecided' });
    expect(evaluateApprovalClick(input({ expiresAt: '2000-01-01T00:00:00Z' }, {}, false))).toMatchObject({ reason: 'Expired' });
  });
});

describe('evaluateApprovalClick: decisions', () => {
  it('one approval of one required → approved', () => {
    const r = evaluateApprovalClick(input());
    expect(r).toEqual({
      ok: true,
      state: {
        outcome: 'approved', approvals: 1, requiredApprovals: 1, remaining: 0,
        request: request({ approvals: [{ userId: 'UAPP1', at: NOW.toISOString() }], decided: { decision: 'approved', by: 'UAPP1', at: NOW.toISOString() } }),
      },
    });
  });

  it('M-of-N: the first of two is recorded, a second distinct approver approves', () => {
    const first = evaluateApprovalClick(input({ requiredApprovals: 2 }));
    expect(first).toMatchObject({ ok: true, state: { outcome: 'recorded', approvals: 1, remaining: 1 } });
    if (!first.ok) throw new Error('unreachable');
    expect(first.state.request.decided).toBeUndefined();
    const second = evaluateApprovalClick({ request: first.state.request, click: click({ userId: 'UAPP2' }), isApprover: true, now: NOW });
    expect(second).toMatchObject({ ok: true, state: { outcome: 'approved', approvals: 2, remaining: 0, request: { decided: { decision: 'approved', by: 'UAPP2' } } } });
  });

  it('a nonsense requiredApprovals counts as one', () => {
    expect(evaluateApprovalClick(input({ requiredApprovals: 0 }))).toMatchObject({ ok: true, state: { outcome: 'approved', requiredApprovals: 1 } });
  });

  it('an approver rejects → rejected (even after approving earlier)', () => {
    const r = evaluateApprovalClick(input({ requiredApprovals: 2, approvals: [{ userId: 'UAPP1', at: NOW.toISOString() }] }, { action: 'reject' }));
    expect(r).toMatchObject({ ok: true, state: { outcome: 'rejected', remaining: 0, request: { decided: { decision: 'rejected', by: 'UAPP1' } } } });
  });

  it('the requester may reject their own request without being an approver', () => {
    expect(evaluateApprovalClick(input({}, { userId: 'UREQ', action: 'reject' }, false))).toMatchObject({ ok: true, state: { outcome: 'rejected' } });
  });

  it('a click on the thread root counts when the thread matches', () => {
    expect(evaluateApprovalClick(input({}, { threadTs: undefined, messageTs: '1700000000.000100' }))).toMatchObject({ ok: true });
  });

  it('does not mutate its input', () => {
    const inp = input({ requiredApprovals: 2 });
    const copy = structuredClone(inp);
    evaluateApprovalClick(inp);
    expect(inp).toEqual(copy);
  });

  it('isExpired', () => {
    expect(isExpired({ expiresAt: '2026-11-27T10:00:01Z' }, NOW)).toBe(false);
    expect(isExpired({ expiresAt: '2026-11-27T10:00:00Z' }, NOW)).toBe(true);
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
