// Guest configuration that persists: an instance of each supported image, migrated with --configure-guest through
// the real engine (Redis, BullMQ, the Alibaba adapter over HTTP, the sandbox), then rebooted through RebootInstance,
// still answers SSH on its EIP (the public edge) and still egresses through the SNAT IP. And an instance whose family
// takes a secondary ENI only while Stopped is refused before anything changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { GUEST_METHOD_LABEL } from '../../src/domain/guest-network.ts';
import { planBlocks } from '../../src/slack/blocks/plan-card.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { egressIp, probeEdge, probeEdgeRdp, startSandbox, X224_CONNECTION_CONFIRM } from '../../src/sandbox/index.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { $Ecs, clientsFor } from '../sandbox/sdk-clients.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { rebootByHand, redisClient, sandboxCloud, sandboxEngine, uniquePrefix, until } from './helpers.ts';

const SNAT = '203.0.113.20';
const IMAGES = [
  ['alinux3', 'i-alinux3000001', '192.168.1.50', '203.0.113.50', 'networkmanager'],
  ['alinux2', 'i-alinux2000001', '192.168.1.51', '203.0.113.51', 'network-scripts'],
  ['centos7', 'i-centos7000001', '192.168.1.52', '203.0.113.52', 'network-scripts'],
  ['ubuntu2204', 'i-ubuntu2204001', '192.168.1.53', '203.0.113.53', 'netplan'],
  ['debian12', 'i-debian12000001', '192.168.1.54', '203.0.113.54', 'ifupdown'],
] as const;

/** A burstable t5: attaches a secondary ENI only while Stopped. */
const T5 = ['i-burstable0001', '192.168.1.60', '203.0.113.60'] as const;

/** A Linux guest whose service listens on 2222 (checked with --verify-port 2222). */
const ALT = ['i-altport000001', '192.168.1.71', '203.0.113.71'] as const;

/** A Windows Server 2022 guest: verified with PowerShell and RDP. */
const WIN = ['i-windows000001', '192.168.1.70', '203.0.113.70'] as const;

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let redis: Redis;
let engine: Engine;
const prefix = uniquePrefix('guestpersist');
const notifier = new RecordingNotifier();

beforeAll(async () => {
  redis = redisClient();
  const world = natWorld({
      latencyMs: { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 40, dnatDelete: 40, runCommand: 30, instanceStop: 30, instanceStart: 30 },
      snatIp: SNAT,
      eips: [...IMAGES.map((i) => i[3]), T5[2], WIN[2], ALT[2]],
      instances: [
        ...IMAGES.map(([image, id, ip]) => worldInstance(id, ip, { guest: { configuresSecondaryNic: false, image } })),
        worldInstance(T5[0], T5[1], { instanceType: 'ecs.t5-lc1m1.small' }),
        worldInstance(ALT[0], ALT[1], { guest: { sshPort: 2222 } }),
        worldInstance(WIN[0], WIN[1], { guest: { configuresSecondaryNic: false, image: 'windows2022', sshPort: 3389, sshBanner: 'RDP' } }),
      ],
      dnatEntries: [...IMAGES.map(([, , ip, eip]) => ipMapping(eip, ip)), ipMapping(T5[2], T5[1]), ipMapping(WIN[2], WIN[1]), ipMapping(ALT[2], ALT[1])],
  });
  // RDP open on the security group, for the Windows instance.
  world.securityGroups[0]!.ingress!.push({ ipProtocol: 'tcp', portRange: '3389/3389', sourceCidrIp: '0.0.0.0/0' }, { ipProtocol: 'tcp', portRange: '2222/2222', sourceCidrIp: '0.0.0.0/0' });
  sandbox = await startSandbox({ port: 0, scenario: world });
  const cloud = sandboxCloud(sandbox);
  engine = sandboxEngine({ cloud, prefix, notifier, edge: sandbox.edge, concurrency: 8 });
  await engine.startWorker();
});

afterAll(async () => {
  await engine?.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
  await sandbox?.close();
});

describe('--configure-guest persists the NIC configuration for each image', () => {
  for (const [image, id, , eip, method] of IMAGES) {
    it(`${image}: migrated, rebooted through the API, still answers SSH on ${eip} and egresses through the SNAT IP`, async () => {
      const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: true }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
      const jobId = (r as { jobId: string }).jobId;
      const asked = await until(() => notifier.forJob(jobId).find((e) => e.type === 'approval.requested'), { what: 'the approval request', timeoutMs: 20_000 });
      const hash = (asked as Extract<MigrationEvent, { type: 'approval.requested' }>).planHash;
      expect(await engine.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UAPPROVER', isApprover: true })).toMatchObject({ ok: true });
      const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
      expect(fin.outcome).toBe('migrated');
      // The plan named the method before anything changed, and the plan card says it.
      const planned = notifier.forJob(jobId).find((e) => e.type === 'planned') as Extract<MigrationEvent, { type: 'planned' }>;
      expect(planned.plan.guestNetwork).toEqual({ method });
      expect(JSON.stringify(planBlocks(planned.plan))).toContain(`persistent, with ${GUEST_METHOD_LABEL[method]}`);
      const steps = (await engine.service.status(jobId))[0]!.steps;
      const cfg = steps.find((s) => s.step === 'configure_guest');
      expect(cfg?.detail?.method).toBe(method);
      // One look inside the guest per plan: the stack and the services come from the same invocation (a RunCommand
      // the realism layer answered with a busy code and the adapter sent again is the same look).
      expect(steps.find((s) => s.step === 'plan')!.calls.filter((c) => c.action === 'RunCommand' && c.code === 'OK')).toHaveLength(1);

      const { ecs } = clientsFor(sandbox);
      await rebootByHand(ecs as never, { reboot: new $Ecs.RebootInstanceRequest({ instanceId: id }), describe: new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hangzhou', instanceIds: JSON.stringify([id]) }),
        bootId: () => sandbox.world.instances.get(id)!.bootId },
        async () => { expect(await probeEdge(sandbox.edge, eip, 22, { timeoutMs: 300 })).toBeUndefined(); }); // Stopping: silent
      expect(sandbox.world.instances.get(id)!.bootId).toBeGreaterThan(1);
      expect(await probeEdge(sandbox.edge, eip, 22)).toBe('SSH-2.0-OpenSSH_8.0');
      expect(egressIp(sandbox.world, id)).toBe(SNAT);
    });
  }
});

