// Fault injection: scripted errors, 5xx, latency spikes and asynchronous failures, armed from the scenario or at
// run time (`sandbox.faults.add`), evaluated once per API call.
import { accessDeniedDetail, ApiError, defaultMessageFor } from '../api-error.ts';
import { faultSchema, type FaultSpec } from '../scenario/scenario-schema.ts';
import { mulberry32 } from '../seeded-random.ts';

interface ArmedFault { spec: FaultSpec; armedAt: number; hits: number }

interface FaultOutcome {
  latencyMs: number;
  error?: ApiError;
  /** Accept the call, then fail the asynchronous operation. */
  asyncFailure: boolean;
  /** Carry the call out, then answer `error` (the answer was lost). */
  answerLost: boolean;
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
    const out: FaultOutcome = { latencyMs: 0, asyncFailure: false, answerLost: false };
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
      if (s.code) {
        out.error = faultError(s, action, product);
        out.answerLost = s.answerLost === true;
      }
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

/** Default HTTP status for a code given without one (fault injection). */
function defaultStatusFor(code: string): number {
  if (code === 'ServiceUnavailable') return 503;
  if (code === 'InternalError' || code.startsWith('InternalError.') || code === 'UnknownError') return 500;
  if (code.startsWith('Forbidden') || code === 'IdempotentParameterMismatch' || code === 'LastTokenProcessing') return 403;
  if (code.endsWith('.NotFound')) return 404;
  return 400;
}
