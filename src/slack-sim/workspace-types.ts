/** The fake workspace's public shapes: its options, what it records, and the handle tests drive it with. */
import type { ConversationKind, PlatformRule } from './platform-rules.ts';

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  isAdmin?: boolean;
  /** The person's Slack language setting, e.g. 'ja-JP' (default 'en-US'); users.info sends it only with include_locale. */
  locale?: string;
  /** The person's time zone as users.info and users.list give it (`tz`, an IANA name; default 'Etc/UTC'). */
  tz?: string;
}

export interface FakeSlackOptions {
  port?: number;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeUser[];
  /** usergroup id (S…) → member user ids */
  usergroups?: Record<string, string[]>;
  /** channel id → name. Any other conversation is `channel_not_found`, unless `strictChannels: false` (then a
   * channel-shaped id is created on first use). */
  channels?: Record<string, string>;
  strictChannels?: boolean;
  /** What kind each conversation is; default by id: D… an IM, G… private, else public. */
  channelKinds?: Record<string, ConversationKind>;
  /** Archived conversations: nothing can be posted or edited there (`is_archived`). */
  archived?: string[];
  /** The app's bot scopes (default: INSTALLED_SCOPES, the manifest's). */
  scopes?: readonly string[];
  /** Time each Web API call takes, by method (`default` for the rest); default DEFAULT_LATENCY_MS. */
  latencyMs?: Record<string, number>;
  /** Platform rules this workspace does not enforce; each test names the ones it relaxes. */
  relax?: PlatformRule[];
  /**
   * Rate limits run this many times as fast (default 1, Slack's own): every bucket still applies and still answers
   * 429, only it refills sooner. A named relaxation for tests that are not about pacing; the app's outbox is given
   * the same `paceScale`.
   */
  paceScale?: number;
  /** Delays before the retries of an event the app did not take (default as documented: 0, 1 min, 5 min). */
  eventRetryDelaysMs?: readonly number[];
  /** Where the bot listens (HTTP mode); can also be set later with `connectBot`. */
  botUrl?: string;
  signingSecret?: string;
}

export type Fault =
  | { kind: 'rate_limited'; retryAfterSec: number }
  | { kind: 'http'; status: number }
  | { kind: 'error'; error: string }
  | { kind: 'hang'; ms: number };

export interface RecordedCall {
  seq: number;
  method: string;
  at: number;
  params: Record<string, unknown>;
  authorization?: string;
  contentType?: string;
  status: number;
  response: Record<string, unknown> | undefined;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  edits: { at: number; text: string; blocks?: unknown[] }[];
  deleted?: boolean;
  /** Files shared with this message (files.completeUploadExternal). */
  files?: { id: string; name: string; title: string; size: number }[];
  /** Message metadata (https://docs.slack.dev/messaging/message-metadata), returned by history/replies only
   * with include_all_metadata. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** What a person typed or picked in a modal, by block_id then action_id. */
export type ViewValues = Record<string, Record<string, ViewValue>>;
export type ViewValue =
  | { type: 'plain_text_input'; value: string }
  | { type: 'static_select' | 'external_select'; selected_option: { text: { type: 'plain_text'; text: string }; value: string } | null }
  | { type: 'multi_static_select' | 'multi_external_select'; selected_options: { text: { type: 'plain_text'; text: string }; value: string }[] }
  | { type: 'checkboxes'; selected_options: { text: { type: 'plain_text'; text: string }; value: string }[] }
  | { type: 'conversations_select'; selected_conversation: string | null };

/** A view the app opened (a modal) or published (a person's App Home). */
export interface FakeView {
  id: string;
  user: string;
  kind: 'modal' | 'home';
  /** As the app sent it (blocks parsed). */
  view: Record<string, unknown>;
  hash: string;
  at: number;
  /** A modal is closed once submitted without a response_action (or cleared). */
  open: boolean;
  /** The errors of the last `response_action: errors`, by block_id. */
  errors?: Record<string, string>;
}

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  /** Declared length (getUploadURLExternal) and what arrived at the upload URL. */
  length: number;
  content?: Buffer;
  /** Where it was shared, once completed. */
  channel?: string;
  threadTs?: string;
  ts?: string;
  completed: boolean;
}

export interface EphemeralRecord {
  via: 'api' | 'response_url';
  channel?: string;
  user?: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  at: number;
  /** Rendered as the user sees it. */
  shown: string;
}

