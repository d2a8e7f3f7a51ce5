// Fencing tokens and the forward-table lock on a real Redis: a newer run of a job fences every older one out of
// the job, the BullMQ lock and the table lock; the older run can neither renew, release nor take the table back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Fencing, tableLockOwner } from '../../src/engine/store/fencing.ts';
import { makeKeys } from '../../src/engine/store/keys.ts';
import { TableLocks } from '../../src/engine/store/table-lock.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { redisClient, uniquePrefix, until } from './helpers.ts';

const prefix = uniquePrefix('fence');
const keys = makeKeys(prefix);
let redis: Redis;

beforeAll(() => { redis = redisClient(); });
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe('fencing tokens', () => {
  it('a takeover fences out the older run, whatever its locks say', async () => {
    const f = new Fencing(redis, keys);
    const jobLock = `${prefix}:migrations:j1:lock`;
    const old = await f.takeOver('j1');
    await redis.set(jobLock, 'tok-old');
    expect(await f.check({ jobId: 'j1', token: old, jobLockKey: jobLock, lockToken: 'tok-old' })).toBe('ok');
    // The BullMQ lock lapsed and another worker took the job: new lock token, new fencing token.
    await redis.set(jobLock, 'tok-new');
    expect(await f.check({ jobId: 'j1', token: old, jobLockKey: jobLock, lockToken: 'tok-old' })).toBe('job-lock');
    const now = await f.takeOver('j1');
    expect(now).toBeGreaterThan(old);
    expect(await f.check({ jobId: 'j1', token: old, jobLockKey: jobLock, lockToken: 'tok-new' })).toBe('fence');
    expect(await f.check({ jobId: 'j1', token: now, jobLockKey: jobLock, lockToken: 'tok-new' })).toBe('ok');
    // The job finished and BullMQ removed it: no lock at all.
    await redis.del(jobLock);
    expect(await f.check({ jobId: 'j1', token: now, jobLockKey: jobLock, lockToken: 'tok-new' })).toBe('job-lock');
  });

  it('checks the table lock holds this run of this job', async () => {
    const f = new Fencing(redis, keys);
    const locks = new TableLocks(redis, keys, { ttlMs: 5_000, pollMs: 10 });
    const t = await f.takeOver('j2');
    const h = await locks.acquire('ftb-f1', tableLockOwner('j2', t));
    expect(await f.check({ jobId: 'j2', token: t, tableLockKey: h.key })).toBe('ok');
    await redis.set(h.key, tableLockOwner('j-other', 1));
    expect(await f.check({ jobId: 'j2', token: t, tableLockKey: h.key })).toBe('table-lock');
    await redis.del(h.key);
    await h.release();
  });
});

describe('forward-table lock with fencing tokens', () => {
  it('a newer run of the same job takes the table at once; the older run cannot renew, release or take it back', async () => {
    const locks = new TableLocks(redis, keys, { ttlMs: 300, pollMs: 10 });
    const older = await locks.acquire('ftb-f2', tableLockOwner('j3', 1));
    // Another job waits; a newer run of j3 does not.
    expect(await locks.tryAcquire('ftb-f2', tableLockOwner('j4', 9))).toBeUndefined();
    const newer = await locks.tryAcquire('ftb-f2', tableLockOwner('j3', 2));
    expect(newer).toBeDefined();
    // The older run's renewal finds the table no longer its own.
    await until(() => older.lost, { what: 'the older run to notice', timeoutMs: 5_000, everyMs: 20 });
    expect(await locks.tryAcquire('ftb-f2', tableLockOwner('j3', 1))).toBeUndefined();
    await older.release();
    expect(await redis.get(keys.tableLock('ftb-f2'))).toBe(tableLockOwner('j3', 2));
    expect(await locks.holder('ftb-f2')).toBe('j3');
    await newer!.release();
    expect(await redis.get(keys.tableLock('ftb-f2'))).toBeNull();
  });
});
