import type { ScanResult } from '../../domain/events.ts';
import { inventoryCsv, type InventoryRow } from '../../domain/inventory.ts';
import { code, codeBlock, context, esc, escCut, mention, section, truncate, when, type Block, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';

/** Rows shown in the message; a longer inventory also goes out as a CSV file. */
export const SCAN_TABLE_ROWS = 30;

const VIA: Record<InventoryRow['egressKind'], string> = { 'dnat-ip-mapping': 'DNAT map', snat: 'SNAT', 'own-public-ip': 'own IP', none: 'none' };

function pad(s: string, n: number): string {
  const cut = s.length >= n ? truncate(s, n - 1) : s;
  return cut + ' '.repeat(Math.max(0, n - cut.length));
}

function scanTable(rows: readonly InventoryRow[]): string {
  const head = `${pad('instance', 24)} ${pad('private IP', 16)} ${pad('egress IP', 16)} ${pad('via', 9)} action`;
  const lines = rows.map((r) => `${pad(r.instanceId, 24)} ${pad(r.privateIp, 16)} ${pad(r.egressIp ?? '—', 16)} ${pad(VIA[r.egressKind], 9)} ${r.action === 'refused' ? `refused: ${r.refusal?.code ?? ''}` : r.action === 'migrate' ? 'migrate' : '—'}`);
  return [head, ...lines].join('\n');
}

export function scanFileName(scan: ScanResult, jobId: string): string {
  return `natmigrate-${scan.target}-${jobId.split('-').pop()}.csv`;
}

/** The inventory as a readable channel message: counts, the refusals with their reasons, a table of the first rows. */
export function scanMessage(jobId: string, scan: ScanResult, at: string, requestedBy?: string): SlackMessage {
  const s = scan.summary;
  const e = s.byEgress;
  const by = requestedBy ? ` for ${mention(requestedBy)}` : '';
  const head = `:mag: ${when(at)} *Inventory of ${code(scan.target)}*${scan.target !== scan.vpcId ? ` (VPC ${code(scan.vpcId)})` : ''}${by}`;
  const totals = `*${s.instances} instance${s.instances === 1 ? '' : 's'}*: *${s.needMigration}* egress through a DNAT IP mapping (*${s.ready}* ready to migrate, *${s.refused}* would be refused), ${e.snat} through SNAT, ${e['own-public-ip']} through their own public IP, ${e.none} without public egress.`;
  const refused = scan.rows.filter((r) => r.action === 'refused');
  const blocks: Block[] = [section(head), section(totals)];
  if (refused.length) {
    const lines = refused.slice(0, 12).map((r) => `• ${code(r.instanceId)} ${code(r.refusal?.code ?? '')}: ${escCut(r.refusal?.message ?? '', 220)}`);
    if (refused.length > 12) lines.push(`…and ${refused.length - 12} more (see the CSV).`);
    blocks.push(section(`*Would be refused*\n${truncate(lines.join('\n'), 2800)}`));
  }
  const shown = scan.rows.slice(0, SCAN_TABLE_ROWS);
  if (shown.length) blocks.push(section(codeBlock(scanTable(shown), 2950)));
  const rest = scan.rows.length - shown.length;
  blocks.push(context([
    rest > 0 ? `Showing ${shown.length} of ${scan.rows.length}; the full inventory is attached as CSV in the thread.` : `All ${scan.rows.length} shown.`,
    `scan ${code(jobId)}`,
    s.ready ? `${code(`/natmigrate run --all ${scan.target}`)} migrates the ${s.ready} ready one${s.ready === 1 ? '' : 's'} as one batch` : '',
  ]));
  return fitMessage({
    text: `Inventory of ${esc(scan.target)}: ${s.instances} instances, ${s.needMigration} on DNAT IP mappings (${s.ready} ready, ${s.refused} refused).`,
    blocks,
    // A longer inventory travels with the message as a CSV file in its thread.
    ...(rest > 0 ? {
      file: { filename: scanFileName(scan, jobId), title: `natmigrate inventory of ${scan.target} (${scan.rows.length} instances)`, content: inventoryCsv(scan.rows) },
    } : {}),
  });
}
