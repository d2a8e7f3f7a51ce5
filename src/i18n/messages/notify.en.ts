// Approvers being told (a mention in the job's thread, or a DM), the reminder at 80 % of the approval's lifetime,
// and the requester's DM when the job ends.
export const en = {
  notifyApprovalAsked: (p: { who: string; job: string; subject: string; requester: string; until: string; required: number }) =>
    `:bell: ${p.who}: ${p.requester} asks for approval of ${p.job} (${p.subject}); ${p.required} approver(s) needed, open until ${p.until}. Review the approval card in this thread.`,
  notifyApprovalReminder: (p: { who: string; job: string; subject: string; until: string; missing: number }) =>
    `:alarm_clock: Reminder ${p.who}: ${p.job} (${p.subject}) still needs ${p.missing} approval(s); the request expires at ${p.until} and the staging is then undone.`,
  notifyApprovalAskedDm: (p: { job: string; subject: string; requester: string; channel: string; until: string }) =>
    `:bell: ${p.requester} asks for your approval of ${p.job} (${p.subject}) in ${p.channel}, open until ${p.until}. Approve or reject on the approval card in the job's thread, or in natmigrate's Home tab.`,
  notifyApprovalReminderDm: (p: { job: string; subject: string; channel: string; until: string; missing: number }) =>
    `:alarm_clock: Reminder: ${p.job} (${p.subject}) in ${p.channel} still needs ${p.missing} approval(s); it expires at ${p.until}.`,
  notifyJobEndedDm: (p: { job: string; subject: string; label: string; outcome: string; channel: string; summary: string }) =>
    `Your job ${p.job} (${p.subject}) in ${p.channel} ended: ${p.label} (${p.outcome}).\n${p.summary}`,
  notifyBatchSubject: (p: { count: number }) => `batch of ${p.count} instance(s)`,
};
