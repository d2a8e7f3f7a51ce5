// A batch reads every instance's services before it is approved: instances with a service at risk are counted and
// skipped (never cut over), and the canary's before/after port table is shown in the batch thread.
import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { APPROVE_ACTION_ID } from '../../src/slack/blocks/approval-card.ts';
import { until } from '../../src/util/until.ts';
import { CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { FASTER_SLACK } from '../support/faster-slack.ts';
import { batchScenario, fleetIds } from './scenarios.ts';

let env: FleetEnv | undefined;
afterEach(async () => { await env?.close(); env = undefined; });
const plain = (s: string) => s.replace(/[*`]/g, '');

describe('batch and services', () => {
  it('counts and skips the instances with services at risk; the canary\'s port table is in the batch thread', async () => {
    const s = batchScenario(5);
    // Every guest serves nginx on 0.0.0.0:80; instances 2 and 4 also run a mail server on their primary address only.
    for (const [i, inst] of s.instances!.entries()) {
      inst.guest = { ...inst.guest, services: [{ port: 80, process: 'nginx' }, ...(i === 2 ? [{ port: 25, bind: 'primary' as const, process: 'master' }] : [])] };
    }
    // Instance 4 is a Windows guest whose app on 8080 is allowed in the Private profile only (read with PowerShell).
    s.instances![4]!.guest = {
      ...s.instances![4]!.guest, image: 'windows2022', sshPort: 3389, services: [{ port: 8080, process: 'app' }],
      windowsFirewall: { primaryCategory: 'Private', rules: [{ name: 'app-8080', displayName: 'app', profiles: ['Private'], localPort: 8080 }] },
    };
    s.securityGroups![0]!.ingress = [...(s.securityGroups![0]!.ingress ?? []), { ipProtocol: 'tcp', portRange: '80/80', sourceCidrIp: '0.0.0.0/0' }];
    env = await startFleetEnv({ name: 'batch-services', scenario: s, slack: true, ...FASTER_SLACK });
    const slack = env.slack!;
    const reply = await slack.slash('U0ALICE', CHANNEL, `run --all ${fleetIds.natGateway} --concurrency 2`);
    const batchId = /queued as `(batch-[^`]+)`/.exec(String(reply.json?.text))![1]!;

    const planned = await env.waitFor(batchId, 'batch.planned', 30_000) as Extract<MigrationEvent, { type: 'batch.planned' }>;
    expect(planned.batch.items.map((i) => i.instanceId)).toEqual([0, 1, 3].map((i) => fleetIds.instance(i)));
    expect(planned.batch.skipped.map((x) => [x.instanceId, x.code])).toEqual([[fleetIds.instance(2), 'ServiceAtRisk'], [fleetIds.instance(4), 'ServiceAtRisk']]);

    const cardTs = await until(async () => (await env!.outbox!.thread(batchId))?.approval?.ts, { what: 'the approval card' });
    await slack.click('U0DAVE', CHANNEL, cardTs, { actionId: APPROVE_ACTION_ID });
    const fin = await env.waitFor(batchId, 'finished', 60_000);
    expect(fin.outcome).toBe('migrated');
    // The skipped instances were never touched: no ENI was created for them.
    for (const i of [2, 4]) expect([...env.sandbox.world.enis.values()].filter((e) => e.instanceId === fleetIds.instance(i) && e.type === 'Secondary')).toEqual([]);

    await env.outbox!.waitIdle({ timeoutMs: 20_000 });
    const t = (await env.outbox!.thread(batchId))!;
    const lines = slack.transcript(CHANNEL, t.threadTs).map(plain);
    const planReply = lines.find((l) => l.includes('Batch plan for'))!;
    expect(planReply).toContain('3 instances to migrate, 2 skipped (2 instances with services at risk)');
    expect(planReply).toMatch(new RegExp(`${fleetIds.instance(2)} ServiceAtRisk: .*TCP 25 \\(smtp, master\\): listens on the primary address`));
    expect(planReply).toMatch(new RegExp(`${fleetIds.instance(4)} ServiceAtRisk: .*TCP 8080 \\(http-alt\\): the new NIC \\(Ethernet 2\\) lands in an unidentified network with the Public firewall profile`));
    const runs = env.sandbox.requests.filter((q) => q.action === 'RunCommand' && q.params['InstanceId.1'] === fleetIds.instance(4));
    expect(runs.map((q) => q.params.Type)).toEqual(['RunPowerShellScript']);
    const canary = lines.find((l) => l.includes('(canary): Migrated and verified'))!;
    expect(canary).toContain('Service ports through the public IP: 2 of 2 service ports answer');
    expect(canary).toMatch(/\n80 +http +yes +yes/);
  });
});
