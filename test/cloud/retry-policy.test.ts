import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDecision, type RetryPolicy } from '../../src/cloud/alibaba/retry-policy.ts';
import { ACTIONS, isValidClientToken, requiredRamActions } from '../../src/cloud/alibaba/actions.ts';
import type { ErrorView } from '../../src/cloud/alibaba/error-map.ts';

// random() = 1 - ε makes full jitter return (almost) its ceiling, so delays are deterministic upper bounds.
const maxJitter: RetryPolicy = { ...DEFAULT_RETRY_POLICY, random: () => 0.999999 };
const noJitter: RetryPolicy = { ...DEFAULT_RETRY_POLICY, random: () => 0 };

type Row = [action: string, err: ErrorView, attempt: number, expected: { retry: boolean; reconcile: boolean; class: string }];

const throttle: ErrorView = { code: 'Throttling.User', httpStatus: 400 };
const s503: ErrorView = { code: 'ServiceUnavailable', httpStatus: 503 };
const s500: ErrorView = { code: 'InternalError', httpStatus: 500 };
const refused: ErrorView = { code: 'Transport', detailCode: 'ECONNREFUSED' };
const reset: ErrorView = { code: 'Transport', detailCode: 'ECONNRESET' };
const timeout: ErrorView = { code: 'RequestTimeout' };
const notJson: ErrorView = { code: 'BadResponse', detailCode: 'SyntaxError' };
const mismatch: ErrorView = { code: 'BadResponse', detailCode: 'TypeMismatch' };
const denied: ErrorView = { code: 'Forbidden.RAM', httpStatus: 403 };
const notFound: ErrorView = { code: 'InvalidEniId.NotFound', httpStatus: 404 };

const R = (retry: boolean, reconcile: boolean, cls: string) => ({ retry, reconcile, class: cls });

