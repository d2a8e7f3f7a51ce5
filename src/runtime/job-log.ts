// One structured log line per engine event, written through a child logger bound to the job id, so
// `jq 'select(.jobId=="migrate-…")'` over the logs of every process shows the job's whole story.
import type { Logger } from 'pino';
import type { MigrationEvent } from '../domain/events.ts';
import { passThrough, type Notifier } from '../engine/ports.ts';
import { jobLogger } from '../log.ts';

/** The fields worth a log line; plans and evidence stay in the job record (`/natmigrate status`). */
function eventFields(e: MigrationEvent): Record<string, unknown> {
  switch (e.type) {
    case 'job.queued': return { kind: e.kind, instanceId: e.instanceId, regionId: e.regionId, requestedBy: e.requestedBy };
    case 'planned': return { instanceId: e.plan.instanceId, planHash: e.plan.hash };
    case 'refused': return { refusal: e.refusal.code };
    case 'step.started': return { step: e.step };
    case 'step.finished': return {
      step: e.step,
      calls: e.calls.map((c) => `${c.action}:${c.code}${c.requestId ? `:${c.requestId}` : ''}`),
      ...(e.detail && 'error' in e.detail ? { error: e.detail.error } : {}),
    };
    case 'approval.requested': return { kind: e.kind, planHash: e.planHash, expiresAt: e.expiresAt, requiredApprovals: e.requiredApprovals };
    case 'approval.recorded': return { by: e.by, approvals: e.approvals, requiredApprovals: e.requiredApprovals };
    case 'approval.decided': return { decision: e.decision, by: e.by };
    case 'plan.changed': return { previousHash: e.previousHash, planHash: e.plan.hash, differences: e.differences };
    case 'original.saved': return { forwardEntryId: e.entry.forwardEntryId, externalIp: e.entry.externalIp, internalIp: e.entry.internalIp };
    case 'restored': return { forwardEntryId: e.entry.forwardEntryId, reason: e.reason };
    case 'verified': return { ok: e.ok, ssh: e.ssh.ok, egress: e.egress.ok, observedIp: e.egress.observedIp };
    case 'failed': return { step: e.step, error: e.error };
    case 'cancel.requested': return { by: e.by };
    case 'finished': return { outcome: e.outcome };
    // Fleet events (batch, scan, drift): counts and ids, not the whole inventory.
    case 'batch.planned': return { items: e.batch.items.length, skipped: e.batch.skipped.length, planHash: e.batch.hash };
    case 'batch.progress': return { phase: e.phase, counts: e.counts };
    case 'batch.instance': return { instanceId: e.instanceId, childJobId: e.childJobId, outcome: e.outcome };
    case 'scan.finished': return { target: e.scan.target, summary: e.scan.summary };
    case 'drift.detected': return { instanceId: e.drift.instanceId, natGatewayId: e.drift.natGatewayId, kind: e.drift.kind, egressIp: e.drift.egressIp };
    case 'window.waiting': return { until: e.until, timeZone: e.timeZone };
    case 'reconcile.ask': return { eniId: e.eniId, regionId: e.regionId, situation: e.situation };
  }
}

export function jobLogNotifier(inner: Notifier, log: Logger): Notifier {
  return {
    ...passThrough(inner),
    async emit(event) {
      await inner.emit(event);
      const level = event.type === 'failed' ? 'warn' : 'info';
      jobLogger(log, event.jobId)[level]({ event: event.type, at: event.at, ...eventFields(event) }, `job event ${event.type}`);
    },
  };
}
