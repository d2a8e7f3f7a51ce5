import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENI_TAG_JOB } from '../../src/domain/plan.ts';
import { CHANNEL, spawnNatmigrate, startWorld, type Proc, type World } from './helpers.ts';
import { INSTANCES } from './scenario.ts';

/**
 * Scale-out: TWO `natmigrate worker` and TWO `natmigrate bot` processes against one Redis (one queue prefix),
 * the sandbox cloud and the fake Slack workspace. Commands and clicks alternate between the bots; every job must
 * run exactly once: one ENI per instance, one thread per job, each step once in the record.
 */

const N = 6;
let world: World;
const procs: Proc[] = [];
let botUrls: string[] = [];
let workers: Proc[] = [];

beforeAll(async () => {
  world = await startWorld('scale');
  // Each job holds its worker a little while, so both workers get some.
  world.sandbox.world.latency.eniAttach = 300;
  const pick = (pred: (k: string) => boolean) => Object.fromEntries(Object.entries(world.env).filter(([k]) => pred(k)));
  // Least privilege as in docker-compose.yml: workers get no Slack secrets, bots no cloud keys.
  const workerEnv = { ...pick((k) => !k.startsWith('SLACK_')), NATMIGRATE_WORKER_CONCURRENCY: '1' };
  const botEnv = pick((k) => !k.startsWith('ALIBABA_CLOUD_'));
  workers = [spawnNatmigrate(['worker'], workerEnv), spawnNatmigrate(['worker'], workerEnv)];
  const bots = [spawnNatmigrate(['bot'], botEnv), spawnNatmigrate(['bot'], botEnv)];
  procs.push(...workers, ...bots);
  const ports = await Promise.all(procs.map((p) => p.ready(60_000)));
  botUrls = ports.slice(2).map((p) => `http://127.0.0.1:${p}/slack/events`);
}, 90_000);

afterAll(async () => {
  await Promise.all(procs.map(async (p) => {
    p.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
  }));
  await world?.close();
});

describe('two bots and two workers on one Redis', () => {
  it('runs every job exactly once', async () => {
    const instances = INSTANCES.slice(0, N).map(([id]) => id);
    // `run` through bot 0, 1, 0, 1…; the approval click through the other one.
    const jobIds: string[] = [];
    for (const [i, id] of instances.entries()) jobIds.push(await world.run(id, botUrls[i % 2]!));
    expect(new Set(jobIds).size).toBe(N);
    await Promise.all(jobIds.map((jobId, i) => world.approve(jobId, botUrls[(i + 1) % 2]!)));
    const records = await Promise.all(jobIds.map((jobId) => world.waitRecord(jobId, (r) => r.state === 'finished', 'the end', 60_000)));

    for (const [i, r] of records.entries()) {
      expect(r.outcome, r.jobId).toBe('migrated');
      expect(r.instanceId).toBe(instances[i]);
      // Each step once in the record (a double run would journal steps twice).
      const steps = r.steps.map((s) => s.step);
      expect(new Set(steps).size, `${r.jobId}: ${steps.join(',')}`).toBe(steps.length);
      expect(steps).toEqual(expect.arrayContaining(['plan', 'create_eni', 'attach_eni', 'save_original', 'modify_entry', 'wait_entry_modified', 'verify']));
      expect(r.steps.every((s) => !s.error)).toBe(true);
    }

    // The cloud saw one ENI per instance, tagged with its job, and one in-place move of each mapping.
    const secondary = [...world.sandbox.world.enis.values()].filter((e) => e.type === 'Secondary');
    expect(secondary).toHaveLength(N);
    for (const [i, id] of instances.entries()) {
      const mine = secondary.filter((e) => e.instanceId === id);
      expect(mine, id).toHaveLength(1);
      expect(mine[0]!.tags[ENI_TAG_JOB]).toBe(jobIds[i]);
    }
    const ok = (action: string) => world.sandbox.requests.filter((r) => r.action === action && r.code === 'OK').length;
    expect(ok('CreateNetworkInterface')).toBe(N);
    expect(ok('AttachNetworkInterface')).toBe(N);
    expect(ok('ModifyForwardEntry')).toBe(N);
    expect(ok('DeleteForwardEntry') + ok('CreateForwardEntry')).toBe(0);

    // One thread per job in the channel, each told to the end exactly once, although both bots deliver.
    const roots = await Promise.all(jobIds.map(async (jobId) => (await world.outbox.thread(jobId))!.rootTs));
    expect(new Set(roots).size).toBe(N);
    const top = world.slack.channelMessages(CHANNEL);
    expect(top).toHaveLength(N);
    expect(top.map((m) => m.ts).sort()).toEqual([...roots].sort());
    for (const [i, ts] of roots.entries()) {
      await world.waitThread(ts, (lines) => lines.filter((l) => l.includes('*Finished*')).length >= 1, jobIds[i]!);
      const lines = world.slack.transcript(CHANNEL, ts);
      expect(lines.filter((l) => l.includes('*Finished*')), jobIds[i]).toHaveLength(1);
      expect(lines.filter((l) => l.includes('*Migration queued*')), jobIds[i]).toHaveLength(1);
    }

    // Both workers took jobs; every job's steps ran in exactly one process at a time.
    const ran = workers.map((w) => new Set(w.lines.filter((l) => l.msg === 'job event step.started').map((l) => String(l.jobId))));
    expect(ran[0]!.size).toBeGreaterThan(0);
    expect(ran[1]!.size).toBeGreaterThan(0);
    expect(new Set([...ran[0]!, ...ran[1]!])).toEqual(new Set(jobIds));
    for (const jobId of jobIds) {
      const starts = workers.flatMap((w) => w.lines.filter((l) => l.msg === 'job event step.started' && l.jobId === jobId).map((l) => String(l.step)));
      expect(new Set(starts).size, jobId).toBe(starts.length);
    }
  });
});