const table: Row[] = [
  // reads: every transient failure is retried
  ['DescribeInstances', throttle, 1, R(true, false, 'throttle')],
  ['DescribeInstances', throttle, 5, R(true, false, 'throttle')],
  ['DescribeInstances', throttle, 6, R(false, false, 'throttle')],
  ['DescribeInstances', s503, 1, R(true, false, 'ambiguous')],
  ['DescribeInstances', s503, 3, R(true, false, 'ambiguous')],
  ['DescribeInstances', s503, 4, R(false, false, 'ambiguous')],
  ['DescribeNetworkInterfaces', timeout, 1, R(true, false, 'ambiguous')],
  ['DescribeNetworkInterfaces', reset, 1, R(true, false, 'ambiguous')],
  ['DescribeNatGateways', refused, 1, R(true, false, 'notSent')],
  ['DescribeNatGateways', notJson, 1, R(true, false, 'ambiguous')],
  ['DescribeNatGateways', mismatch, 1, R(false, false, 'fatal')],
  ['DescribeNatGateways', { code: 'UnknownError', httpStatus: 400 }, 1, R(true, false, 'ambiguous')],
  ['DescribeForwardTableEntries', { code: 'InvalidForwardTableId.NotFound', httpStatus: 404 }, 1, R(false, false, 'fatal')],
  ['DescribeInstances', denied, 1, R(false, false, 'fatal')],
  // writes with ClientToken: same as reads, plus their busy codes
  ['CreateForwardEntry', s500, 1, R(true, false, 'ambiguous')],
  ['CreateForwardEntry', timeout, 2, R(true, false, 'ambiguous')],
  ['CreateForwardEntry', { code: 'IncorretForwardEntryStatus', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateForwardEntry', { code: 'IncorretForwardEntryStatus', httpStatus: 400 }, 6, R(false, false, 'busy')],
  ['CreateForwardEntry', { code: 'OperationConflict', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateForwardEntry', { code: 'TaskConflict', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateForwardEntry', { code: 'IncorrectStatus.NATGW', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateForwardEntry', { code: 'LastTokenProcessing', httpStatus: 403 }, 1, R(true, false, 'busy')],
  ['CreateForwardEntry', { code: 'InvalidIp.NotInNatgw', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateForwardEntry', { code: 'Forbidden.ExternalIp.UsedInSnatTable', httpStatus: 400 }, 1, R(false, false, 'fatal')],
  ['CreateForwardEntry', { code: 'OperationUnsupported.EipInBinding', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['ModifyForwardEntry', { code: 'OperationUnsupported.EipInBinding', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['ModifyForwardEntry', { code: 'IncorretForwardEntryStatus', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['ModifyForwardEntry', denied, 1, R(false, false, 'fatal')],
  ['CreateForwardEntry', { code: 'IdempotentParameterMismatch', httpStatus: 403 }, 1, R(false, false, 'fatal')],
  ['DeleteForwardEntry', { code: 'IncorretForwardEntryStatus', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['DeleteForwardEntry', { code: 'IncorrectStatus.ForwardEntry', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateNetworkInterface', { code: 'IncorrectVSwitchStatus', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['CreateNetworkInterface', { code: 'InvalidVSwitchId.IpNotEnough', httpStatus: 403 }, 1, R(false, false, 'fatal')],
  ['RunCommand', s503, 1, R(true, false, 'ambiguous')],
  // busy codes are per action: the forward-table read is retried on the codes documented for it, other reads not
  ['DescribeForwardTableEntries', { code: 'IncorretForwardEntryStatus', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['DescribeForwardTableEntries', { code: 'TaskConflict', httpStatus: 400 }, 1, R(true, false, 'busy')],
  ['DescribeSnatTableEntries', { code: 'IncorretForwardEntryStatus', httpStatus: 400 }, 1, R(false, false, 'fatal')],
  ['AttachNetworkInterface', { code: 'Operation.Conflict', httpStatus: 403 }, 1, R(true, true, 'busy')],
  // writes WITHOUT ClientToken: blind retry only when nothing can have been applied
  ['AttachNetworkInterface', throttle, 1, R(true, false, 'throttle')],
  ['AttachNetworkInterface', refused, 1, R(true, false, 'notSent')],
  ['AttachNetworkInterface', s503, 1, R(true, true, 'ambiguous')],
  ['AttachNetworkInterface', timeout, 1, R(true, true, 'ambiguous')],
  ['AttachNetworkInterface', reset, 3, R(true, true, 'ambiguous')],
  ['AttachNetworkInterface', s503, 4, R(false, true, 'ambiguous')],
  ['AttachNetworkInterface', { code: 'InvalidOperation.InvalidEniState', httpStatus: 400 }, 1, R(true, true, 'busy')],
  ['AttachNetworkInterface', { code: 'InvalidOperation.InvalidEcsState', httpStatus: 400 }, 1, R(true, true, 'busy')],
  ['AttachNetworkInterface', { code: 'EniPerInstanceLimitExceeded', httpStatus: 403 }, 1, R(false, true, 'fatal')],
  ['AttachNetworkInterface', denied, 1, R(false, false, 'fatal')],
  ['DetachNetworkInterface', { code: 'OperationConflict', httpStatus: 400 }, 1, R(true, true, 'busy')],
  ['DeleteNetworkInterface', notFound, 1, R(false, true, 'fatal')],
  ['DeleteNetworkInterface', s500, 1, R(true, true, 'ambiguous')],
];

describe('retryDecision', () => {
  it.each(table)('%s %j attempt %i', (action, err, attempt, expected) => {
    const d = retryDecision(action, err, attempt, maxJitter);
    expect({ retry: d.retry, reconcile: d.reconcile, class: d.class }).toEqual(expected);
    if (!d.retry) expect(d.delayMs).toBe(0);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDecision('DescribeInstances', throttle, n, { ...maxJitter, maxThrottleAttempts: 100 }).delayMs);
    expect(delays).toEqual([199, 399, 799, 1599, 3199, 4999, 4999, 4999]);
    for (const n of [1, 2, 3]) expect(retryDecision('DescribeInstances', s503, n, noJitter).delayMs).toBe(0);
  });

  it('busy codes back off from a larger base, with equal jitter (at least half the ceiling)', () => {
    expect(retryDecision('CreateForwardEntry', { code: 'OperationConflict' }, 1, maxJitter).delayMs).toBe(499);
    expect(retryDecision('CreateForwardEntry', { code: 'OperationConflict' }, 2, maxJitter).delayMs).toBe(999);
    expect([1, 2, 3, 4, 5].map((a) => retryDecision('CreateForwardEntry', { code: 'IncorretForwardEntryStatus' }, a, noJitter).delayMs))
      .toEqual([250, 500, 1000, 2000, 2500]);
  });

  it('a read refused with a busy code backs off like an ambiguous read (nothing of ours to settle)', () => {
    const busyRead = [1, 2, 3].map((a) => retryDecision('DescribeForwardTableEntries', { code: 'TaskConflict' }, a, maxJitter));
    expect(busyRead.map((d) => [d.retry, d.class, d.delayMs])).toEqual([[true, 'busy', 199], [true, 'busy', 399], [true, 'busy', 799]]);
    expect(retryDecision('DescribeForwardTableEntries', { code: 'TaskConflict' }, 6, maxJitter).retry).toBe(false);
  });

  it('throttling waits at least x-acs-retry-after', () => {
    for (const random of [() => 0, () => 0.5, () => 0.999]) {
      const d = retryDecision('CreateForwardEntry', { code: 'Throttling', retryAfterMs: 1500 }, 1, { ...DEFAULT_RETRY_POLICY, random });
      expect(d.retry).toBe(true);
      expect(d.delayMs).toBeGreaterThanOrEqual(1500);
      expect(d.delayMs).toBeLessThan(1500 + 200);
    }
  });

  it('does not sit out a retry-after longer than maxRetryAfterMs inside one call', () => {
    const d = retryDecision('DescribeInstances', { code: 'Throttling', retryAfterMs: 120_000 }, 1, DEFAULT_RETRY_POLICY);
    expect(d.retry).toBe(false);
  });

  it('honours configured attempts', () => {
    const p = { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 };
    expect(retryDecision('DescribeInstances', s503, 1, p).retry).toBe(true);
    expect(retryDecision('DescribeInstances', s503, 2, p).retry).toBe(false);
  });

  it('rejects unknown actions (every call must be in the table)', () => {
    expect(() => retryDecision('DeleteVpc', s503, 1)).toThrow(/unknown cloud action/);
  });
});

describe('action table', () => {
  it('lists exactly the RAM actions the adapter can call', () => {
    expect(requiredRamActions()).toEqual([
      'ecs:AttachNetworkInterface', 'ecs:CreateNetworkInterface', 'ecs:DeleteNetworkInterface', 'ecs:DescribeCloudAssistantStatus', 'ecs:DescribeInstanceTypes',
      'ecs:DescribeInstances', 'ecs:DescribeInvocationResults', 'ecs:DescribeNetworkInterfaces', 'ecs:DescribeSecurityGroupAttribute',
      'ecs:DetachNetworkInterface', 'ecs:RunCommand', 'ecs:StartInstance', 'ecs:StopInstance',
      'vpc:CreateForwardEntry', 'vpc:DeleteForwardEntry', 'vpc:DescribeEipAddresses', 'vpc:DescribeForwardTableEntries',
      'vpc:DescribeNatGateways', 'vpc:DescribeSnatTableEntries', 'vpc:DescribeVSwitches', 'vpc:ModifyForwardEntry',
    ]);
  });

  it('marks exactly the documented writes as ClientToken-capable', () => {
    const withToken = Object.entries(ACTIONS).filter(([, s]) => s.clientToken).map(([n]) => n).sort();
    expect(withToken).toEqual(['CreateForwardEntry', 'CreateNetworkInterface', 'DeleteForwardEntry', 'ModifyForwardEntry', 'RunCommand']);
  });

  it('validates ClientTokens: 1–64 printable ASCII', () => {
    expect(isValidClientToken('a'.repeat(64))).toBe(true);
    expect(isValidClientToken('job-1:step-2')).toBe(true);
    expect(isValidClientToken('a'.repeat(65))).toBe(false);
    expect(isValidClientToken('')).toBe(false);
    expect(isValidClientToken('tok en')).toBe(false);
    expect(isValidClientToken('tök')).toBe(false);
  });
});
