import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import type { Audience } from '../../../engine/ports.ts';
import { DROPPED, ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import type { SubmitResult } from '../../../engine/ports.ts';
import { bindAfterAck, requestChecks, requesterRefusal } from './command-replies.ts';
import { code, escCut } from '../../mrkdwn.ts';
import { refusalText } from '../../refused-because.ts';

/**
 * `/natmigrate run <ids…>`: one id is one job with its own thread in this channel. Several ids are one batch over
 * those instances, with one thread, one plan and one approval: Slack posts about one message a second per channel,
 * so one thread per instance would hold the last approval card back by minutes (measured: 141 s for 50 ids).
 */
export async function handleRun(cmd: Extract<Command, { kind: 'run' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const refusal = await requestChecks(deps, inv, 'run');
  if (refusal) return refusal;
  const regionId = cmd.region ?? deps.defaultRegion;
  if (cmd.instanceIds.length > 1 && deps.service.submitBatch) return runAsBatch(cmd, inv, deps, regionId);
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId };
  // Ack first: the reply needs only the claims; queueing and the thread binding follow right after it. The replay
  // check rides on the first claim when the service can do that, else it goes first, on its own.
  const inClaim = inv.replay !== undefined && deps.service.dedupesSubmissions === true;
  if (inv.replay && !inClaim && !(await inv.replay.check())) return DROPPED;
  let results: SubmitResult[];
  try {
    results = await deps.service.submit({ regionId, instanceIds: cmd.instanceIds, options: cmd.options, requestedBy: inv.userId, audience }, {
      ...(inv.defer ? { defer: inv.defer } : {}),
      ...(inClaim ? { requestKey: { key: inv.replay!.key, ttlMs: inv.replay!.ttlMs } } : {}),
    });
  } catch (e) {
    if (e instanceof Error && e.name === 'DuplicateRequestError') return DROPPED;
    throw e;
  }
  const m = msg(inv.lang);
  const lines: string[] = [];
  for (const r of results) {
    if (r.status === 'queued') {
      await bindAfterAck(deps, inv, r.jobId, audience);
      lines.push(m.runQueuedLine({ instance: code(r.instanceId), job: code(r.jobId) }));
    } else if (r.status === 'already_active') {
      lines.push(m.runActiveLine({ instance: code(r.instanceId), job: code(r.jobId) }));
    } else {
      lines.push(m.runRefusedLine({ instance: code(r.instanceId), reason: r.problem ? refusalText(r, inv.lang) : escCut(r.message, 300) }));
    }
  }
  const queued = results.filter((r) => r.status === 'queued').length;
  return ephemeral(m.runSummary({ queued, total: results.length, region: code(regionId), lines: lines.join('\n') }));
}

/** Several instance ids: one batch over exactly those instances. */
async function runAsBatch(cmd: Extract<Command, { kind: 'run' }>, inv: Invocation, deps: SlackDeps, regionId: string): Promise<CommandReply> {
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId };
  if (inv.replay && !(await inv.replay.check())) return DROPPED;
  const res = await deps.service.submitBatch!({ regionId, targets: cmd.instanceIds, options: cmd.options, requestedBy: inv.userId, audience }, afterAck(inv));
  if (!res.ok) return ephemeral(msg(inv.lang).notQueued({ what: 'run', reason: refusalText(res, inv.lang) }));
  await bindAfterAck(deps, inv, res.batchId, audience);
  return ephemeral(msg(inv.lang).runAsBatchQueued({ count: cmd.instanceIds.length, region: code(regionId), batch: code(res.batchId) }));
}

/**
 * `/natmigrate run --all <ngw|vpc> [more] [--canary N] [--concurrency N]`: one batch, with one thread in this
 * channel: its plan, one approval card, one live progress message.
 */
export async function handleBatch(cmd: Extract<Command, { kind: 'batch' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  if (!deps.service.submitBatch) {
    return (await requesterRefusal(deps, inv, 'run')) ?? ephemeral(msg(inv.lang).batchUnavailable({ command: code(`run --all ${cmd.targets.join(' ')}`) }));
  }
  const refusal = await requestChecks(deps, inv, 'run');
  if (refusal) return refusal;
  const regionId = cmd.region ?? deps.defaultRegion;
  const audience: Audience = { channelId: inv.channelId, userId: inv.userId };
  const res = await deps.service.submitBatch({
    regionId, targets: cmd.targets, options: cmd.options, requestedBy: inv.userId, audience,
    ...(cmd.concurrency !== undefined ? { concurrency: cmd.concurrency } : {}), ...(cmd.canary !== undefined ? { canary: cmd.canary } : {}),
  }, afterAck(inv));
  if (!res.ok) return ephemeral(msg(inv.lang).notQueued({ what: 'batch', reason: refusalText(res, inv.lang) }));
  await bindAfterAck(deps, inv, res.batchId, audience);
  return ephemeral(msg(inv.lang).batchQueued({ targets: code(cmd.targets.join(' ')), region: code(regionId), batch: code(res.batchId) }));
}

/** The batch's record is written before the answer; queueing it and its first event follow the ack. */
const afterAck = (inv: Invocation) => (inv.defer ? { defer: inv.defer } : {});
