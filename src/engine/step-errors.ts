// The engine's control-flow errors, in the style of BullMQ's DelayedError / UnrecoverableError: a step throws
// them, the run loop routes them.
import { isCloudError } from '../cloud/cloud-error.ts';
import type { StepFailureText } from '../domain/job-text.ts';
import { msg } from '../i18n/catalog.ts';
import type { StepError } from '../domain/events.ts';

/** A logical failure of a step (not a cloud error); routed like one. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  /** The reason as a code with facts (worded per reader); the Error's message is its English from the catalog. */
  readonly text: StepFailureText | undefined;
  constructor(readonly code: string, why: string | StepFailureText) {
    super(typeof why === 'string' ? why : msg('en').stepFailureText({ text: why }));
    this.text = typeof why === 'string' ? undefined : why;
  }
}

/** Parks the job (delayed, no worker slot) until `until` (epoch ms, real time) or until woken. */
export class ParkSignal extends Error {
  override readonly name = 'ParkSignal';
  constructor(readonly until: number, readonly shouldWake: () => Promise<boolean>) {
    super('park the job');
  }
}

/** The submission's request key was seen before: a replayed request; nothing was written. */
export class DuplicateRequestError extends Error {
  override readonly name = 'DuplicateRequestError';
  constructor() { super('this request was already received (replay)'); }
}

/** A cloud error or a step failure, as the audit trail records it. */
export function toStepError(e: unknown): StepError {
  if (isCloudError(e)) return { code: e.code, message: e.message, action: e.action, ...(e.requestId ? { requestId: e.requestId } : {}) };
  if (e instanceof StepFailure) return { code: e.code, message: e.message, ...(e.text ? { text: e.text } : {}) };
  return { code: 'InternalError', message: e instanceof Error ? e.message : String(e) };
}

/** Errors a step may end with and the job survive (routed to an undo path); anything else is a bug or Redis. */
export function isStepError(e: unknown): boolean {
  return isCloudError(e) || e instanceof StepFailure;
}
