// Answers to `/natmigrate …` that only the person who typed it sees (slack/listeners/commands/*).
export const en = {
  parseError: (p: { error: string }) => `:warning: ${p.error}`,
  commandFailed: (p: { command: string; ref: string }) =>
    `:rotating_light: natmigrate could not process \`${p.command}\` right now (reference \`${p.ref}\`); it may not have completed, so check with \`/natmigrate status\` before trying again.`,
  notAllowedToRequest: (p: { what: 'run' | 'plan' | 'scan' | 'rollback'; requesters: string }) =>
    `You are not allowed to ${{ run: 'run', plan: 'plan', scan: 'scan for', rollback: 'roll back' }[p.what]} migrations: requests are limited to ${p.requesters} (NATMIGRATE_REQUESTERS). Nothing was queued.`,
  threadHint: (p: { channel: string; ts: string }) => ` — thread in ${p.channel} (message ${p.ts})`,
  inviteDirect: () => 'natmigrate posts each job\'s thread, with its approval card, in a channel where the approvers can see it, so it does not run jobs from a direct or group message. Run the command in a channel I am a member of; nothing was queued.',
  inviteArchived: () => 'This channel is archived, so I could not post the job\'s thread here. Run the command in an active channel; nothing was queued.',
  inviteNotVisible: () => 'I cannot see this conversation (a private channel I am not in, or one my scopes do not cover), so I could not post the job\'s thread here. Invite me (`/invite @natmigrate`) or use another channel; nothing was queued.',
  inviteSlackUnavailable: () => 'Slack did not tell me in time whether I can post in this channel, so nothing was queued. Try again in a moment.',
  slackTooSlow: () => 'Slack did not answer in time whether you may request this, so nothing was queued. Try again in a moment.',
  inviteNotMember: () => 'I am not a member of this channel, so I could not post the job\'s thread here. Invite me first (`/invite @natmigrate`) and run the command again; nothing was queued.',
  notQueued: (p: { what: 'preview' | 'scan' | 'batch' | 'run'; reason: string }) =>
    `:warning: ${{ preview: 'Dry run not queued', scan: 'Scan not queued', batch: 'Batch not queued', run: 'Not queued' }[p.what]}: ${p.reason}`,
  planQueued: (p: { instance: string; region: string; job: string }) =>
    `Dry run of ${p.instance} in ${p.region} queued (job ${p.job}); the plan will be posted in this channel. Nothing will be changed.`,
  scanUnavailable: (p: { target: string }) => `Scanning ${p.target} is not available in this deployment; nothing was queued. \`/natmigrate plan <instance-id>\` checks one instance.`,
  scanQueued: (p: { target: string; region: string; job: string }) =>
    `Scan of ${p.target} in ${p.region} queued (job ${p.job}): every instance, DNAT and SNAT entry is read once and the inventory is posted in this channel. Nothing will be changed.`,
  runQueuedLine: (p: { instance: string; job: string }) => `• ${p.instance}: queued as ${p.job}; follow its thread in this channel.`,
  runActiveLine: (p: { instance: string; job: string }) => `• ${p.instance}: already has an active job ${p.job}; nothing new was queued.`,
  runRefusedLine: (p: { instance: string; reason: string }) => `• ${p.instance}: not queued: ${p.reason}`,
  runSummary: (p: { queued: number; total: number; region: string; lines: string }) =>
    `${p.queued} of ${p.total} migration${p.total === 1 ? '' : 's'} queued in ${p.region}:\n${p.lines}`,
  runAsBatchQueued: (p: { count: number; region: string; batch: string }) =>
    `${p.count} instances in ${p.region} queued as one batch ${p.batch}: each is planned and staged (nothing destructive), and one approval in its thread releases the canary first, then the rest. Instances that cannot move are listed in the plan.`,
  batchUnavailable: (p: { command: string }) => `Batch migrations (${p.command}) are not available in this deployment; nothing was queued. Use \`/natmigrate run <instance-id> …\`.`,
  batchQueued: (p: { targets: string; region: string; batch: string }) =>
    `Batch over ${p.targets} in ${p.region} queued as ${p.batch}: every IP-mapped instance is planned from one read of the VPC and staged (nothing destructive); one approval in its thread releases the canary first, then the rest.`,
  cancelNotAllowed: (p: { requesters: string; approvers: string }) =>
    `Only requesters (${p.requesters}) and approvers (${p.approvers}) may cancel jobs. Nothing was changed.`,
  serviceAnswer: (p: { ok: boolean; message: string; hint: string }) => `${p.ok ? ':octagonal_sign: ' : ''}${p.message}${p.hint}`,
  rollbackQueued: (p: { job: string; rollback: string; where: string; message: string }) =>
    `Rollback of ${p.job} queued as ${p.rollback}; it asks for approval${p.where}. ${p.message}`,
  rollbackWhereParent: (p: { job: string; channel: string }) => ` in the thread of ${p.job} in ${p.channel}`,
  rollbackWhereNew: () => ' in a new thread in this channel',
  helpFooter: (p: { region: string; approvers: string }) => `Default region: ${p.region}. Approvers: ${p.approvers}.`,
  anyone: () => 'anyone',
};
