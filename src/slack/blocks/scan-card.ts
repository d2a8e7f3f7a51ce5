import type { ScanResult } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { inventoryCsv, type InventoryRow } from '../../domain/inventory.ts';
import { code, codeBlock, context, esc, escCut, mention, section, truncate, when, type Block, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';

/** Rows shown in the message; a longer inventory also goes out as a CSV file. */
export const SCAN_TABLE_ROWS = 30;

/** Columns a monospace font shows two cells wide (CJK and full-width forms), so Japanese headers still line up. */
function width(s: string): number {
  let w = 0;
  for (const c of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1;
  return w;
}

function pad(s: string, n: number): string {
  const cut = width(s) >= n ? truncate(s, n - 1) : s;
  return cut + ' '.repeat(Math.max(0, n - width(cut)));
}

function scanTable(rows: readonly InventoryRow[], lang: Lang): string {
  const m = msg(lang);
  const col = (c: Parameters<typeof m.scanColumn>[0]['col']) => m.scanColumn({ col: c });
  const head = `${pad(col('instance'), 24)} ${pad(col('privateIp'), 16)} ${pad(col('egressIp'), 16)} ${pad(col('via'), 9)} ${col('action')}`;
  const lines = rows.map((r) => `${pad(r.instanceId, 24)} ${pad(r.privateIp, 16)} ${pad(r.egressIp ?? '—', 16)} ${pad(m.scanVia({ via: r.egressKind }), 9)} ${m.scanAction({ action: r.action === 'refused' ? 'refused' : r.action === 'migrate' ? 'migrate' : 'none', ...(r.refusal?.code ? { code: r.refusal.code } : {}) })}`);
  return [head, ...lines].join('\n');
}

export function scanFileName(scan: ScanResult, jobId: string): string {
  return `natmigrate-${scan.target}-${jobId.split('-').pop()}.csv`;
}

/** The inventory as a readable channel message: counts, the refusals with their reasons, a table of the first rows. */
export function scanMessage(jobId: string, scan: ScanResult, at: string, requestedBy?: string, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const s = scan.summary;
  const e = s.byEgress;
  const head = m.scanHead({ at: when(at, lang), target: code(scan.target), ...(scan.target !== scan.vpcId ? { vpc: code(scan.vpcId) } : {}), ...(requestedBy ? { by: mention(requestedBy) } : {}) });
  const totals = m.scanTotals({ instances: s.instances, need: s.needMigration, ready: s.ready, refused: s.refused, snat: e.snat, own: e['own-public-ip'], none: e.none });
  const refused = scan.rows.filter((r) => r.action === 'refused');
  const blocks: Block[] = [section(head), section(totals)];
  if (refused.length) {
    const lines = refused.slice(0, 12).map((r) => `• ${code(r.instanceId)} ${code(r.refusal?.code ?? '')}: ${escCut(m.refusalExplain({ code: r.refusal?.code ?? '' }) || (r.refusal?.message ?? ''), 220)}`);
    if (refused.length > 12) lines.push(m.scanRefusedMore({ n: refused.length - 12 }));
    blocks.push(section(m.scanRefusedTitle({ lines: truncate(lines.join('\n'), 2800) })));
  }
  const shown = scan.rows.slice(0, SCAN_TABLE_ROWS);
  if (shown.length) blocks.push(section(codeBlock(scanTable(shown, lang), 2950)));
  const rest = scan.rows.length - shown.length;
  blocks.push(context([
    rest > 0 ? m.scanShowing({ shown: shown.length, total: scan.rows.length }) : m.scanAllShown({ total: scan.rows.length }),
    m.scanRef({ id: code(jobId) }),
    s.ready ? m.scanRunAll({ command: code(`/natmigrate run --all ${scan.target}`), ready: s.ready }) : '',
  ]));
  return fitMessage({
    text: m.scanText({ target: esc(scan.target), instances: s.instances, need: s.needMigration, ready: s.ready, refused: s.refused }),
    blocks,
    // A longer inventory travels with the message as a CSV file in its thread.
    ...(rest > 0 ? {
      file: { filename: scanFileName(scan, jobId), title: m.scanFileTitle({ target: scan.target, count: scan.rows.length }), content: inventoryCsv(scan.rows) },
    } : {}),
  });
}
