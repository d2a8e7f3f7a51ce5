// The worker thread that `natmigrate worker` and `natmigrate all` run their role in, so its heap gets the sizes a
// long-running worker needs without flags on the command line (util/heap-tuned-thread.ts says why).
import { workerData } from 'node:worker_threads';
import { relaySignalsFromParent } from '../util/heap-tuned-thread.ts';
import { runRole } from './run-role.ts';
import type { RuntimeRole } from './start.ts';

relaySignalsFromParent();
const { role, argv } = workerData as { role: RuntimeRole; argv: string[] };
await runRole(role, argv);
