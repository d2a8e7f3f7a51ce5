import { botMethod, str, type WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';

/**
 * Direct messages from the bot: conversations.open with `users` (one user id) opens, or finds, the IM between the bot
 * and that person and answers its channel id (https://docs.slack.dev/reference/methods/conversations.open; bot scope
 * im:write). chat.postMessage to that id then posts in the IM, where the bot is a member. Several users would open a
 * group DM (mpim:write); natmigrate never does, so that is refused here as `not_implemented` (unconfirmed wording).
 */
export function imMethods(ws: Workspace): WebApiMethods {
  return {
    'conversations.open': botMethod(ws, (p) => {
      const users = (str(p.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
      if (str(p.channel)) return { ok: false, error: 'not_implemented' };
      if (users.length === 0) return { ok: false, error: 'users_list_not_supplied' };
      if (users.length > 1) return { ok: false, error: 'not_implemented' };
      const user = users[0]!;
      if (!ws.users.has(user) || user === ws.botUserId) return { ok: false, error: 'user_not_found' };
      const id = ws.imOf(user);
      return { ok: true, no_op: true, already_open: true, channel: { id } };
    }),
  };
}
