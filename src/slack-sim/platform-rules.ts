/**
 * The platform rules the fake workspace enforces by default, and their sources. A test relaxes one only by naming
 * it (`startFakeSlack({ relax: ['rate-limits'] })`).
 *
 * - rate-limits: https://api.slack.com/docs/rate-limits (= https://docs.slack.dev/apis/web-api/rate-limits): limits
 *   apply per method per app per workspace, by tier (1: 1+/min, 2: 20+/min, 3: 50+/min, 4: 100+/min, bursts
 *   tolerated); chat.postMessage is "special": about one message per second per channel with short bursts. An
 *   exceeded limit answers HTTP 429 with a Retry-After header in seconds. Burst sizes are not published: the
 *   ones below are unconfirmed guesses on the small side. The workspace-wide posting limit is not modelled.
 * - scopes: each method's "Required scopes" on https://docs.slack.dev/reference/methods/<method>; conversation
 *   methods need the scope of the conversation's type (channels:, groups:, im:, mpim:). Missing → `missing_scope`
 *   with `needed` and `provided`.
 * - membership: chat.postMessage answers `not_in_channel` when the bot is not a member (no chat:write.public),
 *   `is_archived` in an archived channel, `channel_not_found` for a conversation the bot cannot see.
 * - response-url-limits: a response_url takes 5 posts within 30 minutes
 *   (https://docs.slack.dev/interactivity/handling-user-interaction); the answer after that is unconfirmed.
 * - ack-deadline: Slack waits 3 s for the HTTP response or the Socket Mode ack of a slash command or an
 *   interaction, then shows the user `operation_timeout` (https://docs.slack.dev/interactivity/handling-user-interaction).
 * - latency: every Web API answer takes a little time; the default per method is an unconfirmed guess.
 */

export type PlatformRule = 'rate-limits' | 'scopes' | 'membership' | 'response-url-limits' | 'ack-deadline' | 'latency';

/** What the app is installed with unless a test says otherwise: the bot scopes of manifest.yml (a test checks). */
export const INSTALLED_SCOPES: readonly string[] = [
  'channels:history', 'channels:read', 'chat:write', 'commands', 'files:write', 'groups:history', 'groups:read', 'im:write', 'usergroups:read', 'users:read',
];

/**
 * The bot events the app subscribes to (manifest.yml `settings.event_subscriptions.bot_events`; a test checks), each
 * with the scope Slack requires for it (https://docs.slack.dev/reference/events/<event>). Slack sends only these.
 */
export const SUBSCRIBED_BOT_EVENTS: Readonly<Record<string, readonly string[]>> = {
  member_joined_channel: ['channels:read', 'groups:read'],
  member_left_channel: ['channels:read', 'groups:read'],
  // Needs no scope: https://docs.slack.dev/reference/events/app_home_opened ("Required scopes: none").
  app_home_opened: [],
};

export type ConversationKind = 'public' | 'private' | 'im' | 'mpim';

const CONVERSATION_SCOPE_PREFIX: Record<ConversationKind, string> = { public: 'channels', private: 'groups', im: 'im', mpim: 'mpim' };

/** The scope a method needs; conversation methods depend on the conversation's kind (undefined = none). */
export function requiredScope(method: string, kind: ConversationKind | undefined): string | undefined {
  switch (method) {
    case 'chat.postMessage':
    case 'chat.update':
    case 'chat.postEphemeral':
      return 'chat:write';
    case 'conversations.info':
    case 'conversations.members':
      return kind ? `${CONVERSATION_SCOPE_PREFIX[kind]}:read` : undefined;
    case 'conversations.history':
    case 'conversations.replies':
      return kind ? `${CONVERSATION_SCOPE_PREFIX[kind]}:history` : undefined;
    case 'conversations.open':
      return 'im:write';
    case 'usergroups.users.list':
      return 'usergroups:read';
    case 'users.info':
    case 'users.list':
      return 'users:read';
    case 'files.getUploadURLExternal':
    case 'files.completeUploadExternal':
      return 'files:write';
    default:
      return undefined;
  }
}

/** A token bucket: `burst` calls at once, refilled at `perSecond`. */
export interface BucketRule {
  perSecond: number;
  burst: number;
}

const TIER: Record<1 | 2 | 3 | 4, BucketRule> = {
  1: { perSecond: 1 / 60, burst: 1 },
  2: { perSecond: 20 / 60, burst: 5 },
  3: { perSecond: 50 / 60, burst: 10 },
  4: { perSecond: 100 / 60, burst: 20 },
};

/** chat.postMessage, per channel: 1 per second, a short burst (the burst size is unconfirmed). */
export const POST_PER_CHANNEL: BucketRule = { perSecond: 1, burst: 5 };

/** Each method's tier, from its reference page; auth.test is "special" (treated as tier 4, unconfirmed). */
const METHOD_TIER: Record<string, 1 | 2 | 3 | 4> = {
  'apps.connections.open': 1,
  'usergroups.users.list': 2,
  'users.list': 2,
  'chat.update': 3,
  'conversations.info': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'chat.postEphemeral': 4,
  'conversations.members': 4,
  'users.info': 4,
  'auth.test': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'conversations.open': 3,
};

export function tierRule(method: string): BucketRule | undefined {
  const t = METHOD_TIER[method];
  return t ? TIER[t] : undefined;
}

/** Default time Slack takes to answer one Web API call (unconfirmed; real calls take tens to hundreds of ms). */
export const DEFAULT_LATENCY_MS = 15;

/** The ack deadline of slash commands and interactions. */
export const ACK_DEADLINE_MS = 3000;

/** response_url: uses and lifetime. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
