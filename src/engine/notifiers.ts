import type { RedisConnection } from '../util/redis-connection.ts';
import type { MigrationEvent } from '../domain/events.ts';
import type { Notifier } from './ports.ts';

/**
 * In-process notifier: keeps every event in order in memory. For tests and the demo's non-Slack mode;
 * `waitFor` lets a caller block until an event shows up instead of sleeping.
 */
export class RecordingNotifier implements Notifier {
  readonly events: MigrationEvent[] = [];
  private waiters: { pred: (e: MigrationEvent) => boolean; resolve: (e: MigrationEvent) => void }[] = [];

  async emit(event: MigrationEvent): Promise<void> {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (w.pred(event)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(event);
      }
    }
  }

  forJob(jobId: string): MigrationEvent[] {
    return this.events.filter((e) => e.jobId === jobId);
  }

  /** Resolves with the first event (already seen or future) matching `pred`. */
  waitFor<T extends MigrationEvent = MigrationEvent>(pred: (e: MigrationEvent) => boolean, timeoutMs = 30_000): Promise<T> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const w = {
        pred,
        resolve: (e: MigrationEvent) => { clearTimeout(t); resolve(e as T); },
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`RecordingNotifier: no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }
}

/**
 * Appends events as JSON to one Redis list. Lets several worker processes report to one reader
 * (the crash test, `natmigrate worker` without Slack); it is not the Slack outbox.
 */
export class RedisListNotifier implements Notifier {
  constructor(private readonly redis: RedisConnection, private readonly key: string, private readonly maxLen = 100_000) {}

  async emit(event: MigrationEvent): Promise<void> {
    await this.redis.multi().rpush(this.key, JSON.stringify(event)).ltrim(this.key, -this.maxLen, -1).exec();
  }

  async read(jobId?: string): Promise<MigrationEvent[]> {
    const all = (await this.redis.lrange(this.key, 0, -1)).map((s) => JSON.parse(s) as MigrationEvent);
    return jobId ? all.filter((e) => e.jobId === jobId) : all;
  }
}

/** Sends each event to several notifiers, in order; one failing does not stop the others, but is reported. */
export class FanoutNotifier implements Notifier {
  constructor(private readonly targets: Notifier[]) {}

  async emit(event: MigrationEvent): Promise<void> {
    const results = await Promise.allSettled(this.targets.map((t) => t.emit(event)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
