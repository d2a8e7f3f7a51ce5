import type { RedisConnection } from '../../util/redis-connection.ts';
import type { Keys } from './keys.ts';
import { script } from './lua.ts';

/**
 * Fencing tokens ("How to do distributed locking", Kleppmann 2016): a worker that stopped (GC, SIGSTOP, a live
 * migration) for longer than its lock TTLs wakes up believing it still owns the job. Locks alone cannot tell it
 * otherwise, so every run of a job takes a fresh token (INCR of the job's counter) when it takes the job over, and
 * every destructive write, journal write and thread message first checks, in one Lua call, that
 *   - the job's counter still equals its token (no later run took the job over),
 *   - it still holds the BullMQ job lock (its lock token),
 *   - and, for a forward-table write, the table lock holds `<jobId>#<token>`.
 * A stale worker fails the check and stops; the run that owns the job re-reads the cloud and carries on.
 */

/**
 * The job part of the check, for scripts that write once it passes (records.ts writeJournal): KEYS[1] the fencing
 * counter, KEYS[2] the BullMQ job lock; ARGV[1] the token, ARGV[2] the lock token or '' (no lock to check).
 */
export const FENCE_CHECK_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'fence' end
if ARGV[2] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[2] then return 'job-lock' end
`;

const checkLua = script(`${FENCE_CHECK_LUA}
if KEYS[3] and redis.call('GET', KEYS[3]) ~= ARGV[3] then return 'table-lock' end
return 'ok'
`);

/** Who must still own the job for a write to go ahead (Fencing.check). */
export interface FenceInput { jobId: string; token: number; jobLockKey?: string; lockToken?: string; tableLockKey?: string }

/** KEYS[1..2] and ARGV[1..2] of FENCE_CHECK_LUA for `input`. */
export function fenceKeysArgs(keys: Keys, input: FenceInput): { keys: string[]; args: string[] } {
  return {
    keys: [keys.fence(input.jobId), input.jobLockKey ?? keys.fence(input.jobId)],
    args: [String(input.token), input.jobLockKey && input.lockToken ? input.lockToken : ''],
  };
}

/** Thrown when this run no longer owns its job: nothing more may be written, the owner reconciles. */
export class FencedOut extends Error {
  constructor(readonly jobId: string, readonly reason: string, readonly what: string) {
    super(`job ${jobId}: not writing ${what}: this run lost ownership (${reason})`);
    this.name = 'FencedOut';
  }
}

export const isFencedOut = (e: unknown): e is FencedOut => e instanceof FencedOut;

/** The table lock's value: the job id plus the token of the run holding it (table-lock.ts). */
export const tableLockOwner = (jobId: string, token: number): string => `${jobId}#${token}`;

export class Fencing {
  constructor(private readonly redis: RedisConnection, private readonly keys: Keys) {}

  /** A new token for a run that takes the job over; every older run of the job is fenced out from now on. */
  async takeOver(jobId: string): Promise<number> {
    return this.redis.incr(this.keys.fence(jobId));
  }

  async current(jobId: string): Promise<number | undefined> {
    const v = await this.redis.get(this.keys.fence(jobId));
    return v === null ? undefined : Number(v);
  }

  /**
   * 'ok', or why this run lost the job. `jobLockKey`/`lockToken`: the BullMQ lock (skipped when the run has none,
   * as in a direct test call); `tableLockKey`: checked when the write goes to a forward table.
   */
  async check(input: FenceInput): Promise<string> {
    const { keys, args } = fenceKeysArgs(this.keys, input);
    if (input.tableLockKey) keys.push(input.tableLockKey);
    return String(await checkLua.run(this.redis, keys, [...args, tableLockOwner(input.jobId, input.token)]));
  }
}
