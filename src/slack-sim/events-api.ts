import { randomBytes } from 'node:crypto';
import type { Workspace } from './workspace.ts';

/**
 * The Events API side of the workspace (https://docs.slack.dev/apis/events-api/): an event the app subscribed to is
 * wrapped in an `event_callback` envelope and POSTed to the request URL as JSON, signed like every request from
 * Slack; in Socket Mode it travels in an `events_api` envelope instead. Slack wants a 2xx within 3 seconds; otherwise
 * it retries up to three times ("nearly immediately, then after 1 minute, then after 5 minutes"), with
 * `x-slack-retry-num` and `x-slack-retry-reason` headers (https://docs.slack.dev/apis/events-api/#retries).
 */

/** Delays before each retry of an undelivered event, as documented. */
export const EVENT_RETRY_DELAYS_MS: readonly number[] = [0, 60_000, 300_000];

export interface EventCallback {
  token: string;
  team_id: string;
  api_app_id: string;
  event: Record<string, unknown> & { type: string; event_ts: string };
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: { enterprise_id: null; team_id: string; user_id: string; is_bot: true; is_enterprise_install: false }[];
  is_ext_shared_channel: false;
}

export function eventCallback(ws: Workspace, event: Record<string, unknown> & { type: string }): EventCallback {
  const now = Date.now();
  return {
    // The deprecated verification token: present in the payload, never to be trusted (the signature is).
    token: 'fake-verification-token',
    team_id: ws.teamId,
    api_app_id: ws.appId,
    event: { ...event, event_ts: (now / 1000).toFixed(6) },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(now / 1000),
    authorizations: [{ enterprise_id: null, team_id: ws.teamId, user_id: ws.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** `channel_type` of membership events: C for a public channel, G for a private one. */
export function membershipChannelType(ws: Workspace, channel: string): 'C' | 'G' {
  return ws.channelKind(channel) === 'private' ? 'G' : 'C';
}
