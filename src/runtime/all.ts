// `natmigrate all`: see command.ts and start.ts.
import { runRoleHeapTuned } from './run-role.ts';

export const allCommand = (argv: string[]): Promise<void> => runRoleHeapTuned('all', argv);
