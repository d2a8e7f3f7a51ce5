// The entry of the harnesses' worker process (its behaviour: harness-worker-main.ts). Like `natmigrate worker`, it
// runs in a heap-tuned worker thread unless node flags were given (util/heap-tuned-thread.ts); this thread loads
// nothing else, so the engine's modules are loaded once, in the thread.
// Compiled, the thread loads them as one file when `npm run build` wrote it (harness-worker-main.bundle.js, the same
// modules bundled by esbuild, scripts/bundle.mjs): the harnesses start dozens of these processes, and the bundle
// starts on ~0.45 s less CPU than the ~470 files it replaces. Without it (from source, or a tree built without it)
// the thread imports harness-worker-main as usual.
import { importBundled } from '../util/bundled-import.ts';
import { heapTuningApplies, relaySignalsFromParent, runInHeapTunedThread } from '../util/heap-tuned-thread.ts';

export type { BenchWorkerConfig } from './harness-worker-main.ts';

if (heapTuningApplies()) {
  await runInHeapTunedThread(new URL(import.meta.url), { argv: [], signals: ['SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGUSR2'] });
} else {
  relaySignalsFromParent();
  const main = await importBundled(import.meta.url, 'harness-worker-main.bundle.js', () => import('./harness-worker-main.ts'));
  await main.runHarnessWorker();
}
