import type { CloudCall, CloudCallObserver } from '../cloud-port.ts';
import type { RateBudget } from '../rate-budget.ts';
import { actionSpec, type ActionName } from './actions.ts';
import { toCloudError, type AlibabaCallError } from './error-map.ts';
import { reportToRecorders } from '../call-recorder.ts';
import { retryDecision, type RetryPolicy } from './retry-policy.ts';
import { sleep } from '../../util/sleep.ts';
import { abortError } from './abort-error.ts';

/**
 * The one place an SDK call runs: rate budget, one observer report per HTTP attempt, error mapping, and
 * retries as retry-policy.ts decides (the SDK's own retries stay off; timeouts are set on the clients).
 */

export interface CallRuntime {
  budget: RateBudget;
  observers: readonly CloudCallObserver[];
  policy: RetryPolicy;
  /** Strings that must never appear in an error message (static secrets). */
  secrets: readonly string[];
}

export type Recovery<R> = { done: true; value: R } | { done: false; stop?: boolean };

export interface CallSpec<R> {
  action: ActionName;
  /** One HTTP attempt through the SDK. Called again, unchanged, for each retry (so a ClientToken is reused). */
  invoke: () => Promise<R>;
  /**
   * Idempotency hook, asked after a failure that is not throttling / not-sent / permission: does the cloud
   * already show the intended effect? `{done:true}` turns the failure into success (attach that already
   * happened, delete of something already gone); `{stop:true}` ends the retries (the state says a retry cannot
   * succeed). Writes without a ClientToken are only retried after ambiguous failures when this hook exists.
   */
  recover?: (err: AlibabaCallError, attempt: number) => Promise<Recovery<R>>;
  signal?: AbortSignal;
}

export async function runCall<R>(rt: CallRuntime, spec: CallSpec<R>): Promise<R> {
  const { action, signal } = spec;
  const { product, busyCodes } = actionSpec(action);

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(action, signal);
    try {
      await rt.budget.take(action, signal);
    } catch (e) {
      if (signal?.aborted) throw abortError(action, signal);
      throw toCloudError(e, action, { secrets: rt.secrets });
    }

    const started = performance.now();
    let raw: unknown;
    try {
      const res = await spec.invoke();
      report(rt, {
        product, action, requestId: requestIdOf(res), code: 'OK', httpStatus: statusOf(res),
        durationMs: Math.round(performance.now() - started), attempt,
      });
      return res;
    } catch (e) {
      raw = e;
    }

    const err = toCloudError(raw, action, { busyCodes, secrets: rt.secrets });
    report(rt, {
      product, action, requestId: err.requestId, code: err.code === 'Transport' && err.detailCode ? err.detailCode : err.code,
      httpStatus: err.httpStatus, durationMs: Math.round(performance.now() - started), attempt,
    });

    const decision = retryDecision(action, err, attempt, rt.policy);
    if (decision.class === 'throttle' && rt.budget.penalize) {
      try { await rt.budget.penalize(action, err.retryAfterMs, err.code); } catch { /* a sick budget must not fail the call */ }
    }

    let recoverFailed = false;
    if (spec.recover && decision.class !== 'throttle' && decision.class !== 'notSent' && !err.isPermissionDenied) {
      let rec: Recovery<R> | undefined;
      try {
        rec = await spec.recover(err, attempt);
      } catch {
        recoverFailed = true;
      }
      if (rec?.done) return rec.value;
      if (rec?.stop) throw err;
    }

    if (!decision.retry) throw err;
    // A write without ClientToken whose outcome is unknown is only retried once a re-read showed it did not apply.
    if (decision.reconcile && (!spec.recover || recoverFailed)) throw err;
    await sleep(decision.delayMs, signal).catch(() => { throw abortError(action, signal); });
  }
}

function report(rt: CallRuntime, call: CloudCall): void {
  for (const o of rt.observers) {
    try { o(call); } catch { /* observers are best-effort */ }
  }
  reportToRecorders(call);
}

function requestIdOf(res: unknown): string | undefined {
  const r = res as { body?: { requestId?: unknown }; headers?: Record<string, unknown> } | null | undefined;
  const id = r?.body?.requestId ?? r?.headers?.['x-acs-request-id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function statusOf(res: unknown): number | undefined {
  const s = (res as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}
