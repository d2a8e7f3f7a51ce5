// One audit reply per event in a job's thread: time, actor, what happened (blocks/audit.ts).
type Kind = 'migrate' | 'rollback' | 'preview' | 'batch';

export const en = {
  auditQueued: (p: { at: string; kind: Kind; by: string; instance: string; region: string; job: string }) =>
    p.kind === 'batch'
      ? `:inbox_tray: ${p.at} *Batch queued* by ${p.by}: every IP-mapped instance of ${p.instance} in ${p.region} (batch ${p.job})`
      : `:inbox_tray: ${p.at} *${p.kind === 'rollback' ? 'Rollback' : p.kind === 'preview' ? 'Dry run' : 'Migration'} queued* by ${p.by}: ${p.instance} in ${p.region} (job ${p.job})`,
  /** A step's title as the engine names it; `title` is the engine's own English wording. */
  stepTitle: (p: { step: string; title: string }) => p.title,
  auditStepDone: (p: { at: string; title: string; by: string }) => `:white_check_mark: ${p.at} *${p.title}* — by ${p.by}`,
  auditStepDoneText: (p: { title: string; calls: string }) => `${p.title} done${p.calls ? `: ${p.calls}` : ''}`,
  auditApprovedOne: (p: { at: string; by: string; n: number; of: number }) => `:+1: ${p.at} ${p.by} *approved* (${p.n} of ${p.of})`,
  auditApproved: (p: { at: string; by: string }) => `:white_check_mark: ${p.at} *Approved* by ${p.by}`,
  auditRejected: (p: { at: string; by: string }) => `:x: ${p.at} *Rejected* by ${p.by}`,
  auditExpired: (p: { at: string }) => `:hourglass: ${p.at} *Approval expired*: nobody decided in time`,
  auditDriftedText: (p: { differences: string }) => `The live state changed since the plan was approved: ${p.differences}`,
  auditDrifted: (p: { at: string; from: string; to: string; list: string; more: number }) =>
    `:arrows_counterclockwise: ${p.at} *The live state drifted from the plan* (hash ${p.from} → ${p.to}); approval is asked again:\n${p.list}${p.more ? `\n…and ${p.more} more differences` : ''}`,
  auditOriginalSavedText: (p: { entry: string }) => `Original DNAT entry saved before delete: ${p.entry}`,
  auditOriginalSaved: (p: { at: string; entry: string }) => `:floppy_disk: ${p.at} *Original DNAT entry saved* (it is deleted next):\n${p.entry}`,
  restoreRecipeTitle: () => '*Restore recipe*',
  fullEntryAsRead: () => 'Full entry as read:',
  auditRestored: (p: { at: string; entry: string; reason: string }) => `:leftwards_arrow_with_hook: ${p.at} *Original mapping restored*: ${p.entry}\nReason: ${p.reason}`,
  auditFailed: (p: { at: string; step: string; code: string; message: string; action?: string; requestId?: string }) => {
    const where = [p.action ? `action ${p.action}` : '', p.requestId ? `RequestId ${p.requestId}` : ''].filter(Boolean).join(' · ');
    return `:rotating_light: ${p.at} *Step ${p.step} failed*: ${p.code} ${p.message}${where ? `\n${where}` : ''}`;
  },
  auditCancelRequested: (p: { at: string; by: string }) => `:octagonal_sign: ${p.at} *Cancel requested* by ${p.by}`,
  auditRefusedClickText: (p: { action: 'approve' | 'reject'; user: string; reason: string }) => `Refused ${p.action} click by ${p.user}: ${p.reason}`,
  auditRefusedClick: (p: { at: string; user: string; action: 'approve' | 'reject'; code: string; reason: string }) =>
    `:no_entry_sign: ${p.at} ${p.user} clicked *${p.action === 'approve' ? 'Approve' : 'Reject'}* — refused (${p.code}): ${p.reason}`,
  noChangeMade: () => 'No change was made.',
  auditWindowWaiting: (p: { at: string; until: string; tz: string }) =>
    `:hourglass_flowing_sand: ${p.at} *Waiting for the change window* until ${p.until} (${p.tz}): a change freeze is on, so the cutover starts when it ends.`,
  auditRestoreAsked: (p: { at: string; user: string; eni: string }) =>
    `:leftwards_arrow_with_hook: ${p.at} ${p.user} clicked *Restore* for ENI ${p.eni}: the original mapping is put back from the ENI's tags.`,
  auditReplayIgnored: (p: { at: string; user?: string; what: string }) =>
    `:no_entry_sign: ${p.at} Ignored a replayed request${p.user ? ` signed for ${p.user}` : ''}: ${p.what}. No change was made.`,
  previewFailed: (p: { at: string; scan: boolean; job: string; code: string; message: string }) =>
    `:rotating_light: ${p.at} ${p.scan ? 'Scan' : 'Dry run'} ${p.job} could not finish: ${p.code} ${p.message}`,
  /** A refused click's reason: the engine's sentence in English; other languages word it from the code. */
  clickRefusalReason: (p: { code: string; job: string; reason: string }) => p.reason,
  slackRefusedAlert: (p: { job: string; reason: string; minimal: boolean; command: string }) =>
    `:warning: Slack refused a message of job ${p.job} (${p.reason}), ${p.minimal ? 'so a shortened version was posted instead' : 'so it was skipped'}. The job itself is not affected; ${p.command} shows where it is.`,
};
