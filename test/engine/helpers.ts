import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test file (or run) shares; a hash tag like the product's default. */
export function uniquePrefix(name: string): string {
  return `{nmtest-${name}-${randomBytes(4).toString('hex')}}`;
}

export function redisClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export { until } from '../../src/util/until.ts';
