import type { App } from '@slack/bolt';
import type { RedisConnection } from '../../../util/redis-connection.ts';
import { firstDelivery } from '../../event-once.ts';
import type { HomePublisher } from '../../home/home-publisher.ts';
import type { SlackDeps } from '../deps.ts';

/**
 * A person opened natmigrate's Home tab (app_home_opened, https://docs.slack.dev/reference/events/app_home_opened):
 * publish their view. The event is acknowledged at once (Bolt answers 200 before the listener when
 * processBeforeResponse is off; the publishing is not awaited here either), and a retry of an event already seen
 * (same event_id) is ignored.
 */
export function registerAppHomeOpened(app: App, deps: SlackDeps, home: HomePublisher, dedupe: { redis: RedisConnection; prefix: string }): void {
  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const eventId = (body as { event_id?: string }).event_id;
    if (!(await firstDelivery(dedupe.redis, dedupe.prefix, eventId))) {
      deps.log.info({ eventId, userId: event.user }, 'app_home_opened delivered again; ignored');
      return;
    }
    home.opened(event.user);
  });
}
