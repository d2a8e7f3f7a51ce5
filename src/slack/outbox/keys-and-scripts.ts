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
  /** Set while every delivery waits (the app's token is refused). */
  pause(): string;
  /** Set while Slack asked for a pause of one method in one channel (429 + Retry-After). */
  pauseFor(method: string, channel: string): string;
  /** A token bucket pacing one method (per channel, or '*' for the workspace). */
  bucket(method: string, scope: string): string;
}

export function outboxKeys(prefix: string): OutboxKeys {
  return {
    events: (jobId) => `${prefix}:ev:${jobId}`,
    meta: (jobId) => `${prefix}:th:${jobId}`,
    lease: (jobId) => `${prefix}:lease:${jobId}`,
    msg: (channel, ts) => `${prefix}:msg:${channel}:${ts}`,
    due: () => `${prefix}:due`,
    pause: () => `${prefix}:pause`,
    pauseFor: (method, channel) => `${prefix}:pause:${method}:${channel}`,
    bucket: (method, scope) => `${prefix}:bucket:${method}:${scope}`,
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

// Lua: may one call go now? 0 = yes (a token was taken), else the ms to wait: a pause Slack asked for (KEYS[1]),
// or the token bucket KEYS[2] (ARGV: tokens per ms, burst, tokens kept in reserve for priority calls) being empty.
// Time is Redis's, shared by every bot.
export const TAKE_TOKEN = `
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return paused end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[2], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 + reserve then tokens = tokens - 1 else wait = math.ceil((1 + reserve - tokens) / rate) end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[2], 120000)
return wait`;

// Lua: a job whose events waited for their audience is due now (LT: never pushes a sooner time back).
export const BRING_FORWARD = `if redis.call('LLEN', KEYS[1]) > 0 then redis.call('ZADD', KEYS[2], 'LT', ARGV[2], ARGV[1]) end return 0`;

/** ioredis reports a failed command inside MULTI in the result, not by rejecting: turn that into a throw. */
export function throwOnExecError(res: [Error | null, unknown][] | null): void {
  if (!res) throw new Error('redis transaction aborted');
  for (const [err] of res) if (err) throw err;
}
