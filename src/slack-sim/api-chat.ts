import { isObj, parseBlocks, validateBlocks } from './block-validation.ts';
import { botMethod, str, type WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';
import type { FakeMessage } from './workspace-types.ts';

/**
 * chat.postMessage, chat.update and chat.postEphemeral with the checks and error codes of
 * https://docs.slack.dev/reference/methods/chat.postMessage (…/chat.update, …/chat.postEphemeral).
 */

/** Slack's cap on a message's text. */
const MAX_TEXT = 40_000;

type Metadata = NonNullable<FakeMessage['metadata']>;

/**
 * chat.postMessage's `metadata`: {event_type, event_payload} (https://docs.slack.dev/messaging/message-metadata);
 * a JSON string in a form body. 'bad' answers invalid_metadata_format (the exact checks Slack makes are unconfirmed).
 */
function parseMetadata(v: unknown): Metadata | undefined | 'bad' {
  if (v === undefined || v === '') return undefined;
  let m = v;
  if (typeof m === 'string') { try { m = JSON.parse(m); } catch { return 'bad'; } }
  if (!isObj(m) || typeof m.event_type !== 'string' || !m.event_type || m.event_type.length > 255 || !isObj(m.event_payload)) return 'bad';
  return { event_type: m.event_type, event_payload: m.event_payload };
}

export function chatMethods(ws: Workspace): WebApiMethods {
  return {
    'chat.postMessage': botMethod(ws, (p) => {
      const channel = str(p.channel);
      if (!channel || !ws.knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (ws.isArchived(channel)) return { ok: false, error: 'is_archived' };
      if (!ws.botInChannel(channel)) return { ok: false, error: 'not_in_channel' };
      const metadata = parseMetadata(p.metadata);
      if (metadata === 'bad') return { ok: false, error: 'invalid_metadata_format' };
      const text = typeof p.text === 'string' ? p.text : '';
      const blocks = parseBlocks(p.blocks);
      const bad = validateBlocks(blocks);
      if (bad) return { ok: false, error: bad };
      if (!text && !(Array.isArray(blocks) && blocks.length)) return { ok: false, error: 'no_text' };
      if (text.length > MAX_TEXT) return { ok: false, error: 'msg_too_long' };
      const threadTs = str(p.thread_ts);
      if (threadTs && !ws.isThreadRoot(channel, threadTs)) return { ok: false, error: 'thread_not_found' };
      const msg = ws.postAsBot(channel, text, { ...(Array.isArray(blocks) ? { blocks } : {}), ...(threadTs ? { threadTs } : {}), ...(metadata ? { metadata } : {}) });
      return { ok: true, channel, ts: msg.ts, message: ws.wireMessage(msg) };
    }),
    'chat.update': botMethod(ws, (p) => {
      const channel = str(p.channel);
      const ts = str(p.ts);
      if (!channel || !ws.knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (ws.isArchived(channel)) return { ok: false, error: 'is_archived' };
      const msg = ts ? ws.findMessage(channel, ts) : undefined;
      if (!msg || msg.deleted) return { ok: false, error: 'message_not_found' };
      if (msg.user !== ws.botUserId) return { ok: false, error: 'cant_update_message' };
      const blocks = parseBlocks(p.blocks);
      const bad = validateBlocks(blocks);
      if (bad) return { ok: false, error: bad };
      const text = typeof p.text === 'string' ? p.text : msg.text;
      if (text.length > MAX_TEXT) return { ok: false, error: 'msg_too_long' };
      ws.keepEdit(msg);
      msg.text = text;
      if (Array.isArray(blocks)) msg.blocks = blocks;
      return { ok: true, channel, ts: msg.ts, text: msg.text, message: ws.wireMessage(msg) };
    }),
    'chat.postEphemeral': botMethod(ws, (p) => {
      const channel = str(p.channel);
      const user = str(p.user);
      if (!channel || !ws.knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (!user || !ws.users.has(user)) return { ok: false, error: 'user_not_found' };
      if (ws.isArchived(channel)) return { ok: false, error: 'is_archived' };
      if (!ws.botInChannel(channel)) return { ok: false, error: 'not_in_channel' };
      const blocks = parseBlocks(p.blocks);
      const bad = validateBlocks(blocks);
      if (bad) return { ok: false, error: bad };
      const threadTs = str(p.thread_ts);
      ws.showEphemeral({
        via: 'api', channel, user, text: typeof p.text === 'string' ? p.text : '', at: Date.now(),
        ...(Array.isArray(blocks) ? { blocks } : {}), ...(threadTs ? { threadTs } : {}),
      });
      return { ok: true, message_ts: ws.nextTs(channel) };
    }),
  };
}
