// `natmigrate bot`: see command.ts and start.ts.
import { runRole } from './run-role.ts';

export const botCommand = (argv: string[]): Promise<void> => runRole('bot', argv);
