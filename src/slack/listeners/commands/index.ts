import type { App } from '@slack/bolt';
import { parseCommand } from '../../../domain/command.ts';
import { DROPPED, ephemeral, type CommandReply, type DeferredReplay, type Invocation, type SlackDeps } from '../deps.ts';
import { REPLAY_DEFERRED_PROP } from '../../replay.ts';
import { handleHelp } from './help.ts';
import { handlePlan } from './plan.ts';
import { handleBatch, handleRun } from './run.ts';
import { handleStatus } from './status.ts';
import { handleCancel } from './cancel.ts';
import { handleRollback } from './rollback.ts';
import { handleScan } from './scan.ts';

export const SLASH_COMMAND = '/natmigrate';

/**
 * Parse, authorize, enqueue, answer: all of it Redis-only, so the ack leaves well inside Slack's 3 seconds.
 * Any failure becomes a short ephemeral message with a reference the logs carry; never a stack trace.
 */
export async function routeCommand(inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const parsed = parseCommand(inv.text);
  if (!parsed.ok) return ephemeral(`:warning: ${parsed.error}`);
  const cmd = parsed.command;
  // The replay check the guard left to us: `run` does it inside its job claim, everything else here, first.
  if (inv.replay && cmd.kind !== 'run' && !(await inv.replay.check())) return DROPPED;
  try {
    switch (cmd.kind) {
      case 'help':
        return await handleHelp(cmd, deps);
      case 'plan':
        return await handlePlan(cmd, inv, deps);
      case 'run':
        return await handleRun(cmd, inv, deps);
      case 'batch':
        return await handleBatch(cmd, inv, deps);
      case 'status':
        return await handleStatus(cmd, deps);
      case 'cancel':
        return await handleCancel(cmd, inv, deps);
      case 'rollback':
        return await handleRollback(cmd, inv, deps);
      case 'scan':
        return await handleScan(cmd, inv, deps);
    }
  } catch (err) {
    const ref = Math.random().toString(36).slice(2, 10);
    deps.log.error({ ref, userId: inv.userId, command: cmd.kind, err: err instanceof Error ? err.message : String(err) }, 'slash command failed');
    return ephemeral(`:rotating_light: natmigrate could not process \`${cmd.kind}\` right now (reference \`${ref}\`); it may not have completed, so check with \`/natmigrate status\` before trying again.`);
  }
}

export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, context }) => {
    const later: (() => Promise<unknown>)[] = [];
    const replay = context[REPLAY_DEFERRED_PROP] as DeferredReplay | undefined;
    const reply = await routeCommand({
      userId: command.user_id, channelId: command.channel_id, text: command.text ?? '', defer: (w) => { later.push(w); }, ...(replay ? { replay } : {}),
    }, deps);
    if (reply === DROPPED) {
      deps.log.warn({ userId: command.user_id }, 'slack request dropped: replayed request');
      await ack();
      return;
    }
    await ack(reply as Parameters<typeof ack>[0]);
    // What the answer did not need to wait for (queueing, thread binding); a lost queueing is healed by reconcile.
    for (const r of await Promise.allSettled(later.map((w) => w()))) {
      if (r.status === 'rejected') deps.log.error({ userId: command.user_id, err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, 'work after the ack failed');
    }
  });
}
