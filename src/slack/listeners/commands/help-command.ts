import { helpText, type Command } from '../../../domain/command.ts';
import { ephemeral, type CommandReply, type SlackDeps } from '../deps.ts';
import { code, esc } from '../../mrkdwn.ts';

/** `/natmigrate help [topic]`: usage, only to the person who asked. */
export async function handleHelp(cmd: Extract<Command, { kind: 'help' }>, deps: SlackDeps): Promise<CommandReply> {
  const lines = helpText.split('\n');
  const body = cmd.topic ? lines.filter((l) => l.includes(`/natmigrate ${cmd.topic}`) || l.startsWith('Options') || l.startsWith('Job ids')).join('\n') : helpText;
  // The usage shows placeholders such as <instance-id>: escaped, or Slack would read them as links.
  return ephemeral(`${esc(body)}\n\nDefault region: ${code(deps.defaultRegion)}. Approvers: ${deps.authz.describeApprovers()}.`);
}
