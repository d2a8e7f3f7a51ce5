import type { MigrationService } from '../../engine/ports.ts';
import type { Authz } from '../authz.ts';
import type { ChannelCheck } from '../channels.ts';
import type { Log, Outbox } from '../outbox.ts';

/** What every listener needs; built once by the app factory. */
export interface SlackDeps {
  service: MigrationService;
  outbox: Outbox;
  authz: Authz;
  channels: ChannelCheck;
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

export const ephemeral = (text: string): CommandReply => ({ response_type: 'ephemeral', text });

/** Who typed the command and where. */
export interface Invocation {
  userId: string;
  channelId: string;
  /** The raw text after `/natmigrate`. */
  text: string;
  /** Work that may finish after the ack (registerCommands awaits it once the answer is sent). */
  defer?: (work: Promise<unknown>) => void;
}
