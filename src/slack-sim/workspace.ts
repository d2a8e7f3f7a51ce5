import { DEFAULT_LATENCY_MS, INSTALLED_SCOPES, type ConversationKind, type PlatformRule } from './platform-rules.ts';
import { RateLimiter } from './rate-limits.ts';
import { renderMessage, type NameLookup } from './render.ts';
import type { EphemeralRecord, FakeFile, FakeMessage, FakeSlackOptions, FakeUser, FakeView, Fault, RecordedCall } from './workspace-types.ts';

/**
 * The fake workspace's state: people, groups, channels and who is in them, the messages (threads, edits), the
 * ephemerals shown, uploaded files, every Web API call received and the faults queued for the next ones.
 */
export class Workspace {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly strictChannels: boolean;

  readonly users = new Map<string, FakeUser>();
  /** usergroup id → member user ids */
  readonly groups: Map<string, string[]>;
  /** channel id → name */
  readonly channels: Map<string, string>;
  /** Who is in a channel, when set; otherwise everyone. */
  readonly channelMembers = new Map<string, string[]>();
  private readonly messages = new Map<string, FakeMessage[]>();
  private readonly lastTsMicros = new Map<string, number>();
  readonly calls: RecordedCall[] = [];
  readonly faults = new Map<string, Fault[]>();
  readonly ephemerals: EphemeralRecord[] = [];
  /** file id → file */
  readonly files = new Map<string, FakeFile>();
  /** view id → view (modals and App Home tabs). */
  readonly views = new Map<string, FakeView>();
  /** user id → the id of their App Home view. */
  readonly homeOf = new Map<string, string>();
  /** trigger_id → who it was issued to and when (views.open takes it once, within 3 s). */
  readonly triggers = new Map<string, { user: string; at: number; used: boolean }>();
  private seq = 0;
  /** `http://127.0.0.1:<port>`, set once the server listens. */
  baseUrl = '';
  readonly relaxed: ReadonlySet<PlatformRule>;
  readonly scopes: ReadonlySet<string>;
  readonly archived: Set<string>;
  readonly latencyMs: Map<string, number>;
  readonly kinds: Map<string, ConversationKind>;
  readonly rateLimiter: RateLimiter;

  readonly names: NameLookup = {
    user: (id) => this.users.get(id)?.name,
    group: (id) => (this.groups.has(id) ? id.toLowerCase() : undefined),
    channel: (id) => this.channels.get(id),
  };

  constructor(opts: FakeSlackOptions) {
    this.teamId = opts.teamId ?? 'T0FAKE';
    this.teamDomain = opts.teamDomain ?? 'fake';
    this.appId = opts.appId ?? 'A0FAKEAPP';
    this.botToken = opts.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = opts.appToken ?? 'xapp-fake-app-token';
    this.botUserId = opts.botUserId ?? 'U0BOT';
    this.botId = opts.botId ?? 'B0BOT';
    this.strictChannels = opts.strictChannels ?? true;
    this.relaxed = new Set(opts.relax ?? []);
    this.rateLimiter = new RateLimiter(Date.now, opts.paceScale ?? 1);
    this.scopes = new Set(opts.scopes ?? INSTALLED_SCOPES);
    this.archived = new Set(opts.archived ?? []);
    this.latencyMs = new Map(Object.entries({ default: DEFAULT_LATENCY_MS, ...(opts.latencyMs ?? {}) }));
    this.kinds = new Map(Object.entries(opts.channelKinds ?? {}));
    this.users.set(this.botUserId, { id: this.botUserId, name: 'natmigrate' });
    for (const u of opts.users ?? []) this.users.set(u.id, u);
    this.groups = new Map(Object.entries(opts.usergroups ?? {}));
    this.channels = new Map(Object.entries(opts.channels ?? {}));
  }

  /** A trigger_id for an interaction of this person (slash command, shortcut, click). */
  issueTrigger(user: string): string {
    const id = `${Math.floor(Date.now() / 1000)}.${this.nextSeq()}.${Math.random().toString(16).slice(2, 18)}`;
    this.triggers.set(id, { user, at: Date.now(), used: false });
    return id;
  }

