import { randomBytes } from 'node:crypto';
import { botMethod, type WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';

/**
 * Who the bot is and who is where: auth.test, apps.connections.open (Socket Mode, with the app token),
 * users.info, users.list, usergroups.users.list (https://docs.slack.dev/reference/methods/<name>).
 */
export function directoryMethods(ws: Workspace, socketUrl: () => string): WebApiMethods {
  return {
    'auth.test': botMethod(ws, () => ({
      ok: true, url: `https://${ws.teamDomain}.slack.com/`, team: ws.teamDomain, user: 'natmigrate', team_id: ws.teamId, user_id: ws.botUserId,
      bot_id: ws.botId, is_enterprise_install: false,
    })),
    'apps.connections.open': (_p, auth) => {
      if (auth !== `Bearer ${ws.appToken}`) return { ok: false, error: auth ? 'invalid_auth' : 'not_authed' };
      return { ok: true, url: `${socketUrl()}?ticket=${randomBytes(8).toString('hex')}&app_id=${ws.appId}` };
    },
    'users.info': botMethod(ws, (p) => {
      const u = ws.users.get(String(p.user ?? ''));
      if (!u) return { ok: false, error: 'user_not_found' };
      // `locale` (IETF tag such as ja-JP) is in the answer only when asked for with include_locale=true
      // (https://docs.slack.dev/reference/methods/users.info, argument include_locale).
      const withLocale = p.include_locale === true || p.include_locale === 'true' || p.include_locale === '1';
      return {
        ok: true,
        user: {
          id: u.id, team_id: ws.teamId, name: u.name, deleted: false, real_name: u.realName ?? u.name, tz: u.tz ?? 'Etc/UTC',
          is_admin: u.isAdmin ?? false, is_owner: false, is_bot: u.id === ws.botUserId, is_app_user: false,
          profile: { real_name: u.realName ?? u.name, display_name: u.name, team: ws.teamId },
          ...(withLocale ? { locale: u.locale ?? 'en-US' } : {}),
        },
      };
    }),
    // Cursor-paginated (https://docs.slack.dev/apis/web-api/pagination): `limit` at most 1000 here (Slack documents
    // no hard maximum for users.list and recommends 200 or fewer; the 1000 cap is unconfirmed), `next_cursor` empty
    // on the last page; `locale` only with include_locale=true, as on users.info.
    'users.list': botMethod(ws, (p) => {
      const withLocale = p.include_locale === true || p.include_locale === 'true' || p.include_locale === '1';
      const limit = Math.min(Math.max(Number(p.limit ?? 0) || 1000, 1), 1000);
      const all = [...ws.users.values()];
      const start = p.cursor ? Number(Buffer.from(String(p.cursor), 'base64').toString('utf8').replace(/^user:/, '')) : 0;
      if (!Number.isInteger(start) || start < 0 || start > all.length) return { ok: false, error: 'invalid_cursor' };
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? Buffer.from(`user:${start + limit}`).toString('base64') : '';
      return {
        ok: true,
        members: page.map((u) => ({
          id: u.id, team_id: ws.teamId, name: u.name, deleted: false, real_name: u.realName ?? u.name, tz: u.tz ?? 'Etc/UTC',
          is_bot: u.id === ws.botUserId, ...(withLocale ? { locale: u.locale ?? 'en-US' } : {}),
        })),
        response_metadata: { next_cursor: next },
      };
    }),
    'usergroups.users.list': botMethod(ws, (p) => {
      const members = ws.groups.get(String(p.usergroup ?? ''));
      if (!members) return { ok: false, error: 'no_such_subteam' };
      return { ok: true, users: [...members] };
    }),
  };
}
