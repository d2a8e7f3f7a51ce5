// A job's live status card, its outcome and the verification evidence (blocks/status-card.ts, card-common.ts,
// result-card.ts, services-text.ts).
type Outcome = 'migrated' | 'verify_failed' | 'refused' | 'rejected' | 'expired' | 'cancelled' | 'restored' | 'rolled_back' | 'failed';
type JobWhat = 'migrate' | 'rollback' | 'preview' | 'batch';

export const en = {
  outcomeLabel: (p: { outcome: Outcome }) => ({
    migrated: ':white_check_mark: Migrated and verified',
    verify_failed: ':warning: Cut over, but verification failed (not rolled back)',
    refused: ':no_entry: Refused by the pre-flight; nothing changed',
    rejected: ':x: Rejected; staging undone',
    expired: ':hourglass: Approval expired; staging undone',
    cancelled: ':octagonal_sign: Cancelled',
    restored: ':leftwards_arrow_with_hook: Original mapping restored',
    rolled_back: ':leftwards_arrow_with_hook: Rolled back',
    failed: ':rotating_light: Failed: needs attention (see the thread)',
  })[p.outcome],
  cancelNote: (p: { by: string }) => `:octagonal_sign: Cancel requested by ${p.by}`,
  jobWhat: (p: { kind: JobWhat }) => (p.kind === 'rollback' ? 'Rollback' : p.kind === 'preview' ? 'Dry run' : 'NAT migration'),
  cardFallback: (p: { what: string; target: string; state: string }) => `${p.what} of ${p.target}: ${p.state}`,
  cardHeader: (p: { what: string; target: string }) => `${p.what} · ${p.target}`,
  waitingForApproval: (p: { n: number; of: number; until: string }) => `*Waiting for approval* (${p.n} of ${p.of}) until ${p.until}`,
  inProgressStep: (p: { step: string }) => `*In progress:* ${p.step}`,
  inProgress: () => '*In progress*',
  queued: () => '*Queued*',
  approvalRowDecided: (p: { decision: 'approved' | 'rejected' | 'expired'; by: string }) => ` — ${p.decision} by ${p.by}`,
  verifyRow: (p: { ok: boolean; ports?: string }) => `${p.ok ? ' — SSH and egress OK' : ' — failed'}${p.ports ? `; ${p.ports}` : ''}`,
  mappingRestoredNote: () => ':leftwards_arrow_with_hook: The original DNAT mapping was restored',
  portsSummary: (p: { answering: number; probed: number }) => `${p.answering} of ${p.probed} service port${p.probed === 1 ? '' : 's'} answer`,
  /** The before/after ports table's words (a code block): its column heads, and how a port answered. */
  portsTableHead: () => 'port\tservice\tbefore\tafter\tfirst bytes',
  portsTableCell: (p: { answer: 'yes' | 'no' | 'accepted' | 'unknown' | 'not_probed' }) =>
    ({ yes: 'yes', no: 'NO', accepted: 'no (accepted)', unknown: '-', not_probed: 'not probed' })[p.answer],
  // verification and result
  verifySsh: (p: { ok: boolean; target: string; attempts: number; banner?: string; error?: string }) => {
    const body = p.banner ? `banner ${p.banner}` : p.error ? `error ${p.error}` : '';
    return `${p.ok ? ':white_check_mark:' : ':x:'} *SSH* ${p.target} after ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}${body ? `: ${body}` : ''}`;
  },
  verifyEgress: (p: { ok: boolean; observed: string; expected: string }) =>
    `${p.ok ? ':white_check_mark:' : ':x:'} *Egress IP* observed ${p.observed}, expected ${p.expected}`,
  orWord: () => ' or ',
  noneWord: () => 'none',
  cloudAssistantInvocation: (p: { id: string }) => `Cloud Assistant invocation ${p.id}`,
  errorRef: (p: { error: string }) => `error ${p.error}`,
  servicePortsLine: (p: { ok: boolean; summary: string; lost?: string }) =>
    `${p.ok ? ':white_check_mark:' : ':x:'} *Service ports* through the public IP: ${p.summary}${p.lost ? ` — lost: ${p.lost}` : ''}`,
  verificationTitle: (p: { ok: boolean; at: string }) => `:mag: *Verification ${p.ok ? 'passed' : 'failed'}* ${p.at}`,
  verificationText: (p: { ok: boolean; ssh: boolean; banner?: string; observed: string; expected: string; ports?: string }) =>
    `Verification ${p.ok ? 'passed' : 'failed'}: SSH ${p.ssh ? 'ok' : 'failed'}${p.banner ? ` (${p.banner})` : ''}, egress ${p.observed} (expected ${p.expected})${p.ports ? `, ${p.ports}` : ''}`,
  unknownWord: () => 'unknown',
  finished: (p: { at: string; outcome: string; summary: string }) => `:checkered_flag: *Finished* ${p.at}: *${p.outcome}*\n${p.summary}`,
  finishedText: (p: { outcome: string; summary: string }) => `Finished: ${p.outcome}: ${p.summary}`,
  outcomeRef: (p: { outcome: string }) => `outcome ${p.outcome}`,
};