  /** One counter for call numbers, file ids and response URLs. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Monotonic per channel, microsecond-shaped like Slack's "1700000000.000100". */
  nextTs(channel: string): string {
    const now = Date.now() * 1000;
    const last = this.lastTsMicros.get(channel) ?? 0;
    const micros = Math.max(now, last + 1);
    this.lastTsMicros.set(channel, micros);
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** The IM between the bot and a person (conversations.open), created on first use: `D` + the user id. */
  imOf(userId: string): string {
    const id = `D${userId}`;
    if (!this.channels.has(id)) {
      this.channels.set(id, this.userName(userId));
      this.kinds.set(id, 'im');
      this.channelMembers.set(id, [userId, this.botUserId]);
    }
    return id;
  }

  /** The IMs the bot opened, by user id. */
  directMessages(userId: string): FakeMessage[] {
    return this.channelLog(`D${userId}`).filter((m) => !m.deleted);
  }

  /** Unknown channels with a channel-shaped id are created on first use, unless strictChannels. */
  knownChannel(id: string): boolean {
    if (this.channels.has(id)) return true;
    if (this.strictChannels || !/^[CGD][A-Z0-9]+$/.test(id)) return false;
    this.channels.set(id, id.toLowerCase());
    return true;
  }

  enforces(rule: PlatformRule): boolean {
    return !this.relaxed.has(rule);
  }

  channelKind(id: string): ConversationKind {
    return this.kinds.get(id) ?? (id.startsWith('D') ? 'im' : id.startsWith('G') ? 'private' : 'public');
  }

  /** Who is in a conversation: as set, else everyone (the bot included) in a channel, nobody in an IM. */
  members(channel: string): string[] {
    const set = this.channelMembers.get(channel);
    if (set) return set;
    return this.channelKind(channel) === 'im' || this.channelKind(channel) === 'mpim' ? [] : [...this.users.keys()];
  }

  botInChannel(channel: string): boolean {
    return !this.enforces('membership') || this.members(channel).includes(this.botUserId);
  }

  isArchived(channel: string): boolean {
    return this.enforces('membership') && this.archived.has(channel);
  }

  latencyOf(method: string): number {
    if (!this.enforces('latency')) return 0;
    return this.latencyMs.get(method) ?? this.latencyMs.get('default') ?? 0;
  }

  userName(id: string): string {
    return this.users.get(id)?.name ?? id.toLowerCase();
  }

  channelName(id: string): string {
    return this.channels.get(id) ?? id.toLowerCase();
  }

  /** Every message of a channel (top level and replies, deleted ones too), oldest first. */
  channelLog(channel: string): FakeMessage[] {
    return this.messages.get(channel) ?? [];
  }

  findMessage(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** A reply must go under a top-level message of the same channel. */
  isThreadRoot(channel: string, ts: string): boolean {
    const root = this.findMessage(channel, ts);
    return Boolean(root && !root.threadTs);
  }

  postAsBot(channel: string, text: string, extra: Pick<FakeMessage, 'blocks' | 'threadTs' | 'files' | 'metadata'> = {}): FakeMessage {
    const msg: FakeMessage = { channel, ts: this.nextTs(channel), user: this.botUserId, botId: this.botId, text, edits: [] };
    if (extra.metadata) msg.metadata = extra.metadata;
    if (extra.files) msg.files = extra.files;
    if (extra.blocks) msg.blocks = extra.blocks;
    if (extra.threadTs) msg.threadTs = extra.threadTs;
    let list = this.messages.get(channel);
    if (!list) this.messages.set(channel, (list = []));
    list.push(msg);
    return msg;
  }

  /** Keep the version a message had before an edit. */
  keepEdit(m: FakeMessage): void {
    m.edits.push({ at: Date.now(), text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) });
  }

  showEphemeral(rec: Omit<EphemeralRecord, 'shown'>): void {
    const full: EphemeralRecord = { ...rec, shown: '' };
    full.shown = renderMessage(full, this.names);
    this.ephemerals.push(full);
  }

  /** A message as the Web API returns it (its metadata only when asked for, as include_all_metadata does). */
  wireMessage(m: FakeMessage, o: { metadata?: boolean } = {}): Record<string, unknown> {
    const out: Record<string, unknown> = { type: 'message', user: m.user, bot_id: m.botId, app_id: this.appId, text: m.text, ts: m.ts, team: this.teamId };
    if (m.blocks) out.blocks = m.blocks;
    if (m.threadTs) out.thread_ts = m.threadTs;
    if (m.edits.length) out.edited = { user: m.user, ts: m.ts };
    if (o.metadata && m.metadata) out.metadata = m.metadata;
    return out;
  }
}
