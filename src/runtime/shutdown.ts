// Graceful shutdown on SIGTERM / SIGINT: run the process's ordered stop sequence once, then exit 0. A hard
// deadline (and a second signal) exits 1 instead of hanging: jobs never depend on a clean exit, since a killed
// worker's job is taken over from its journal once its lock lapses.
import type { Logger } from 'pino';

export interface ShutdownOptions {
  log: Logger;
  /** Exit with 1 if the stop sequence has not finished by then. */
  deadlineMs: number;
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function onShutdown(stop: (signal: NodeJS.Signals) => Promise<void>, o: ShutdownOptions): () => void {
  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      o.log.warn({ signal }, 'second signal: exiting now; running jobs are recovered by other workers when their lock lapses');
      exit(1);
      return;
    }
    stopping = true;
    o.log.info({ signal, deadlineMs: o.deadlineMs }, 'shutting down: no new requests or jobs; running steps finish or park');
    const started = Date.now();
    const deadline = setTimeout(() => {
      o.log.error({ signal, deadlineMs: o.deadlineMs }, 'shutdown did not finish in time; exiting');
      exit(1);
    }, o.deadlineMs);
    stop(signal).then(
      () => {
        clearTimeout(deadline);
        o.log.info({ signal, tookMs: Date.now() - started }, 'shut down cleanly');
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(deadline);
        o.log.error({ signal, err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
