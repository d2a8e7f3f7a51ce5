import type { Workspace } from './workspace.ts';

/** One Web API method of the fake: form or JSON params in, Slack's JSON answer out (`ok: false` + `error`). */
type WebApiMethod = (params: Record<string, unknown>, authorization: string | undefined) => Record<string, unknown>;

export type WebApiMethods = Record<string, WebApiMethod>;

/** A method that takes the bot token (xoxb-…) only. */
export function botMethod(ws: Workspace, fn: (params: Record<string, unknown>) => Record<string, unknown>): WebApiMethod {
  return (params, authorization) => {
    if (!authorization) return { ok: false, error: 'not_authed' };
    if (authorization !== `Bearer ${ws.botToken}`) return { ok: false, error: 'invalid_auth' };
    return fn(params);
  };
}

/** A non-empty string parameter. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