describe('families that attach a secondary ENI only while Stopped', () => {
  it('a Running ecs.t5 is refused with AttachRequiresStop before anything changes', async () => {
    const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [T5[0]], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    const jobId = (r as { jobId: string }).jobId;
    const refused = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'refused', 20_000) as Extract<MigrationEvent, { type: 'refused' }>;
    expect(refused.refusal.code).toBe('AttachRequiresStop');
    expect(refused.refusal.message).toMatch(/ecs\.t5-lc1m1\.small \(family ecs\.t5\), which takes a secondary ENI only while Stopped/);
    expect([...sandbox.world.enis.values()].filter((e) => e.type === 'Secondary' && e.tags['natmigrate:instance'] === T5[0])).toEqual([]);
    expect(sandbox.requests.some((q) => q.action === 'AttachNetworkInterface' && q.params.InstanceId === T5[0])).toBe(false);
  });
});

describe('Windows guests', () => {
  it('migrate end to end: RDP (3389) answers through the EIP and PowerShell sees the SNAT IP; a reboot keeps both', async () => {
    const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [WIN[0]], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    const jobId = (r as { jobId: string }).jobId;
    const asked = await until(() => notifier.forJob(jobId).find((e) => e.type === 'approval.requested'), { what: 'the approval request', timeoutMs: 20_000 });
    const planned = notifier.forJob(jobId).find((e) => e.type === 'planned') as Extract<MigrationEvent, { type: 'planned' }>;
    expect(planned.plan).toMatchObject({ sshPort: 3389, guestOs: 'windows' });
    const hash = (asked as Extract<MigrationEvent, { type: 'approval.requested' }>).planHash;
    expect(await engine.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UAPPROVER', isApprover: true })).toMatchObject({ ok: true });
    const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
    expect(fin.outcome).toBe('migrated');
    const v = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(v.ssh).toMatchObject({ ok: true, port: 3389 });
    expect(v.ssh.banner).toMatch(/^RDP answered/);
    expect(v.egress).toMatchObject({ ok: true, observedIp: SNAT });
    // The egress check ran as PowerShell; no shell script was sent to the Windows instance.
    const runs = sandbox.requests.filter((q) => q.action === 'RunCommand' && q.params['InstanceId.1'] === WIN[0]);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((q) => q.params.Type === 'RunPowerShellScript')).toBe(true);

    const { ecs } = clientsFor(sandbox);
    await rebootByHand(ecs as never, { reboot: new $Ecs.RebootInstanceRequest({ instanceId: WIN[0] }), describe: new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hangzhou', instanceIds: JSON.stringify([WIN[0]]) }),
      bootId: () => sandbox.world.instances.get(WIN[0])!.bootId });
    expect(sandbox.world.instances.get(WIN[0])!.bootId).toBeGreaterThan(1);
    expect(await probeEdgeRdp(sandbox.edge, WIN[2])).toBe(X224_CONNECTION_CONFIRM.toString('hex'));
    expect(egressIp(sandbox.world, WIN[0])).toBe(SNAT);
  });
});

describe('--verify-port', () => {
  it('checks that TCP port through the EIP instead of SSH', async () => {
    const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [ALT[0]], options: { ports: { kind: 'all' }, configureGuest: false, verifyPort: 2222 }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    const jobId = (r as { jobId: string }).jobId;
    const asked = await until(() => notifier.forJob(jobId).find((e) => e.type === 'approval.requested'), { what: 'the approval request', timeoutMs: 20_000 });
    const planned = notifier.forJob(jobId).find((e) => e.type === 'planned') as Extract<MigrationEvent, { type: 'planned' }>;
    expect(planned.plan.sshPort).toBe(2222);
    const hash = (asked as Extract<MigrationEvent, { type: 'approval.requested' }>).planHash;
    expect(await engine.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UAPPROVER', isApprover: true })).toMatchObject({ ok: true });
    const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
    expect(fin.outcome).toBe('migrated');
    const v = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(v.ssh).toMatchObject({ ok: true, port: 2222 });
    expect(v.ssh.banner).toMatch(/^TCP 2222 answered/);
  });
});
