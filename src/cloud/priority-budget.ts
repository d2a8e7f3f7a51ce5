import { AsyncLocalStorage } from 'node:async_hooks';
import type { RateBudget } from './rate-budget.ts';

/**
 * Which API calls go first when the rate budget is the bottleneck. A fleet stages many instances at once while
 * their cutovers run one at a time on a shared forward table; with a first-come budget, the cutover's calls (and
 * the next job's staging) queue behind everyone's staging reads and the table sits idle. The engine marks each
 * step: `critical` for calls made while holding a table lock, `rank` (the job's creation time) so older jobs
 * finish staging first instead of all jobs sharing the budget evenly and finishing together.
 */
export interface CallPriority {
  critical: boolean;
  /** Smaller goes first (e.g. the job's creation time). */
  rank: number;
}

const als = new AsyncLocalStorage<CallPriority>();

/** Every cloud call made inside `fn` (across awaits) carries this priority. */
export function withCallPriority<T>(p: CallPriority, fn: () => Promise<T>): Promise<T> {
  return als.run(p, fn);
}

function currentCallPriority(): CallPriority | undefined {
  return als.getStore();
}

interface Waiter {
  key: [number, number, number];
  action: string;
  signal?: AbortSignal;
  resolve(): void;
  reject(e: unknown): void;
  onAbort?: () => void;
}

const before = (a: Waiter['key'], b: Waiter['key']) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * A local priority queue in front of another budget (the shared Redis one): takes are handed to it one at a time,
 * highest priority first, so a late critical call waits at most one slot instead of the whole local backlog.
 * The inner budget still sets the rate, across processes.
 */
export class PriorityBudget implements RateBudget {
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  private seq = 0;
  /** Throttled actions ('*' = all) stay queued here until then, so they do not block other actions' turns. */
  private readonly pausedUntil = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly inner: RateBudget, private readonly maxInFlight = 1) {}

  take(action: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const p = currentCallPriority();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { key: [p?.critical ? 0 : 1, p?.rank ?? Number.MAX_SAFE_INTEGER, this.seq++], action, signal, resolve, reject };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      // Sorted insert: the queue is short (one entry per waiting call of this process).
      let i = this.queue.length;
      while (i > 0 && before(w.key, this.queue[i - 1]!.key) < 0) i--;
      this.queue.splice(i, 0, w);
      this.pump();
    });
  }

  private paused(action: string, now: number): number {
    return Math.max(this.pausedUntil.get(action) ?? 0, this.pausedUntil.get('*') ?? 0) - now;
  }

  private pump(): void {
    const now = Date.now();
    let soonest = Infinity;
    while (this.inFlight < this.maxInFlight) {
      const i = this.queue.findIndex((w) => {
        const left = this.paused(w.action, now);
        if (left > 0) soonest = Math.min(soonest, left);
        return left <= 0;
      });
      if (i < 0) break;
      const w = this.queue.splice(i, 1)[0]!;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      this.inFlight++;
      this.inner.take(w.action, w.signal).then(w.resolve, w.reject).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    if (soonest < Infinity && this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => { this.timer = undefined; this.pump(); }, Math.ceil(soonest));
      this.timer.unref();
    }
  }

  penalize(action: string, retryAfterMs?: number, code?: string): void | Promise<void> {
    // Same scope as the Redis budget: Throttling.User is the whole account, anything else that API.
    const until = Date.now() + (retryAfterMs ?? 1000);
    const key = code === 'Throttling.User' ? '*' : action;
    this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, until));
    return this.inner.penalize?.(action, retryAfterMs, code);
  }
}
