import type { EngineSummary } from '../../domain/job-text.ts';
import type { JobRecord } from '../../engine/ports.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Lang } from '../../i18n/lang.ts';
import { stepErrorText, summaryText } from '../blocks/format.ts';

/**
 * The audit trail of a job as rows, from its record (what the engine keeps for the retention): who asked, every
 * approval, every step with each cloud call's action, result and RequestId, the original entry saved before the
 * cutover, the new entries, the verification and the end. Rows are sorted by time (a stable sort keeps the record's
 * order for rows of the same instant). Texts are raw here; each file format quotes them its own way.
 */

/** What a report reads of a job: a migration's, rollback's or dry run's record, or a scan's (no steps nor entries). */
export type ReportRecord = Omit<JobRecord, 'kind' | 'state' | 'summaryText' | 'audience' | 'options'> & {
  kind: JobRecord['kind'] | 'scan';
  state: JobRecord['state'] | 'running';
  summaryText?: EngineSummary;
};

export interface AuditRow {
  /** ISO 8601 (UTC). */
  at: string;
  jobId: string;
  instanceId: string;
  what: string;
  /** A Slack user id, or natmigrate itself. */
  actor: string;
  action: string;
  result: string;
  requestId: string;
  detail: string;
}

/** "ngw-…/ftb-…: 203.0.113.5:Any → 10.0.0.5:Any (Any)". */
export function entryText(e: { forwardEntryId?: string; externalIp: string; externalPort: string; internalIp?: string; internalPort: string; ipProtocol: string; forwardTableId: string }): string {
  const id = e.forwardEntryId ? `${e.forwardEntryId} ` : '';
  return `${id}${e.forwardTableId}: ${e.externalIp}:${e.externalPort} → ${e.internalIp ?? '?'}:${e.internalPort} (${e.ipProtocol})`;
}

export function auditRows(r: ReportRecord, lang: Lang): AuditRow[] {
  const m = msg(lang);
  const system = m.reportActorSystem();
  const rows: AuditRow[] = [];
  const row = (at: string | undefined, what: string, actor: string, extra: Partial<AuditRow> = {}) => {
    rows.push({ at: at ?? r.updatedAt, jobId: r.jobId, instanceId: r.instanceId, what, actor, action: '', result: '', requestId: '', detail: '', ...extra });
  };
  row(r.createdAt, m.reportQueued({ kind: r.kind }), r.requestedBy, { detail: m.reportQueuedDetail({ region: r.regionId }) });
  const a = r.approval;
  if (a) {
    row(a.requestedAt, m.reportApprovalRequested({ required: a.requiredApprovals }), system, { detail: m.reportApprovalDetail({ plan: a.planHash.slice(0, 16), expires: a.expiresAt }) });
    for (const v of a.approvals) row(v.at, m.reportApproved(), v.userId);
    if (a.decision) row(a.decision.at, m.reportApprovalDecided({ decision: a.decision.decision }), a.decision.by.join(' ') || system);
  }
  if (r.cancel) row(r.cancel.at, m.reportCancelAsked(), r.cancel.by);
  for (const s of r.steps) {
    const title = m.stepTitle({ step: s.step, title: s.title });
    row(s.startedAt, m.reportStepStarted({ title }), system, { action: s.step });
    for (const c of s.calls) row(s.finishedAt ?? s.startedAt, title, system, { action: c.action, result: c.code, requestId: c.requestId ?? '' });
    if (s.error) {
      row(s.finishedAt ?? s.startedAt, m.reportStepFailed({ title }), system, {
        action: s.error.action ?? s.step, result: s.error.code, requestId: s.error.requestId ?? '', detail: stepErrorText(s.error, lang),
      });
    } else if (s.finishedAt) {
      row(s.finishedAt, m.reportStepFinished({ title }), system, { action: s.step, detail: s.detail ? JSON.stringify(s.detail).slice(0, 500) : '' });
    }
  }
  if (r.original) row(r.original.savedAt, m.reportOriginalSaved(), system, { detail: entryText(r.original.entry) });
  for (const e of newEntries(r)) row(r.original?.savedAt ?? r.updatedAt, m.reportNewEntry(), system, { detail: e });
  if (r.verification) {
    const v = r.verification;
    const ports = (v.ports ?? []).map((p) => `${p.port}:${p.before ? 'up' : 'down'}→${p.after === undefined ? '-' : p.after ? 'up' : 'down'}`).join(' ');
    row(v.at, m.reportVerified({ ok: v.ok }), system, {
      result: v.ok ? 'OK' : 'Failed',
      detail: m.reportVerifiedDetail({ ssh: `${v.ssh.host}:${v.ssh.port}`, sshOk: v.ssh.ok, egress: v.egress.observedIp ?? '?', expected: v.egress.expectedIps.join(' '), ports }),
    });
  }
  if (r.error && !r.steps.some((s) => s.error)) row(r.updatedAt, m.reportStepFailed({ title: r.error.action ?? r.error.code }), system, { result: r.error.code, requestId: r.error.requestId ?? '', detail: stepErrorText(r.error, lang) });
  if (r.outcome) row(r.updatedAt, m.reportFinished({ outcome: r.outcome }), system, { result: r.outcome, detail: summaryText(r, lang) });
  // A dry run that made its plan, or a scan that read its VPC, ends with no outcome: what it found is its last row.
  else if (r.state === 'finished' && r.summaryText && 'readOnly' in r.summaryText) {
    row(r.updatedAt, m.reportReadOnlyDone({ done: r.summaryText.readOnly }), system, { result: r.summaryText.readOnly, detail: summaryText(r, lang) });
  }
  const time = (s: string) => { const t = Date.parse(s); return Number.isFinite(t) ? t : Infinity; };
  return rows.map((x, i) => ({ x, i })).sort((p, q) => time(p.x.at) - time(q.x.at) || p.i - q.i).map((p) => p.x);
}

/** The entries the migration made: their ids, and what each maps (the ENI's address as the last step read it). */
export function newEntries(r: ReportRecord): string[] {
  const plan = r.plan;
  if (!plan || !r.newEntryIds?.length) return [];
  let target = r.eniId ?? '?';
  for (const s of r.steps) {
    const ip = s.detail?.internalIp;
    if (typeof ip === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) target = ip;
  }
  return plan.newEntries.map((t, i) => entryText({ ...t, forwardEntryId: r.newEntryIds?.[i] ?? '', internalIp: target }));
}
