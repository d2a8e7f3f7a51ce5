import { createHash } from 'node:crypto';
import type { RedisConnection } from '../../util/redis-connection.ts';

/**
 * A Lua script run by EVALSHA, falling back to EVAL once when the server does not know it yet
 * (restart, SCRIPT FLUSH). Keeps the scripts readable next to the code that calls them.
 */
export interface Script {
  run(redis: RedisConnection, keys: string[], args: (string | number)[]): Promise<unknown>;
}

export function script(lua: string): Script {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (e instanceof Error && e.message.includes('NOSCRIPT')) return redis.eval(lua, keys.length, ...keys, ...args);
        throw e;
      }
    },
  };
}

/** Deletes KEYS[1] only while it still holds ARGV[1] (a lock or lease's owner); 1 when it did. */
export const releaseIfHeld = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
