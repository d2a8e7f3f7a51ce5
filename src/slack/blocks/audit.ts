import type { MigrationEvent } from '../../domain/events.ts';
import type { ThreadEvent } from '../thread-events.ts';
import {
  actor, actors, callsText, code, codeBlock, context, detailText, dnatEntryText, esc, escCut, line, mention, restoreRecipeText,
  section, when, type SlackMessage,
} from './format.ts';
import { fitMessage } from './fit.ts';
import { planCard, refusalCard } from './plan-card.ts';
import { resultCard, verifiedCard } from './result-card.ts';
import { batchInstanceReply, batchPlanReply } from './batch-card.ts';
import { scanMessage } from './scan-card.ts';
import { driftAlertMessage } from './drift-card.ts';
import { reconcileAskMessage } from './reconcile-card.ts';

/**
 * One audit reply per event (or none): time, actor, what happened, and the cloud RequestIds behind it.
 * The approval request itself is built by the outbox (it needs the button value), not here.
 */

export function auditReply(ev: ThreadEvent): SlackMessage | undefined {
  const t = when(ev.at);
  switch (ev.type) {
    case 'job.queued':
      if (ev.kind === 'batch') return line(`:inbox_tray: ${t} *Batch queued* by ${actor(ev.requestedBy)}: every IP-mapped instance of ${code(ev.instanceId)} in ${code(ev.regionId)} (batch ${code(ev.jobId)})`);
      return line(`:inbox_tray: ${t} *${ev.kind === 'rollback' ? 'Rollback' : ev.kind === 'preview' ? 'Dry run' : 'Migration'} queued* by ${actor(ev.requestedBy)}: ${code(ev.instanceId)} in ${code(ev.regionId)} (job ${code(ev.jobId)})`);
    case 'planned':
      return planCard(ev.plan, { jobId: ev.jobId, at: ev.at });
    case 'refused':
      return refusalCard(ev.refusal, { jobId: ev.jobId, at: ev.at });
    case 'step.started':
      return undefined; // the status card shows running steps; the reply comes when the step finishes
    case 'step.finished': {
      const calls = callsText(ev.calls);
      const detail = detailText(ev.detail);
      const text = `:white_check_mark: ${t} *${escCut(ev.title, 200)}* — by natmigrate (bot)`;
      const blocks = [section(text)];
      const ctx = [calls, detail].filter(Boolean).join('\n');
      if (ctx) blocks.push(section(ctx));
      return fitMessage({ text: esc(`${ev.title} done${ev.calls.length ? `: ${ev.calls.map((c) => `${c.action} ${c.requestId ?? ''}`).join(', ')}` : ''}`), blocks });
    }
    case 'approval.requested':
      return undefined;
    case 'approval.recorded':
      // The last approval is told by approval.decided right after.
      if (ev.approvals >= ev.requiredApprovals) return undefined;
      return line(`:+1: ${t} ${actor(ev.by)} *approved* (${ev.approvals} of ${ev.requiredApprovals})`);
    case 'approval.decided': {
      if (ev.decision === 'approved') return line(`:white_check_mark: ${t} *Approved* by ${actors(ev.by)}`);
      if (ev.decision === 'rejected') return line(`:x: ${t} *Rejected* by ${actors(ev.by)}`);
      return line(`:hourglass: ${t} *Approval expired*: nobody decided in time`);
    }
    case 'plan.changed':
      return fitMessage({
        text: esc(`The live state changed since the plan was approved: ${ev.differences.join('; ')}`),
        blocks: [
          section(`:arrows_counterclockwise: ${t} *The live state drifted from the plan* (hash ${code(ev.previousHash.slice(0, 12))} → ${code(ev.plan.hash.slice(0, 12))}); approval is asked again:\n${ev.differences.slice(0, 20).map((d) => `• ${escCut(d, 300)}`).join('\n')}${ev.differences.length > 20 ? `\n…and ${ev.differences.length - 20} more differences` : ''}`),
        ],
      });
    case 'original.saved':
      return fitMessage({
        text: esc(`Original DNAT entry saved before delete: ${ev.entry.forwardEntryId} ${ev.entry.externalIp}:${ev.entry.externalPort} -> ${ev.entry.internalIp}:${ev.entry.internalPort} ${ev.entry.ipProtocol}`),
        blocks: [
          section(`:floppy_disk: ${t} *Original DNAT entry saved* (it is deleted next):\n${dnatEntryText(ev.entry)}`),
          section(`*Restore recipe*\n${codeBlock(restoreRecipeText(ev.restoreRecipe))}`),
          section(`Full entry as read:\n${codeBlock(JSON.stringify(ev.entry, null, 1), 1500)}`),
        ],
      });
    case 'restored':
      return line(`:leftwards_arrow_with_hook: ${t} *Original mapping restored*: ${dnatEntryText(ev.entry)}\nReason: ${escCut(ev.reason, 1000)}`);
    case 'verified':
      return verifiedCard(ev);
    case 'failed': {
      const e = ev.error;
      const where = [e.action ? `action ${code(e.action)}` : '', e.requestId ? `RequestId ${code(e.requestId)}` : ''].filter(Boolean).join(' · ');
      return line(`:rotating_light: ${t} *Step ${code(ev.step)} failed*: ${code(e.code)} ${escCut(e.message, 1500)}${where ? `\n${where}` : ''}`);
    }
    case 'cancel.requested':
      return line(`:octagonal_sign: ${t} *Cancel requested* by ${actor(ev.by)}`);
    case 'finished':
      return resultCard(ev);
    case 'slack.refused_click':
      return fitMessage({
        text: esc(`Refused ${ev.action} click by ${ev.userId}: ${ev.reason}`),
        blocks: [
          section(`:no_entry_sign: ${t} ${mention(ev.userId)} clicked *${ev.action === 'approve' ? 'Approve' : 'Reject'}* — refused (${code(ev.code)}): ${escCut(ev.reason, 1000)}`),
          context(['No change was made.']),
        ],
      });
    case 'batch.planned':
      return batchPlanReply(ev.batch, ev.at);
    case 'batch.instance':
      return batchInstanceReply(ev);
    case 'window.waiting':
      return line(`:hourglass_flowing_sand: ${t} *Waiting for the change window* until ${when(ev.until)} (${esc(ev.timeZone)}): a change freeze is on, so the cutover starts when it ends.`);
    case 'reconcile.ask':
      return reconcileAskMessage(ev);
    case 'slack.restore_asked':
      return line(`:leftwards_arrow_with_hook: ${t} ${mention(ev.userId)} clicked *Restore* for ENI ${code(ev.eniId)}: the original mapping is put back from the ENI's tags.`);
    case 'slack.notice':
      return line(ev.text);
    case 'slack.replay_ignored':
      return line(`:no_entry_sign: ${t} Ignored a replayed request${ev.userId ? ` signed for ${mention(ev.userId)}` : ''}: ${escCut(ev.what, 500)}. No change was made.`);
    default:
      return undefined;
  }
}

/** Preview (`/natmigrate plan`) results go to the channel, not a thread. */
export function previewReply(ev: MigrationEvent, requestedBy: string | undefined): SlackMessage | undefined {
  const by = requestedBy ? { requestedBy } : {};
  switch (ev.type) {
    case 'planned':
      return planCard(ev.plan, { jobId: ev.jobId, at: ev.at, dryRun: true, ...by });
    case 'refused':
      return refusalCard(ev.refusal, { jobId: ev.jobId, at: ev.at, dryRun: true, ...by });
    case 'failed':
      return line(`:rotating_light: ${when(ev.at)} ${ev.jobId.startsWith('scan-') ? 'Scan' : 'Dry run'} ${code(ev.jobId)} could not finish: ${code(ev.error.code)} ${escCut(ev.error.message, 1500)}`);
    case 'scan.finished':
      return scanMessage(ev.jobId, ev.scan, ev.at, requestedBy);
    case 'drift.detected':
      return driftAlertMessage(ev.drift, ev.at, ev.jobId);
    default:
      return undefined;
  }
}
