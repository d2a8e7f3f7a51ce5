// Windows guests through the real engine (Redis, BullMQ, the Alibaba adapter over HTTP, the sandbox in realism mode):
// the plan reads the guest with one RunPowerShellScript; a carried port that the new NIC's Public profile would block
// refuses the plan ServiceAtRisk before anything is staged; with --configure-guest the new NIC's network is set to
// Private (or, next to a domain network, the allowing rule is mirrored for that NIC only), the port answers after the
// cutover, and after a RebootInstance RDP still answers on the EIP and egress still leaves through the SNAT IP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { egressIp, probeEdgePort, probeEdgeRdp, startSandbox, X224_CONNECTION_CONFIRM } from '../../src/sandbox/index.ts';
import { planBlocks } from '../../src/slack/blocks/plan-card.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { $Ecs, clientsFor } from '../sandbox/sdk-clients.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { rebootByHand, redisClient, sandboxCloud, sandboxEngine, uniquePrefix, until } from './helpers.ts';

const SNAT = '203.0.113.20';
const PRIVATE = ['i-winprivate0001', '192.168.1.80', '203.0.113.80'] as const;
const DOMAIN = ['i-windomain00001', '192.168.1.81', '203.0.113.81'] as const;
/** A Windows guest whose app on 8080 is allowed in every profile: checked with --verify-port 8080, no guest changes. */
const OPEN = ['i-winopen000001', '192.168.1.82', '203.0.113.82'] as const;

const windowsGuest = (primaryCategory: 'Private' | 'DomainAuthenticated') => ({
  configuresSecondaryNic: false, image: 'windows2022' as const, sshPort: 3389, sshBanner: 'RDP',
  services: [{ protocol: 'tcp' as const, port: 8080, bind: 'any' as const, process: 'app' }],
  windowsFirewall: {
    primaryCategory, profiles: { Domain: { enabled: true, defaultInboundAction: 'Block' as const }, Private: { enabled: true, defaultInboundAction: 'Block' as const }, Public: { enabled: true, defaultInboundAction: 'Block' as const } },
    rules: [
      { name: 'RemoteDesktop-UserMode-In-TCP', displayName: 'Remote Desktop - User Mode (TCP-In)', action: 'Allow' as const, profiles: ['Any' as const], protocol: 'TCP' as const, localPort: 3389, enabled: true },
      { name: 'app-8080', displayName: 'Line-of-business app', action: 'Allow' as const, profiles: ['Domain' as const, 'Private' as const], protocol: 'TCP' as const, localPort: 8080, enabled: true },
    ],
  },
});

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let redis: Redis;
let engine: Engine;
const prefix = uniquePrefix('windows');
const notifier = new RecordingNotifier();

beforeAll(async () => {
  redis = redisClient();
  const world = natWorld({
    latencyMs: { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 40, dnatDelete: 40, runCommand: 30, instanceStop: 30, instanceStart: 30 },
    snatIp: SNAT,
    eips: [PRIVATE[2], DOMAIN[2], OPEN[2]],
    instances: [
      worldInstance(PRIVATE[0], PRIVATE[1], { guest: windowsGuest('Private') }),
      worldInstance(DOMAIN[0], DOMAIN[1], { guest: windowsGuest('DomainAuthenticated') }),
      worldInstance(OPEN[0], OPEN[1], { guest: { ...windowsGuest('Private'), windowsFirewall: { ...windowsGuest('Private').windowsFirewall, rules: windowsGuest('Private').windowsFirewall.rules.map((r) => ({ ...r, profiles: ['Any' as const] })) } } }),
    ],
    dnatEntries: [ipMapping(PRIVATE[2], PRIVATE[1]), ipMapping(DOMAIN[2], DOMAIN[1]), ipMapping(OPEN[2], OPEN[1])],
  });
  world.securityGroups[0]!.ingress!.push({ ipProtocol: 'tcp', portRange: '3389/3389', sourceCidrIp: '0.0.0.0/0' }, { ipProtocol: 'tcp', portRange: '8080/8080', sourceCidrIp: '0.0.0.0/0' });
  sandbox = await startSandbox({ port: 0, scenario: world });
  const cloud = sandboxCloud(sandbox);
  engine = sandboxEngine({ cloud, prefix, notifier, edge: sandbox.edge });
  await engine.startWorker();
});

