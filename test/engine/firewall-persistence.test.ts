// Mirrored host-firewall rules that survive a reboot (issue 17): a guest whose firewall accepts 443 on eth0 only
// (`-i eth0 --dport 443 -j ACCEPT`, default DROP) is migrated with --configure-guest, which mirrors the rule for the
// new NIC and saves it where the image's firewall service loads it at boot; rebooted through RebootInstance, 443
// still answers on the EIP. One guest per way of persisting: iptables-services (/etc/sysconfig/iptables),
// iptables-persistent (/etc/iptables/rules.v4) and nftables.service (/etc/nftables.conf).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { probeEdgePort, startSandbox } from '../../src/sandbox/index.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { $Ecs, clientsFor } from '../sandbox/sdk-clients.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { rebootByHand, redisClient, sandboxCloud, sandboxEngine, uniquePrefix, until } from './helpers.ts';

const SNAT = '203.0.113.20';
type Backend = 'iptables' | 'nftables';
/** [image, instanceId, privateIp, EIP, backend, the file the boot loads] */
const GUESTS: [string, string, string, string, Backend, string][] = [
  ['alinux2', 'i-fwalinux2001', '192.168.1.110', '203.0.113.110', 'iptables', '/etc/sysconfig/iptables'],
  ['ubuntu2204', 'i-fwubuntu0001', '192.168.1.111', '203.0.113.111', 'iptables', '/etc/iptables/rules.v4'],
  ['debian12', 'i-fwdebian0001', '192.168.1.112', '203.0.113.112', 'nftables', '/etc/nftables.conf'],
];

const firewall = (backend: Backend) => ({
  backend, inputPolicy: 'DROP' as const,
  rules: [
    { inInterface: 'lo', target: 'ACCEPT' as const }, { state: 'RELATED,ESTABLISHED', target: 'ACCEPT' as const },
    { protocol: 'tcp' as const, dport: 22, target: 'ACCEPT' as const }, { inInterface: 'eth0', protocol: 'tcp' as const, dport: 443, target: 'ACCEPT' as const },
  ],
});

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let redis: Redis;
let engine: Engine;
const prefix = uniquePrefix('fwpersist');
const notifier = new RecordingNotifier();

beforeAll(async () => {
  redis = redisClient();
  const world = natWorld({
    latencyMs: { eniAttach: 40, eniDetach: 40, eniDelete: 20, dnatCreate: 40, dnatDelete: 40, runCommand: 30, instanceStop: 30, instanceStart: 30 },
    snatIp: SNAT, eips: GUESTS.map((g) => g[3]),
    instances: GUESTS.map(([image, id, ip, , backend]) => worldInstance(id, ip, {
      guest: { configuresSecondaryNic: false, image: image as 'alinux2', services: [{ port: 443, process: 'nginx' }], firewall: firewall(backend) },
    })),
    dnatEntries: GUESTS.map(([, , ip, eip]) => ipMapping(eip, ip)),
  });
  world.securityGroups[0]!.ingress!.push({ ipProtocol: 'tcp', portRange: '443/443', sourceCidrIp: '0.0.0.0/0' });
  sandbox = await startSandbox({ port: 0, scenario: world });
  const cloud = sandboxCloud(sandbox);
  engine = sandboxEngine({ cloud, prefix, notifier, edge: sandbox.edge });
  await engine.startWorker();
});

afterAll(async () => {
  await engine?.close();
  await deleteKeys(redis, prefix);
  await redis?.quit();
  await sandbox?.close();
});

describe('mirrored firewall rules persist across a reboot', () => {
  for (const [image, id, , eip, backend, file] of GUESTS) {
    it(`${image} (${backend}, ${file}): migrated with --configure-guest, rebooted through the API, 443 still answers on the EIP`, async () => {
      const shipped = sandbox.world.instances.get(id)!.guestState.files.get(file);
      expect(shipped).toBeUndefined(); // the image's own copy, not yet rewritten
      const [r] = await engine.service.submit({ regionId: 'cn-hangzhou', instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: true }, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
      const jobId = (r as { jobId: string }).jobId;
      const asked = await until(() => notifier.forJob(jobId).find((e) => e.type === 'approval.requested'), { what: 'the approval request', timeoutMs: 20_000 });
      const plan = (asked as Extract<MigrationEvent, { type: 'approval.requested' }>).plan;
      expect(plan.services).toMatchObject({ checked: true, tcp: expect.arrayContaining([expect.objectContaining({ port: 443, status: 'fixed' })]) });
      await engine.approvals.decide(jobId, { planHash: (asked as Extract<MigrationEvent, { type: 'approval.requested' }>).planHash, decision: 'approve', userId: 'UAPPROVER', isApprover: true });
      const fin = await notifier.waitFor((e) => e.jobId === jobId && e.type === 'finished', 30_000) as Extract<MigrationEvent, { type: 'finished' }>;
      expect(fin.outcome).toBe('migrated');
      expect(await probeEdgePort(sandbox.edge, eip, 443)).toMatchObject({ answered: true });

      // Saved where the boot loads it: the mirror for eth1 next to the original for eth0.
      const saved = sandbox.world.instances.get(id)!.guestState.files.get(file) ?? '';
      expect(saved).toMatch(backend === 'iptables' ? /-A INPUT -i eth1 -p tcp -m tcp --dport 443 -j ACCEPT/ : /iifname "eth1" tcp dport 443 accept/);
      expect(saved).toMatch(backend === 'iptables' ? /-A INPUT -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT/ : /iifname "eth0" tcp dport 443 accept/);
      const cfg = (await engine.service.status(jobId))[0]!.steps.find((s) => s.step === 'configure_guest');
      expect(String(cfg?.detail?.output)).toContain(`to ${file}`);

      const before = sandbox.world.instances.get(id)!.bootId;
      const { ecs } = clientsFor(sandbox);
      // By hand, as an operator would: the realism sandbox answers ServiceUnavailable now and then, and reads lag.
      await rebootByHand(ecs as never, {
        reboot: new $Ecs.RebootInstanceRequest({ instanceId: id }),
        describe: new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hangzhou', instanceIds: JSON.stringify([id]) }),
        bootId: () => sandbox.world.instances.get(id)!.bootId,
      });
      expect(sandbox.world.instances.get(id)!.bootId).toBeGreaterThan(before);
      expect(await probeEdgePort(sandbox.edge, eip, 443)).toMatchObject({ answered: true });
      expect(await probeEdgePort(sandbox.edge, eip, 22)).toMatchObject({ answered: true });
    });
  }

  it('a rule added at run time only is gone after a reboot (what the saving is for)', async () => {
    // The model's other half: without the saved file the boot loads the image's rules, and the eth1 rule is lost.
    const [, id] = GUESTS[0]!;
    const inst = sandbox.world.instances.get(id)!;
    const file = GUESTS[0]![5];
    const saved = inst.guestState.files.get(file)!;
    inst.guestState.files.delete(file);
    try {
      const { ecs } = clientsFor(sandbox);
      await rebootByHand(ecs as never, {
        reboot: new $Ecs.RebootInstanceRequest({ instanceId: id }),
        describe: new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hangzhou', instanceIds: JSON.stringify([id]) }),
        bootId: () => inst.bootId,
      });
      expect(await probeEdgePort(sandbox.edge, GUESTS[0]![3], 443, { timeoutMs: 300 })).toMatchObject({ answered: false });
    } finally {
      inst.guestState.files.set(file, saved);
    }
  });
});
