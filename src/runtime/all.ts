// `natmigrate all`: see command.ts and start.ts.
import { runRole } from './command.ts';

export const allCommand = (argv: string[]): Promise<void> => runRole('all', argv);