afterAll(async () => {
  await engine?.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
  await sandbox?.close();
});

async function submit(id: string, options: MigrationOptions): Promise<string> {
  // A job that just ended may hold the instance for a moment longer ('already_active'): ask again then.
  const r = await until(async () => {
    const [x] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    return (x as { status: string }).status === 'queued' ? x : undefined;
  }, { what: `a job for ${id}` });
  return (r as { jobId: string }).jobId;
}

async function migrate(id: string, options: MigrationOptions = { ports: { kind: 'all' }, configureGuest: true }): Promise<{ jobId: string; planned: Extract<MigrationEvent, { type: 'planned' }> }> {
  const jobId = await submit(id, options);
  const asked = await until(() => notifier.forJob(jobId).find((e) => e.type === 'approval.requested'), { what: 'the approval request', timeoutMs: 20_000 })
    .catch((e: unknown) => { throw new Error(`${String(e)}: ${JSON.stringify(notifier.forJob(jobId)).slice(0, 3000)}`); });
  const hash = (asked as Extract<MigrationEvent, { type: 'approval.requested' }>).planHash;
  expect(await engine.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'UAPPROVER', isApprover: true })).toMatchObject({ ok: true });
  const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
  expect(fin.outcome, JSON.stringify(notifier.forJob(jobId).filter((e) => e.type === 'verified' || e.type === 'failed')).slice(0, 2500)).toBe('migrated');
  return { jobId, planned: notifier.forJob(jobId).find((e) => e.type === 'planned') as Extract<MigrationEvent, { type: 'planned' }> };
}

const guestRuns = (id: string) => sandbox.requests.filter((q) => q.action === 'RunCommand' && q.params['InstanceId.1'] === id);

async function reboot(id: string): Promise<void> {
  const { ecs } = clientsFor(sandbox);
  await rebootByHand(ecs as never, { reboot: new $Ecs.RebootInstanceRequest({ instanceId: id }), describe: new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hangzhou', instanceIds: JSON.stringify([id]) }),
    bootId: () => sandbox.world.instances.get(id)!.bootId });
  expect(sandbox.world.instances.get(id)!.bootId).toBeGreaterThan(1);
}

