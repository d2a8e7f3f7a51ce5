// The drift sweep: a BullMQ Job Scheduler sweeps the configured NAT gateway every 250 ms and posts to the drift
// channel each instance that (again) has a DNAT IP mapping or egresses from an unexpected IP — once per drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFleetScenario } from '../../src/sandbox/index.ts';
import { DRIFT_PLAN_ACTION_ID } from '../../src/slack/blocks/drift-card.ts';
import { DRIFT_CHANNEL, startFleetEnv, type FleetEnv } from './env.ts';
import { FASTER_SLACK } from '../support/faster-slack.ts';
import { FAST, fleetIds, fleetPrivateIp } from './scenarios.ts';

let env: FleetEnv;

beforeAll(async () => {
  // Four instances, all already egressing through the SNAT IP.
  env = await startFleetEnv({
    name: 'drift', scenario: makeFleetScenario({ instances: 4, latencyMs: FAST, withoutMapping: () => true }), slack: true, ...FASTER_SLACK,
    drift: { intervalMs: 250, natGatewayIds: [fleetIds.natGateway], channelId: DRIFT_CHANNEL, regionId: 'cn-hangzhou' },
  });
});
afterAll(async () => { await env?.close(); });

const plain = (s: string) => s.replace(/[*`]/g, '');
const alerts = () => env.slack!.channelMessages(DRIFT_CHANNEL).filter((m) => m.text.startsWith('Drift on'));
const sweeps = () => env.sandbox.requests.filter((r) => r.action === 'DescribeSnatTableEntries').length;

async function moreSweeps(n: number): Promise<void> {
  const from = sweeps();
  await env.slack!.waitFor(() => sweeps() >= from + n, { timeoutMs: 15_000, what: `${n} more sweeps` });
  await env.outbox!.waitIdle({ timeoutMs: 10_000 });
}

function addMapping(i: number, name: string): string {
  const eip = env.sandbox.world.eips.get(fleetIds.eip(i))!.ipAddress;
  return env.sandbox.world.addDnatEntry({
    forwardTableId: fleetIds.forwardTable, externalIp: eip, externalPort: 'Any', internalIp: fleetPrivateIp(i), internalPort: 'Any', ipProtocol: 'Any', name,
  }).forwardEntryId;
}

describe('drift sweep', () => {
  it('runs as a Job Scheduler at the configured interval', async () => {
    const schedulers = await env.engine.fleet.queue.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toEqual([{ key: 'drift-sweep', every: 250 }]);
    await moreSweeps(3);
    expect(alerts()).toHaveLength(0);
  });

  it('reports a re-added DNAT IP mapping once, with a Plan button; again only after it went away and came back', async () => {
    const slack = env.slack!;
    const first = addMapping(1, 'sneaky');
    const a1 = await slack.waitFor(() => alerts()[0], { timeoutMs: 15_000, what: 'the drift alert' });
    const shown = plain(slack.render(a1));
    expect(shown).toContain(`Drift on ${fleetIds.natGateway}: ${fleetIds.instance(1)} (fleet-0002) has a DNAT IP mapping again and egresses from ${env.sandbox.world.eips.get(fleetIds.eip(1))!.ipAddress} instead of the SNAT IP 203.0.113.1.`);
    expect(shown).toContain(`DNAT IP mapping ${first}`);
    expect(shown).toContain('[Plan]');

    // The same drift, sweep after sweep: no new alert.
    await moreSweeps(5);
    expect(alerts()).toHaveLength(1);

    // Plan: the clicker's dry run, posted in the alert's thread.
    await slack.click('U0ALICE', DRIFT_CHANNEL, a1.ts, { actionId: DRIFT_PLAN_ACTION_ID });
    expect(slack.ephemerals('U0ALICE').at(-1)?.text).toMatch(new RegExp(`Dry run of \`${fleetIds.instance(1)}\` queued \\(job \`preview-cn-hangzhou-${fleetIds.instance(1)}-\\d+\`\\)`));
    const planMsg = await slack.waitFor(() => slack.thread(DRIFT_CHANNEL, a1.ts).find((m) => m.ts !== a1.ts), { timeoutMs: 15_000, what: 'the dry run in the thread' });
    expect(plain(slack.render(planMsg))).toContain(first);

    // The mapping goes away (the sweep forgets it) and comes back: reported again, once.
    env.sandbox.world.dnatEntries.delete(first);
    env.sandbox.world.markChanged();
    await moreSweeps(3);
    expect(alerts()).toHaveLength(1);
    const again = addMapping(1, 'sneaky-again');
    await slack.waitFor(() => alerts().length === 2, { timeoutMs: 15_000, what: 'the second alert' });
    expect(plain(slack.render(alerts()[1]!))).toContain(`DNAT IP mapping ${again}`);
    await moreSweeps(4);
    expect(alerts()).toHaveLength(2);
  });

  it('reports an instance that egresses from its own public IP', async () => {
    const inst = env.sandbox.world.instances.get(fleetIds.instance(3))!;
    inst.eipAddress = '192.0.2.77';
    const a = await env.slack!.waitFor(() => alerts().find((m) => m.text.includes(fleetIds.instance(3))), { timeoutMs: 15_000, what: 'the egress alert' });
    expect(plain(env.slack!.render(a))).toContain(`${fleetIds.instance(3)} (fleet-0004) egresses from an unexpected IP 192.0.2.77 (expected 203.0.113.1)`);
    await moreSweeps(3);
    expect(alerts().filter((m) => m.text.includes(fleetIds.instance(3)))).toHaveLength(1);
  });
});
