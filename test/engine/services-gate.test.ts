// The guest's services are part of the approval (issue 17): a service that starts between the plan and the approval
// makes the approved plan stale, so the gate's recheck reads the guest again, shows what changed, and asks again
// before anything on the forward table is touched. Real Redis, BullMQ, the Alibaba adapter over HTTP and the sandbox
// (realism layer on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { type AlibabaCloud } from '../../src/cloud/alibaba/index.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox, type ScenarioInput } from '../../src/sandbox/index.ts';
import type { GuestServicesSpec } from '../../src/sandbox/guest/guest-services-spec.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { redisClient, sandboxCloud, sandboxEngine, uniquePrefix, until } from './helpers.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
const REGION = 'cn-hangzhou';
const ID = 'i-svcgate0001';
const IP = '192.168.1.50';
const EIP = '203.0.113.50';

function scenario(): ScenarioInput {
  return natWorld({
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, dnatModify: 30, runCommand: 20 },
    snatIp: '203.0.113.20', eips: [EIP],
    instances: [worldInstance(ID, IP, { guest: { services: [{ port: 443, process: 'nginx' }] } })],
    dnatEntries: [ipMapping(EIP, IP)],
  });
}

let sandbox: Sandbox;
let cloud: AlibabaCloud;
let redis: Redis;
let engine: Engine;
const prefix = uniquePrefix('svcgate');
const notifier = new RecordingNotifier();

beforeAll(async () => {
  redis = redisClient();
  sandbox = await startSandbox({ scenario: scenario(), port: 0 });
  cloud = sandboxCloud(sandbox, { regionId: REGION });
  engine = sandboxEngine({ cloud, prefix, notifier, edge: sandbox.edge, options: { verifyTimeoutMs: 5_000 } });
  await engine.startWorker();
});

afterAll(async () => {
  await engine?.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
  await sandbox?.close();
});

type Approval = Extract<MigrationEvent, { type: 'approval.requested' }>;

describe('services in the approval', () => {
  it('a service that starts between the plan and the approval: the recheck shows it and asks again; nothing cut over before', async () => {
    const [r] = await engine.service.submit({ regionId: REGION, instanceIds: [ID], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    const jobId = (r as { jobId: string }).jobId;
    const approvals = () => notifier.forJob(jobId).filter((e): e is Approval => e.type === 'approval.requested');
    const first = await until(async () => approvals()[0], { what: 'the first approval request', timeoutMs: 20_000, everyMs: 10 });
    expect(first.plan.services).toMatchObject({ checked: true, tcp: [{ port: 22 }, { port: 443, status: 'ok' }] });

    // The guest starts a Java service on 0.0.0.0:8080 while the card waits.
    const guest = sandbox.world.instances.get(ID)!.guest as unknown as GuestServicesSpec;
    guest.services = [...(guest.services ?? []), { protocol: 'tcp', port: 8080, bind: 'any', process: 'java' }];
    const d = await engine.approvals.decide(jobId, { planHash: first.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
    expect(d).toMatchObject({ ok: true, decided: true });

    const changed = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'plan.changed', 20_000) as Extract<MigrationEvent, { type: 'plan.changed' }>;
    expect(changed.previousHash).toBe(first.planHash);
    expect(changed.differences.join('\n')).toMatch(/^guest services tcp: .*→ .*TCP 8080 on 0\.0\.0\.0 \(java\): answers/m);
    const second = await until(async () => approvals()[1], { what: 'the second approval request', timeoutMs: 20_000, everyMs: 10 });
    expect(second.planHash).not.toBe(first.planHash);
    expect(second.plan.services).toMatchObject({ tcp: [{ port: 22 }, { port: 443 }, { port: 8080, process: 'java' }] });
    // Still on the primary IP: the first approval moved nothing.
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: EIP })).map((e) => e.internalIp)).toEqual([IP]);

    // The stale hash no longer decides anything; the new one does.
    const stale = await engine.approvals.decide(jobId, { planHash: first.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
    expect(stale).toMatchObject({ ok: false });
    await engine.approvals.decide(jobId, { planHash: second.planHash, decision: 'approve', userId: 'UAPP', isApprover: true });
    const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
    expect(fin.outcome).toBe('migrated');
  }, 60_000);
});
