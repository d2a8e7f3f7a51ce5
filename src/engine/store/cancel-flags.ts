import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Keys } from './keys.ts';

/**
 * Cancel requests: one flag per job (or batch), set once by whoever asks first and kept for the record's
 * retention. The job looks at it at every step boundary and while it waits; the flag never changes anything itself.
 */
export class CancelFlags {
  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly retentionMs: number) {}

  /** True when this call set the flag; false when someone asked before. */
  async request(jobId: string, by: string, at: string): Promise<boolean> {
    return (await this.redis.set(this.keys.cancel(jobId), JSON.stringify({ by, at }), 'PX', this.retentionMs, 'NX')) === 'OK';
  }

  /** Who asked to cancel, if anyone. */
  async requestedBy(jobId: string): Promise<string | undefined> {
    const raw = await this.redis.get(this.keys.cancel(jobId));
    if (!raw) return undefined;
    try { return (JSON.parse(raw) as { by: string }).by; } catch { return raw; }
  }
}
