import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  blockActionsPayload,
  interactionBody,
  signedHeaders,
  slashCommandBody,
  slashCommandParams,
} from './signing.ts';
import { renderMessage, renderMrkdwn, type NameLookup } from './render.ts';

/**
 * A fake Slack workspace on loopback: the Web API methods the bot uses (POST form bodies, Slack's response
 * shapes and error codes), a message store with threads and edits, response_url endpoints, Socket Mode
 * (apps.connections.open + a WebSocket), and "people" who type slash commands and click buttons by sending
 * correctly signed requests to the bot. Faults can be injected per method. It never dials anything but the bot.
 */

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  isAdmin?: boolean;
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
  /** channel id → name; unknown channels are created on first use unless `strictChannels`. */
  channels?: Record<string, string>;
  strictChannels?: boolean;
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

interface ResponseUrlInfo {
  channel: string;
  user: string;
  messageTs?: string;
  threadTs?: string;
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
  /** Who is in a channel (default: every user, the bot included). */
  setChannelMembers(channel: string, members: string[]): void;
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
  /** Send an exact raw body with explicit headers (replays, bad signatures). */
  sendRaw(body: string, headers: Record<string, string>): Promise<BotReply>;
  waitFor<T>(probe: () => T | undefined | false, opts?: { timeoutMs?: number; what?: string }): Promise<T>;
  close(): Promise<void>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Limits Slack enforces that our messages could hit; a real workspace answers invalid_blocks / msg_too_long.
function validateBlocks(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > 50) return 'invalid_blocks';
  const plain = (t: unknown, max: number) => isObj(t) && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;
  for (const b of blocks) {
    if (!isObj(b) || typeof b.type !== 'string') return 'invalid_blocks';
    if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length > 255)) return 'invalid_blocks';
    switch (b.type) {
      case 'header':
        if (!plain(b.text, 150) || (b.text as Record<string, unknown>).type !== 'plain_text') return 'invalid_blocks';
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) return 'invalid_blocks';
        if (b.text !== undefined && !plain(b.text, 3000)) return 'invalid_blocks';
        if (b.fields !== undefined && (!Array.isArray(b.fields) || b.fields.length > 10 || !b.fields.every((f) => plain(f, 2000)))) return 'invalid_blocks';
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return 'invalid_blocks';
        break;
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) return 'invalid_blocks';
        for (const e of b.elements) {
          if (!isObj(e) || e.type !== 'button') continue;
          if (!plain(e.text, 75) || (e.text as Record<string, unknown>).type !== 'plain_text') return 'invalid_blocks';
          if (typeof e.action_id !== 'string' || e.action_id.length > 255) return 'invalid_blocks';
          if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000)) return 'invalid_blocks';
        }
        break;
      }
      case 'divider':
      case 'rich_text':
      case 'image':
        break;
      default:
        return 'invalid_blocks';
    }
  }
  return undefined;
}

