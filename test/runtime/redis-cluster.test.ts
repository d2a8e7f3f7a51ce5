// natmigrate on a real Redis Cluster: three masters started here on free loopback ports, joined with
// `redis-cli --cluster create`, and a full migration through the engine (BullMQ queue and workers, records,
// approvals, table lock, the Redis rate budget, the real Alibaba adapter against the sandbox cloud) over a
// cluster-aware client seeded from two of the three nodes. Afterwards every key of the run must sit in the
// prefix's one slot. CI installs redis-server; without it this file fails (it does not skip).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlibabaCloud, type AlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import { loadConfig } from '../../src/config.ts';
import { hasHashTag, redisUrlPasswords, safeRedisUrl } from '../../src/util/redis-urls.ts';
import { redisTargetFromConfig } from '../../src/runtime/compose.ts';
import { RedisRateBudget } from '../../src/engine/store/api-rate-budget.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { makeKeys } from '../../src/engine/store/keys.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { outboxKeys } from '../../src/slack/outbox.ts';
import { createRedisConnection, type RedisConnection } from '../../src/util/redis-connection.ts';
import { uniquePrefix } from '../engine/helpers.ts';
import { until } from '../../src/util/until.ts';
import { EIP_SNAT, engineScenario, MIGRATABLE } from '../engine/scenario.ts';

const run = promisify(execFile);
const silent = pino({ level: 'silent' });
const REGION = 'cn-hangzhou';
const ALL: MigrationOptions = { ports: { kind: 'all' }, configureGuest: false };

