import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import type { Audience } from '../../../engine/ports.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { channelLink, requesterRefusal } from './command-replies.ts';
import { code, esc } from '../../mrkdwn.ts';

/**
 * `/natmigrate rollback <job-id>`: queues a rollback job whose messages (and approval request) go into the
 * migration's own thread, so one thread tells the whole story of that instance's change.
 */
export async function handleRollback(cmd: Extract<Command, { kind: 'rollback' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const refusal = await requesterRefusal(deps, inv, 'rollback');
  if (refusal) return refusal;
  const parent = await deps.outbox.thread(cmd.jobId);
  const audience: Audience = parent
    ? { channelId: parent.channel, threadTs: parent.threadTs, userId: inv.userId, parentJobId: cmd.jobId }
    : { channelId: inv.channelId, userId: inv.userId, parentJobId: cmd.jobId };
  const res = await deps.service.rollback(cmd.jobId, inv.userId, audience);
  if (!res.ok || !res.jobId) return ephemeral(esc(msg(inv.lang).serviceAnswerText({ answer: res.answer })));
  await deps.outbox.bind(res.jobId, audience);
  const m = msg(inv.lang);
  const where = parent ? m.rollbackWhereParent({ job: code(cmd.jobId), channel: channelLink(parent.channel) }) : m.rollbackWhereNew();
  return ephemeral(m.rollbackQueued({ job: code(cmd.jobId), rollback: code(res.jobId), where, message: esc(m.serviceAnswerText({ answer: res.answer })) }));
}
