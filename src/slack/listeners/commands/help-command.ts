import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { code, esc } from '../../mrkdwn.ts';

/** `/natmigrate help [topic]`: usage, only to the person who asked. */
export async function handleHelp(cmd: Extract<Command, { kind: 'help' }>, inv: Pick<Invocation, 'lang'>, deps: SlackDeps): Promise<CommandReply> {
  const m = msg(inv.lang);
  const all = m.helpLines();
  const lines = all.split('\n');
  // A topic keeps its own lines and the last two (the options and the job-id shape), in every language.
  const body = cmd.topic ? [...lines.filter((l) => l.includes(`/natmigrate ${cmd.topic}`)), ...lines.slice(-2)].join('\n') : all;
  // The usage shows placeholders such as <instance-id>: escaped, or Slack would read them as links.
  return ephemeral(`${esc(body)}\n\n${m.helpFooter({ region: code(deps.defaultRegion), approvers: deps.authz.describeApprovers(inv.lang) })}`);
}
