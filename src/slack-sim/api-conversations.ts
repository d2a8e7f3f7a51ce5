import { botMethod, str, type WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';
import type { FakeMessage } from './workspace-types.ts';

/**
 * What the bot can read about a conversation: conversations.info (is_member, is_archived, the kind flags),
 * conversations.members, conversations.history (top-level messages, newest first) and conversations.replies (a
 * thread, oldest first); message metadata only with include_all_metadata
 * (https://docs.slack.dev/reference/methods/conversations.info, …/conversations.members, …/conversations.history,
 * …/conversations.replies). A conversation the bot cannot see (an IM it is not part of) is channel_not_found.
 */

/** "1700000000.000100" → microseconds, for comparing timestamps exactly. */
const micros = (ts: string): number => {
  const [s, f = ''] = ts.split('.');
  return Number(s) * 1e6 + Number(f.padEnd(6, '0').slice(0, 6));
};

/** The oldest/latest/inclusive window of history and replies. */
function inWindow(p: Record<string, unknown>): (m: FakeMessage) => boolean {
  const inclusive = p.inclusive === true || p.inclusive === 'true' || p.inclusive === '1';
  const oldest = str(p.oldest) ? micros(String(p.oldest)) : -Infinity;
  const latest = str(p.latest) ? micros(String(p.latest)) : Infinity;
  return (m) => {
    const t = micros(m.ts);
    return inclusive ? t >= oldest && t <= latest : t > oldest && t < latest;
  };
}

/** One page of `list` (cursor = offset); limit defaults and caps as documented (100 / 999 for history). */
function page(list: FakeMessage[], p: Record<string, unknown>, ws: Workspace, defaultLimit: number): Record<string, unknown> {
  const limit = Math.min(999, Math.max(1, Number(p.limit) || defaultLimit));
  const from = Number(Buffer.from(String(p.cursor ?? ''), 'base64').toString('utf8').replace(/^offset:/, '')) || 0;
  const slice = list.slice(from, from + limit);
  const more = from + limit < list.length;
  const metadata = p.include_all_metadata === true || p.include_all_metadata === 'true' || p.include_all_metadata === '1';
  return {
    ok: true, messages: slice.map((m) => ws.wireMessage(m, { metadata })), has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${from + limit}`).toString('base64') : '' },
  };
}

/**
 * One page of a conversation's members, cursor-paginated as https://docs.slack.dev/reference/methods/conversations.members
 * says: `limit` defaults to 100 and stays under 1000 (the Node SDK's CursorPaginationEnabled: "max value of 999"),
 * `response_metadata.next_cursor` is empty on the last page, and a cursor this method did not hand out is
 * `invalid_cursor` (listed on the page). The cursor is opaque to the app; here it encodes an offset.
 */
function memberPage(all: string[], p: Record<string, unknown>): Record<string, unknown> {
  const limit = Math.min(999, Math.max(1, Number(p.limit) || 100));
  let from = 0;
  if (str(p.cursor)) {
    const m = /^members:(\d+)$/.exec(Buffer.from(String(p.cursor), 'base64').toString('utf8'));
    if (!m || Number(m[1]) > all.length) return { ok: false, error: 'invalid_cursor' };
    from = Number(m[1]);
  }
  const next = from + limit < all.length ? Buffer.from(`members:${from + limit}`).toString('base64') : '';
  return { ok: true, members: all.slice(from, from + limit), response_metadata: { next_cursor: next } };
}

export function conversationMethods(ws: Workspace): WebApiMethods {
  /** The conversation if the bot can see it. */
  const visible = (id: string | undefined): string | undefined => {
    if (!id || !ws.knownChannel(id)) return undefined;
    const kind = ws.channelKind(id);
    if ((kind === 'im' || kind === 'mpim') && !ws.members(id).includes(ws.botUserId)) return undefined;
    return id;
  };
  const live = (id: string) => ws.channelLog(id).filter((m) => !m.deleted);
  return {
    'conversations.info': botMethod(ws, (p) => {
      const id = visible(str(p.channel));
      if (!id) return { ok: false, error: 'channel_not_found' };
      const kind = ws.channelKind(id);
      const channel: Record<string, unknown> = {
        id, name: ws.channelName(id), is_channel: kind === 'public', is_group: kind === 'private', is_im: kind === 'im', is_mpim: kind === 'mpim',
        is_private: kind !== 'public', is_archived: ws.archived.has(id), created: 1_700_000_000,
      };
      if (kind === 'im') channel.user = ws.members(id).find((u) => u !== ws.botUserId);
      else channel.is_member = ws.botInChannel(id);
      return { ok: true, channel };
    }),
    'conversations.members': botMethod(ws, (p) => {
      const id = visible(str(p.channel));
      if (!id) return { ok: false, error: 'channel_not_found' };
      // A private channel the bot is not in is not found either (unconfirmed: the page lists channel_not_found and
      // private conversations are only visible to their members).
      if (ws.channelKind(id) === 'private' && !ws.botInChannel(id)) return { ok: false, error: 'channel_not_found' };
      return memberPage(ws.members(id), p);
    }),
    'conversations.history': botMethod(ws, (p) => {
      const id = visible(str(p.channel));
      if (!id) return { ok: false, error: 'channel_not_found' };
      if (!ws.botInChannel(id)) return { ok: false, error: 'not_in_channel' };
      const top = live(id).filter((m) => !m.threadTs).filter(inWindow(p)).reverse();
      return page(top, p, ws, 100);
    }),
    'conversations.replies': botMethod(ws, (p) => {
      const id = visible(str(p.channel));
      if (!id) return { ok: false, error: 'channel_not_found' };
      if (!ws.botInChannel(id)) return { ok: false, error: 'not_in_channel' };
      const ts = str(p.ts);
      const root = ts ? ws.findMessage(id, ts) : undefined;
      if (!root || root.deleted) return { ok: false, error: 'thread_not_found' };
      const rootTs = root.threadTs ?? root.ts;
      const thread = live(id).filter((m) => m.ts === rootTs || m.threadTs === rootTs);
      // The parent always comes first; the window applies to the replies.
      const within = inWindow(p);
      return page(thread.filter((m, i) => i === 0 || within(m)), p, ws, 1000);
    }),
  };
}
