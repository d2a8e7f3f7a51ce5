import type { DriftReason } from '../../domain/job-text.ts';
// Scans, drift alerts and reconcile questions (blocks/scan-card.ts, drift-card.ts, reconcile-card.ts).
type Via = 'dnat-ip-mapping' | 'snat' | 'own-public-ip' | 'none';

function driftReason(w: DriftReason): string {
  const expected = (ips: string[]) => ips.join(' or ') || 'a SNAT IP of the gateway';
  switch (w.code) {
    case 'dnat_mapping': {
      const more = w.others.length ? ` (and ${w.others.length} more IP mapping${w.others.length > 1 ? 's' : ''}: ${w.others.join(', ')})` : '';
      return `egresses through EIP ${w.eip} of DNAT IP mapping ${w.entry}${more} instead of the SNAT IP`;
    }
    case 'own_public_ip': return `egresses through its own ${w.eip ? 'EIP' : 'public IP'} ${w.ip}, which wins over DNAT and SNAT; expected ${expected(w.expected)}`;
    case 'snat_elsewhere': return `egresses through SNAT entry ${w.entry} (${w.scope}) as ${w.ips.join(' or ')}; expected ${expected(w.expected)}`;
    case 'not_answering':
      return `${w.probe} through ${w.eip}:${w.port} (forwarded to ${w.eniIp}) did not answer within ${w.seconds} s after ${w.attempts} attempt${w.attempts === 1 ? '' : 's'}: ${w.error ?? 'no banner'}`;
  }
}

export const en = {
  /** Why the sweep reported an instance, in plain text (the caller escapes it). */
  driftReason: (p: { why: DriftReason }) => driftReason(p.why),
  scanVia: (p: { via: Via }) => ({ 'dnat-ip-mapping': 'DNAT map', snat: 'SNAT', 'own-public-ip': 'own IP', none: 'none' })[p.via],
  scanColumn: (p: { col: 'instance' | 'privateIp' | 'egressIp' | 'via' | 'action' }) =>
    ({ instance: 'instance', privateIp: 'private IP', egressIp: 'egress IP', via: 'via', action: 'action' })[p.col],
  scanAction: (p: { action: 'refused' | 'migrate' | 'none'; code?: string }) => (p.action === 'refused' ? `refused: ${p.code ?? ''}` : p.action === 'migrate' ? 'migrate' : '—'),
  scanHead: (p: { at: string; target: string; vpc?: string; by?: string }) =>
    `:mag: ${p.at} *Inventory of ${p.target}*${p.vpc ? ` (VPC ${p.vpc})` : ''}${p.by ? ` for ${p.by}` : ''}`,
  scanTotals: (p: { instances: number; need: number; ready: number; refused: number; snat: number; own: number; none: number }) =>
    `*${p.instances} instance${p.instances === 1 ? '' : 's'}*: *${p.need}* egress through a DNAT IP mapping (*${p.ready}* ready to migrate, *${p.refused}* would be refused), ${p.snat} through SNAT, ${p.own} through their own public IP, ${p.none} without public egress.`,
  scanRefusedMore: (p: { n: number }) => `…and ${p.n} more (see the CSV).`,
  scanRefusedTitle: (p: { lines: string }) => `*Would be refused*\n${p.lines}`,
  scanShowing: (p: { shown: number; total: number }) => `Showing ${p.shown} of ${p.total}; the full inventory is attached as CSV in the thread.`,
  scanAllShown: (p: { total: number }) => `All ${p.total} shown.`,
  scanRef: (p: { id: string }) => `scan ${p.id}`,
  scanRunAll: (p: { command: string; ready: number }) => `${p.command} migrates the ${p.ready} ready one${p.ready === 1 ? '' : 's'} as one batch`,
  scanText: (p: { target: string; instances: number; need: number; ready: number; refused: number }) =>
    `Inventory of ${p.target}: ${p.instances} instances, ${p.need} on DNAT IP mappings (${p.ready} ready, ${p.refused} refused).`,
  scanFileTitle: (p: { target: string; count: number }) => `natmigrate inventory of ${p.target} (${p.count} instances)`,
  driftWhat: (p: { kind: 'dnat-ip-mapping' | 'not-answering' | 'unexpected-egress'; egress: string; expected: string }) =>
    p.kind === 'dnat-ip-mapping'
      ? `has a DNAT IP mapping again and egresses from ${p.egress} instead of the SNAT IP ${p.expected || '(none)'}`
      : p.kind === 'not-answering'
        ? 'was migrated but no longer answers on its public IP (a reboot may have dropped the guest\'s policy routing)'
        : `egresses from an unexpected IP ${p.egress} (expected ${p.expected || 'a SNAT IP of the gateway'})`,
  driftText: (p: { ngw: string; instance: string; kind: 'dnat-ip-mapping' | 'not-answering' | 'unexpected-egress'; egress: string }) =>
    `Drift on ${p.ngw}: ${p.instance} ${p.kind === 'dnat-ip-mapping' ? `has a DNAT IP mapping (${p.egress})` : p.kind === 'not-answering' ? 'no longer answers on its public IP' : `egresses from an unexpected IP (${p.egress})`}`,
  driftHead: (p: { at: string; ngw: string; who: string; what: string; reason: string }) => `:warning: ${p.at} *Drift on ${p.ngw}*: ${p.who} ${p.what}.\n${p.reason}`,
  planButton: () => 'Plan',
  sweepRef: (p: { id: string }) => `sweep ${p.id}`,
  driftOnce: () => 'Reported once; again only if it goes away and comes back.',
  reconcileText: (p: { eni: string; situation: string }) => `natmigrate reconcile needs a decision about ENI ${p.eni}: ${p.situation}`,
  reconcileHead: (p: { at: string; situation: string; eni: string; region: string }) =>
    `:raising_hand: ${p.at} *Reconcile needs a person*: ${p.situation}\nENI ${p.eni} in ${p.region}; nothing was changed.`,
  reconcileRestore: (p: { recipe: string }) => `*Restore* puts this original mapping back (from the ENI's tags) and removes the ENI:\n${p.recipe}`,
  restoreButton: () => 'Restore',
  reconcileApproversOnly: (p: { command: string }) => `Approvers only; or run ${p.command}`,
};
