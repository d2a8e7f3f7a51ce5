// `scan` over a VPC of 60 instances read across many pages: the inventory must match the sandbox world itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressIp } from '../../src/sandbox/index.ts';
import { CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { FASTER_SLACK } from '../support/faster-slack.ts';
import { fleetIds, scanScenario } from './scenarios.ts';
import { BadRequestError, problemOf } from '../../src/engine/bad-request.ts';
import { refusedBecause } from '../../src/slack/refused-because.ts';

let env: FleetEnv;

beforeAll(async () => {
  // Pages of 10: 6 pages of instances, 6 of DNAT entries, 6 of ENIs.
  env = await startFleetEnv({ name: 'scan', scenario: scanScenario(60), slack: true, ...FASTER_SLACK, maxPageSize: 10 });
});
afterAll(async () => { await env?.close(); });

describe('scan', () => {
  it('inventories every instance across pages, as the sandbox world has it, with one read of the VPC', async () => {
    const since = env.sandbox.requests.length;
    const { jobId } = await env.engine.service.scan({ regionId: 'cn-hangzhou', target: fleetIds.natGateway, requestedBy: 'U0ALICE', audience: {} });
    const ev = await env.waitFor(jobId, 'scan.finished');
    const { rows, summary } = ev.scan;
    const world = env.sandbox.world;
    expect(rows).toHaveLength(world.instances.size);
    expect(summary.instances).toBe(60);
    expect(new Set(rows.map((r) => r.instanceId))).toEqual(new Set(world.instances.keys()));
    for (const r of rows) {
      const inst = world.instances.get(r.instanceId)!;
      const mapped = [...world.dnatEntries.values()].filter((d) => d.internalIp === inst.privateIp && d.ipProtocol === 'any' && d.externalPort === 'any' && d.status === 'Available');
      expect(r.privateIp, r.instanceId).toBe(inst.privateIp);
      expect(r.mappingEntryIds, r.instanceId).toEqual(mapped.map((d) => d.forwardEntryId));
      if (inst.status === 'Running') expect(r.egressIp, r.instanceId).toBe(egressIp(world, r.instanceId));
      expect(r.needsMigration, r.instanceId).toBe(mapped.length > 0);
    }
    const byId = new Map(rows.map((r) => [r.instanceId, r]));
    expect(byId.get(fleetIds.instance(2))).toMatchObject({ egressKind: 'dnat-ip-mapping', action: 'refused', refusal: { code: 'EniQuotaFull' } });
    expect(byId.get(fleetIds.instance(9))).toMatchObject({ egressKind: 'own-public-ip', egressIp: '192.0.2.250', needsMigration: false, action: 'none' });
    expect(byId.get(fleetIds.instance(6))).toMatchObject({ egressKind: 'dnat-ip-mapping', action: 'refused', refusal: { code: 'InstanceNotRunning' } });
    expect(byId.get(fleetIds.instance(11))).toMatchObject({ action: 'refused', refusal: { code: 'NoSnatCoverage' } });
    expect(byId.get(fleetIds.instance(4))).toMatchObject({ egressKind: 'snat', needsMigration: false, action: 'none' });
    expect(byId.get(fleetIds.instance(13))).toMatchObject({ action: 'refused', refusal: { code: 'CloudAssistantUnavailable' } });
    expect(summary.refused).toBe(4);
    expect(summary.ready).toBe(60 - 12 - 4);
    // Several pages per list, and no per-instance reads.
    const calls = env.sandbox.requests.slice(since);
    const count = (a: string) => calls.filter((c) => c.action === a).length;
    expect(count('DescribeInstances')).toBeGreaterThanOrEqual(6);
    expect(count('DescribeForwardTableEntries')).toBeGreaterThanOrEqual(5);
    expect(count('DescribeInstances')).toBeLessThan(10);
    expect(calls.length).toBeLessThan(40);
  });

  it('refuses a target that is neither a NAT gateway nor a VPC id with the facts (worded per reader), its English as before; nothing queued', async () => {
    const err = await env.engine.service.scan({ regionId: 'cn-hangzhou', target: 'sg-bp1nope', requestedBy: 'U0ALICE', audience: {} }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(problemOf(err)).toEqual({ problem: 'not_scan_target', shown: 'sg-bp1nope' });
    expect((err as Error).message).toBe('`sg-bp1nope` is neither a NAT gateway id nor a VPC id');
    expect(refusedBecause(err, 'ja')).toBe('`sg-bp1nope` はNATゲートウェイIDでもVPC IDでもありません');
  });

  it('through Slack: `/natmigrate scan` posts counts and a table, and the whole inventory as a CSV file', async () => {
    const slack = env.slack!;
    const reply = await slack.slash('U0ALICE', CHANNEL, `scan ${fleetIds.natGateway}`);
    expect(String(reply.json?.text)).toMatch(/Scan of `ngw-fleet0000000000001` in `cn-hangzhou` queued \(job `scan-cn-hangzhou-ngw-fleet0000000000001-\d+`\)/);
    const msg = await slack.waitFor(() => slack.channelMessages(CHANNEL).find((m) => m.text.startsWith('Inventory of')), { timeoutMs: 20_000, what: 'the scan message' });
    const shown = slack.render(msg).replace(/[*`]/g, '');
    expect(shown).toContain('60 instances: 48 egress through a DNAT IP mapping (44 ready to migrate, 4 would be refused), 11 through SNAT, 1 through their own public IP, 0 without public egress.');
    expect(shown).toMatch(/i-fleet00003 EniQuotaFull: Instance i-fleet00003 \(ecs.one-eni\) already has 1 of its 1 ENIs attached/);
    expect(shown).toContain('Showing 30 of 60; the full inventory is attached as CSV in the thread.');
    expect(shown.split('\n').filter((l) => /^i-fleet\d{5} /.test(l))).toHaveLength(30);

    const file = await slack.waitFor(() => slack.files().find((f) => f.completed && f.threadTs === msg.ts), { timeoutMs: 20_000, what: 'the CSV upload' });
    expect(file.name).toMatch(/^natmigrate-ngw-fleet0000000000001-\d+\.csv$/);
    const csv = file.content!.toString('utf8').trim().split('\r\n');
    expect(csv[0]).toBe('instance_id,name,status,vpc_id,vswitch_id,private_ip,egress_ip,egress_via,needs_migration,action,refusal_code,dnat_ip_mappings,nat_gateway_id,reason');
    expect(csv).toHaveLength(61);
    const world = env.sandbox.world;
    for (const line of csv.slice(1)) {
      const [id, , status, , , ip, egress] = line.split(',');
      const inst = world.instances.get(id!)!;
      expect(status).toBe(inst.status);
      expect(ip).toBe(inst.privateIp);
      if (inst.status === 'Running') expect(egress, id).toBe(egressIp(world, id!) ?? '');
    }
    // The file message sits in the scan message's thread.
    expect(slack.thread(CHANNEL, msg.ts).some((m) => m.files?.[0]?.id === file.id)).toBe(true);
    expect(slack.calls('files.completeUploadExternal')).toHaveLength(1);
  });
});
