import { helpText } from '../../domain/command.ts';

// `/natmigrate help`: the usage, one line per command (the English text is the command parser's own).
export const en = {
  helpLines: () => helpText,
};
