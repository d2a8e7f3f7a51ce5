// `/natmigrate config language …`: the channel's language, shown and set by approvers.
export const en = {
  configLanguageIs: (p: { channel: string; name: string; lang: string; source: 'channel' | 'default' }) =>
    p.source === 'channel'
      ? `Job threads in ${p.channel} are in ${p.name} (\`${p.lang}\`), set for this channel. An approver can change it with \`/natmigrate config language ja|en|default\`.`
      : `Job threads in ${p.channel} are in ${p.name} (\`${p.lang}\`), the deployment's default (NATMIGRATE_LANGUAGE). An approver can change it with \`/natmigrate config language ja|en\`.`,
  configLanguageNotApprover: (p: { approvers: string }) =>
    `:no_entry_sign: Only approvers (${p.approvers}) may change the channel's language (\`NotApprover\`). Nothing was changed.`,
  configLanguageSet: (p: { channel: string; name: string; lang: string }) =>
    `:globe_with_meridians: Job threads in ${p.channel} will be in ${p.name} (\`${p.lang}\`), starting with the next job. Jobs already running keep their language.`,
  configLanguageAudit: (p: { user: string; name: string; lang: string; at: string }) =>
    `:globe_with_meridians: ${p.at} ${p.user} set this channel's language to ${p.name} (\`${p.lang}\`): new job threads, cards and audit lines here use it.`,
  configLanguageDefaultAudit: (p: { user: string; name: string; lang: string; at: string }) =>
    `:globe_with_meridians: ${p.at} ${p.user} cleared this channel's language: new job threads here use the default, ${p.name} (\`${p.lang}\`).`,
};
