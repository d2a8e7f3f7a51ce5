import type { Command } from '../../../domain/command.ts';
import { msg } from '../../../i18n/catalog.ts';
import { formatDateTime } from '../../../i18n/time.ts';
import { ephemeral, type CommandReply, type Invocation, type SlackDeps } from '../deps.ts';
import { channelLink } from './command-replies.ts';

/**
 * `/natmigrate config language [ja|en|default]`: anyone may ask which language the channel's job threads use;
 * only approvers (the same check as Approve) may set or clear it. A change is announced in the channel, in the new
 * language, with who and when: the channel's history is its audit.
 */
export async function handleConfig(cmd: Extract<Command, { kind: 'config' }>, inv: Invocation, deps: SlackDeps): Promise<CommandReply> {
  const t = msg(inv.lang);
  const channel = channelLink(inv.channelId);
  if (cmd.value === undefined) {
    const lang = await deps.languages.channelLanguage(inv.channelId);
    const source = (await deps.languages.hasChannelLanguage(inv.channelId)) ? 'channel' : 'default';
    return ephemeral(t.configLanguageIs({ channel, name: t.languageName({ lang }), lang, source }));
  }
  if (!(await deps.authz.isApprover(inv.userId))) return ephemeral(t.configLanguageNotApprover({ approvers: deps.authz.describeApprovers(inv.lang) }));
  const value = cmd.value;
  await deps.languages.setChannelLanguage(inv.channelId, value === 'default' ? undefined : value);
  const lang = value === 'default' ? deps.languages.defaultLanguage : value;
  // The announcement is in the channel's new language; the answer to the approver in theirs.
  const c = msg(lang);
  const audit = { user: `<@${inv.userId}>`, name: c.languageName({ lang }), lang, at: formatDateTime(deps.now(), lang) };
  const text = value === 'default' ? c.configLanguageDefaultAudit(audit) : c.configLanguageAudit(audit);
  const announce = () => deps.announce(inv.channelId, text);
  if (inv.defer) inv.defer(announce);
  else await announce();
  deps.log.info({ userId: inv.userId, channelId: inv.channelId, lang: value }, 'channel language set');
  return ephemeral(t.configLanguageSet({ channel, name: t.languageName({ lang }), lang }));
}
