import { webApi } from '@slack/bolt';

/**
 * How a failed Slack call is handled. The codes are the ones @slack/web-api raises
 * (node_modules/@slack/web-api/dist/errors.d.ts) and the method errors Slack documents
 * (https://docs.slack.dev/reference/methods/chat.postMessage, …/chat.update, and for 429 and Retry-After
 * https://docs.slack.dev/apis/web-api/rate-limits).
 */
type Failure =
  | { kind: 'retry'; delayMs: number; reason: string; pauseAll?: boolean }
  | { kind: 'plain' } // blocks rejected: send the same message as text only
  | { kind: 'skip'; reason: string } // an edit of a message that is gone: nothing left to do
  | { kind: 'unthreaded' }; // the thread root is gone: post to the channel instead

type RetryFailure = Extract<Failure, { kind: 'retry' }>;

export interface Backoff {
  maxBackoffMs: number;
  /** First retry delay after a 5xx or network error (doubles per attempt). */
  baseBackoffMs: number;
}

export function classify(err: unknown, op: 'post' | 'update', attempt: number, b: Backoff): Failure {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  const backoff = (mult: number) => Math.min(b.maxBackoffMs, b.baseBackoffMs * mult * 2 ** Math.min(attempt, 10)) * (0.8 + Math.random() * 0.4);
  if (e.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') {
    return { kind: 'retry', delayMs: Math.max(1, e.retryAfter) * 1000, reason: `rate limited (Retry-After ${e.retryAfter}s)`, pauseAll: true };
  }
  if (e.code === webApi.ErrorCode.HTTPError) return { kind: 'retry', delayMs: backoff(1), reason: `HTTP ${e.statusCode ?? '?'}` };
  if (e.code === webApi.ErrorCode.RequestError) return { kind: 'retry', delayMs: backoff(1), reason: `request error: ${e.message ?? ''}` };
  if (e.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown';
    if (['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'invalid_attachments'].includes(code)) return { kind: 'plain' };
    if (op === 'update' && ['message_not_found', 'cant_update_message', 'edit_window_closed'].includes(code)) return { kind: 'skip', reason: code };
    if (op === 'post' && code === 'thread_not_found') return { kind: 'unthreaded' };
    if (code === 'ratelimited') return { kind: 'retry', delayMs: backoff(2), reason: code, pauseAll: true };
    // channel_not_found, not_in_channel, invalid_auth…: an operator has to act; keep the messages and retry slowly.
    return { kind: 'retry', delayMs: backoff(10), reason: code };
  }
  return { kind: 'retry', delayMs: backoff(2), reason: e.message ?? String(err) };
}

/** Ends one job's delivery pass: retry it later, or (lease lost) leave it to whoever holds it now. */
export class DeliveryStop extends Error {
  constructor(readonly failure: RetryFailure | { kind: 'lease_lost'; delayMs: number; reason: string }) {
    super(failure.reason);
  }
}
