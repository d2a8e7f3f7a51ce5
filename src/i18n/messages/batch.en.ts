// A batch's thread: its live root message, its plan, its approval blocks and each instance's end (blocks/batch-card.ts).
type ItemStatus = 'staging' | 'waiting' | 'in_flight' | 'done' | 'failed' | 'untouched';
const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;

export const en = {
  batchItemWord: (p: { status: ItemStatus }) => ({
    staging: 'staging the ENI', waiting: 'waiting', in_flight: 'cutting over / verifying', done: 'migrated', failed: 'not migrated', untouched: 'untouched (staging undone)',
  })[p.status],
  batchPlanning: () => '*Planning*: reading the VPC (every instance, DNAT and SNAT entry)…',
  batchWaitingApproval: (p: { n: number; of: number; until: string }) =>
    `*Waiting for approval* (${p.n} of ${p.of}) until ${p.until}; meanwhile every instance's ENI is staged (nothing destructive).`,
  batchWaitingWindow: (p: { until?: string; title?: string }) => `*Waiting for the change window*${p.until ? ` until ${p.until}` : ''}${p.title ? ` — ${p.title}` : ''}`,
  batchCanary: (p: { canaries: string; count: number }) => `*Canary*: ${p.canaries} cut${p.count === 1 ? 's' : ''} over alone; the rest waits until it verifies.`,
  batchRolling: (p: { concurrency: number }) => `*Rolling*: the canary verified; the rest goes at most ${p.concurrency} at a time (forward-table writes one by one).`,
  batchStopping: () => '*Stopping*: nothing more is released; cutovers in flight finish or restore, the rest is unstaged.',
  batchStaging: (p: { count: number }) => `*Staging* ${n(p.count, 'instance')}`,
  batchCounts: (p: { done: number; inFlight: number; waiting: number; failed: number; untouched: number; skipped: number }) =>
    [`✅ done ${p.done}`, `⏳ in flight ${p.inFlight}`, `⬜ waiting ${p.waiting}`, `❌ failed ${p.failed}`, ...(p.untouched ? [`➖ untouched ${p.untouched}`] : []), ...(p.skipped ? [`🚫 skipped ${p.skipped}`] : [])].join(' · '),
  batchProgress: (p: { counts: string }) => `*Progress*: ${p.counts}`,
  canaryTag: () => ' *canary*',
  batchItemLine: (p: { icon: string; instance: string; canary: boolean; word: string; tail?: string }) =>
    `${p.icon} ${p.instance}${p.canary ? ' *canary*' : ''} — ${p.word}${p.tail ? ` (${p.tail})` : ''}`,
  batchHeader: (p: { target: string; count: number }) => `NAT batch · ${p.target}${p.count ? ` · ${n(p.count, 'instance')}` : ''}`,
  batchMoreRows: (p: { n: number }) => `…and ${p.n} more instances (counted above; each one's end is in the thread)`,
  canaryRef: (p: { n: number }) => `canary ${p.n}`,
  concurrencyRef: (p: { n: number }) => `concurrency ${p.n}`,
  batchTextOutcome: (p: { id: string; outcome: string }) => `NAT batch ${p.id}: ${p.outcome}`,
  batchTextProgress: (p: { id: string; done: number; inFlight: number; waiting: number; failed: number }) =>
    `NAT batch ${p.id}: done ${p.done}, in flight ${p.inFlight}, waiting ${p.waiting}, failed ${p.failed}`,
  batchPlanLine: (p: { instance: string; canary: boolean; inPlace: boolean; entry: string; mapping: string; recipe: string; egress: string }) =>
    `• ${p.instance}${p.canary ? ' *canary*' : ''}: ${p.inPlace ? 'move in place' : 'delete'} ${p.entry} (${p.mapping}); restore = ${p.inPlace ? 'move back to' : 'CreateForwardEntry'} ${p.recipe}; egress after: ${p.egress}`,
  batchPlanHead: (p: { at: string; targets: string; count: number; skipped: number; atRisk: number; canaries: string; concurrency: number }) =>
    `:clipboard: ${p.at} *Batch plan* for ${p.targets}: ${n(p.count, 'instance')} to migrate, ${p.skipped} skipped${p.atRisk ? ` (${n(p.atRisk, 'instance')} with services at risk)` : ''}. Canary first: ${p.canaries}; then at most ${p.concurrency} at a time. The first failed verification stops the batch and restores that instance.`,
  batchSkippedTitle: () => '*Skipped by the pre-flight (left alone)*',
  batchPlanText: (p: { count: number; skipped: number; id: string }) => `Batch plan: ${n(p.count, 'instance')} to migrate, ${p.skipped} skipped (batch ${p.id})`,
  batchPlanTitle: (p: { id: string }) => `Batch plan ${p.id}`,
  batchPlanContinued: (p: { rest: number }) => `Continued in the next ${n(p.rest, 'reply', 'replies')} (${p.rest + 1} messages in all).`,
  batchPlanInFile: (p: { count: number; skipped: number; file: string }) =>
    `The whole plan (${n(p.count, 'instance')}, ${p.skipped} skipped) is too long for messages: it is in the file ${p.file} in this thread; its first instances are above.`,
  batchPlanFileTitle: (p: { id: string; count: number }) => `natmigrate batch plan ${p.id} (${p.count} instances)`,
  batchApprovalMore: (p: { n: number }) => `\n…and ${p.n} more, listed in the batch plan above.`,
  batchApprovalOne: (p: { count: number; inPlace: boolean; canaries: string; concurrency: number }) =>
    `*One approval for the whole batch*: ${n(p.count, 'DNAT IP mapping')} ${p.inPlace ? 'moved in place (ModifyForwardEntry; falls back to delete and re-create if refused)' : 'deleted and re-created'} to a new ENI of ${p.count === 1 ? 'its instance' : 'each instance'}; canary first (${p.canaries}), then at most ${p.concurrency} at a time. The first failed verification stops the batch; that instance is restored and the rest are left untouched.`,
  batchApprovalSkipped: (p: { list: string; more: number }) => `Skipped by the pre-flight: ${p.list}${p.more ? ` and ${p.more} more` : ''}`,
  batchInstanceText: (p: { instance: string; canary: boolean; outcome: string; summary: string }) => `${p.instance}${p.canary ? ' (canary)' : ''}: ${p.outcome}. ${p.summary}`,
  batchInstanceLine: (p: { icon: string; at: string; instance: string; canary: boolean; outcome: string; summary: string }) =>
    `${p.icon} ${p.at} ${p.instance}${p.canary ? ' *(canary)*' : ''}: *${p.outcome}*\n${p.summary}`,
  batchInstancePorts: (p: { summary: string; table: string }) => `*Service ports* through the public IP: ${p.summary}\n${p.table}`,
  statusShowsSteps: (p: { command: string }) => `${p.command} shows its steps and RequestIds`,
  /** Once under a list of instance lines merged into one post: each line names its job. */
  statusShowsEachJob: (p: { command: string }) => `${p.command} with a line's job id shows that instance's steps and RequestIds`,
  noneWordBatch: () => 'none',
};
