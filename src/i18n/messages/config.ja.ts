import type { SameMessages } from '../message-type.ts';
import type { en as En } from './config.en.ts';

// `/natmigrate config language …`: チャンネルの言語（承認者が表示・設定）。
export const ja: SameMessages<typeof En> = {
  configLanguageIs: (p) =>
    p.source === 'channel'
      ? `${p.channel} のジョブスレッドは${p.name}（\`${p.lang}\`）で表示されます（このチャンネルの設定）。承認者は \`/natmigrate config language ja|en|default\` で変更できます。`
      : `${p.channel} のジョブスレッドは${p.name}（\`${p.lang}\`）で表示されます（デプロイの既定値 NATMIGRATE_LANGUAGE）。承認者は \`/natmigrate config language ja|en\` で変更できます。`,
  configLanguageNotApprover: (p) =>
    `:no_entry_sign: チャンネルの言語を変更できるのは承認者（${p.approvers}）だけです（\`NotApprover\`）。何も変更していません。`,
  configLanguageSet: (p) =>
    `:globe_with_meridians: ${p.channel} のジョブスレッドは次のジョブから${p.name}（\`${p.lang}\`）になります。実行中のジョブは元の言語のままです。`,
  configLanguageAudit: (p) =>
    `:globe_with_meridians: ${p.at} ${p.user} がこのチャンネルの言語を${p.name}（\`${p.lang}\`）に設定しました。以降のジョブスレッド、カード、監査ログはこの言語で表示されます。`,
  configLanguageDefaultAudit: (p) =>
    `:globe_with_meridians: ${p.at} ${p.user} がこのチャンネルの言語設定を解除しました。以降のジョブスレッドは既定の${p.name}（\`${p.lang}\`）で表示されます。`,
};
