import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Lang } from '../../i18n/lang.ts';

/**
 * Approval reminders waiting for their time: a Redis sorted set scored by when each is due. Taking one is a ZREM, so
 * of several bots sharing Redis exactly one sends it.
 */

export interface Reminder {
  jobId: string;
  planHash: string;
  channel: string;
  /** The thread's language. */
  lang: Lang;
  requester: string;
  /** An instance id, or `batch:<count>`. */
  subject: string;
}

export interface ReminderQueue {
  add(r: Reminder, dueMs: number): Promise<void>;
  /** Removes and returns every reminder due at `nowMs`. */
  takeDue(nowMs: number): Promise<Reminder[]>;
}

export function createReminderQueue(redis: RedisConnection, key: string): ReminderQueue {
  return {
    async add(r, dueMs) {
      await redis.zadd(key, String(Math.round(dueMs)), JSON.stringify(r));
    },
    async takeDue(nowMs) {
      const due = await redis.zrangebyscore(key, '-inf', String(nowMs), 'LIMIT', 0, 100);
      const out: Reminder[] = [];
      for (const m of due) if ((await redis.zrem(key, m)) === 1) out.push(JSON.parse(m) as Reminder);
      return out;
    },
  };
}
