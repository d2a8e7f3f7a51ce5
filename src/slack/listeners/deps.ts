import type { InventoryPort, MigrationService } from '../../engine/ports.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Languages } from '../language.ts';
import type { Authz } from '../authz.ts';
import type { ChannelCheck } from '../channels.ts';
import type { Log } from '../slack-log.ts';
import { truncate } from '../mrkdwn.ts';
import type { SlackWebClient } from '../web-call.ts';
import type { Outbox } from '../outbox/index.ts';
import type { Visibility } from '../visibility.ts';
import type { AckBudget } from '../ack-budget.ts';

/** What every listener needs; built once by the app factory. */
export interface SlackDeps {
  service: MigrationService;
  outbox: Outbox;
  authz: Authz;
  channels: ChannelCheck;
  /** Who may see a job outside its thread (a private channel's jobs: its members only). */
  visibility: Visibility;
  /** The channel's and each person's language (language.ts). */
  languages: Languages;
  /** Post one line in a channel (a channel-wide audit line that belongs to no job, e.g. a language change). */
  announce(channelId: string, text: string): Promise<void>;
  /** Web API calls a listener makes itself after its ack (file uploads, views, DMs); retries as the app's clients do. */
  web: SlackWebClient;
  /** Read-only cloud reads for the start modal's selects (absent: the modal lists nothing to pick). */
  inventory?: InventoryPort;
  defaultRegion: string;
  log: Log;
  now: () => Date;
}

/** What a subcommand answers with: the slash command's ack body (ephemeral unless said otherwise). */
export interface CommandReply {
  response_type?: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: unknown[];
}

/** An answer only the invoker sees; `text` is mrkdwn whose untrusted parts are already escaped (../mrkdwn.ts). */
export const ephemeral = (text: string): CommandReply => ({ response_type: 'ephemeral', text: truncate(text, EPHEMERAL_MAX) });

/** Slack shows long text cut short and recommends under 4,000 characters (https://api.slack.com/methods/chat.postMessage#truncating). */
const EPHEMERAL_MAX = 3900;

/** Who typed the command and where. */
export interface Invocation {
  userId: string;
  channelId: string;
  /** The payload's channel_name ('directmessage' in a DM, 'mpdm-…' in a group DM). */
  channelName?: string;
  /** The raw text after `/natmigrate`. */
  text: string;
  /** The language of the answers only this person sees (their Slack locale). */
  lang: Lang;
  /** The person's Slack time zone when the cache knows it (their answers' times are shown in it), else the channel's. */
  tz?: string;
  /** Work that may wait until after the ack (registerCommands runs it once the answer is sent). */
  defer?: (work: () => Promise<unknown>) => void;
  /** The replay check the guard left to the command (replay.ts): `run` does it inside its job claim. */
  replay?: DeferredReplay;
  /** What is left of the time before the ack for checks that ask Slack (absent: they are awaited as they come). */
  budget?: AckBudget;
}

export interface DeferredReplay {
  key: string;
  ttlMs: number;
  /** Records the request; false = seen before (a replay: answer nothing, change nothing). */
  check(): Promise<boolean>;
}

/** A reply that means "ack with nothing": a replayed request is dropped. */
export const DROPPED: CommandReply = { text: '' };
