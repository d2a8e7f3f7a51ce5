import { webApi } from '@slack/bolt';

/**
 * How a failed Slack call is handled. The codes are the ones @slack/web-api raises
 * (node_modules/@slack/web-api/dist/errors.d.ts) and the method errors Slack documents
 * (https://docs.slack.dev/reference/methods/chat.postMessage, …/chat.update; 429 and Retry-After:
 * https://api.slack.com/docs/rate-limits).
 *
 * - retry: transient (429, 5xx, network, Slack's own internal errors); a 429 pauses only that method in that
 *   channel. `uncertain` when Slack may have acted on the call anyway: 'answered' (a 5xx: whatever happened has
 *   happened) or 'lost' (a timeout: the request may still be acted on for a while).
 * - reshape: Slack refused this message's shape or size: post a minimal safe form once instead.
 * - permanent: nothing this message can do will help (the channel is gone, archived, the bot is not in it, a
 *   scope is missing…): the message is marked failed and delivery moves on.
 * - skip: an edit of a message that is gone. unthreaded: the thread root is gone, post to the channel.
 */
export type Failure =
  | { kind: 'retry'; delayMs: number; reason: string; pause?: 'method' | 'app'; uncertain?: 'answered' | 'lost' }
  | { kind: 'reshape'; reason: string }
  | { kind: 'permanent'; reason: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'unthreaded' };

export type RetryFailure = Extract<Failure, { kind: 'retry' }>;

export interface Backoff {
  maxBackoffMs: number;
  /** First retry delay after a 5xx or network error (doubles per attempt). */
  baseBackoffMs: number;
}

/** The message itself is too big or malformed for Slack. */
const RESHAPE = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'msg_blocks_too_long', 'invalid_attachments', 'too_many_attachments', 'invalid_metadata_format', 'invalid_metadata_schema', 'metadata_too_large', 'no_text']);
/** Slack's side hiccups: try again later. */
const TRANSIENT = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
/** The app's credentials are broken: every message would fail alike, so keep them all and wait for an operator. */
const APP_WIDE = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'org_login_required', 'ekm_access_denied', 'team_access_not_granted']);

export function classify(err: unknown, op: 'post' | 'update', attempt: number, b: Backoff): Failure {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  const backoff = (mult: number) => Math.min(b.maxBackoffMs, b.baseBackoffMs * mult * 2 ** Math.min(attempt, 10)) * (0.8 + Math.random() * 0.4);
  if (e.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') {
    return { kind: 'retry', delayMs: Math.max(1, e.retryAfter) * 1000, reason: `rate limited (Retry-After ${e.retryAfter}s)`, pause: 'method' };
  }
  if (e.code === webApi.ErrorCode.HTTPError) return { kind: 'retry', delayMs: backoff(1), reason: `HTTP ${e.statusCode ?? '?'}`, ...((e.statusCode ?? 500) >= 500 ? { uncertain: 'answered' as const } : {}) };
  if (e.code === webApi.ErrorCode.RequestError) return { kind: 'retry', delayMs: backoff(1), reason: `request error: ${e.message ?? ''}`, uncertain: 'lost' };
  if (e.code === webApi.ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown';
    if (RESHAPE.has(code)) return { kind: 'reshape', reason: code };
    if (op === 'update' && ['message_not_found', 'cant_update_message', 'edit_window_closed'].includes(code)) return { kind: 'skip', reason: code };
    if (op === 'post' && code === 'thread_not_found') return { kind: 'unthreaded' };
    if (TRANSIENT.has(code)) return { kind: 'retry', delayMs: backoff(2), reason: code, ...(code !== 'ratelimited' && code !== 'rate_limited' ? { uncertain: 'answered' as const } : {}) };
    if (APP_WIDE.has(code)) return { kind: 'retry', delayMs: backoff(10), reason: code, pause: 'app' };
    // channel_not_found, not_in_channel, is_archived, missing_scope, restricted_action, invalid_arguments…
    return { kind: 'permanent', reason: code };
  }
  // A timeout surfaces as a RequestError; anything else unknown may have reached Slack too.
  return { kind: 'retry', delayMs: backoff(2), reason: e.message ?? String(err), uncertain: 'lost' };
}

/**
 * Slack refused a merged post's shape or size (a reshape code). Thrown instead of sending its minimal form, which
 * would keep only the first lines of the merged replies: the caller posts them apart instead.
 */
export class MergedPostRefused extends Error {
  override readonly name = 'MergedPostRefused';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Ends one job's delivery pass: retry it later, come back when the pacing allows, or (lease lost) leave it. */
export class DeliveryStop extends Error {
  constructor(readonly failure: RetryFailure | { kind: 'paced'; delayMs: number; reason: string } | { kind: 'lease_lost'; delayMs: number; reason: string }) {
    super(failure.reason);
  }
}
