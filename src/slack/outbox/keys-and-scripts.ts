/** Where the outbox keeps things in Redis, and the scripts that must run there atomically. */

export interface OutboxKeys {
  /** The job's thread events, in order (a list). */
  events(jobId: string): string;
  /** The job's delivery state (a hash: audience, cursor, the ts of every message posted…). */
  meta(jobId: string): string;
  lease(jobId: string): string;
  /** Which job and card a posted message belongs to. */
  msg(channel: string, ts: string): string;
  /** Jobs with something to deliver, scored by when (a sorted set). */
  due(): string;
  /** Set while Slack asked everyone to wait (429). */
  pause(): string;
}

export function outboxKeys(prefix: string): OutboxKeys {
  return {
    events: (jobId) => `${prefix}:ev:${jobId}`,
    meta: (jobId) => `${prefix}:th:${jobId}`,
    lease: (jobId) => `${prefix}:lease:${jobId}`,
    msg: (channel, ts) => `${prefix}:msg:${channel}:${ts}`,
    due: () => `${prefix}:due`,
    pause: () => `${prefix}:pause`,
  };
}

// Lua: extend/release a lease only if we still own it.
export const RENEW_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
export const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

// Lua: the job leaves the due set only when every event is delivered and the card shows all of them (an emit
// racing with this check either lands before it, so LLEN is larger, or after it, re-adding the job).
export const SETTLE = `
local len = redis.call('LLEN', KEYS[1])
local cursor = tonumber(redis.call('HGET', KEYS[2], 'cursor') or '0')
local card = tonumber(redis.call('HGET', KEYS[2], 'card') or '-1')
local mode = redis.call('HGET', KEYS[2], 'mode')
if cursor >= len and (card >= cursor or mode ~= 'thread') then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
return 0`;

// Lua: a job whose events waited for their audience is due now (LT: never pushes a sooner time back).
export const BRING_FORWARD = `if redis.call('LLEN', KEYS[1]) > 0 then redis.call('ZADD', KEYS[2], 'LT', ARGV[2], ARGV[1]) end return 0`;

/** ioredis reports a failed command inside MULTI in the result, not by rejecting: turn that into a throw. */
export function throwOnExecError(res: [Error | null, unknown][] | null): void {
  if (!res) throw new Error('redis transaction aborted');
  for (const [err] of res) if (err) throw err;
}