export interface ResponseUrlRecord {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

export interface BotReply {
  status: number;
  text: string;
  /** Parsed JSON body when it was JSON (the slash command's ack payload). */
  json?: Record<string, unknown>;
  rawBody: string;
  timestamp: number;
  signature: string;
}

/** What became of one event: whether Slack sends it at all (subscribed, scoped), its id, and every attempt. */
export interface EventDelivery {
  sent: boolean;
  eventId?: string;
  attempts: BotReply[];
}

export interface SlashOptions {
  command?: string;
  /** Request timestamp in seconds (default now). */
  timestamp?: number;
  /** Sign with this secret instead of the right one. */
  secret?: string;
}

export interface ClickOptions {
  /** Which button (action_id); the message must hold it unless `value` is given too. */
  actionId: string;
  /** Override the button value (tampering). */
  value?: string;
  /** Pretend the click came from this channel / thread (container fields), to test binding. */
  channelId?: string;
  threadTs?: string;
  timestamp?: number;
  secret?: string;
}
export interface FakeSlack {
  readonly url: string;
  readonly apiUrl: string;
  readonly port: number;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly botToken: string;
  readonly appToken: string;
  calls(method?: string): RecordedCall[];
  /** Inject a fault for the next `times` calls of `method` (a queue: faults run in the order added). */
  fail(method: string, fault: Fault, times?: number): void;
  clearFaults(): void;
  setUsergroup(id: string, members: string[]): void;
  /** A conversation created after the start (a private channel: ids start with C since 2021, like public ones). */
  addChannel(id: string, name: string, kind: ConversationKind): void;
  /** Who is in a channel (default: every user, the bot included). */
  setChannelMembers(channel: string, members: string[]): void;
  /** Someone invites the bot (`/invite @natmigrate`): it becomes a member, and the app gets member_joined_channel. */
  inviteBot(channel: string, inviter: string): Promise<EventDelivery>;
  /** The bot is removed from the conversation: no longer a member, and the app gets member_left_channel. */
  removeBot(channel: string): Promise<EventDelivery>;
  /**
   * A person joins or leaves a conversation. The app hears it (member_joined_channel / member_left_channel) only if
   * the bot is in that conversation (https://docs.slack.dev/reference/events/member_joined_channel: "Sent to all
   * members of a channel"); otherwise the answer is `{ sent: false }`.
   */
  joinChannel(channel: string, user: string): Promise<EventDelivery>;
  leaveChannel(channel: string, user: string): Promise<EventDelivery>;
  archiveChannel(channel: string): void;
  /** Every Web API call takes this long (ms), or only `method`'s. */
  setLatency(ms: number, method?: string): void;
  /** Calls answered 429 so far, by method. */
  refused(): Record<string, number>;
  addUser(user: FakeUser): void;
  /** Top-level messages of a channel, oldest first. */
  channelMessages(channel: string): FakeMessage[];
  /** Root and replies of a thread, oldest first. */
  thread(channel: string, threadTs: string): FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** The thread as a person reads it now (edits applied): one string per message. */
  transcript(channel: string, threadTs: string): string[];
  render(msg: FakeMessage): string;
  renderText(text: string): string;
  ephemerals(user?: string): EphemeralRecord[];
  /** What the bot sent a person in its DM with them (conversations.open + chat.postMessage), oldest first. */
  directMessages(userId: string): FakeMessage[];
  /** Files uploaded so far (completed or not). */
  files(): FakeFile[];
  responses(): ResponseUrlRecord[];
  /** HTTP mode: where to deliver people's requests. */
  connectBot(opts: { url: string; signingSecret: string }): void;
  /** Socket Mode: resolves once a client connected and got `hello`. */
  socketConnected(): Promise<void>;
  /** A person types `/natmigrate <text>` in a channel. */
  slash(userId: string, channelId: string, text: string, opts?: SlashOptions): Promise<BotReply>;
  /** A person clicks a button on a message. */
  click(userId: string, channelId: string, messageTs: string, opts: ClickOptions): Promise<BotReply>;
  /** A person uses a global shortcut (callback_id); Slack sends a trigger_id good for 3 s. */
  shortcut(userId: string, callbackId: string): Promise<BotReply>;
  /** A person opens the app's Home tab (app_home_opened), then Slack re-sends the same event `retries` times. */
  openHome(userId: string, retries?: number): Promise<EventDelivery>;
  /** A person clicks a button in a view (App Home or modal); `forgeValue` sends it with another value (tampering). */
  clickView(userId: string, viewId: string, actionId: string, value?: string, o?: { forgeValue?: string }): Promise<BotReply>;
  /** A person types in an external select of a view: block_suggestion, the options come back in the reply. */
  suggest(userId: string, viewId: string, blockId: string, actionId: string, value: string): Promise<BotReply>;
  /** A person picks an option of a select that dispatches actions (block_actions from the view). */
  selectInView(userId: string, viewId: string, blockId: string, actionId: string, option: { text: string; value: string }): Promise<BotReply>;
  /** A person submits a modal: what it shows (initial values) with these values on top, by block_id. */
  submitView(userId: string, viewId: string, values: ViewValues): Promise<BotReply>;
  view(id: string): FakeView | undefined;
  /** The App Home view published for a person. */
  homeView(userId: string): FakeView | undefined;
  /** Modals opened for a person, oldest first. */
  modals(userId: string): FakeView[];
  /** Send an exact raw body with explicit headers (replays, bad signatures). */
  sendRaw(body: string, headers: Record<string, string>): Promise<BotReply>;
  waitFor<T>(probe: () => T | undefined | false, opts?: { timeoutMs?: number; what?: string }): Promise<T>;
  close(): Promise<void>;
}
