// The entry of the harnesses' worker process (its behaviour: harness-worker-main.ts). Like `natmigrate worker`, it
// runs in a heap-tuned worker thread unless node flags were given (util/heap-tuned-thread.ts); this thread loads
// nothing else, so the engine's modules are loaded once, in the thread.
import { heapTuningApplies, relaySignalsFromParent, runInHeapTunedThread } from '../util/heap-tuned-thread.ts';

export type { BenchWorkerConfig } from './harness-worker-main.ts';

if (heapTuningApplies()) {
  await runInHeapTunedThread(new URL(import.meta.url), { argv: [], signals: ['SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGUSR2'] });
} else {
  relaySignalsFromParent();
  await (await import('./harness-worker-main.ts')).runHarnessWorker();
}
