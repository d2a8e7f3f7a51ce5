import { actionSpec } from './actions.ts';
import { NOT_SENT_ERRNOS, TRANSIENT_CODES, isThrottlingCode, type ErrorView } from './error-map.ts';

/**
 * When to try an API call again, as one pure function of (action, error, attempt).
 *
 * Classes of failure:
 * - throttle   code contains "Throttling": nothing was applied; wait at least x-acs-retry-after.
 * - notSent    ECONNREFUSED / DNS failures: the request never reached the server; nothing was applied.
 * - ambiguous  5xx, ServiceUnavailable/InternalError/UnknownError, timeouts, dropped connections, non-JSON answers:
 *              the request may or may not have been applied.
 * - busy       the action's documented "busy / transitional" codes (forward table busy, ENI mid-transition…).
 * - fatal      everything else (validation, not found, quota, permission…).
 *
 * Safety: a read, or a write that carries a ClientToken (same token on every attempt), may be retried on
 * throttle/notSent/ambiguous/busy. A write WITHOUT a ClientToken (Attach/Detach/DeleteNetworkInterface) is
 * retried blindly only on throttle and notSent; on ambiguous and busy failures the decision says
 * `reconcile: true`: the caller must first re-read the resource (did the write take effect after all?) and
 * only then retry. A blind retry of an attach that did go through would fail or, worse, mask the real state.
 * On fatal failures of those writes `reconcile` is also set (no retry): the re-read turns "already
 * attached / already detached / already gone" into success, whatever code the API chose for it.
 */

export type FailureClass = 'throttle' | 'notSent' | 'ambiguous' | 'busy' | 'fatal';

export interface RetryPolicy {
  /** Total attempts for ambiguous / notSent failures. */
  maxAttempts: number;
  /** Total attempts when throttled. */
  maxThrottleAttempts: number;
  /** Total attempts for busy codes. */
  maxBusyAttempts: number;
  /** Backoff base and cap (full jitter: uniform in [0, min(cap, base·2^(n-1))]). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Busy resources (a forward table with a Pending entry, an ENI mid-transition) take seconds to settle: a write's
   * backoff on a busy code starts from this base and uses equal jitter, so the retries of one call span at least ~6 s
   * with the defaults. A read answered with a busy code backs off like an ambiguous read (baseDelayMs, full jitter).
   */
  busyBaseDelayMs: number;
  /** A retry-after longer than this is not waited out inside one call; the error goes up (retryable) instead. */
  maxRetryAfterMs: number;
  /** Source of randomness in [0,1); injectable for table tests. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxThrottleAttempts: 6,
  maxBusyAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  busyBaseDelayMs: 500,
  maxRetryAfterMs: 30_000,
  random: Math.random,
};

export interface RetryDecision {
  retry: boolean;
  /** Wait this long before the next attempt. */
  delayMs: number;
  /** Re-read the resource before retrying (or before giving up): the write may have been applied. */
  reconcile: boolean;
  class: FailureClass;
  reason: string;
}

// RAM denials also come as plain `Forbidden` and as `Forbbiden.SubUser` (sic) on some VPC APIs.
const PERMISSION_CODES = /^(Forbidden\.RAM|Forbidden\.SubUser|Forbbiden\.SubUser|Forbidden$|Forbidden\.NotSupportRAM|InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken)/;

export function classifyFailure(action: string, err: ErrorView): FailureClass {
  const { code, httpStatus } = err;
  if (isThrottlingCode(code) || httpStatus === 429) return 'throttle';
  if (code === 'Transport') return err.detailCode && NOT_SENT_ERRNOS.has(err.detailCode) ? 'notSent' : 'ambiguous';
  if (code === 'RequestTimeout') return 'ambiguous';
  if (code === 'BadResponse') return err.detailCode === 'TypeMismatch' ? 'fatal' : 'ambiguous';
  if (actionSpec(action).busyCodes.includes(code)) return 'busy';
  if (TRANSIENT_CODES.has(code) || (httpStatus !== undefined && httpStatus >= 500)) return 'ambiguous';
  return 'fatal';
}

function backoff(attempt: number, base: number, policy: RetryPolicy, equal = false): number {
  const ceiling = Math.min(policy.maxDelayMs, base * 2 ** Math.max(0, attempt - 1));
  // Full jitter spreads a fleet best; "equal" jitter keeps at least half the ceiling, for a resource that needs time.
  return Math.floor(equal ? ceiling / 2 + (policy.random() * ceiling) / 2 : policy.random() * ceiling);
}

/**
 * @param attempt the 1-based number of the attempt that just failed.
 */
export function retryDecision(action: string, err: ErrorView, attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  const spec = actionSpec(action);
  const safe = !spec.write || spec.clientToken;
  const cls = classifyFailure(action, err);
  const no = (reason: string, reconcile = false): RetryDecision => ({ retry: false, delayMs: 0, reconcile, class: cls, reason });

  switch (cls) {
    case 'throttle': {
      if (attempt >= policy.maxThrottleAttempts) return no(`throttled ${attempt} times`);
      const after = err.retryAfterMs;
      if (after !== undefined && after > policy.maxRetryAfterMs) return no(`retry-after ${after} ms is longer than ${policy.maxRetryAfterMs} ms`);
      const jitter = backoff(attempt, policy.baseDelayMs, policy);
      // At least the server's retry-after, plus a little spread so a fleet does not come back in lockstep.
      const delayMs = after !== undefined
        ? after + Math.floor(policy.random() * Math.min(policy.baseDelayMs, after / 4 + 1))
        : jitter;
      return { retry: true, delayMs: Math.max(delayMs, after ?? 0), reconcile: false, class: cls, reason: 'throttled' };
    }
    case 'notSent':
      if (attempt >= policy.maxAttempts) return no(`not sent after ${attempt} attempts`);
      return { retry: true, delayMs: backoff(attempt, policy.baseDelayMs, policy), reconcile: false, class: cls, reason: 'request never reached the server' };
    case 'ambiguous':
      if (attempt >= policy.maxAttempts) return no(`still failing after ${attempt} attempts`, !safe);
      return {
        retry: true, delayMs: backoff(attempt, policy.baseDelayMs, policy), reconcile: !safe, class: cls,
        reason: safe ? (spec.write ? 'transient; same ClientToken' : 'transient read') : 'outcome unknown; re-read before retrying',
      };
    case 'busy':
      if (attempt >= policy.maxBusyAttempts) return no(`still busy after ${attempt} attempts`, !safe);
      return {
        // A write waits for the busy resource to settle; a read that was refused as busy changed nothing and waits for
        // nothing of ours, so it is asked again as soon as an ambiguous read would be (it is often a waiter's poll,
        // or the read right before a cutover's write, with the table lock held).
        retry: true, delayMs: spec.write ? backoff(attempt, policy.busyBaseDelayMs, policy, true) : backoff(attempt, policy.baseDelayMs, policy),
        reconcile: !safe, class: cls,
        reason: `${err.code} is transitional for ${action}`,
      };
    case 'fatal':
      // Tokenless writes: a re-read may show the goal already reached (idempotent no-op), except for auth failures.
      return no('not retryable', !safe && !PERMISSION_CODES.test(err.code));
  }
}
