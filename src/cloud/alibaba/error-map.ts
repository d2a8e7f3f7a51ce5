import { AlibabaCloudError, ClientError, ThrottlingError } from '@alicloud/openapi-core';
import { CloudError } from '../cloud-error.ts';

/**
 * A CloudError as produced by this adapter: it also remembers what the retry policy needs
 * (x-acs-retry-after, the transport errno, the kind of bad response). Still `instanceof CloudError`.
 */
export class AlibabaCallError extends CloudError {
  /** From the `x-acs-retry-after` header of a throttled answer, in ms. */
  readonly retryAfterMs?: number;
  /** Transport: the errno (ECONNREFUSED…); BadResponse: 'SyntaxError' | 'TypeMismatch' | 'MissingField'. */
  readonly detailCode?: string;

  constructor(init: ConstructorParameters<typeof CloudError>[0] & { retryAfterMs?: number; detailCode?: string }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
    this.detailCode = init.detailCode;
  }
}

/** What the retry policy looks at; a plain object works too, which keeps the policy table-testable. */
export interface ErrorView {
  code: string;
  httpStatus?: number;
  retryAfterMs?: number;
  detailCode?: string;
  message?: string;
}

/** Thrown by our own response checks (e.g. CreateNetworkInterface answered without an id). */
export class BadResponseError extends Error {
  override readonly name = 'BadResponseError';
  constructor(message: string, readonly requestId?: string) {
    super(message);
  }
}

/** Errnos of a request that provably never reached the server: nothing can have been applied. */
export const NOT_SENT_ERRNOS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isThrottlingCode(code: string): boolean {
  // Same rule as the SDK (ThrottlingError when the code contains "Throttling").
  return code.includes('Throttling');
}

/** Removes anything that must not reach a log or a Slack thread: secrets we know, and URL query strings. */
export function scrub(message: string, secrets: readonly string[] = []): string {
  let out = message.replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1?…');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function realRequestId(v: unknown): string | undefined {
  // The SDK stringifies a missing RequestId into the literal "undefined".
  if (typeof v !== 'string' || v === '' || v === 'undefined' || v === 'null') return undefined;
  return v;
}

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code) ? code : undefined;
}

/**
 * Maps anything the SDK (or our response checks) threw into an AlibabaCallError.
 * `retryable` here says whether the failure is transient by nature; the per-action decision is retry-policy.ts's.
 */
export function toCloudError(e: unknown, action: string, opts: { busyCodes?: readonly string[]; secrets?: readonly string[] } = {}): AlibabaCallError {
  if (e instanceof AlibabaCallError) return e;
  const secrets = opts.secrets ?? [];
  if (e instanceof CloudError) {
    return new AlibabaCallError({
      code: e.code, message: e.message, action: e.action, requestId: e.requestId, httpStatus: e.httpStatus,
      retryable: e.retryable, deniedAction: e.deniedAction, cause: e,
    });
  }

  if (e instanceof AlibabaCloudError || isSdkResponseError(e)) {
    const err = e as AlibabaCloudError & { data?: Record<string, unknown>; retryAfter?: number; accessDeniedDetail?: Record<string, unknown> };
    const httpStatus = typeof err.statusCode === 'number' ? err.statusCode : undefined;
    const code = typeof err.code === 'string' && err.code !== '' && err.code !== 'undefined'
      ? err.code
      : httpStatus !== undefined && httpStatus >= 500 ? 'InternalError' : 'UnknownError';
    const requestId = realRequestId(err.requestId) ?? realRequestId(err.data?.RequestId);
    const apiMessage = String(err.data?.Message ?? err.data?.message ?? '').trim();
    const detail = (e instanceof ClientError ? err.accessDeniedDetail : undefined) ?? (err.data?.AccessDeniedDetail as Record<string, unknown> | undefined);
    const deniedAction = typeof detail?.AuthAction === 'string' ? detail.AuthAction : undefined;
    const retryAfterMs = e instanceof ThrottlingError || isThrottlingCode(code)
      ? (typeof err.retryAfter === 'number' && Number.isFinite(err.retryAfter) && err.retryAfter >= 0 ? err.retryAfter : undefined)
      : undefined;
    const parts = [`${action} failed: ${code}`];
    if (apiMessage) parts.push(`— ${apiMessage}`);
    if (deniedAction) parts.push(`(denied RAM action ${deniedAction})`);
    parts.push(`[HTTP ${httpStatus ?? '?'}${requestId ? `, RequestId ${requestId}` : ''}]`);
    return new AlibabaCallError({
      code, action, requestId, httpStatus, deniedAction, retryAfterMs,
      message: scrub(parts.join(' '), secrets),
      retryable: isTransientCode(code, httpStatus, opts.busyCodes ?? []),
      cause: e,
    });
  }

  const err = e as { name?: string; message?: string } | null;
  const rawMessage = scrub(String(err?.message ?? e), secrets);

  if (err?.name === 'RequestTimeoutError') {
    return new AlibabaCallError({ code: 'RequestTimeout', action, retryable: true, message: `${action} failed: RequestTimeout — ${rawMessage}`, cause: e });
  }
  const errno = errnoOf(e);
  if (errno) {
    return new AlibabaCallError({
      code: 'Transport', detailCode: errno, action, retryable: true,
      message: `${action} failed: Transport ${errno} — ${rawMessage}`, cause: e,
    });
  }
  if (e instanceof SyntaxError) {
    return new AlibabaCallError({
      code: 'BadResponse', detailCode: 'SyntaxError', action, retryable: true,
      message: `${action} failed: BadResponse — the answer was not JSON (${rawMessage})`, cause: e,
    });
  }
  if (e instanceof BadResponseError) {
    return new AlibabaCallError({
      code: 'BadResponse', detailCode: 'MissingField', action, requestId: e.requestId, retryable: true,
      message: `${action} failed: BadResponse — ${rawMessage}`, cause: e,
    });
  }
  if (/type of .* is mismatch/i.test(rawMessage)) {
    return new AlibabaCallError({
      code: 'BadResponse', detailCode: 'TypeMismatch', action, retryable: false,
      message: `${action} failed: BadResponse — ${rawMessage}`, cause: e,
    });
  }
  if (/credential/i.test(rawMessage)) {
    return new AlibabaCallError({
      code: 'CredentialsUnavailable', action, retryable: false,
      message: `${action} failed: CredentialsUnavailable — ${rawMessage}`, cause: e,
    });
  }
  return new AlibabaCallError({ code: 'Unexpected', action, retryable: false, message: `${action} failed: ${rawMessage}`, cause: e });
}

function isSdkResponseError(e: unknown): boolean {
  // Belt and braces in case two copies of openapi-core are ever installed (instanceof would then fail).
  const n = (e as { name?: string } | null)?.name;
  return (n === 'ThrottlingError' || n === 'ClientError' || n === 'ServerError' || n === 'AlibabaCloudError')
    && typeof (e as { statusCode?: unknown }).statusCode === 'number';
}

/** Generic transient API codes, for every action (terraform's NeedRetry plus ECS/VPC gateway codes). */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ServiceUnavailable', 'InternalError', 'InternalError.Dispatch', 'UnknownError', 'Rejected.Throttling',
]);

function isTransientCode(code: string, httpStatus: number | undefined, busyCodes: readonly string[]): boolean {
  return isThrottlingCode(code) || TRANSIENT_CODES.has(code) || (httpStatus !== undefined && httpStatus >= 500) || busyCodes.includes(code);
}
