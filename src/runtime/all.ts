// `natmigrate all`: see command.ts and start.ts.
import { runRole } from './run-role.ts';

export const allCommand = (argv: string[]): Promise<void> => runRole('all', argv);
