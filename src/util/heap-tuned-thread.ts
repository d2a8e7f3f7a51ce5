// A long-running worker allocates fast and keeps little: at the fleet bench its live heap is about 30 MB, yet with V8's
// defaults (16 MB semi-spaces, an old generation allowed to grow several times over before a full GC) the process sat at
// 225-260 MB RSS. V8 reads its heap sizes when an isolate is created, and flags set with v8.setFlagsFromString apply to
// isolates created afterwards (measured on Node 20: new space 33.6 MB in place, 2.1 MB in a thread started after the
// flags were set). So the process sets them and runs its work in one worker thread: about 130 MB at the same bench,
// with nothing on the command line. Flags the operator passes (command line or NODE_OPTIONS) win: then nothing is set
// and the work runs in place.
import v8 from 'node:v8';
import { isMainThread, parentPort, SHARE_ENV, Worker } from 'node:worker_threads';

/** A small young generation (short scavenges, little floating garbage) and size-first growth of the old one. */
export const WORKER_HEAP_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'] as const;

const HEAP_FLAG_NAMES = ['--max-semi-space-size', '--optimize-for-size', '--max-new-space-size', '--min-semi-space-size'];

/** True unless the operator already chose heap flags for this process (or this is already the tuned thread). */
export function heapTuningApplies(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (!isMainThread) return false;
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return !given.some((a) => HEAP_FLAG_NAMES.some((f) => a === f || a.startsWith(`${f}=`) || a.replace(/_/g, '-').startsWith(f)));
}

export interface TunedThreadOptions {
  argv: string[];
  workerData?: unknown;
  /** Signals the process receives and the thread handles (threads get none of their own). */
  signals: readonly NodeJS.Signals[];
}

/**
 * Runs `entry` (a module URL, .js or .ts, that calls relaySignalsFromParent() first) in a worker thread created after the heap
 * flags are set; resolves when the thread ends, with the process's exit code set to the thread's.
 */
export function runInHeapTunedThread(entry: URL, o: TunedThreadOptions): Promise<void> {
  for (const f of WORKER_HEAP_FLAGS) v8.setFlagsFromString(f);
  const thread = entry.pathname.endsWith('.ts')
    // From source (tsx, a dev dependency): a thread does not inherit tsx's loader, so it registers it first.
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
      { eval: true, env: SHARE_ENV, argv: o.argv, workerData: o.workerData })
    : new Worker(entry, { env: SHARE_ENV, argv: o.argv, workerData: o.workerData });
  const relay = (signal: NodeJS.Signals) => thread.postMessage({ signal });
  for (const s of o.signals) process.on(s, relay);
  return new Promise((resolve) => {
    thread.on('error', (err) => {
      process.stderr.write(`natmigrate: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
    thread.on('exit', (code) => {
      for (const s of o.signals) process.off(s, relay);
      if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
      resolve();
    });
  });
}

/** In the tuned thread: a signal the process received is emitted here, so `process.on('SIGTERM', …)` works as usual. */
export function relaySignalsFromParent(): void {
  if (!parentPort) return;
  parentPort.on('message', (m: unknown) => {
    const signal = (m as { signal?: unknown } | null)?.signal;
    if (typeof signal === 'string' && /^SIG[A-Z0-9]+$/.test(signal)) process.emit(signal as NodeJS.Signals, signal as NodeJS.Signals);
  });
  // The relay alone must not keep the thread alive once its work is done.
  parentPort.unref();
}
