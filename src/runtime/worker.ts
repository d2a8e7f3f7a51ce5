// `natmigrate worker`: see command.ts and start.ts.
import { runRoleHeapTuned } from './run-role.ts';

export const workerCommand = (argv: string[]): Promise<void> => runRoleHeapTuned('worker', argv);
