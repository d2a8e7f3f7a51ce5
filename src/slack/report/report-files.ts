import { csvTable } from '../../domain/csv.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Lang } from '../../i18n/lang.ts';
import { formatDateTime } from '../../i18n/time.ts';
import type { SlackFile } from '../blocks/format.ts';
import { auditRows, entryText, newEntries, type AuditRow, type ReportRecord } from './audit-rows.ts';

/**
 * The two files of `/natmigrate report`: a CSV of every audit row (RFC 4180, ISO times in UTC, for spreadsheets and
 * scripts) and a Markdown document for people (a summary per job, the original and new DNAT entries, the audit trail
 * as a table, times in the reader's language with the zone shown). Column names and labels are in `lang`; ids,
 * API actions, result codes and RequestIds stay as they are so either language's report can be searched the same.
 */

export interface ReportInput {
  /** The job or batch id asked for. */
  id: string;
  /** The jobs in the report (one, or a batch's children). */
  records: ReportRecord[];
  /** Set for a batch: how many instances it holds. */
  batch?: { instances: number };
  generatedAt: Date;
}

function columns(lang: Lang): string[] {
  const m = msg(lang);
  return [m.reportColTime(), m.reportColJob(), m.reportColInstance(), m.reportColWhat(), m.reportColActor(), m.reportColAction(), m.reportColResult(), m.reportColRequestId(), m.reportColDetail()];
}

const cells = (r: AuditRow): string[] => [r.at, r.jobId, r.instanceId, r.what, r.actor, r.action, r.result, r.requestId, r.detail];

/** A Markdown table cell: one line, pipes and backticks defused, nothing that renders as a link or HTML. */
function mdCell(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[`<>[\]*_]/g, (c) => `\\${c}`);
}

function mdTable(head: string[], rows: string[][]): string[] {
  return [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
}

function time(iso: string, lang: Lang): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? formatDateTime(t, lang) : iso;
}

function jobSection(r: ReportRecord, rows: AuditRow[], lang: Lang): string[] {
  const m = msg(lang);
  const out = [`## ${mdCell(r.jobId)}`, '', `### ${m.reportSummaryHeading()}`, ''];
  out.push(...mdTable([m.reportColJob(), m.reportColInstance(), m.reportFieldRegion(), m.reportFieldRequester(), m.reportFieldState(), m.reportFieldOutcome(), m.reportFieldCreated(), m.reportFieldEni()],
    [[r.jobId, r.instanceId, r.regionId, r.requestedBy, r.state, r.outcome ?? (r.summaryText && 'readOnly' in r.summaryText ? r.summaryText.readOnly : ''), time(r.createdAt, lang), r.eniId ?? '']]));
  out.push('', `### ${m.reportOriginalHeading()}`, '');
  const orig = r.original?.entry ?? r.plan?.entryToDelete;
  if (orig) {
    out.push(...mdTable([m.reportFieldEntry(), m.reportFieldTable(), m.reportFieldMapping(), m.reportFieldProtocol(), m.reportFieldStatus()],
      [[orig.forwardEntryId, orig.forwardTableId, `${orig.externalIp}:${orig.externalPort} → ${orig.internalIp}:${orig.internalPort}`, orig.ipProtocol, orig.status ?? '']]));
  } else {
    out.push(m.reportNone());
  }
  out.push('', `### ${m.reportNewHeading()}`, '');
  const made = newEntries(r);
  out.push(...(made.length ? made.map((e) => `- ${mdCell(e)}`) : [m.reportNone()]));
  out.push('', `### ${m.reportAuditHeading()}`, '');
  out.push(...mdTable(columns(lang), rows.map((x) => cells({ ...x, at: time(x.at, lang) }))));
  out.push('');
  return out;
}

export function reportFiles(input: ReportInput, lang: Lang): { files: SlackFile[]; rows: number } {
  const m = msg(lang);
  const perJob = input.records.map((r) => ({ r, rows: auditRows(r, lang) }));
  const all = perJob.flatMap((j) => j.rows);
  const csv = csvTable(columns(lang), all.map(cells));
  const md = [
    `# ${mdCell(m.reportTitle({ id: input.id }))}`, '',
    m.reportGenerated({ at: formatDateTime(input.generatedAt, lang) }), '',
    ...(input.batch ? [m.reportBatchOf({ id: input.id, count: input.batch.instances }), ''] : []),
    ...perJob.flatMap((j) => jobSection(j.r, j.rows, lang)),
  ].join('\n');
  const base = `natmigrate-report-${input.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  return {
    rows: all.length,
    files: [
      { filename: `${base}.csv`, title: `${base}.csv`, content: csv },
      { filename: `${base}.md`, title: `${base}.md`, content: md },
    ],
  };
}

export { entryText };
