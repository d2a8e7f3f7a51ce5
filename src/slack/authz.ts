import { canRequest as policyCanRequest, parseSlackPrincipals } from '../domain/principals.ts';
import { msg } from '../i18n/catalog.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Log } from './slack-log.ts';
import { singleAttemptClient, type SlackWebClient } from './web-call.ts';

/**
 * Who may request and who may approve, from NATMIGRATE_REQUESTERS / NATMIGRATE_APPROVERS: user ids (U…/W…) plus
 * the members of user groups (S…), read with usergroups.users.list and cached. Checks run before the 3-second ack,
 * so they never wait on Slack when a member list is known: `warm` reads every group at start-up, and a list older
 * than the cache TTL is used while a fresh one is fetched in the background. Only a group never read yet is waited
 * for. A group that cannot be read counts as empty (fail closed), except that a list younger than staleTtlMs is
 * still used while Slack is unavailable.
 */

export interface AuthzOptions {
  client?: SlackWebClient;
  botToken?: string;
  slackApiUrl?: string;
  /** User and group ids; empty = anyone may request. */
  requesters: readonly string[];
  /** User and group ids. */
  approvers: readonly string[];
  /** How long a group's member list is trusted (default 60 s). */
  cacheTtlMs?: number;
  /** How long a stale member list may stand in while Slack cannot be reached (default 10 min). */
  staleTtlMs?: number;
  /** How long a check waits for a group never read before (default 2000 ms, inside the 3-second ack). */
  coldWaitMs?: number;
  logger?: Log;
  now?: () => number;
}

export interface Authz {
  canRequest(userId: string): Promise<boolean>;
  /**
   * canRequest without its own short wait for a group never read: undefined while such a group is unread (Slack has
   * not answered, or failed) and the person is in no list that is known. The caller bounds the wait (ack-budget.ts)
   * and says "Slack did not answer" rather than "you may not".
   */
  requesterVerdict(userId: string): Promise<boolean | undefined>;
  isApprover(userId: string): Promise<boolean>;
  /** Read every configured group now (start-up), so that no check waits for Slack. */
  warm(): Promise<void>;
  /** Every approver as a user id: the configured users and the members of the configured groups. */
  approverIds(): Promise<string[]>;
  /** The configured approvers as they were written: user ids and user-group ids. */
  readonly approverPrincipals: { userIds: readonly string[]; groupIds: readonly string[] };
  /** How to say who may approve, for refusal messages (mentions of users and groups). */
  /** The approvers as mentions, in the reader's language when there are none ("nobody"). */
  describeApprovers(lang: Lang): string;
  /** The requesters as mentions, or the word for "anyone" when the list is open. */
  describeRequesters(lang: Lang): string;
}

export function createAuthz(opts: AuthzOptions): Authz {
  const ttl = opts.cacheTtlMs ?? 60_000;
  const staleTtl = opts.staleTtlMs ?? 10 * 60_000;
  const coldWaitMs = opts.coldWaitMs ?? 2000;
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  // One attempt, no sleeping on 429; reads mostly happen behind the answers (warm, revalidation), so they may be slow.
  const client: SlackWebClient = opts.client ?? singleAttemptClient({ botToken: opts.botToken, slackApiUrl: opts.slackApiUrl, timeoutMs: 5000 });
  const req = parseSlackPrincipals(opts.requesters.join(','));
  const appr = parseSlackPrincipals(opts.approvers.join(','));
  const cache = new Map<string, { members: string[]; at: number }>();
  const inflight = new Map<string, Promise<string[]>>();

  async function fetchGroup(groupId: string): Promise<string[]> {
    const res = await client.usergroups.users.list({ usergroup: groupId, include_disabled: false });
    return (res.users ?? []).filter((u): u is string => typeof u === 'string');
  }

  async function members(groupId: string): Promise<string[]> {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < ttl) return hit.members;
    if (hit && now() - hit.at < staleTtl) {
      // Stale while revalidating: answer now, refresh behind the answer.
      void refresh(groupId);
      return hit.members;
    }
    // Never read (warm failed or has not finished): wait a bounded time, then deny this once (fail closed); the
    // read goes on and fills the cache for the next request.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string[]>((resolve) => { timer = setTimeout(() => resolve([]), coldWaitMs); });
    return Promise.race([refresh(groupId), deadline]).finally(() => clearTimeout(timer));
  }

  /** The members when known (fresh, or stale but usable), else the read's answer; undefined when it failed. */
  async function membersOrUnknown(groupId: string): Promise<string[] | undefined> {
    const hit = cache.get(groupId);
    if (hit && now() - hit.at < staleTtl) return members(groupId);
    const m = await refresh(groupId);
    // A read that succeeded replaced the cache entry; a failed one left it as it was.
    return cache.get(groupId) !== hit ? m : undefined;
  }

  function refresh(groupId: string): Promise<string[]> {
    let p = inflight.get(groupId);
    if (!p) {
      p = fetchGroup(groupId)
        .then((m) => {
          cache.set(groupId, { members: m, at: now() });
          return m;
        })
        .catch((err: unknown) => {
          const stale = cache.get(groupId);
          const usable = stale && now() - stale.at < staleTtl;
          log?.warn({ groupId, err: err instanceof Error ? err.message : String(err), usingCached: Boolean(usable) }, 'usergroups.users.list failed');
          return usable ? stale.members : [];
        })
        .finally(() => inflight.delete(groupId));
      inflight.set(groupId, p);
    }
    return p;
  }

  async function inSet(userId: string, set: { userIds: string[]; groupIds: string[] }): Promise<boolean> {
    if (set.userIds.includes(userId)) return true;
    for (const g of set.groupIds) if ((await members(g)).includes(userId)) return true;
    return false;
  }

  const describe = (set: { userIds: string[]; groupIds: string[] }, lang: Lang) =>
    [...set.userIds.map((u) => `<@${u}>`), ...set.groupIds.map((g) => `<!subteam^${g}>`)].join(msg(lang).listJoin()) || msg(lang).authzNobody();

  return {
    async canRequest(userId) {
      if (req.userIds.length === 0 && req.groupIds.length === 0) return policyCanRequest(userId, []);
      const expanded = [...req.userIds];
      for (const g of req.groupIds) expanded.push(...(await members(g)));
      // Configured but resolved to nobody (groups unreadable): deny rather than fall back to "anyone".
      return expanded.length > 0 && policyCanRequest(userId, expanded);
    },
    async requesterVerdict(userId) {
      if (req.userIds.length === 0 && req.groupIds.length === 0) return policyCanRequest(userId, []);
      if (req.userIds.includes(userId)) return true;
      const lists = await Promise.all(req.groupIds.map((g) => membersOrUnknown(g)));
      if (lists.some((m) => m?.includes(userId))) return true;
      return lists.includes(undefined) ? undefined : false;
    },
    isApprover: (userId) => inSet(userId, appr),
    async approverIds() {
      const all = [...appr.userIds];
      for (const g of appr.groupIds) all.push(...(await members(g)));
      return [...new Set(all)];
    },
    approverPrincipals: { userIds: appr.userIds, groupIds: appr.groupIds },
    async warm() {
      await Promise.all([...new Set([...req.groupIds, ...appr.groupIds])].map((g) => refresh(g)));
    },
    describeApprovers: (lang) => describe(appr, lang),
    describeRequesters: (lang) => (req.userIds.length || req.groupIds.length ? describe(req, lang) : msg(lang).authzAnyone()),
  };
}
