// What a person who clicked a button is told, only to them (slack/listeners/actions/*).
export const en = {
  clickFailed: (p: { ref: string; checkThread: boolean }) =>
    `:rotating_light: natmigrate could not process this click (reference \`${p.ref}\`)${p.checkThread ? '; check the thread before clicking again' : ''}.`,
  clickRefused: (p: { code: string; job: string; reason: string }) => `:no_entry_sign: ${p.reason}`,
  clickTampered: () => 'This button carries an invalid value, so the click was ignored; nothing was recorded.',
  clickTamperedCard: () => 'This button\'s value does not match the approval card it was clicked on, so the click was ignored; nothing was recorded.',
  clickUnknownJob: (p: { job: string }) => `No approval request for job ${p.job} is known here; nothing was recorded.`,
  clickNotAwaiting: (p: { job: string }) => `Job ${p.job} is not waiting for an approval; nothing was recorded.`,
  clickRejected: (p: { job: string }) => `:white_check_mark: You rejected ${p.job}; the staged ENI will be removed and nothing else changes.`,
  clickApproved: (p: { job: string; n: number; of: number }) => `:white_check_mark: You approved ${p.job} (${p.n} of ${p.of}); the cutover starts now. Follow the thread.`,
  clickRecorded: (p: { job: string; n: number; of: number }) =>
    `:white_check_mark: Your approval of ${p.job} is recorded (${p.n} of ${p.of}); ${p.of - p.n} more approver(s) needed.`,
  invalidButtonQueued: () => ':no_entry_sign: This button carries an invalid value; nothing was queued.',
  invalidButtonChanged: () => ':no_entry_sign: This button carries an invalid value; nothing was changed.',
  driftNotAllowed: (p: { requesters: string }) =>
    `:no_entry_sign: You are not allowed to plan migrations: requests are limited to ${p.requesters} (NATMIGRATE_REQUESTERS). Nothing was queued.`,
  driftPlanQueued: (p: { instance: string; job: string }) =>
    `Dry run of ${p.instance} queued (job ${p.job}); the plan will be posted in this alert's thread. Nothing will be changed.`,
  restoreApproversOnly: (p: { approvers: string }) => `:no_entry_sign: Only approvers may restore: ${p.approvers} (NATMIGRATE_APPROVERS). Nothing was changed.`,
  restoreUnavailable: () => ':no_entry_sign: This deployment cannot restore from the cloud journal here; run `natmigrate reconcile --restore` instead.',
  restoreStarted: (p: { eni: string; user: string }) => `:hourglass_flowing_sand: Restore of ${p.eni} asked for by ${p.user}: restoring the original mapping from the ENI's tags…`,
  restoreDone: (p: { message: string }) => `:white_check_mark: ${p.message}; the job's thread has the details.`,
  restoreFailed: (p: { message: string }) => `:warning: Not restored: ${p.message}`,
};
