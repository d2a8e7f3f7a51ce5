import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Keys } from './keys.ts';
import { sleep } from '../../util/sleep.ts';
import { releaseIfHeld, script } from './lua.ts';

/**
 * One lock per forward table, shared by every worker of every process: the API rejects a write while any entry of
 * the table is Pending, so all our writes to one table (and the waits until they settle) run one job at a time.
 *
 * The owner is `<jobId>#<fencing token>` (fencing.ts): a job resumed after its worker died (a newer run, a higher
 * token) takes its own job's lock back at once instead of waiting for the TTL, while the older run, should it wake
 * up, can neither renew nor release the lock it lost, nor take it back. Other jobs wait until the owner releases it
 * or the TTL lapses (a dead owner stops renewing). An owner without '#' is a plain name (tests).
 */

const acquireLua = script(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
local job, tok = string.match(cur, '^(.*)#(%d+)$')
if job and ARGV[3] ~= '' and job == ARGV[3] and tonumber(tok) < tonumber(ARGV[4]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

/** `<jobId>#<token>` → [jobId, token]; a plain owner → [owner, '0']. */
function splitOwner(owner: string): [string, string] {
  const m = /^(.*)#(\d+)$/.exec(owner);
  return m ? [m[1]!, m[2]!] : ['', '0'];
}

const renewLua = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`);

export interface TableLockOptions {
  ttlMs: number;
  /** Gap between attempts while another job holds the table. */
  pollMs: number;
}

export class TableLockHandle {
  private timer: NodeJS.Timeout | undefined;
  private lostFlag = false;

  constructor(
    private readonly redis: RedisConnection,
    readonly key: string,
    readonly forwardTableId: string,
    readonly owner: string,
    private readonly ttlMs: number,
    private readonly onRelease?: () => void,
  ) {
    // Renew at a third of the TTL so one slow round trip does not lose it.
    this.timer = setInterval(() => { void this.renew(); }, Math.max(50, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  /** True once a renewal found someone else holding the table: further writes must not go out. */
  get lost(): boolean {
    return this.lostFlag;
  }

  private async renew(): Promise<void> {
    try {
      const ok = await renewLua.run(this.redis, [this.key], [this.owner, this.ttlMs]);
      if (ok !== 1) this.lostFlag = true;
    } catch {
      // Redis hiccup: the next renewal tries again; the TTL is three renewals long.
    }
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      await releaseIfHeld.run(this.redis, [this.key], [this.owner]);
    } finally {
      this.onRelease?.();
    }
  }
}

/** One job of this process waiting for a table: its turn comes when it is first in the table's local queue. */
interface LocalWaiter {
  /** Resolves when this waiter becomes the first of its queue. */
  turn: Promise<void>;
  becomeFirst: () => void;
  /** Cuts the first waiter's current poll gap short (a holder of this process released the table). */
  nudge?: () => void;
  /** A holder of this process released the table since this waiter's last try began: try again at once. */
  released: boolean;
}

export class TableLocks {
  /**
   * This process's waiters per table, first come first served. Only the first one asks Redis, every poll gap (the
   * others wait for their turn instead of each polling: with 50 jobs queued for one table that was the worker's
   * busiest Redis traffic), and a release here cuts its gap short, so the table changes hands without a poll gap.
   * Across processes nothing changes: each process's first waiter polls, and Redis decides.
   */
  private readonly queues = new Map<string, LocalWaiter[]>();

  constructor(private readonly redis: RedisConnection, private readonly keys: Keys, private readonly opts: TableLockOptions) {}

  async tryAcquire(forwardTableId: string, owner: string): Promise<TableLockHandle | undefined> {
    const key = this.keys.tableLock(forwardTableId);
    const ok = await acquireLua.run(this.redis, [key], [owner, this.opts.ttlMs, ...splitOwner(owner)]);
    return ok === 1 ? new TableLockHandle(this.redis, key, forwardTableId, owner, this.opts.ttlMs, () => this.wake(forwardTableId)) : undefined;
  }

  private wake(forwardTableId: string): void {
    const first = this.queues.get(forwardTableId)?.[0];
    if (!first) return;
    // Mid-try (its answer may predate the release), or asleep: either way it tries again now.
    first.released = true;
    first.nudge?.();
  }

  /** Sleeps the poll gap, or less when a holder of this process releases the table. */
  private async pause(me: LocalWaiter, signal?: AbortSignal): Promise<void> {
    const ac = new AbortController();
    me.nudge = () => ac.abort();
    const both = signal ? AbortSignal.any([signal, ac.signal]) : ac.signal;
    try {
      // Jitter keeps waiters of other processes from stepping in lock-step.
      await sleep(this.opts.pollMs * (0.5 + Math.random()), both).catch((e: unknown) => { if (signal?.aborted) throw e; });
    } finally {
      me.nudge = undefined;
    }
  }

  private enqueue(forwardTableId: string): LocalWaiter {
    let q = this.queues.get(forwardTableId);
    if (!q) { q = []; this.queues.set(forwardTableId, q); }
    let becomeFirst = () => {};
    const turn = new Promise<void>((resolve) => { becomeFirst = resolve; });
    const me: LocalWaiter = { turn, becomeFirst, released: false };
    q.push(me);
    if (q.length === 1) me.becomeFirst();
    return me;
  }

  private leave(forwardTableId: string, me: LocalWaiter): void {
    const q = this.queues.get(forwardTableId);
    if (!q) return;
    const i = q.indexOf(me);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(forwardTableId);
    else if (i === 0) q[0]!.becomeFirst();
  }

  /**
   * Waits (honouring `signal`) until this owner holds the table. `whenNext` is called once this waiter is the first
   * of this process's queue for the table (it is next, unless another process wins the table first).
   */
  async acquire(forwardTableId: string, owner: string, signal?: AbortSignal, whenNext?: () => void): Promise<TableLockHandle> {
    signal?.throwIfAborted();
    // One try first, past the queue: a free table, or this job's own lock taken back from an older run of it.
    const first = await this.tryAcquire(forwardTableId, owner);
    if (first) return first;
    const me = this.enqueue(forwardTableId);
    try {
      await abortable(me.turn, signal);
      whenNext?.();
      for (;;) {
        signal?.throwIfAborted();
        me.released = false;
        const h = await this.tryAcquire(forwardTableId, owner);
        if (h) return h;
        if (!me.released) await this.pause(me, signal);
      }
    } finally {
      this.leave(forwardTableId, me);
    }
  }

  async holder(forwardTableId: string): Promise<string | undefined> {
    const v = await this.redis.get(this.keys.tableLock(forwardTableId));
    return v === null ? undefined : v.replace(/#\d+$/, '');
  }
}


/** `p`, or the abort reason as soon as `signal` aborts. */
function abortable(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(() => { signal.removeEventListener('abort', onAbort); resolve(); });
  });
}
