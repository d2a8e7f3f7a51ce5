import { sleep } from './sleep.ts';

export interface UntilOptions {
  /** What is awaited, for the timeout message ("the job to finish"). */
  what: string;
  timeoutMs?: number;
  /** Gap between probes. */
  everyMs?: number;
  signal?: AbortSignal;
}

/** The condition did not hold in time. */
export class UntilTimeoutError extends Error {
  override readonly name = 'UntilTimeoutError';
}

/**
 * Probes until `probe` returns something other than undefined or false, and returns that. The one poll helper of
 * the code base (tests, the demo, benchmarks): a test waits for a state, never for a guessed amount of time.
 */
export async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, o: UntilOptions): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new UntilTimeoutError(`timed out after ${timeoutMs} ms waiting for ${o.what}`);
    await sleep(o.everyMs ?? 20, o.signal);
  }
}
