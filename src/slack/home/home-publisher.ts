import type { RedisConnection } from '../../util/redis-connection.ts';
import { inTimeZone } from '../../i18n/time.ts';
import { errText } from '../error-text.ts';
import type { SlackDeps } from '../listeners/deps.ts';
import type { Delivered } from '../outbox/index.ts';
import { gatherHome } from './home-data.ts';
import { createHomeIndex, type HomeIndex } from './home-index.ts';
import { buildHomeView } from './home-view.ts';

/**
 * Publishes each person's Home tab (views.publish) in their language: when they open it, after one of their clicks
 * on it (with what the click did at the top), and when a job changes, for those who opened their Home tab in the
 * last week and may see that job (its channel's members, ../visibility.ts; its requester; the approvers) (coalesced:
 * one refresh per `debounceMs`, at most `maxViewers` people, most recent first); and for one
 * person when they join or leave a private channel (coalesced the same way, one publish after another). Each publish
 * shows only what that person may see (home-data.ts, ../visibility.ts).
 */

export interface HomePublisher {
  readonly index: HomeIndex;
  publish(userId: string, notice?: string): Promise<void>;
  /** app_home_opened: remember the viewer, then publish (in the background; stop() waits for it). */
  opened(userId: string): void;
  /** Publish again the Home of this person if they opened it lately (what they may see changed). */
  refreshViewer(userId: string): void;
  /** Give this to outbox.onDelivered. */
  onDelivered(d: Delivered): void;
  /** Resolves once nothing is being published and no refresh is scheduled (what was delivered so far is shown). */
  idle(): Promise<void>;
  /** Waits for the publishing under way; no refresh is scheduled after. */
  stop(): Promise<void>;
}

export interface HomePublisherOptions {
  redis: RedisConnection;
  prefix: string;
  debounceMs?: number;
  maxViewers?: number;
  /** How long what a click did is shown at the top of the Home tab (default 60 s). */
  noticeMs?: number;
}

export function createHomePublisher(deps: SlackDeps, o: HomePublisherOptions): HomePublisher {
  const index = createHomeIndex(o.redis, o.prefix);
  const inflight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  /** People whose Home is published again once `debounceMs` passes (a burst of joins makes one pass, in turn). */
  const pending = new Set<string>();
  /** Jobs that changed since the last refresh pass, with the channel of their thread. */
  const changed = new Map<string, string>();
  let personTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const track = (what: string, p: Promise<unknown>) => {
    const q = p.catch((err: unknown) => deps.log.warn({ err: errText(err) }, `${what} failed`)).finally(() => inflight.delete(q));
    inflight.add(q);
  };
  /** Refreshes waiting out their debounce: each settles when its timer has fired (and tracked its work) or was cleared. */
  const scheduled = new Map<NodeJS.Timeout, () => void>();
  const schedule = (run: () => void): NodeJS.Timeout => {
    let done!: () => void;
    const fired = new Promise<void>((res) => { done = res; });
    const t = setTimeout(() => {
      scheduled.delete(t);
      try { run(); } finally { done(); }
    }, o.debounceMs ?? 1000);
    scheduled.set(t, done);
    track('home schedule', fired);
    return t;
  };

  /** What a click did stays at the top of the person's Home for a minute, through the refreshes that follow. */
  const noticeKey = (userId: string) => `${o.prefix}:home:notice:${userId}`;
  async function publish(userId: string, fresh?: string): Promise<void> {
    if (fresh) await o.redis.set(noticeKey(userId), fresh, 'PX', o.noticeMs ?? 60_000);
    const notice = fresh ?? (await o.redis.get(noticeKey(userId))) ?? undefined;
    const lang = await deps.languages.userLanguage(userId);
    // The same users.info read as the language (cached beside it): the Home's times are in the person's own zone.
    const tz = await deps.languages.userTimeZone(userId);
    const data = await gatherHome(deps, index, userId);
    const client = deps.web;
    const view = inTimeZone(tz, () => buildHomeView(data, lang, deps.now(), notice));
    const res = await client.views.publish({ user_id: userId, view });
    const id = (res.view as { id?: string } | undefined)?.id;
    if (id) await index.setView(userId, id);
  }

  /** Who asked for a job or batch (they see it on their Home wherever its thread is). */
  async function requesterOf(jobId: string): Promise<string | undefined> {
    const batch = await deps.service.batchStatus?.(jobId);
    if (batch) return batch.requestedBy;
    return (await deps.service.status(jobId)).find((r) => r.jobId === jobId)?.requestedBy;
  }

  async function refreshAll(): Promise<void> {
    const jobs = [...changed];
    changed.clear();
    const requesters = new Set<string>();
    for (const [jobId] of jobs) {
      const r = await requesterOf(jobId).catch(() => undefined);
      if (r) requesters.add(r);
    }
    // Only viewers whose Home can show one of the changed jobs: an approver (asked, or seeing it leave their list),
    // its requester, or someone who may see its thread's channel. Nobody else's Home changes, and a private
    // channel's job does not make an outsider's Home move.
    const mayCare = async (u: string): Promise<boolean> => {
      if (requesters.has(u) || (await deps.authz.isApprover(u))) return true;
      for (const [, channel] of jobs) if (await deps.visibility.canSeeChannel(u, channel)) return true;
      return false;
    };
    for (const u of await index.viewers(deps.now().getTime(), o.maxViewers ?? 50)) {
      if (stopped) return;
      if (!(await mayCare(u).catch(() => false))) continue;
      await publish(u).catch((err: unknown) => deps.log.warn({ userId: u, err: errText(err) }, 'home refresh failed'));
    }
  }

  return {
    index,
    publish,
    opened(userId) {
      track('home publish', index.seen(userId, deps.now().getTime()).then(() => publish(userId)));
    },
    refreshViewer(userId) {
      if (stopped) return;
      pending.add(userId);
      if (personTimer) return;
      personTimer = schedule(() => {
        personTimer = undefined;
        const users = [...pending];
        pending.clear();
        track('home refresh', (async () => {
          for (const u of users) {
            if (stopped) return;
            if (await index.isViewer(u, deps.now().getTime())) {
              await publish(u).catch((err: unknown) => deps.log.warn({ userId: u, err: errText(err) }, 'home refresh failed'));
            }
          }
        })());
      });
    },
    onDelivered(d) {
      track('home bookkeeping', index.observe(d).then((refresh) => {
        if (!refresh || stopped) return;
        changed.set(d.jobId, d.channel);
        if (timer) return;
        timer = schedule(() => {
          timer = undefined;
          track('home refresh', refreshAll());
        });
      }));
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    async stop() {
      stopped = true;
      for (const [t, settle] of scheduled) { clearTimeout(t); settle(); }
      scheduled.clear();
      await Promise.allSettled([...inflight]);
    },
  };
}
