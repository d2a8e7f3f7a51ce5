// The approval card in a job's thread (blocks/approval-card.ts). The buttons keep the words Approve and Reject.
export const en = {
  approvalTitle: (p: { kind: 'migrate' | 'rollback' | 'batch'; target: string; count: number; decided: boolean }) => {
    const head = p.decided ? 'Approval' : 'Approval needed';
    if (p.kind === 'batch') return `${head}: batch of ${p.count} on ${p.target}`;
    return p.kind === 'rollback' ? `${head}: roll back ${p.target}` : `${head}: migrate ${p.target}`;
  },
  approvalRequestLine: (p: { by: string; at: string; n: number; expires: string }) =>
    `Requested by ${p.by} ${p.at}. Needs ${p.n} distinct approver${p.n === 1 ? '' : 's'} (not the requester); expires ${p.expires}.`,
  approvalsSoFar: (p: { n: number; of: number; list: string }) => `Approvals so far (${p.n} of ${p.of}): ${p.list}`,
  rollbackWhat: (p: { instance: string; job?: string }) => `*Rollback* of the migration of ${p.instance}${p.job ? ` (job ${p.job})` : ''}.`,
  rollbackCreatedEntries: (p: { count: number }) => `the DNAT ${p.count === 1 ? 'entry' : 'entries'} the migration created`,
  rollbackMoveBack: (p: { entries: string }) => `*DNAT entry to move back in place* (ModifyForwardEntry)\n${p.entries}`,
  rollbackDelete: (p: { count: number; entries: string }) => `*DNAT ${p.count === 1 ? 'entry' : 'entries'} to delete*\n${p.entries}`,
  rollbackOriginal: (p: { inPlace: boolean; recipe: string }) => `*Original IP mapping to ${p.inPlace ? 'restore' : 'recreate'}*\n${p.recipe}`,
  rollbackEni: (p: { eni?: string }) => `*ENI to detach and delete*: ${p.eni ?? 'the one the migration created'}`,
  approveButton: () => 'Approve',
  rejectButton: () => 'Reject',
  cancelButton: () => 'Cancel',
  approveConfirmTitle: () => 'Approve this change?',
  approveConfirmBatch: (p: { count: number }) => `This deletes ${p.count} DNAT IP mapping${p.count === 1 ? '' : 's'} (canary first) and moves each EIP to a new ENI.`,
  approveConfirmMigrate: (p: { entry: string; from: string; to: string }) => `This deletes DNAT entry ${p.entry} (${p.from} → ${p.to}) and moves the EIP to a new ENI.`,
  approveConfirmRollback: (p: { entry: string }) => `This removes the new DNAT entries and recreates ${p.entry}'s mapping.`,
  approvalTextBatch: (p: { title: string; count: number }) => `${p.title}: deletes ${p.count} DNAT IP mapping${p.count === 1 ? '' : 's'}. Approve or Reject in the thread.`,
  approvalText: (p: { title: string; stop: boolean; entry: string; from: string; to: string }) => `${p.title}: ${p.stop ? 'STOPS AND STARTS the instance, ' : ''}deletes ${p.entry} (${p.from} → ${p.to}). Approve or Reject in the thread.`,
  approvalStopNotice: (p: { instance: string }) =>
    `:warning: *The instance will be stopped and started.* ${p.instance} takes a second ENI only while Stopped (--allow-stop): after the approval it is stopped (StopInstance, KeepCharging), the ENI is attached, and it is started again before the cutover. It answers nothing while it is down.`,
  approveConfirmStop: () => 'The instance will be STOPPED and STARTED. ',
  approvalOutcomeApproved: (p: { by: string; at: string }) => `:white_check_mark: *Approved* by ${p.by} ${p.at}`,
  approvalOutcomeRejected: (p: { by: string; at: string }) => `:x: *Rejected* by ${p.by} ${p.at}`,
  approvalOutcomeExpired: (p: { at: string }) => `:hourglass: *Expired* ${p.at}: nobody decided in time`,
  approvalOutcomeSuperseded: (p: { at: string; reason: string }) => `:arrows_counterclockwise: *Superseded* ${p.at}: ${p.reason}`,
  supersededByDrift: () => 'the live state changed; a new approval request follows',
  supersededByFinish: (p: { outcome: string }) => `the job finished (${p.outcome})`,
  supersededByNewRequest: () => 'a new approval request replaces this one',
  decidedText: (p: { title: string; decision: string }) => `${p.title}: ${p.decision}`,
  approvalCardTooBig: () => '_The full approval card did not fit in one Slack message; the plan is in this thread._',
};
