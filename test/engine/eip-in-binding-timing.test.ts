// The delete + create cutover and the EIP's "in binding" time (issue 15): once the IP mapping is deleted, the sandbox
// answers CreateForwardEntry on its EIP with OperationUnsupported.EipInBinding for a while (realism eipInBinding). An
// engine that expects that time (expectedMs.eipInBinding) sends its first create when it is over: one create, accepted.
// One that does not meets the code and retries (the behaviour the expectation replaces, and what makes this test able
// to fail). The realism layer's random busy codes are off here so that every EipInBinding answer is the binding's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { redisClient, sandboxCloud, sandboxEngine, uniquePrefix } from './helpers.ts';

const SNAT = '203.0.113.20';
const TIMED = ['i-bindtimed001', '192.168.1.90', '203.0.113.90'] as const;
const UNTIMED = ['i-binduntimed1', '192.168.1.91', '203.0.113.91'] as const;
const LAT = { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 60, dnatDelete: 150, dnatModify: 60, runCommand: 30 };

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Finished = Extract<MigrationEvent, { type: 'finished' }>;
let sandbox: Sandbox;
let redis: Redis;
const engines: Engine[] = [];
const prefixes = [uniquePrefix('bindtimed'), uniquePrefix('binduntimed')];
const notifier = new RecordingNotifier();

beforeAll(async () => {
  redis = redisClient();
  const hosts = [TIMED, UNTIMED];
  const world = natWorld({
    latencyMs: LAT, snatIp: SNAT, eips: hosts.map((h) => h[2]),
    instances: hosts.map(([id, ip]) => worldInstance(id, ip)),
    dnatEntries: hosts.map(([, ip, eip]) => ipMapping(eip, ip)),
  });
  // In binding for 400 ms after the delete completed: longer than one call's busy retries in the tests' timings.
  sandbox = await startSandbox({ scenario: { ...world, realism: { off: ['transientCodes'], readLagMs: 20, eipInBindingMs: 400 } }, port: 0 });
  const expected = { ...LAT, readLag: 20 };
  for (const [i, eipInBinding] of [400, undefined].entries()) {
    const engine = sandboxEngine({
      cloud: sandboxCloud(sandbox), prefix: prefixes[i]!, notifier, edge: sandbox.edge,
      options: { expectedMs: eipInBinding === undefined ? expected : { ...expected, eipInBinding } },
    });
    await engine.startWorker();
    engines.push(engine);
  }
});

afterAll(async () => {
  for (const e of engines) await e.close();
  for (const p of prefixes) await deleteKeys(redis, p);
  await redis?.quit();
  await sandbox?.close();
});

async function migrateByRecreate(engine: Engine, instanceId: string): Promise<{ jobId: string; fin: Finished }> {
  const [r] = await engine.service.submit({
    regionId: 'cn-hangzhou', instanceIds: [instanceId], options: { ports: { kind: 'list', ports: [22] }, configureGuest: false },
    requestedBy: 'UREQ', audience: { channelId: 'CTEST' },
  });
  const jobId = (r as { jobId: string }).jobId;
  const asked = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'approval.requested', 20_000) as Extract<MigrationEvent, { type: 'approval.requested' }>;
  await engine.approvals.decide(jobId, { planHash: asked.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
  const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Finished;
  return { jobId, fin };
}

const creates = (eip: string) => sandbox.requests.filter((q) => q.action === 'CreateForwardEntry' && q.params.ExternalIp === eip).map((q) => q.code);

describe('delete + create: the first create waits out the EIP in binding', () => {
  it('with the in-binding time expected, one create goes out and is accepted', async () => {
    const { jobId, fin } = await migrateByRecreate(engines[0]!, TIMED[0]);
    expect(fin.outcome).toBe('migrated');
    expect(creates(TIMED[2])).toEqual(['OK']);
    const step = (await engines[0]!.service.status(jobId))[0]!.steps.find((s) => s.step === 'create_entry');
    expect(step?.detail?.waitedForEipMs).toBeGreaterThan(0);
  }, 60_000);

  it('without it, the create meets EipInBinding and is retried until the EIP is free', async () => {
    const { fin } = await migrateByRecreate(engines[1]!, UNTIMED[0]);
    expect(fin.outcome).toBe('migrated');
    const codes = creates(UNTIMED[2]);
    expect(codes).toContain('OperationUnsupported.EipInBinding');
    expect(codes.at(-1)).toBe('OK');
  }, 60_000);
});
