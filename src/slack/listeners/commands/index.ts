import type { App } from '@slack/bolt';
import { msg } from '../../../i18n/catalog.ts';
import { parseCommand, type Command } from '../../../domain/command.ts';
import { errorRef, errText } from '../../error-text.ts';
import { esc } from '../../mrkdwn.ts';
import { DROPPED, ephemeral, type CommandReply, type DeferredReplay, type Invocation, type SlackDeps } from '../deps.ts';
import { REPLAY_DEFERRED_PROP } from '../../replay.ts';
import { ackBudget, RECEIVED_AT_PROP } from '../../ack-budget.ts';
import { handleHelp } from './help-command.ts';
import { handlePlan } from './plan-command.ts';
import { handleBatch, handleRun } from './run-command.ts';
import { handleStatus } from './status-command.ts';
import { handleCancel } from './cancel-command.ts';
import { handleRollback } from './rollback-command.ts';
import { handleScan } from './scan-command.ts';
import { handleConfig } from './config-command.ts';
import { handleReport } from './report-command.ts';
import { openStartModal } from '../../modal/open-start-modal.ts';

export const SLASH_COMMAND = '/natmigrate';

type Handler<K extends Command['kind']> = (cmd: Extract<Command, { kind: K }>, inv: Invocation, deps: SlackDeps) => Promise<CommandReply>;

/** One handler per subcommand (a new kind of command does not compile until it has one). */
const HANDLERS: { [K in Command['kind']]: Handler<K> } = {
  help: (cmd, inv, deps) => handleHelp(cmd, inv, deps),
  plan: handlePlan,
  run: handleRun,
  batch: handleBatch,
  status: (cmd, inv, deps) => handleStatus(cmd, inv, deps),
  cancel: handleCancel,
  rollback: handleRollback,
  scan: handleScan,
  config: handleConfig,
  report: handleReport,
};

/**
 * Parse, check, claim, answer. Checks that ask Slack share one budget from the request's arrival (ack-budget.ts),
 * the rest is Redis only, so the ack leaves inside Slack's 3 seconds.
 * Any failure becomes a short ephemeral message with a reference the logs carry; never a stack trace.
 */
export async function routeCommand(inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const parsed = parseCommand(inv.text);
  if (!parsed.ok) return ephemeral(msg(inv.lang).parseError({ error: esc(msg(inv.lang).commandRefusal({ refusal: parsed.refusal })) }));
  const cmd = parsed.command;
  // The replay check the guard left to us: `run` does it inside its job claim, everything else here, first.
  if (inv.replay && cmd.kind !== 'run' && !(await inv.replay.check())) return DROPPED;
  try {
    // The table pairs each kind with its handler; TypeScript cannot follow that through the union.
    return await (HANDLERS[cmd.kind] as Handler<Command['kind']>)(cmd, inv, deps);
  } catch (err) {
    const ref = errorRef();
    deps.log.error({ ref, userId: inv.userId, command: cmd.kind, err: errText(err) }, 'slash command failed');
    return ephemeral(msg(inv.lang).commandFailed({ command: cmd.kind, ref }));
  }
}

export function registerCommands(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, context }) => {
    const later: (() => Promise<unknown>)[] = [];
    // Socket Mode has no receipt time from the receiver: the listener's start is the nearest we know.
    const received = context[RECEIVED_AT_PROP];
    const budget = ackBudget(typeof received === 'number' ? received : Date.now());
    const replay = context[REPLAY_DEFERRED_PROP] as DeferredReplay | undefined;
    // The ack never waits on Slack for a locale: a person the cache does not know yet is answered in the channel's
    // language this once, and their locale is read after the ack.
    // The three reads go out together: one Redis round trip before the ack instead of three.
    const [known, channelLang, tz] = await Promise.all([
      deps.languages.cachedUserLanguage(command.user_id), deps.languages.channelLanguage(command.channel_id), deps.languages.cachedUserTimeZone(command.user_id),
    ]);
    const lang = known ?? channelLang;
    if (!known) later.push(() => deps.languages.learnUser(command.user_id));
    // What the answer did not need to wait for (queueing, thread binding, a locale); a lost queueing is healed by reconcile.
    const runLater = async () => {
      for (const r of await Promise.allSettled(later.map((w) => w()))) {
        if (r.status === 'rejected') deps.log.error({ userId: command.user_id, err: errText(r.reason) }, 'work after the ack failed');
      }
    };
    // `/natmigrate` alone opens the start form: ack first, then views.open while the trigger_id is fresh (3 s).
    if (!(command.text ?? '').trim() && command.trigger_id) {
      await ack();
      await openStartModal(deps, { triggerId: command.trigger_id, userId: command.user_id, channelId: command.channel_id, lang });
      await runLater();
      return;
    }
    const reply = await routeCommand({
      lang, ...(tz ? { tz } : {}), userId: command.user_id, channelId: command.channel_id, ...(command.channel_name ? { channelName: command.channel_name } : {}), text: command.text ?? '', defer: (w) => { later.push(w); }, budget, ...(replay ? { replay } : {}),
    }, deps);
    if (reply === DROPPED) {
      deps.log.warn({ userId: command.user_id }, 'slack request dropped: replayed request');
      await ack();
      await runLater();
      return;
    }
    await ack(reply as Parameters<typeof ack>[0]);
    await runLater();
  });
}
