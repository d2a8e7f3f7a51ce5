// Fault injection (scripted errors, 5xx, latency spikes, asynchronous failures) and per-action throttling.
import { ApiError, defaultMessageFor, defaultStatusFor } from './errors.ts';
import { faultSchema, type FaultSpec } from './scenario.ts';
import { mulberry32 } from './world.ts';

interface ArmedFault { spec: FaultSpec; armedAt: number; hits: number }

export interface FaultOutcome {
  latencyMs: number;
  error?: ApiError;
  /** Accept the call, then fail the asynchronous operation. */
  asyncFailure: boolean;
}

export class FaultEngine {
  private faults: ArmedFault[] = [];
  private readonly rand: () => number;

  constructor(initial: FaultSpec[], seed: number, private readonly now: () => number = Date.now) {
    this.rand = mulberry32(seed);
    for (const f of initial) this.add(f);
  }

  /** Validates and arms a fault; afterMs counts from now. */
  add(spec: FaultSpec): void {
    const parsed = faultSchema.safeParse(spec);
    if (!parsed.success) throw new Error(`invalid fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`).join('; ')}`);
    this.faults.push({ spec: parsed.data, armedAt: this.now(), hits: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  /** What the faults say about one call of `action` (product is 'ecs' or 'vpc', for AccessDeniedDetail). */
  evaluate(action: string, product: string): FaultOutcome {
    const out: FaultOutcome = { latencyMs: 0, asyncFailure: false };
    const now = this.now();
    for (const f of this.faults) {
      const s = f.spec;
      if (s.action !== '*' && s.action !== action) continue;
      if (s.afterMs !== undefined && now < f.armedAt + s.afterMs) continue;
      if (s.times !== undefined && f.hits >= s.times) continue;
      if (s.probability !== undefined && this.rand() >= s.probability) continue;
      if (out.error && s.code) continue; // the first error wins; later ones stay armed
      f.hits++;
      out.latencyMs += s.latencyMs ?? 0;
      if (s.asyncFailure) out.asyncFailure = true;
      if (s.code) out.error = faultError(s, action, product);
    }
    return out;
  }
}

function faultError(s: FaultSpec, action: string, product: string): ApiError {
  const code = s.code!;
  const status = s.httpStatus ?? defaultStatusFor(code);
  const extra: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  if (code === 'Forbidden.RAM') extra.AccessDeniedDetail = accessDeniedDetail(`${product}:${action}`);
  if (code.includes('Throttling')) headers['x-acs-retry-after'] = String(s.retryAfterMs ?? 1000);
  return new ApiError(code, status, s.message ?? defaultMessageFor(code), extra, headers);
}

/** Shape of a RAM denial detail; field names beyond AuthAction are a plausible guess (UNCONFIRMED in the docs). */
export function accessDeniedDetail(authAction: string): Record<string, string> {
  return {
    AuthAction: authAction,
    AuthPrincipalType: 'SubUser',
    AuthPrincipalOwnerId: '1234567890123456',
    AuthPrincipalDisplayName: 'natmigrate-bot',
    PolicyType: 'AccountLevelIdentityBasedPolicy',
    NoPermissionType: 'ImplicitDeny',
    EncodedDiagnosticMessage: Buffer.from(`sandbox: ${authAction} is not allowed`).toString('base64'),
  };
}

export function forbiddenRam(authAction: string): ApiError {
  return new ApiError('Forbidden.RAM', 403, 'User not authorized to operate on the specified resource, or this API does not support RAM.',
    { AccessDeniedDetail: accessDeniedDetail(authAction) });
}

/** Token buckets per action: capacity = rate, refilled continuously; over the limit → Throttling.User. */
export class Throttle {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly qps: Record<string, number>, private readonly now: () => number = Date.now) {}

  take(action: string): void {
    const rate = this.qps[action] ?? this.qps.default;
    if (rate === undefined) return;
    const t = this.now();
    const cap = Math.max(1, rate);
    const b = this.buckets.get(action) ?? { tokens: cap, at: t };
    b.tokens = Math.min(cap, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    this.buckets.set(action, b);
    if (b.tokens >= 1) { b.tokens -= 1; return; }
    const waitMs = Math.max(1, Math.ceil(((1 - b.tokens) / rate) * 1000));
    throw new ApiError('Throttling.User', 400, 'Request was denied due to user flow control.', {}, { 'x-acs-retry-after': String(waitMs) });
  }
}
