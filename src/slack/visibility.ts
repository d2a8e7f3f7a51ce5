import type { RedisConnection } from '../util/redis-connection.ts';
import { errText } from './error-text.ts';
import type { Log } from './slack-log.ts';
import type { SlackWebClient } from './web-call.ts';

/**
 * Who may see a job outside its thread (the App Home, `/natmigrate status` without an argument): everyone when the
 * thread is in a public channel; in a private channel or a group DM, its members only. A job whose thread is
 * unknown is shown to nobody here (the callers add the requester and the approvers being asked).
 *
 * The kind of a conversation comes from conversations.info (channels:read / groups:read), its members from
 * conversations.members (Tier 4, cursor-paginated, https://docs.slack.dev/reference/methods/conversations.members),
 * both cached in Redis with a TTL. member_joined_channel / member_left_channel (which the bot receives for the
 * conversations it is in, the only ones it posts threads in) update a cached member set in place. Any failure to
 * read fails closed: the person does not see the job this time, and nothing is cached.
 */

export interface Visibility {
  /** May this person see what happens in `channel`? */
  canSeeChannel(userId: string, channel: string | undefined): Promise<boolean>;
  /** The same from Redis alone (before a slash command's ack); undefined when the cache does not know yet. */
  cachedCanSeeChannel(userId: string, channel: string | undefined): Promise<boolean | undefined>;
  /** True when the conversation is known (cached) to be a public channel: who joins it changes nothing. */
  knownPublic(channel: string): Promise<boolean>;
  /** A member_joined_channel / member_left_channel for a person other than the bot. */
  joined(channel: string, userId: string): Promise<void>;
  left(channel: string, userId: string): Promise<void>;
  /** The bot itself joined or left: what was cached about the conversation is dropped. */
  forget(channel: string): Promise<void>;
}

export interface VisibilityOptions {
  redis: RedisConnection;
  prefix: string;
  web: SlackWebClient;
  log: Log;
  /** How long a member list is trusted without an event (default 10 min). */
  membersTtlMs?: number;
  /** How long a conversation's kind is trusted (default 1 h; a channel can be made private). */
  kindTtlMs?: number;
  /** Members per conversations.members page (default 200, as the page recommends). */
  pageSize?: number;
}

/** Marks a member set as loaded (a set read as empty would otherwise not exist in Redis). */
const LOADED = '\u0000loaded';
/** At most this many pages are read (200,000 members at 200 a page); a longer list is not cached. */
const MAX_PAGES = 1000;
/** Add or remove a member only in a member set that is loaded; otherwise the next read fetches it whole. */
const UPDATE_LOADED = `if redis.call('sismember', KEYS[1], ARGV[1]) == 1 then
  if ARGV[3] == 'add' then redis.call('sadd', KEYS[1], ARGV[2]) else redis.call('srem', KEYS[1], ARGV[2]) end
  return 1 end return 0`;

export function createVisibility(o: VisibilityOptions): Visibility {
  const membersTtl = o.membersTtlMs ?? 10 * 60_000;
  const kindTtl = o.kindTtlMs ?? 3600_000;
  const kindKey = (c: string) => `${o.prefix}:vis:kind:${c}`;
  const membersKey = (c: string) => `${o.prefix}:vis:members:${c}`;
  /** One read of a conversation's members at a time in this process. */
  const loading = new Map<string, Promise<boolean>>();

  async function isPublic(channel: string): Promise<boolean> {
    const cached = await o.redis.get(kindKey(channel));
    if (cached) return cached === 'public';
    const res = await o.web.conversations.info({ channel });
    const c = (res.channel ?? {}) as { is_channel?: boolean; is_private?: boolean };
    const kind = c.is_channel === true && c.is_private === false ? 'public' : 'private';
    await o.redis.set(kindKey(channel), kind, 'PX', kindTtl);
    return kind === 'public';
  }

  /** Reads every page of the member list into Redis; false when it could not be read whole. */
  async function load(channel: string): Promise<boolean> {
    const members: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await o.web.conversations.members({ channel, limit: o.pageSize ?? 200, ...(cursor ? { cursor } : {}) });
      members.push(...(res.members ?? []));
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) {
        const key = membersKey(channel);
        await o.redis.multi().del(key).sadd(key, LOADED, ...members).pexpire(key, membersTtl).exec();
        return true;
      }
    }
    o.log.warn({ channelId: channel, pages: MAX_PAGES }, 'conversations.members: too many pages; member list not cached');
    return false;
  }

  async function isMember(channel: string, userId: string): Promise<boolean> {
    const key = membersKey(channel);
    const [loaded, member] = await o.redis.smismember(key, LOADED, userId);
    if (loaded) return member === 1;
    let p = loading.get(channel);
    if (!p) {
      p = load(channel).finally(() => loading.delete(channel));
      loading.set(channel, p);
    }
    if (!(await p)) return false;
    return (await o.redis.sismember(key, userId)) === 1;
  }

  const update = (channel: string, userId: string, op: 'add' | 'remove') =>
    o.redis.eval(UPDATE_LOADED, 1, membersKey(channel), LOADED, userId, op).then(() => undefined);

  return {
    async canSeeChannel(userId, channel) {
      if (!channel) return false;
      try {
        return (await isPublic(channel)) || (await isMember(channel, userId));
      } catch (err) {
        o.log.warn({ channelId: channel, err: errText(err) }, 'conversation membership unreadable; job not shown');
        return false;
      }
    },
    async cachedCanSeeChannel(userId, channel) {
      if (!channel) return false;
      const kind = await o.redis.get(kindKey(channel));
      if (kind === 'public') return true;
      if (!kind) return undefined;
      const [loaded, member] = await o.redis.smismember(membersKey(channel), LOADED, userId);
      return loaded ? member === 1 : undefined;
    },
    knownPublic: async (channel) => (await o.redis.get(kindKey(channel))) === 'public',
    joined: (channel, userId) => update(channel, userId, 'add'),
    left: (channel, userId) => update(channel, userId, 'remove'),
    async forget(channel) {
      await o.redis.del(membersKey(channel), kindKey(channel));
    },
  };
}
