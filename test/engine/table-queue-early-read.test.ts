// Jobs queued for one forward table (issue 15, the fleet's hand-over): the job next in line reads the entry it will
// change while the holder's change settles, so once the table is its own it writes without another read. Eight
// in-place migrations approved at once queue behind each other; the later ones waited longer than a read is trusted
// (ORIGINAL_READ_FRESH_MS) since their save_original, so without the early read they would read again under the lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { redisClient, sandboxCloud, sandboxEngine, uniquePrefix } from './helpers.ts';

const HOSTS = Array.from({ length: 8 }, (_, i) => [`i-tablequeue0${i}`, `192.168.1.${100 + i}`, `203.0.113.${100 + i}`] as const);
const LAT = { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 200, dnatDelete: 60, dnatModify: 200, runCommand: 30 };

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let redis: Redis;
let engine: Engine;
const prefix = uniquePrefix('tablequeue');
const notifier = new RecordingNotifier();

beforeAll(async () => {
  redis = redisClient();
  const world = natWorld({
    latencyMs: LAT, snatIp: '203.0.113.20', eips: HOSTS.map((h) => h[2]),
    instances: HOSTS.map(([id, ip]) => worldInstance(id, ip)), dnatEntries: HOSTS.map(([, ip, eip]) => ipMapping(eip, ip)),
  });
  sandbox = await startSandbox({ scenario: { ...world, realism: { off: ['transientCodes'], readLagMs: 20 } }, port: 0 });
  engine = sandboxEngine({ cloud: sandboxCloud(sandbox), prefix, notifier, edge: sandbox.edge, concurrency: 10, options: { expectedMs: { ...LAT, readLag: 20 } } });
  await engine.startWorker();
});

afterAll(async () => {
  await engine?.close();
  await deleteKeys(redis, prefix);
  await redis?.quit();
  await sandbox?.close();
});

type Asked = Extract<MigrationEvent, { type: 'approval.requested' }>;

describe('jobs queued for one forward table', () => {
  it('the next job reads its entry while it waits, and writes without another read once the table is its own', async () => {
    const jobs: { jobId: string; asked: Asked }[] = [];
    for (const [id] of HOSTS) {
      const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
      const jobId = (r as { jobId: string }).jobId;
      jobs.push({ jobId, asked: await notifier.waitFor((e) => e.jobId === jobId && e.type === 'approval.requested', 20_000) as Asked });
    }
    await Promise.all(jobs.map(({ jobId, asked }) => engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true })));
    for (const { jobId } of jobs) {
      const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 60_000) as Extract<MigrationEvent, { type: 'finished' }>;
      expect(fin.outcome).toBe('migrated');
    }
    const mods = sandbox.requests.filter((q) => q.action === 'ModifyForwardEntry' && q.code === 'OK').sort((a, b) => a.at - b.at);
    expect(mods).toHaveLength(HOSTS.length);
    const readsOf = (id: string | undefined) => sandbox.requests.filter((q) => q.action === 'DescribeForwardTableEntries' && q.params.ForwardEntryId === id);
    const late: string[] = [];
    for (let i = 1; i < mods.length; i++) {
      const prev = mods[i - 1]!;
      const next = mods[i]!;
      // The holder's last read of its entry (its waiter saw the change): the table was free from then on.
      const freed = Math.max(...readsOf(prev.params.ForwardEntryId).filter((q) => q.at < next.at).map((q) => q.at));
      if (readsOf(next.params.ForwardEntryId).some((q) => q.at > freed && q.at < next.at)) late.push(next.params.ForwardEntryId!);
    }
    expect(late).toEqual([]);
  }, 120_000);
});
