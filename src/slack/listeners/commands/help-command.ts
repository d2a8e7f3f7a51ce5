import { helpText, type Command } from '../../../domain/command.ts';
import { ephemeral, type CommandReply, type SlackDeps } from '../deps.ts';

/** `/natmigrate help [topic]`: usage, only to the person who asked. */
export async function handleHelp(cmd: Extract<Command, { kind: 'help' }>, deps: SlackDeps): Promise<CommandReply> {
  const lines = helpText.split('\n');
  const body = cmd.topic ? lines.filter((l) => l.includes(`/natmigrate ${cmd.topic}`) || l.startsWith('Options') || l.startsWith('Job ids')).join('\n') : helpText;
  return ephemeral(`${body}\n\nDefault region: \`${deps.defaultRegion}\`. Approvers: ${deps.authz.describeApprovers()}.`);
}
