// The realism layer: the ways the real API is unkinder than a textbook one, each ON by default and switched off only
// by naming it in a scenario's `realism.off` list (docs/sandbox.md cites the source of each).
import { z } from 'zod';

/** The rules a scenario can switch off by name. */
export const REALISM_RULES = [
  /** Describe* show ENIs and DNAT entries (and an instance's status after a stop/start) as they were `readLagMs` ago: new ones not listed yet, the previous status. */
  'staleReads',
  /** The EIP of a deleted or moved IP mapping answers OperationUnsupported.EipInBinding for a while. */
  'eipInBinding',
  /** Busy/conflict codes and ServiceUnavailable on reads and writes at `transientRate`. */
  'transientCodes',
] as const;

export type RealismRule = (typeof REALISM_RULES)[number];

/** The spellings RAM denials come in (Forbidden.RAM on most APIs; Forbidden and Forbbiden.SubUser (sic) on some VPC ones). */
export const RAM_DENIAL_CODES = ['Forbidden.RAM', 'Forbidden', 'Forbbiden.SubUser'] as const;

/** staleReads' default lag (docs/sandbox.md): what the bench tells the engine to expect. */
export const DEFAULT_READ_LAG_MS = 30;

export const realismSchema = z.strictObject({
  /** Rules switched off, by name. */
  off: z.array(z.enum(REALISM_RULES)).default([]),
  /** staleReads: how far behind the truth Describe* answers are (tens of ms keeps the test suite fast). */
  readLagMs: z.number().int().min(0).default(DEFAULT_READ_LAG_MS),
  /**
   * eipInBinding: how long the EIP stays "in binding". Default: as long again as the operation that released it took
   * (latencyMs.dnatDelete after a delete, dnatModify after a modify). The real duration is unconfirmed.
   * latencyMs.eipRebind, when a scenario gives it, wins.
   */
  eipInBindingMs: z.number().int().min(0).optional(),
  /** transientCodes: chance (0..1) that one API call is answered with a busy/conflict code or ServiceUnavailable. */
  transientRate: z.number().min(0).max(1).default(0.02),
  /** Which spelling a RAM denial (deniedActions) is answered with. */
  ramDenialCode: z.enum(RAM_DENIAL_CODES).default('Forbidden.RAM'),
});

export type Realism = z.output<typeof realismSchema>;

export function realismOn(r: Realism, rule: RealismRule): boolean {
  return !r.off.includes(rule);
}