describe('Redis Cluster configuration', () => {
  const cluster = (extra: Record<string, string>) => loadConfig({ NATMIGRATE_REDIS_CLUSTER: 'true', ...extra }, 'worker');
  const problems = (r: ReturnType<typeof loadConfig>) => (r.ok ? [] : r.problems);

  it('is off by default; one URL stays a single endpoint', () => {
    const r = loadConfig({}, 'worker');
    expect(r.ok && r.config.NATMIGRATE_REDIS_CLUSTER).toBe(false);
    expect(r.ok && redisTargetFromConfig(r.config)).toEqual({ url: 'redis://127.0.0.1:6379', cluster: false });
  });

  it('accepts one seed or several comma-separated seeds with the default {natmigrate} prefix', () => {
    for (const url of ['redis://10.0.0.1:6379', 'redis://10.0.0.1:6379, redis://10.0.0.2:6379,redis://10.0.0.3:7000', 'rediss://:pw@a.example:6380,rediss://b.example:6380']) {
      const r = cluster({ REDIS_URL: url });
      expect(problems(r), url).toEqual([]);
      expect(r.ok && r.config.NATMIGRATE_QUEUE_PREFIX).toBe('{natmigrate}');
    }
  });

  it('names each seed that is not a redis:// or rediss:// URL, without echoing it', () => {
    const p = problems(cluster({ REDIS_URL: 'redis://10.0.0.1:6379,http://:s3cret@10.0.0.2:6379,10.0.0.3:6379' }));
    expect(p).toEqual([
      expect.stringMatching(/^REDIS_URL: seed node 2 of 3 is not a redis:\/\/ or rediss:\/\/ URL/),
      expect.stringMatching(/^REDIS_URL: seed node 3 of 3 is not a redis:\/\/ or rediss:\/\/ URL/),
    ]);
    expect(p.join('\n')).not.toContain('s3cret');
  });

  it('refuses a prefix without a hash tag (or an empty one) in cluster mode only', () => {
    for (const prefix of ['natmigrate', '{}natmigrate', 'nat}{migrate', '{natmigrate']) {
      expect(problems(cluster({ NATMIGRATE_QUEUE_PREFIX: prefix })), prefix).toEqual([
        `NATMIGRATE_QUEUE_PREFIX: '${prefix}' has no {…} hash tag; on a Redis Cluster it needs one (e.g. {natmigrate}) so all keys land in one slot and the multi-key scripts work`,
      ]);
      expect(loadConfig({ NATMIGRATE_QUEUE_PREFIX: prefix }, 'worker').ok, prefix).toBe(true);
    }
    expect(hasHashTag('prod{nm}')).toBe(true);
    expect(hasHashTag('{}x{nm}')).toBe(false); // Redis takes the first {…}: empty, so the whole key is hashed
  });

  it('refuses several URLs without the switch, a database other than 0, mixed TLS and differing credentials', () => {
    expect(problems(loadConfig({ REDIS_URL: 'redis://a:1,redis://b:2' }, 'worker'))).toEqual([
      'REDIS_URL: lists 2 URLs; set NATMIGRATE_REDIS_CLUSTER=true to use them as the seed nodes of a Redis Cluster, or give one URL',
    ]);
    expect(problems(cluster({ REDIS_URL: 'redis://a:1/2' }))).toEqual(['REDIS_URL: a Redis Cluster has only database 0; drop the /<db> from the seed URLs']);
    expect(problems(cluster({ REDIS_URL: 'redis://a:1/0' }))).toEqual([]);
    expect(problems(cluster({ REDIS_URL: 'redis://a:1,rediss://b:2' }))).toEqual([expect.stringMatching(/^REDIS_URL: mixes redis:\/\/ and rediss:\/\//)]);
    expect(problems(cluster({ REDIS_URL: 'redis://:one@a:1,redis://:two@b:2' }))).toEqual([expect.stringMatching(/^REDIS_URL: seed nodes carry different credentials/)]);
    expect(problems(cluster({ REDIS_URL: 'redis://:one@a:1,redis://b:2' }))).toEqual([]);
  });

  it('keeps every seed password out of messages and logs', () => {
    const url = 'redis://:p%40ss@a:1,redis://user:p%40ss@b:2';
    expect(safeRedisUrl(url)).toBe('redis://:***@a:1,redis://user:***@b:2');
    expect(redisUrlPasswords(url)).toEqual(['p@ss', 'p@ss']);
  });

  it('createEngine refuses a cluster target whose prefix has no hash tag', () => {
    expect(() => createEngine({
      redis: { url: 'redis://127.0.0.1:1', cluster: true }, prefix: 'natmigrate', cloud: (() => { throw new Error('unused'); }), notifier: new RecordingNotifier(),
    })).toThrow(/no \{…\} hash tag/);
  });
});

// ---- a real three-master cluster ----

interface Node { port: number; proc: ChildProcess; output: string }

/** A free loopback port whose cluster bus port (+10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  const tryListen = (port: number) => new Promise<number | undefined>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  for (let i = 0; i < 200; i++) {
    const p = await tryListen(0);
    if (!p || p > 55_000 || taken.has(p) || taken.has(p + 10_000)) continue;
    if (await tryListen(p + 10_000)) {
      taken.add(p);
      taken.add(p + 10_000);
      return p;
    }
  }
  throw new Error('no free loopback port pair for a cluster node');
}

async function cli(args: string[]): Promise<string> {
  const r = await run('redis-cli', args, { timeout: 20_000 });
  return r.stdout;
}

describe('a migration on a real 3-master Redis Cluster', () => {
  const nodes: Node[] = [];
  let dir: string | undefined;
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  let cloud: AlibabaCloud;
  let engine: Engine | undefined;
  let budgetRedis: RedisConnection | undefined;
  let seeds: string;
  const prefix = uniquePrefix('cluster');
  const notifier = new RecordingNotifier();

  beforeAll(async () => {
    for (const bin of ['redis-server', 'redis-cli']) {
      const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' });
      if (probe.error) {
        throw new Error(`${bin} is not installed (${(probe.error as NodeJS.ErrnoException).code}); this test starts a local Redis Cluster with it — install it (apt-get install -y redis-server) instead of skipping`);
      }
    }
    dir = mkdtempSync(join(tmpdir(), 'natmigrate-cluster-'));
    const taken = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const port = await freeClusterPort(taken);
      const proc = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir,
        '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      const node: Node = { port, proc, output: '' };
      // Kept (bounded) for the failure message if a node does not come up.
      const keep = (b: Buffer) => { node.output = (node.output + b.toString()).slice(-4000); };
      proc.stdout!.on('data', keep);
      proc.stderr!.on('data', keep);
      nodes.push(node);
    }
    for (const n of nodes) {
      await until(async () => {
        if (n.proc.exitCode !== null) throw new Error(`redis-server on ${n.port} exited (${n.proc.exitCode}):\n${n.output}`);
        return (await cli(['-h', '127.0.0.1', '-p', String(n.port), 'ping']).catch(() => '')).trim() === 'PONG';
      }, { what: `redis-server on 127.0.0.1:${n.port}`, timeoutMs: 15_000, everyMs: 50 });
    }
    await cli(['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const n of nodes) {
      await until(async () => /cluster_state:ok/.test(await cli(['-h', '127.0.0.1', '-p', String(n.port), 'cluster', 'info']).catch(() => '')),
        { what: `cluster_state:ok on ${n.port}`, timeoutMs: 20_000, everyMs: 100 });
    }

    // Two of the three nodes as seeds: the client learns the third from CLUSTER SLOTS.
    seeds = nodes.slice(0, 2).map((n) => `redis://127.0.0.1:${n.port}`).join(',');
    const loaded = loadConfig({ REDIS_URL: seeds, NATMIGRATE_REDIS_CLUSTER: 'true', NATMIGRATE_QUEUE_PREFIX: prefix }, 'worker');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const target = redisTargetFromConfig(loaded.config);

    sandbox = await startSandbox({ scenario: engineScenario(), port: 0 });
    // The fleet-wide API budget lives on the cluster too (a two-key Lua script).
    budgetRedis = createRedisConnection(target, 'rate-budget');
    cloud = createAlibabaCloud({
      regionId: REGION, ecsEndpoint: sandbox.endpoint, vpcEndpoint: sandbox.endpoint, protocol: 'http', credentials: sandbox.credentials,
      waiter: { initialMs: 15, factor: 1.5, maxMs: 80 }, retry: { baseDelayMs: 20, maxDelayMs: 200, busyBaseDelayMs: 50 },
      rateBudget: new RedisRateBudget(budgetRedis, makeKeys(prefix), { ratePerSec: 1000 }),
    });
    engine = createEngine({
      redis: target, prefix, cloud, notifier, logger: silent,
      options: {
        approvalTtlMs: 60_000, verifyTimeoutMs: 2_000, verifyIntervalMs: 100, cancelPollMs: 20, tableLockTtlMs: 5_000,
        tableLockPollMs: 10, retryBaseMs: 50, publicEdge: sandbox.edge,
      },
      worker: { concurrency: 4, lockDurationMs: 5_000, stalledIntervalMs: 2_500 },
    });
    await engine.startWorker();
  }, 90_000);

  afterAll(async () => {
    // Each step on its own: the cluster processes and the temp dir go away even if an earlier step fails.
    await engine?.close().catch(() => {});
    await budgetRedis?.quit().catch(() => {});
    await sandbox?.close().catch(() => {});
    await Promise.all(nodes.map((n) => new Promise<void>((resolve) => {
      if (n.proc.exitCode !== null || n.proc.signalCode !== null) { resolve(); return; }
      const hard = setTimeout(() => n.proc.kill('SIGKILL'), 5_000);
      n.proc.once('exit', () => { clearTimeout(hard); resolve(); });
      n.proc.kill('SIGTERM');
    })));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('the engine talks to the cluster through a cluster-aware client', () => {
    expect((engine!.redis as Cluster).isCluster).toBe(true);
    expect((engine!.redis as Cluster).nodes('master')).toHaveLength(3);
  });

  it('every key family of the product hashes to the prefix slot', async () => {
    const c = engine!.redis;
    const slot = Number(await c.cluster('KEYSLOT', prefix));
    const k = makeKeys(prefix);
    const o = outboxKeys(`${prefix}:slack`);
    const all = [
      k.record('j'), k.byInstance('i'), k.activeJobs(), k.activeFor('r', 'i'), k.seq('migrate', 'r', 'i'), k.cancel('j'),
      k.tableLock('ftb'), k.rate('global'), k.events(), `${k.prefix}:fleet:active`, `${k.prefix}:fleet:plans:b`, `${k.prefix}:drift:fp:r:v`,
      `${k.prefix}:no-instance`, o.events('j'), o.meta('j'), o.lease('j'), o.msg('C', '1.2'), o.due(), o.pause(), `${prefix}:slack:replay:x`,
      `${prefix}:migrations:wait`, `${prefix}:fleet:meta`,
    ];
    for (const key of all) expect(Number(await c.cluster('KEYSLOT', key)), key).toBe(slot);
  });

  it('previews and migrates one instance end to end, and every key it wrote lives in that one slot', async () => {
    const e = engine!;
    const [id, ip, eip] = MIGRATABLE[0]!;

    // A preview finishes without an instance claim (its finish script must not name a key outside the slot).
    const { jobId: previewId } = await e.service.preview({ regionId: REGION, instanceId: id, options: ALL, requestedBy: 'UREQ', audience: { channelId: 'C' } });
    await notifier.waitFor((ev) => ev.jobId === previewId && ev.type === 'planned', 30_000);
    await until(async () => (await e.service.status(previewId))[0]?.state === 'finished', { what: 'preview finished', timeoutMs: 20_000, everyMs: 50 });

    const [r] = await e.service.submit({ regionId: REGION, instanceIds: [id], options: ALL, requestedBy: 'UREQ', audience: { channelId: 'C' } });
    expect(r?.status).toBe('queued');
    const jobId = (r as { jobId: string }).jobId;
    const asked = await notifier.waitFor((ev) => ev.jobId === jobId && ev.type === 'approval.requested', 30_000) as Extract<MigrationEvent, { type: 'approval.requested' }>;
    expect(await e.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPPROVER', isApprover: true })).toMatchObject({ ok: true, decided: true });
    const fin = await notifier.waitFor((ev) => ev.jobId === jobId && ev.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
    expect(fin.outcome).toBe('migrated');

    const verified = notifier.forJob(jobId).find((ev) => ev.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(verified.egress.observedIp).toBe(EIP_SNAT);
    const rec = (await e.service.status(jobId))[0]!;
    expect(rec).toMatchObject({ state: 'finished', outcome: 'migrated' });
    const entries = await cloud.listForwardEntries('ftb-1', { externalIp: eip });
    expect(entries.map((x) => x.internalIp)).not.toContain(ip);

    // Where the keys are: all on the master owning the prefix slot, none elsewhere, none outside the prefix.
    const c = e.redis as Cluster;
    const slot = Number(await c.cluster('KEYSLOT', prefix));
    const perNode: string[][] = [];
    for (const node of c.nodes('master')) {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      perNode.push(keys);
    }
    const all = perNode.flat();
    expect(all.length).toBeGreaterThan(5);
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
    expect(all.filter((key) => !key.startsWith(prefix))).toEqual([]);
    // COUNTKEYSINSLOT names no key, so ask the owner directly rather than a node the client picks.
    const owner = c.nodes('master')[perNode.findIndex((keys) => keys.length > 0)]!;
    expect(Number(await owner.cluster('COUNTKEYSINSLOT', slot))).toBe(all.length);
  });
});
