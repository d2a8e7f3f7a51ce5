// Pure parts of the fleet work: the batch plan and its hash, the release order, CSV, drift detection and settings,
// and the Slack renderings staying inside Slack's limits at fleet scale.
import { describe, expect, it } from 'vitest';
import { buildBatchPlan, nextToRelease, type BatchItemStatus } from '../../src/domain/batch-plan.ts';
import type { Plan, PlanResult } from '../../src/domain/plan-types.ts';
import { inventoryCsv, type InventoryRow } from '../../src/domain/inventory.ts';
import { loadConfig } from '../../src/config.ts';
import { driftSweepFromConfig } from '../../src/runtime/compose.ts';
import { batchCard, batchPlanReply, foldBatch } from '../../src/slack/blocks/batch-card.ts';
import { approvalCard } from '../../src/slack/blocks/approval-card.ts';
import { scanMessage } from '../../src/slack/blocks/scan-card.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { samplePlan } from '../slack/fixtures.ts';

const ALL = { ports: { kind: 'all' as const }, configureGuest: false };

function planFor(i: number): Plan {
  const id = `i-fleet${String(i + 1).padStart(5, '0')}`;
  const ip = `192.168.${16 + Math.floor(i / 200)}.${10 + (i % 200)}`;
  const base = samplePlan();
  return {
    ...base, instanceId: id, primaryIp: ip, hash: `h${i}`,
    entryToDelete: { ...base.entryToDelete, forwardEntryId: `fwd-fleet${String(i + 1).padStart(5, '0')}`, internalIp: ip, externalIp: `203.0.${113 + Math.floor(i / 250)}.${(i % 250) + 2}` },
    restoreRecipe: { ...base.restoreRecipe, internalIp: ip },
  };
}

function batchOf(n: number, over: { canary?: number; concurrency?: number; refused?: number[] } = {}) {
  const candidates = Array.from({ length: n }, (_, i) => ({
    instanceId: planFor(i).instanceId, childJobId: `migrate-cn-hangzhou-${planFor(i).instanceId}-1`,
    result: (over.refused?.includes(i) ? { ok: false, refusal: { code: 'InstanceNotRunning', message: 'stopped' } } : { ok: true, plan: planFor(i) }) as PlanResult,
  }));
  return buildBatchPlan({ batchId: 'batch-cn-hangzhou-ngw-fleet0000000000001-1', regionId: 'cn-hangzhou', targets: ['ngw-fleet0000000000001'], options: ALL, candidates, ...over }).plan;
}

describe('batch plan', () => {
  it('lists ok plans as items (canaries first), refusals as skipped, and hashes entries, recipes and knobs', () => {
    const p = batchOf(5, { canary: 2, concurrency: 3, refused: [1] });
    expect(p.items.map((i) => [i.instanceId, i.canary])).toEqual([
      ['i-fleet00001', true], ['i-fleet00003', true], ['i-fleet00004', false], ['i-fleet00005', false],
    ]);
    expect(p.skipped).toEqual([{ instanceId: 'i-fleet00002', code: 'InstanceNotRunning', message: 'stopped' }]);
    expect(batchOf(5, { canary: 2, concurrency: 3, refused: [1] }).hash).toBe(p.hash);
    expect(batchOf(5, { canary: 1, concurrency: 3, refused: [1] }).hash).not.toBe(p.hash);
    expect(batchOf(5, { canary: 2, concurrency: 4, refused: [1] }).hash).not.toBe(p.hash);
    expect(batchOf(5, { canary: 2, concurrency: 3 }).hash).not.toBe(p.hash);
  });

  it('releases canaries alone, then the rest up to the concurrency, and nothing after a failure', () => {
    const p = batchOf(6, { canary: 1, concurrency: 2 });
    const st = new Map<string, BatchItemStatus>(p.items.map((i) => [i.instanceId, 'waiting']));
    const next = () => nextToRelease(p, (id) => st.get(id)!, () => true).map((i) => i.instanceId);
    expect(next()).toEqual(['i-fleet00001']);
    st.set('i-fleet00001', 'in_flight');
    expect(next()).toEqual([]);
    st.set('i-fleet00001', 'done');
    expect(next()).toEqual(['i-fleet00002', 'i-fleet00003']);
    st.set('i-fleet00002', 'in_flight');
    expect(next()).toEqual(['i-fleet00003']);
    st.set('i-fleet00003', 'staging');
    // Only staged children can go.
    expect(nextToRelease(p, (id) => st.get(id)!, (id) => id !== 'i-fleet00003').map((i) => i.instanceId)).toEqual(['i-fleet00004']);
    st.set('i-fleet00002', 'failed');
    expect(next()).toEqual([]);
  });
});

describe('inventory CSV', () => {
  it('quotes commas and quotes and defuses formulas', () => {
    const row: InventoryRow = {
      instanceId: 'i-1', instanceName: '=cmd|calc', status: 'Running', vpcId: 'vpc-1', vSwitchId: 'vsw-1', privateIp: '10.0.0.1',
      egressKind: 'snat', egressIp: '1.2.3.4', egressReason: 'egresses through SNAT entry s-1 (vSwitch v, "quoted")', needsMigration: false,
      mappingEntryIds: [], action: 'none',
    };
    const [, line] = inventoryCsv([row]).split('\r\n');
    expect(line).toBe(`i-1,'=cmd|calc,Running,vpc-1,vsw-1,10.0.0.1,1.2.3.4,snat,no,none,,,,"egresses through SNAT entry s-1 (vSwitch v, ""quoted"")"`);
  });
});

