// `/natmigrate status …`: a summary straight from the job records, for the person who asked.
export const en = {
  statusWaiting: (p: { n: number; until: string }) => ` · waiting for ${p.n} more approval(s) until ${p.until}`,
  statusDecided: (p: { decision: string; by: string }) => ` · ${p.decision}${p.by ? ` by ${p.by}` : ''}`,
  statusWhere: (p: { channel: string }) => ` · thread in ${p.channel}`,
  statusState: (p: { state: string }) => `state ${p.state}`,
  statusPhase: (p: { phase: string }) => `phase ${p.phase}`,
  statusError: (p: { code: string; message: string }) => `\n   error ${p.code}: ${p.message}`,
  statusJobLine: (p: { job: string; kind: string; instance: string; by: string; updated: string; state: string; rest: string }) =>
    `• ${p.job} (${p.kind} ${p.instance}, requested by ${p.by}, updated ${p.updated}): ${p.state}${p.rest}`,
  statusBatchCancel: (p: { by: string }) => ` · cancel requested by ${p.by}`,
  statusBatchKnobs: (p: { hash: string; canary: string; concurrency: string }) => `\nPlan hash ${p.hash} · canary ${p.canary} · concurrency ${p.concurrency}`,
  statusBatchNotPlanned: () => '\nNot planned yet.',
  statusBatchTally: (p: { count: number; tally: string }) => ` · ${p.count} instance${p.count === 1 ? '' : 's'}: ${p.tally}`,
  statusNoRecord: () => 'no job record',
  statusBatchItem: (p: { instance: string; canary: boolean; status: string; child: string; state: string }) =>
    `• ${p.instance}${p.canary ? ' *canary*' : ''} — ${p.status} · ${p.child}: ${p.state}`,
  statusBatchMore: (p: { n: number }) => `…and ${p.n} more instances (each one's end is in the batch's thread).`,
  statusBatchSkipped: (p: { list: string; more: number }) => `\nSkipped by the pre-flight: ${p.list}${p.more ? ` and ${p.more} more` : ''}`,
  statusBatchHead: (p: { batch: string; command: string; region: string; by: string; updated: string }) =>
    `Batch ${p.batch} (${p.command} in ${p.region}, requested by ${p.by}, updated ${p.updated}): `,
  statusNoJob: (p: { target: string }) => `No job found for ${p.target}.`,
  statusNoActive: () => 'No active jobs that you can see (jobs whose thread is in a private channel show only to its members, the requester and the approvers).',
  statusJobsFor: (p: { target: string }) => `Jobs for ${p.target}:`,
  statusActive: (p: { n: number }) => `Active jobs (${p.n}):`,
  statusMore: (p: { n: number }) => `\n…and ${p.n} more.`,
  statusChecking: () => 'I am reading who may see that job now; ask again in a moment.',
  statusUnchecked: (p: { n: number }) => `\n${p.n} more in conversations whose members I am reading now; ask again in a moment.`,
};