function parseBlocks(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = opts.teamId ?? 'T0FAKE';
  const teamDomain = opts.teamDomain ?? 'fake';
  const appId = opts.appId ?? 'A0FAKEAPP';
  const botToken = opts.botToken ?? 'xoxb-fake-bot-token';
  const appToken = opts.appToken ?? 'xapp-fake-app-token';
  const botUserId = opts.botUserId ?? 'U0BOT';
  const botId = opts.botId ?? 'B0BOT';

  const users = new Map<string, FakeUser>();
  users.set(botUserId, { id: botUserId, name: 'natmigrate' });
  for (const u of opts.users ?? []) users.set(u.id, u);
  const groups = new Map<string, string[]>(Object.entries(opts.usergroups ?? {}));
  const channels = new Map<string, string>(Object.entries(opts.channels ?? {}));
  const channelMembers = new Map<string, string[]>();
  const messages = new Map<string, FakeMessage[]>();
  const lastTsMicros = new Map<string, number>();
  const calls: RecordedCall[] = [];
  const faults = new Map<string, Fault[]>();
  const ephemerals: EphemeralRecord[] = [];
  const responses: ResponseUrlRecord[] = [];
  const responseUrls = new Map<string, ResponseUrlInfo>();
  const files = new Map<string, FakeFile>();
  let seq = 0;
  let bot: { url: string; signingSecret: string } | undefined =
    opts.botUrl && opts.signingSecret ? { url: opts.botUrl, signingSecret: opts.signingSecret } : undefined;

  const names: NameLookup = {
    user: (id) => users.get(id)?.name,
    group: (id) => (groups.has(id) ? id.toLowerCase() : undefined),
    channel: (id) => channels.get(id),
  };

  function nextTs(channel: string): string {
    // Monotonic per channel, microsecond-shaped like Slack's "1700000000.000100".
    const now = Date.now() * 1000;
    const last = lastTsMicros.get(channel) ?? 0;
    const micros = Math.max(now, last + 1);
    lastTsMicros.set(channel, micros);
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  function knownChannel(id: string): boolean {
    if (channels.has(id)) return true;
    if (opts.strictChannels || !/^[CGD][A-Z0-9]+$/.test(id)) return false;
    channels.set(id, id.toLowerCase());
    return true;
  }

  function store(channel: string): FakeMessage[] {
    let list = messages.get(channel);
    if (!list) messages.set(channel, (list = []));
    return list;
  }

  function findMessage(channel: string, ts: string): FakeMessage | undefined {
    return messages.get(channel)?.find((m) => m.ts === ts);
  }

  function newResponseUrl(info: ResponseUrlInfo): string {
    const path = `/response_url/${teamId}/${++seq}/${randomBytes(6).toString('hex')}`;
    responseUrls.set(path, info);
    return `${base}${path}`;
  }

  type Handler = (p: Record<string, unknown>, auth: string | undefined) => Record<string, unknown>;

  const botAuth = (auth: string | undefined): string | undefined => {
    if (!auth) return 'not_authed';
    return auth === `Bearer ${botToken}` ? undefined : 'invalid_auth';
  };

  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

  const handlers: Record<string, Handler> = {
    'auth.test': (_p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      return { ok: true, url: `https://${teamDomain}.slack.com/`, team: teamDomain, user: 'natmigrate', team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false };
    },
    'apps.connections.open': (_p, auth) => {
      if (auth !== `Bearer ${appToken}`) return { ok: false, error: auth ? 'invalid_auth' : 'not_authed' };
      return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${randomBytes(8).toString('hex')}&app_id=${appId}` };
    },
    'chat.postMessage': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const channel = str(p.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (channelMembers.has(channel) && !channelMembers.get(channel)!.includes(botUserId)) return { ok: false, error: 'not_in_channel' };
      const text = typeof p.text === 'string' ? p.text : '';
      const blocks = parseBlocks(p.blocks);
      const bad = validateBlocks(blocks);
      if (bad) return { ok: false, error: bad };
      if (!text && !(Array.isArray(blocks) && blocks.length)) return { ok: false, error: 'no_text' };
      if (text.length > 40_000) return { ok: false, error: 'msg_too_long' };
      const threadTs = str(p.thread_ts);
      if (threadTs) {
        const root = findMessage(channel, threadTs);
        if (!root || root.threadTs) return { ok: false, error: 'thread_not_found' };
      }
      const ts = nextTs(channel);
      const msg: FakeMessage = { channel, ts, user: botUserId, botId, text, edits: [] };
      if (Array.isArray(blocks)) msg.blocks = blocks;
      if (threadTs) msg.threadTs = threadTs;
      store(channel).push(msg);
      return { ok: true, channel, ts, message: wireMessage(msg) };
    },
    'chat.update': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const channel = str(p.channel);
      const ts = str(p.ts);
      if (!channel || !knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      const msg = ts ? findMessage(channel, ts) : undefined;
      if (!msg || msg.deleted) return { ok: false, error: 'message_not_found' };
      if (msg.user !== botUserId) return { ok: false, error: 'cant_update_message' };
      const blocks = parseBlocks(p.blocks);
      const bad = validateBlocks(blocks);
      if (bad) return { ok: false, error: bad };
      const text = typeof p.text === 'string' ? p.text : msg.text;
      if (text.length > 40_000) return { ok: false, error: 'msg_too_long' };
      msg.edits.push({ at: Date.now(), text: msg.text, ...(msg.blocks ? { blocks: msg.blocks } : {}) });
      msg.text = text;
      if (Array.isArray(blocks)) msg.blocks = blocks;
      return { ok: true, channel, ts: msg.ts, text: msg.text, message: wireMessage(msg) };
    },
    'chat.postEphemeral': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const channel = str(p.channel);
      const user = str(p.user);
      if (!channel || !knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (!user || !users.has(user)) return { ok: false, error: 'user_not_found' };
      const blocks = parseBlocks(p.blocks);
      const bad = validateBlocks(blocks);
      if (bad) return { ok: false, error: bad };
      const text = typeof p.text === 'string' ? p.text : '';
      const rec: EphemeralRecord = { via: 'api', channel, user, text, at: Date.now(), shown: '' };
      if (Array.isArray(blocks)) rec.blocks = blocks;
      const threadTs = str(p.thread_ts);
      if (threadTs) rec.threadTs = threadTs;
      rec.shown = renderMessage(rec, names);
      ephemerals.push(rec);
      return { ok: true, message_ts: nextTs(channel) };
    },
    // files.uploadV2 in @slack/web-api: getUploadURLExternal → POST the bytes to upload_url → completeUploadExternal.
    'files.getUploadURLExternal': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const filename = str(p.filename);
      const length = Number(p.length);
      if (!filename || !Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_arguments' };
      const id = `F${String(++seq).padStart(9, '0')}`;
      files.set(id, { id, name: filename, title: filename, length, completed: false });
      return { ok: true, upload_url: `${base}/upload/v1/${id}/${randomBytes(6).toString('hex')}`, file_id: id };
    },
    'files.completeUploadExternal': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      let list: unknown = p.files;
      if (typeof list === 'string') { try { list = JSON.parse(list); } catch { list = undefined; } }
      if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const channel = str(p.channel_id);
      const threadTs = str(p.thread_ts);
      if (threadTs && !channel) return { ok: false, error: 'invalid_arguments' };
      if (channel && !knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (channel && channelMembers.has(channel) && !channelMembers.get(channel)!.includes(botUserId)) return { ok: false, error: 'not_in_channel' };
      const picked: FakeFile[] = [];
      for (const item of list) {
        const f = isObj(item) && typeof item.id === 'string' ? files.get(item.id) : undefined;
        if (!f) return { ok: false, error: 'file_not_found' };
        // The bytes must have arrived, and as many as were announced.
        if (!f.content || f.content.length !== f.length) return { ok: false, error: 'file_upload_size_mismatch' };
        if (isObj(item) && typeof item.title === 'string' && item.title) f.title = item.title;
        picked.push(f);
      }
      if (threadTs) {
        const root = findMessage(channel!, threadTs);
        if (!root || root.threadTs) return { ok: false, error: 'thread_not_found' };
      }
      if (channel) {
        const ts = nextTs(channel);
        const comment = typeof p.initial_comment === 'string' ? p.initial_comment : '';
        const text = [comment, ...picked.map((f) => `📎 ${f.title} (${f.name}, ${f.length} bytes)`)].filter(Boolean).join('\n');
        const msg: FakeMessage = { channel, ts, user: botUserId, botId, text, edits: [], files: picked.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.length })) };
        if (threadTs) msg.threadTs = threadTs;
        store(channel).push(msg);
        for (const f of picked) Object.assign(f, { channel, ts, ...(threadTs ? { threadTs } : {}) });
      }
      for (const f of picked) f.completed = true;
      return { ok: true, files: picked.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.length })) };
    },
    'users.info': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const u = users.get(String(p.user ?? ''));
      if (!u) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: {
          id: u.id, team_id: teamId, name: u.name, deleted: false, real_name: u.realName ?? u.name, tz: 'Etc/UTC',
          is_admin: u.isAdmin ?? false, is_owner: false, is_bot: u.id === botUserId, is_app_user: false,
          profile: { real_name: u.realName ?? u.name, display_name: u.name, team: teamId },
        },
      };
    },
    'usergroups.users.list': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const members = groups.get(String(p.usergroup ?? ''));
      if (!members) return { ok: false, error: 'no_such_subteam' };
      return { ok: true, users: [...members] };
    },
    'conversations.members': (p, auth) => {
      const e = botAuth(auth);
      if (e) return { ok: false, error: e };
      const channel = String(p.channel ?? '');
      if (!knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      return { ok: true, members: channelMembers.get(channel) ?? [...users.keys()], response_metadata: { next_cursor: '' } };
    },
  };

  function wireMessage(m: FakeMessage): Record<string, unknown> {
    const out: Record<string, unknown> = { type: 'message', user: m.user, bot_id: m.botId, app_id: appId, text: m.text, ts: m.ts, team: teamId };
    if (m.blocks) out.blocks = m.blocks;
    if (m.threadTs) out.thread_ts = m.threadTs;
    if (m.edits.length) out.edited = { user: m.user, ts: m.ts };
    return out;
  }

  async function handleApi(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const ct = req.headers['content-type'];
    let params: Record<string, unknown> = {};
    if (typeof ct === 'string' && ct.startsWith('application/json')) {
      try {
        params = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        params = {};
      }
    } else {
      params = Object.fromEntries(new URLSearchParams(raw));
    }
    if ('blocks' in params) params.blocks = parseBlocks(params.blocks);
    const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const call: RecordedCall = { seq: ++seq, method, at: Date.now(), params, status: 200, response: undefined };
    if (auth) call.authorization = auth;
    if (typeof ct === 'string') call.contentType = ct;
    calls.push(call);

    const queue = faults.get(method);
    const fault = queue?.shift();
    if (fault) {
      switch (fault.kind) {
        case 'rate_limited':
          call.status = 429;
          res.writeHead(429, { 'retry-after': String(fault.retryAfterSec), 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        case 'http':
          call.status = fault.status;
          res.writeHead(fault.status, { 'content-type': 'text/plain' });
          res.end('upstream error');
          return;
        case 'error':
          call.response = { ok: false, error: fault.error };
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(call.response));
          return;
        case 'hang':
          await new Promise((r) => setTimeout(r, fault.ms));
          break;
      }
    }
    const handler = handlers[method];
    const response = handler ? handler(params, auth) : { ok: false, error: 'unknown_method' };
    call.response = response;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(response));
  }

  async function handleResponseUrl(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const info = responseUrls.get(path);
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res.writeHead(400);
      res.end('invalid_payload');
      return;
    }
    responses.push({ path, body, at: Date.now() });
    if (!info) {
      res.writeHead(404);
      res.end('expired_url');
      return;
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      const m = info.messageTs ? findMessage(info.channel, info.messageTs) : undefined;
      if (m) m.deleted = true;
    } else if ((body.replace_original === true || body.replace_original === 'true') && info.messageTs) {
      const m = findMessage(info.channel, info.messageTs);
      if (m) {
        m.edits.push({ at: Date.now(), text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) });
        m.text = text;
        if (blocks) m.blocks = blocks;
        else delete m.blocks;
      }
    } else if (body.response_type === 'in_channel') {
      const msg: FakeMessage = { channel: info.channel, ts: nextTs(info.channel), user: botUserId, botId, text, edits: [] };
      if (blocks) msg.blocks = blocks;
      if (info.threadTs) msg.threadTs = info.threadTs;
      store(info.channel).push(msg);
    } else {
      const rec: EphemeralRecord = { via: 'response_url', channel: info.channel, user: info.user, text, at: Date.now(), shown: '' };
      if (blocks) rec.blocks = blocks;
      if (info.threadTs) rec.threadTs = info.threadTs;
      rec.shown = renderMessage(rec, names);
      ephemerals.push(rec);
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }

  // The upload URL takes the bytes raw or as multipart/form-data (the web-api client sends a `body` file part).
  async function handleUpload(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    calls.push({ seq: ++seq, method: 'upload', at: Date.now(), params: { path, bytes: raw.length }, status: 200, response: undefined });
    const f = files.get(path.split('/')[3] ?? '');
    if (!f || f.completed) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not_found');
      return;
    }
    const ct = req.headers['content-type'] ?? '';
    let content = raw;
    if (ct.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
      const part = form.get('body') ?? [...form.values()].find((v) => typeof v !== 'string');
      content = part === null || part === undefined ? Buffer.alloc(0) : typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
    }
    f.content = content;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${content.length}`);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const done = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) return void done(handleApi(url.pathname.slice(5), req, res));
    if (req.method === 'POST' && url.pathname.startsWith('/response_url/')) return void done(handleResponseUrl(url.pathname, req, res));
    if (req.method === 'POST' && url.pathname.startsWith('/upload/v1/')) return void done(handleUpload(url.pathname, req, res));
    res.writeHead(404);
    res.end();
  });

  // Socket Mode: one WebSocket per connection ticket; envelopes go to the newest open socket.
  const wss = new WebSocketServer({ noServer: true });
  const sockets: WebSocket[] = [];
  const pendingAcks = new Map<string, (payload: unknown) => void>();
  const socketWaiters: (() => void)[] = [];
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/link/' && url.pathname !== '/link') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      ws.on('message', (data) => {
        try {
          const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
          if (msg.envelope_id) pendingAcks.get(msg.envelope_id)?.(msg.payload);
        } catch {
          /* not an ack */
        }
      });
      ws.on('close', () => sockets.splice(sockets.indexOf(ws), 1));
      ws.send(JSON.stringify({ type: 'hello', num_connections: sockets.length, debug_info: { host: 'fake', approximate_connection_time: 18060 }, connection_info: { app_id: appId } }));
      for (const w of socketWaiters.splice(0)) w();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  async function deliverHttp(body: string, headers: Record<string, string>): Promise<BotReply> {
    if (!bot) throw new Error('fake slack: no bot connected (call connectBot or use Socket Mode)');
    const res = await fetch(bot.url, { method: 'POST', headers, body });
    const text = await res.text();
    const reply: BotReply = {
      status: res.status, text, rawBody: body,
      timestamp: Number(headers['x-slack-request-timestamp']), signature: headers['x-slack-signature'] ?? '',
    };
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        reply.json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON after all */
      }
    }
    return reply;
  }

  async function deliverSocket(type: 'slash_commands' | 'interactive', payload: unknown): Promise<BotReply> {
    const ws = sockets[sockets.length - 1];
    if (!ws) throw new Error('fake slack: no Socket Mode connection');
    const envelopeId = randomBytes(8).toString('hex');
    const acked = new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => {
        pendingAcks.delete(envelopeId);
        reject(new Error('fake slack: no Socket Mode ack within 3 s'));
      }, 3000);
      pendingAcks.set(envelopeId, (p) => {
        clearTimeout(t);
        pendingAcks.delete(envelopeId);
        resolve(p);
      });
    });
    ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === 'slash_commands', retry_attempt: 0, retry_reason: '' }));
    const p = await acked;
    const reply: BotReply = { status: 200, text: p === undefined ? '' : JSON.stringify(p), rawBody: '', timestamp: 0, signature: '' };
    if (isObj(p)) reply.json = p;
    return reply;
  }

  const fake: FakeSlack = {
    url: base,
    apiUrl: `${base}/api/`,
    port,
    teamId,
    botUserId,
    botId,
    botToken,
    appToken,
    calls: (method) => (method ? calls.filter((c) => c.method === method) : [...calls]),
    fail(method, fault, times = 1) {
      const q = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) q.push(fault);
      faults.set(method, q);
    },
    clearFaults: () => faults.clear(),
    setUsergroup: (id, members) => void groups.set(id, [...members]),
    addUser: (u) => void users.set(u.id, u),
    setChannelMembers: (channel, members) => void channelMembers.set(channel, [...members]),
    channelMessages: (channel) => (messages.get(channel) ?? []).filter((m) => !m.threadTs && !m.deleted),
    thread: (channel, threadTs) => (messages.get(channel) ?? []).filter((m) => !m.deleted && (m.ts === threadTs || m.threadTs === threadTs)),
    message: (channel, ts) => findMessage(channel, ts),
    transcript: (channel, threadTs) => fake.thread(channel, threadTs).map((m) => renderMessage(m, names)),
    render: (m) => renderMessage(m, names),
    renderText: (t) => renderMrkdwn(t, names),
    ephemerals: (user) => ephemerals.filter((e) => !user || e.user === user),
    files: () => [...files.values()],
    responses: () => [...responses],
    connectBot(b) {
      bot = b;
    },
    socketConnected: () => (sockets.length ? Promise.resolve() : new Promise<void>((r) => socketWaiters.push(r))),
    async slash(userId, channelId, text, o = {}) {
      if (!knownChannel(channelId)) throw new Error(`fake slack: unknown channel ${channelId}`);
      const f = {
        teamId, teamDomain, channelId, channelName: channels.get(channelId) ?? channelId.toLowerCase(),
        userId, userName: users.get(userId)?.name ?? userId.toLowerCase(), text, apiAppId: appId,
        responseUrl: newResponseUrl({ channel: channelId, user: userId }),
        ...(o.command ? { command: o.command } : {}),
      };
      if (!bot && sockets.length) return deliverSocket('slash_commands', slashCommandParams(f));
      const body = slashCommandBody(f);
      return deliverHttp(body, signedHeaders(o.secret ?? bot?.signingSecret ?? '', body, o.timestamp));
    },
    async click(userId, channelId, messageTs, o) {
      const msg = findMessage(channelId, messageTs);
      let blockId = 'unknown';
      let button: Record<string, unknown> | undefined;
      for (const b of msg?.blocks ?? []) {
        if (!isObj(b) || !Array.isArray(b.elements)) continue;
        for (const e of b.elements) {
          if (isObj(e) && e.action_id === o.actionId) {
            button = e;
            blockId = typeof b.block_id === 'string' ? b.block_id : 'unknown';
          }
        }
      }
      if (!button && o.value === undefined) throw new Error(`fake slack: message ${messageTs} in ${channelId} has no button ${o.actionId}`);
      const clickChannel = o.channelId ?? channelId;
      const threadTs = o.threadTs ?? msg?.threadTs;
      const responseInfo: ResponseUrlInfo = { channel: clickChannel, user: userId, messageTs };
      if (threadTs) responseInfo.threadTs = threadTs;
      const value = o.value ?? (typeof button?.value === 'string' ? button.value : undefined);
      const buttonText = isObj(button?.text) && typeof button.text.text === 'string' ? button.text.text : o.actionId;
      const fields = {
        teamId, teamDomain, apiAppId: appId, userId, userName: users.get(userId)?.name ?? userId.toLowerCase(),
        channelId: clickChannel, channelName: channels.get(clickChannel) ?? clickChannel.toLowerCase(), messageTs,
        message: msg ? wireMessage(msg) : { type: 'message', ts: messageTs, text: '' },
        actionId: o.actionId, blockId, buttonText, responseUrl: newResponseUrl(responseInfo),
        ...(threadTs ? { threadTs } : {}),
        ...(value !== undefined ? { value } : {}),
        ...(typeof button?.style === 'string' ? { style: button.style } : {}),
      };
      const payload = blockActionsPayload(fields);
      if (!bot && sockets.length) return deliverSocket('interactive', payload);
      const body = interactionBody(payload);
      return deliverHttp(body, signedHeaders(o.secret ?? bot?.signingSecret ?? '', body, o.timestamp));
    },
    sendRaw: (body, headers) => deliverHttp(body, headers),
    async waitFor(probe, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 10_000);
      for (;;) {
        const v = probe();
        if (v !== undefined && v !== false) return v as Exclude<typeof v, undefined | false>;
        if (Date.now() > deadline) throw new Error(`fake slack: timed out waiting for ${o.what ?? 'condition'}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fake;
}