describe('drift settings', () => {
  const sweep = (env: Record<string, string>) => {
    const r = loadConfig(env, 'worker');
    if (!r.ok) throw new Error(r.problems.join('; '));
    return driftSweepFromConfig(r.config);
  };
  it('come from the configuration, and are off without gateways and channel', () => {
    expect(sweep({ NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1aaaaaaaa, ngw-bp1bbbbbbbb', NATMIGRATE_DRIFT_CHANNEL: 'C0DRIFT', NATMIGRATE_DRIFT_INTERVAL: '5m' }))
      .toEqual({ intervalMs: 300_000, natGatewayIds: ['ngw-bp1aaaaaaaa', 'ngw-bp1bbbbbbbb'], channelId: 'C0DRIFT', regionId: 'cn-hangzhou' });
    expect(sweep({ NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1aaaaaaaa,ngw-bp1aaaaaaaa', NATMIGRATE_DRIFT_CHANNEL: 'C0DRIFT', NATMIGRATE_REGION: 'ap-southeast-1' }))
      .toEqual({ intervalMs: 900_000, natGatewayIds: ['ngw-bp1aaaaaaaa'], channelId: 'C0DRIFT', regionId: 'ap-southeast-1' });
    expect(sweep({})).toBeUndefined();
    // Half of it is a configuration problem, not a silently disabled sweep.
    expect(() => sweep({ NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1aaaaaaaa' })).toThrow(/set both/);
    expect(() => sweep({ NATMIGRATE_DRIFT_NAT_GATEWAYS: 'vpc-bp1aaaaaaaa', NATMIGRATE_DRIFT_CHANNEL: 'C0DRIFT' })).toThrow(/not a NAT gateway id/);
    expect(() => sweep({ NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1aaaaaaaa', NATMIGRATE_DRIFT_CHANNEL: '#ops' })).toThrow(/channel id/);
    expect(() => sweep({ NATMIGRATE_DRIFT_NAT_GATEWAYS: 'ngw-bp1aaaaaaaa', NATMIGRATE_DRIFT_CHANNEL: 'C0DRIFT', NATMIGRATE_DRIFT_INTERVAL: '15' })).toThrow(/no unit/);
  });
});

describe('Slack renderings at fleet scale', () => {
  const p = batchOf(760);
  const at = '2026-01-05T10:00:00.000Z';
  const ok = (m: { blocks?: unknown[]; text: string }) => {
    expect(m.blocks!.length).toBeLessThanOrEqual(50);
    for (const b of m.blocks as { text?: { text: string } }[]) if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(m.text.length).toBeLessThanOrEqual(3000);
  };

  it('the live batch card, the plan reply and the approval card of 760 instances fit', () => {
    const events = [
      { type: 'job.queued', jobId: p.batchId, at, kind: 'batch', instanceId: 'ngw-fleet0000000000001', regionId: 'cn-hangzhou', requestedBy: { kind: 'user', userId: 'U0ALICE' } },
      { type: 'batch.planned', jobId: p.batchId, at, batch: p },
      { type: 'batch.progress', jobId: p.batchId, at, phase: 'rolling', changes: p.items.slice(0, 300).map((i) => ({ instanceId: i.instanceId, status: 'done' })), counts: { done: 300, inFlight: 0, waiting: 460, failed: 0, untouched: 0, skipped: 0 } },
    ] as MigrationEvent[];
    const s = foldBatch(p.batchId, events);
    expect(Object.values(s.statuses).filter((x) => x === 'done')).toHaveLength(300);
    const card = batchCard(s);
    ok(card);
    expect(JSON.stringify(card.blocks)).toContain('✅ done 300');
    ok(batchPlanReply(p, at));
    ok(approvalCard({
      jobId: p.batchId, kind: 'batch', plan: planFor(0), planHash: p.hash, expiresAt: at, requiredApprovals: 2,
      requestedBy: { kind: 'user', userId: 'U0ALICE' }, requestedAt: at, value: '{}', batch: p,
    }));
  });

  it('the scan message of 760 rows fits', () => {
    const rows: InventoryRow[] = Array.from({ length: 760 }, (_, i) => ({
      instanceId: planFor(i).instanceId, status: 'Running', vpcId: 'vpc-1', vSwitchId: 'vsw-1', privateIp: planFor(i).primaryIp,
      egressKind: 'dnat-ip-mapping', egressIp: '203.0.113.9', egressReason: 'x', needsMigration: true, mappingEntryIds: ['fwd-1'],
      action: i % 7 ? 'migrate' : 'refused', ...(i % 7 ? {} : { refusal: { code: 'InstanceNotRunning' as const, message: 'Instance is Stopped, not Running; start it and retry.'.repeat(3) } }),
    }));
    ok(scanMessage('scan-cn-hangzhou-vpc-1-1', {
      regionId: 'cn-hangzhou', target: 'vpc-bp1aaaaaaaa', vpcId: 'vpc-bp1aaaaaaaa', rows,
      summary: { instances: 760, needMigration: 760, ready: 651, refused: 109, byEgress: { 'dnat-ip-mapping': 760, snat: 0, 'own-public-ip': 0, none: 0 }, refusals: {} },
    }, at, 'U0ALICE'));
  });
});
