import type { MigrationEvent } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import type { ThreadEvent } from '../thread-events.ts';
import {
  actor, actors, callsText, code, codeBlock, context, detailText, dnatEntryText, esc, escCut, line, mention, reasonText, restoreRecipeText, stepErrorText,
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

export function auditReply(ev: ThreadEvent, lang: Lang = 'en'): SlackMessage | undefined {
  const m = msg(lang);
  const t = when(ev.at, lang);
  const by = (a: Parameters<typeof actor>[0]) => actor(a, lang);
  switch (ev.type) {
    case 'job.queued':
      return line(m.auditQueued({ at: t, kind: ev.kind === 'batch' ? 'batch' : ev.kind, by: by(ev.requestedBy), instance: code(ev.instanceId), region: code(ev.regionId), job: code(ev.jobId) }));
    case 'planned':
      return planCard(ev.plan, { jobId: ev.jobId, at: ev.at }, lang);
    case 'refused':
      return refusalCard(ev.refusal, { jobId: ev.jobId, at: ev.at }, lang);
    case 'step.started':
      return undefined; // the status card shows running steps; the reply comes when the step finishes
    case 'step.finished': {
      const calls = callsText(ev.calls);
      const detail = detailText(ev.detail);
      const title = m.stepTitle({ step: ev.step, title: ev.title });
      const text = m.auditStepDone({ at: t, title: escCut(title, 200), by: m.botActor() });
      const blocks = [section(text)];
      const ctx = [calls, detail].filter(Boolean).join('\n');
      if (ctx) blocks.push(section(ctx));
      return fitMessage({ text: esc(m.auditStepDoneText({ title, calls: ev.calls.map((c) => `${c.action} ${c.requestId ?? ''}`).join(', ') })), blocks });
    }
    case 'approval.requested':
      return undefined;
    case 'approval.recorded':
      // The last approval is told by approval.decided right after.
      if (ev.approvals >= ev.requiredApprovals) return undefined;
      return line(m.auditApprovedOne({ at: t, by: by(ev.by), n: ev.approvals, of: ev.requiredApprovals }));
    case 'approval.decided': {
      if (ev.decision === 'approved') return line(m.auditApproved({ at: t, by: actors(ev.by, lang) }));
      if (ev.decision === 'rejected') return line(m.auditRejected({ at: t, by: actors(ev.by, lang) }));
      return line(m.auditExpired({ at: t }));
    }
    case 'plan.changed':
      return fitMessage({
        text: esc(m.auditDriftedText({ differences: ev.differences.join('; ') })),
        blocks: [
          section(m.auditDrifted({
            at: t, from: code(ev.previousHash.slice(0, 12)), to: code(ev.plan.hash.slice(0, 12)),
            list: ev.differences.slice(0, 20).map((d) => `• ${escCut(d, 300)}`).join('\n'), more: Math.max(0, ev.differences.length - 20),
          })),
        ],
      });
    case 'original.saved':
      return fitMessage({
        text: esc(m.auditOriginalSavedText({ entry: `${ev.entry.forwardEntryId} ${ev.entry.externalIp}:${ev.entry.externalPort} -> ${ev.entry.internalIp}:${ev.entry.internalPort} ${ev.entry.ipProtocol}` })),
        blocks: [
          section(m.auditOriginalSaved({ at: t, entry: dnatEntryText(ev.entry, lang) })),
          section(`${m.restoreRecipeTitle()}\n${codeBlock(restoreRecipeText(ev.restoreRecipe))}`),
          section(`${m.fullEntryAsRead()}\n${codeBlock(JSON.stringify(ev.entry, null, 1), 1500)}`),
        ],
      });
    case 'restored':
      return line(m.auditRestored({ at: t, entry: dnatEntryText(ev.entry, lang), reason: escCut(reasonText(ev, lang), 1000) }));
    case 'verified':
      return verifiedCard(ev, lang);
    case 'failed': {
      const e = ev.error;
      return line(m.auditFailed({
        at: t, step: code(ev.step), code: code(e.code), message: escCut(stepErrorText(e, lang), 1500),
        ...(e.action ? { action: code(e.action) } : {}), ...(e.requestId ? { requestId: code(e.requestId) } : {}),
      }));
    }
    case 'cancel.requested':
      return line(m.auditCancelRequested({ at: t, by: by(ev.by) }));
    case 'finished':
      return resultCard(ev, lang);
    case 'slack.refused_click': {
      const reason = m.clickRefusalReason({ code: ev.code, job: code(ev.jobId), reason: escCut(ev.reason, 1000) });
      return fitMessage({
        text: esc(m.auditRefusedClickText({ action: ev.action, user: ev.userId, reason: ev.reason })),
        blocks: [
          section(m.auditRefusedClick({ at: t, user: mention(ev.userId), action: ev.action, code: code(ev.code), reason })),
          context([m.noChangeMade()]),
        ],
      });
    }
    case 'batch.planned':
      return batchPlanReply(ev.batch, ev.at, lang);
    case 'batch.instance':
      return batchInstanceReply(ev, lang);
    case 'window.waiting':
      return line(m.auditWindowWaiting({ at: t, until: when(ev.until, lang), tz: esc(ev.timeZone) }));
    case 'reconcile.ask':
      return reconcileAskMessage(ev, lang);
    case 'slack.restore_asked':
      return line(m.auditRestoreAsked({ at: t, user: mention(ev.userId), eni: code(ev.eniId) }));
    case 'slack.notice':
      return line(ev.text);
    case 'slack.replay_ignored':
      return line(m.auditReplayIgnored({ at: t, ...(ev.userId ? { user: mention(ev.userId) } : {}), what: escCut(ev.what, 500) }));
    default:
      return undefined;
  }
}

/** Preview (`/natmigrate plan`) results go to the channel, not a thread. */
export function previewReply(ev: MigrationEvent, requestedBy: string | undefined, lang: Lang = 'en'): SlackMessage | undefined {
  const by = requestedBy ? { requestedBy } : {};
  switch (ev.type) {
    case 'planned':
      return planCard(ev.plan, { jobId: ev.jobId, at: ev.at, dryRun: true, ...by }, lang);
    case 'refused':
      return refusalCard(ev.refusal, { jobId: ev.jobId, at: ev.at, dryRun: true, ...by }, lang);
    case 'failed':
      return line(msg(lang).previewFailed({ at: when(ev.at, lang), scan: ev.jobId.startsWith('scan-'), job: code(ev.jobId), code: code(ev.error.code), message: escCut(stepErrorText(ev.error, lang), 1500) }));
    case 'scan.finished':
      return scanMessage(ev.jobId, ev.scan, ev.at, requestedBy, lang);
    case 'drift.detected':
      return driftAlertMessage(ev.drift, ev.at, ev.jobId, lang);
    default:
      return undefined;
  }
}
