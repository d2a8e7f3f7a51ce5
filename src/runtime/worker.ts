// `natmigrate worker`: see command.ts and start.ts.
import { runRole } from './run-role.ts';

export const workerCommand = (argv: string[]): Promise<void> => runRole('worker', argv);
