import type { RedisConnection } from '../util/redis-connection.ts';

/**
 * Events API deliveries are at least once: Slack retries an event it thinks the app missed (no 2xx within 3 s) with
 * the same `event_id` and an `x-slack-retry-num` header (https://docs.slack.dev/apis/events-api/#retries; the retries
 * come over an hour at most). The first delivery of an event id wins, for every bot sharing this Redis.
 */
export const EVENT_ID_TTL_MS = 2 * 3600_000;

export async function firstDelivery(redis: RedisConnection, prefix: string, eventId: string | undefined): Promise<boolean> {
  if (!eventId) return true;
  return (await redis.set(`${prefix}:event:${eventId}`, '1', 'PX', EVENT_ID_TTL_MS, 'NX')) === 'OK';
}
