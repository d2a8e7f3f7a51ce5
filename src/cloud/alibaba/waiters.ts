import { CloudError, isCloudError } from '../cloud-error.ts';
import { sleep } from '../../util/sleep.ts';
import { abortError } from './abort-error.ts';
import type { DueLag } from './due-lag.ts';

/**
 * Polling that notices a state change quickly without hammering the API: the first poll comes at the expected
 * latency when the caller knows it (else after initialMs), then the gap grows ×factor up to maxMs. Each poll is a real API call
 * (through call.ts, so it is rate-limited, retried and reported to observers like any other).
 */
export interface WaitSchedule {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** Used when the caller gives no timeoutMs (terraform waits 2 min for an ENI attach). */
  defaultTimeoutMs: number;
  /**
   * Reads are eventually consistent: a read that contradicts the write just made (a new resource not listed, the
   * status of before) is taken at its word only after this long, besides a few reads (wait-verdicts.ts).
   */
  staleGraceMs: number;
}

export const DEFAULT_WAIT_SCHEDULE: WaitSchedule = { initialMs: 200, factor: 1.5, maxMs: 2_000, defaultTimeoutMs: 120_000, staleGraceMs: 10_000 };

export type Verdict<V> =
  | { kind: 'done'; value: V }
  | { kind: 'failed'; why: string }
  | { kind: 'pending'; state: string };

export interface PollOptions<S, V> {
  /** The API each poll calls; used as CloudError.action. */
  action: string;
  /** "ENI eni-1 to be InUse" — for messages. */
  what: string;
  poll: () => Promise<S>;
  /** Looks at one observed state; `index` is 0 for the first poll; `elapsedMs` since the wait began. */
  judge: (state: S, index: number, elapsedMs: number) => Verdict<V>;
  timeoutMs?: number;
  expectedMs?: number;
  signal?: AbortSignal;
  schedule: WaitSchedule;
  /** With expectedMs: learns how far past the due time the change shows in reads, and polls first then (due-lag.ts). */
  dueLag?: { lag: DueLag; key: string };
}

/**
 * The poll gaps, exported for tests and for anyone who wants to reason about API cost.
 * With `expectedMs` the first poll comes at the expected latency (one poll usually suffices), then at short gaps
 * (a tenth of it, at least 50 ms, at most initialMs) growing ×factor: the change is due, so it is noticed soon.
 */
export function pollDelays(schedule: WaitSchedule, expectedMs?: number): () => number {
  if (expectedMs !== undefined && expectedMs >= 0) {
    let first = true;
    let gap = Math.max(10, Math.min(schedule.initialMs, Math.max(50, Math.round(expectedMs / 10))));
    return () => {
      if (first) { first = false; return Math.max(0, Math.round(expectedMs)); }
      const d = gap;
      gap = Math.min(schedule.maxMs, gap * schedule.factor);
      return Math.round(d);
    };
  }
  let next = Math.max(10, schedule.initialMs);
  return () => {
    const d = next;
    next = Math.min(schedule.maxMs, next * schedule.factor);
    return Math.round(d);
  };
}

export async function pollUntil<S, V>(o: PollOptions<S, V>): Promise<V> {
  const timeoutMs = o.timeoutMs ?? o.schedule.defaultTimeoutMs;
  const began = Date.now();
  const deadline = began + timeoutMs;
  const learn = o.dueLag && o.expectedMs !== undefined && o.expectedMs >= 0 ? o.dueLag : undefined;
  const extra = learn ? learn.lag.extraMs(learn.key, o.expectedMs!) : 0;
  const nextDelay = pollDelays(o.schedule, o.expectedMs === undefined ? undefined : o.expectedMs + extra);
  let firstPollAt = 0;
  let lastState = 'not polled yet';
  let lastError: CloudError | undefined;

  for (let index = 0; ; index++) {
    const remaining = deadline - Date.now();
    try {
      await sleep(Math.min(nextDelay(), Math.max(0, remaining)), o.signal);
    } catch {
      throw abortError(o.action, o.signal);
    }
    if (o.signal?.aborted) throw abortError(o.action, o.signal);

    let verdict: Verdict<V> | undefined;
    if (index === 0) firstPollAt = Date.now();
    try {
      const state = await o.poll();
      verdict = o.judge(state, index, Date.now() - began);
      lastError = undefined;
    } catch (e) {
      // A poll that failed transiently (after call.ts's own retries) does not end the wait; anything else does.
      if (!isCloudError(e) || !e.retryable || e.code === 'Aborted') throw e;
      lastError = e;
    }
    if (verdict?.kind === 'done') {
      if (learn) learn.lag.observe(learn.key, firstPollAt - began - o.expectedMs!, Date.now() - began - o.expectedMs!, index === 0);
      return verdict.value;
    }
    if (verdict?.kind === 'failed') {
      throw new CloudError({ code: 'WaitFailed', action: o.action, retryable: false, message: `waiting for ${o.what}: ${verdict.why}` });
    }
    if (verdict?.kind === 'pending') lastState = verdict.state;

    if (Date.now() >= deadline) {
      const because = lastError ? `; last poll failed: ${lastError.code}` : '';
      throw new CloudError({
        code: 'WaitTimeout', action: o.action, retryable: true, requestId: lastError?.requestId, cause: lastError,
        message: `waiting for ${o.what}: still ${lastState} after ${timeoutMs} ms${because}`,
      });
    }
  }
}
