import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudCall } from './cloud-port.ts';

/**
 * Collects the API calls made inside one piece of work (an engine step) without threading anything through
 * the port: an adapter reports each HTTP attempt (reportToRecorders) to every recorder active in the current
 * async context, and the engine reads them back for the audit trail.
 */

type Sink = (call: CloudCall) => void;
const als = new AsyncLocalStorage<readonly Sink[]>();

/**
 * Runs `fn`; every call made inside it (at any depth, across awaits) is pushed to `sink`. Nested recorders all
 * receive the calls. Pass an array to keep the calls even when `fn` throws.
 */
export function withCallRecorder<T>(fn: () => Promise<T>, sink: CloudCall[] | Sink): Promise<T> {
  const push: Sink = Array.isArray(sink) ? (c) => { sink.push(c); } : sink;
  const outer = als.getStore() ?? [];
  return als.run([...outer, push], fn);
}

const callsOfError = new WeakMap<object, CloudCall[]>();

/**
 * `const { result, calls } = await recordCalls(() => cloud.createNetworkInterface(...))`.
 * If `fn` throws, the error is rethrown unchanged; `callsOf(error)` then gives the calls made before it failed.
 */
export async function recordCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CloudCall[] }> {
  const calls: CloudCall[] = [];
  try {
    const result = await withCallRecorder(fn, calls);
    return { result, calls };
  } catch (e) {
    if (typeof e === 'object' && e !== null) callsOfError.set(e, calls);
    throw e;
  }
}

/** The calls recorded by the (outermost) `recordCalls` that `error` escaped from ([] if none). */
export function callsOf(error: unknown): CloudCall[] {
  return (typeof error === 'object' && error !== null ? callsOfError.get(error) : undefined) ?? [];
}

/** Called by adapters for every attempt. A failing sink never breaks a cloud call. */
export function reportToRecorders(call: CloudCall): void {
  for (const sink of als.getStore() ?? []) {
    try { sink(call); } catch { /* a broken sink must not fail the call */ }
  }
}