describe('Windows guests whose new NIC lands in the Public profile', () => {
  it('without --configure-guest: refused ServiceAtRisk naming 8080 and the Public profile, after one PowerShell read, nothing staged', async () => {
    const jobId = await submit(PRIVATE[0], { ports: { kind: 'all' }, configureGuest: false });
    const refused = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'refused', 20_000) as Extract<MigrationEvent, { type: 'refused' }>;
    expect(refused.refusal.code).toBe('ServiceAtRisk');
    expect(refused.refusal.message).toMatch(/TCP 8080 \(http-alt\): the new NIC \(Ethernet 2\) lands in an unidentified network with the Public firewall profile/);
    expect(refused.refusal.message).toMatch(/--configure-guest would fix it: set Ethernet 2's network to Private/);
    // The one read that ran (an attempt answered with a transient code is repeated).
    expect(guestRuns(PRIVATE[0]).filter((q) => q.code === 'OK').map((q) => q.params.Type)).toEqual(['RunPowerShellScript']);
    expect(sandbox.requests.some((q) => q.action === 'CreateNetworkInterface')).toBe(false);
    await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 20_000);
  });

  it('with --configure-guest (Private network): migrated, 8080 answers after; rebooted, RDP and 8080 still answer and egress is the SNAT IP', async () => {
    const before = guestRuns(PRIVATE[0]).length;
    const { jobId, planned } = await migrate(PRIVATE[0]);
    expect(planned.plan.guestNetwork).toEqual({ method: 'windows' });
    expect(JSON.stringify(planBlocks(planned.plan))).toContain('Set-NetConnectionProfile');
    const p8080 = planned.plan.services?.checked ? planned.plan.services.tcp.find((p) => p.port === 8080) : undefined;
    expect(p8080).toMatchObject({ status: 'fixed', windowsFix: { method: 'set_private' } });
    const cfg = (await engine.service.status(jobId))[0]!.steps.find((s) => s.step === 'configure_guest');
    expect(cfg?.detail).toMatchObject({ method: 'windows', networkCategory: 'Private', interfaceMetric: 100 });
    const v = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(v.ssh).toMatchObject({ ok: true, port: 3389 });
    expect(v.egress).toMatchObject({ ok: true, observedIp: SNAT });
    // Every script this job sent the Windows guest was PowerShell: the plan's one read, configure, the egress checks.
    const runs = guestRuns(PRIVATE[0]).slice(before);
    expect(runs.every((q) => q.params.Type === 'RunPowerShellScript')).toBe(true);
    expect((await probeEdgePort(sandbox.edge, PRIVATE[2], 8080, { timeoutMs: 500 })).answered).toBe(true);

    await reboot(PRIVATE[0]);
    expect(await probeEdgeRdp(sandbox.edge, PRIVATE[2])).toBe(X224_CONNECTION_CONFIRM.toString('hex'));
    expect((await probeEdgePort(sandbox.edge, PRIVATE[2], 8080, { timeoutMs: 500 })).answered).toBe(true);
    expect(egressIp(sandbox.world, PRIVATE[0])).toBe(SNAT);
  });

  it('with --configure-guest next to a domain network: the allowing rule is mirrored for the new NIC only, and survives a reboot', async () => {
    const { jobId, planned } = await migrate(DOMAIN[0]);
    const p8080 = planned.plan.services?.checked ? planned.plan.services.tcp.find((p) => p.port === 8080) : undefined;
    expect(p8080).toMatchObject({ status: 'fixed', windowsFix: { method: 'mirror', ruleName: 'app-8080' } });
    const cfg = (await engine.service.status(jobId))[0]!.steps.find((s) => s.step === 'configure_guest');
    expect(cfg?.detail).toMatchObject({ method: 'windows', networkCategory: 'Public', mirroredPorts: [8080] });
    expect((await probeEdgePort(sandbox.edge, DOMAIN[2], 8080, { timeoutMs: 500 })).answered).toBe(true);
    await reboot(DOMAIN[0]);
    expect((await probeEdgePort(sandbox.edge, DOMAIN[2], 8080, { timeoutMs: 500 })).answered).toBe(true);
    expect(await probeEdgeRdp(sandbox.edge, DOMAIN[2])).toBe(X224_CONNECTION_CONFIRM.toString('hex'));
    expect(egressIp(sandbox.world, DOMAIN[0])).toBe(SNAT);
  });

  it('without a port at risk: migrated without --configure-guest, verified on --verify-port 8080 and by PowerShell egress', async () => {
    const { jobId, planned } = await migrate(OPEN[0], { ports: { kind: 'all' }, configureGuest: false, verifyPort: 8080 });
    expect(planned.plan).toMatchObject({ sshPort: 8080, guestOs: 'windows' });
    expect(planned.plan.services?.checked ? planned.plan.services.tcp.map((p) => [p.port, p.status]) : []).toEqual([[3389, 'ok'], [8080, 'ok']]);
    const v = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(v.ssh).toMatchObject({ ok: true, port: 8080 });
    expect(v.ssh.banner).toMatch(/^TCP 8080 answered/);
    expect(v.egress).toMatchObject({ ok: true, observedIp: SNAT });
    expect((await engine.service.status(jobId))[0]!.steps.some((s) => s.step === 'configure_guest')).toBe(false);
  });
});
