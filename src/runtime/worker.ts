// `natmigrate worker`: see command.ts and start.ts.
import { runRole } from './command.ts';

export const workerCommand = (argv: string[]): Promise<void> => runRole('worker', argv);
