// Reads the events a worker process appends to a Redis list (RedisListNotifier), in order, and reacts to them.
import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../domain/events.ts';

export class EventTail {
  private cursor = 0;
  readonly all: MigrationEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly redis: Redis, private readonly key: string, private readonly onEvent: (e: MigrationEvent) => void | Promise<void>) {}

  /** Reads what is new once. */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const raw = await this.redis.lrange(this.key, this.cursor, -1);
      this.cursor += raw.length;
      for (const r of raw) {
        const e = JSON.parse(r) as MigrationEvent;
        this.all.push(e);
        await this.onEvent(e);
      }
    } finally {
      this.busy = false;
    }
  }

  start(everyMs = 20): void {
    this.timer = setInterval(() => { void this.poll().catch(() => {}); }, everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
