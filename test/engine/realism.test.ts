// The engine against the sandbox's realism layer turned up: reads that lag the writes, busy/conflict codes and
// ServiceUnavailable on one call in ten, and an EIP that stays "in binding" for longer than one call's retries after
// its IP mapping is deleted. Every run ends migrated and verified, or refused before any change with a clear reason;
// none is restored because of a transient state.
import { describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox, type ScenarioInput } from '../../src/sandbox/index.ts';
import { perTestWorlds, sandboxCloud, sandboxEngine, until } from './helpers.ts';
import { EIP_SNAT, engineScenario, MIGRATABLE } from './scenario.ts';

const REGION = 'cn-hangzhou';
const ALL: MigrationOptions = { ports: { kind: 'all' }, configureGuest: false };
const M = (i: number) => { const m = MIGRATABLE[i]!; return { id: m[0], ip: m[1], eip: m[2] }; };
const NO_AGENT = M(11);
const SILENT_AGENT = M(12);

/** The engine scenario, unkinder: two instances whose agent is absent / silent, and the realism layer turned up. */
function unkindScenario(): ScenarioInput {
  const s = engineScenario();
  return {
    ...s,
    instances: s.instances!.map((i) => i.instanceId === NO_AGENT.id ? { ...i, guest: { ...i.guest, cloudAssistant: 'absent' as const } }
      : i.instanceId === SILENT_AGENT.id ? { ...i, guest: { ...i.guest, cloudAssistant: 'notResponding' as const } } : i),
    realism: { readLagMs: 80, transientRate: 0.1, eipInBindingMs: 1_500 },
    seed: 15,
  };
}

const of = (jobId: string, type: MigrationEvent['type']) => (e: MigrationEvent) => e.jobId === jobId && e.type === type;

const worlds = perTestWorlds();

/**
 * A sandbox of the unkind scenario and an engine of the test's own (a test counts the writes the cloud took since it
 * began), so the tests run concurrently; with the helpers below bound to them.
 */
async function world() {
  const prefix = worlds.prefix('realism');
  const notifier = new RecordingNotifier();
  const sandbox = await startSandbox({ scenario: unkindScenario(), port: 0 });
  const cloud = sandboxCloud(sandbox, { regionId: REGION, waiter: { staleGraceMs: 500 } });
  const engine = sandboxEngine({ cloud, prefix, notifier, edge: sandbox.edge, concurrency: 8, options: { verifyTimeoutMs: 4_000 } });
  worlds.onClose(async () => { await engine.close(); await sandbox.close(); });
  await engine.startWorker();

  async function submit(instanceId: string, options: MigrationOptions = ALL): Promise<string> {
    const [r] = await engine.service.submit({ regionId: REGION, instanceIds: [instanceId], options, requestedBy: 'UREQ', audience: { channelId: 'CTEST' } });
    expect(r?.status).toBe('queued');
    return (r as { jobId: string }).jobId;
  }

  async function runToEnd(instanceId: string, options: MigrationOptions = ALL): Promise<{ jobId: string; fin: Extract<MigrationEvent, { type: 'finished' }> }> {
    const jobId = await submit(instanceId, options);
    const ev = await until(async () => notifier.forJob(jobId).find((e) => e.type === 'approval.requested' || e.type === 'finished'),
      { what: `approval or end of ${jobId}`, timeoutMs: 30_000, everyMs: 10 });
    if (ev.type === 'approval.requested') {
      const r = await engine.approvals.decide(jobId, { planHash: ev.planHash, decision: 'approve', userId: 'UAPPROVER', isApprover: true });
      expect(r).toMatchObject({ ok: true, decided: true });
    }
    const fin = await notifier.waitFor(of(jobId, 'finished'), 60_000) as Extract<MigrationEvent, { type: 'finished' }>;
    return { jobId, fin };
  }

  return { sandbox, cloud, engine, notifier, submit, runToEnd };
}

describe.concurrent('the engine against the realism layer', () => {
  it('migrates and verifies in place and by delete/re-create while reads lag, 1 call in 10 is busy, and the EIP stays in binding', async () => {
    const { sandbox, cloud, engine, notifier, runToEnd } = await world();
    const t0 = Date.now();
    const runs = await Promise.all([
      runToEnd(M(0).id),
      runToEnd(M(1).id, { ports: { kind: 'list', ports: [22] }, configureGuest: false }),
      runToEnd(M(2).id, { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false }),
    ]);
    for (const { jobId, fin } of runs) {
      expect(fin.outcome, `${jobId}: ${fin.summary}`).toBe('migrated');
      const verified = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
      expect(verified.ok).toBe(true);
      expect(verified.egress.observedIp).toBe(EIP_SNAT);
      const steps = (await engine.service.status(jobId))[0]!.steps.map((s) => s.step);
      expect(steps.filter((s) => s.startsWith('restore'))).toEqual([]);
    }
    const since = sandbox.requests.filter((r) => r.at >= t0);
    // The unkindness was real: transient codes were answered, and the re-created entries met the EIP in binding.
    expect(since.some((r) => ['ServiceUnavailable', 'OperationConflict', 'TaskConflict', 'Operation.Conflict', 'IncorrectStatus'].includes(r.code))).toBe(true);
    expect(since.some((r) => r.action === 'CreateForwardEntry' && r.code === 'OperationUnsupported.EipInBinding')).toBe(true);
    // Idempotent by ClientToken: each entry exists once, whatever the retries (one mapping, one entry, two entries).
    await until(async () => (await cloud.listForwardEntries('ftb-1', { externalIp: M(2).eip })).length === 2, { what: 'the read to catch up', timeoutMs: 5_000 });
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: M(0).eip })).map((e) => e.ipProtocol.toLowerCase())).toEqual(['any']);
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: M(1).eip })).map((e) => e.externalPort)).toEqual(['22']);
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: M(2).eip })).map((e) => e.externalPort).sort()).toEqual(['22', '443']);
  });

  it('an agent that stops answering after the approval is found out at the gate: its invocation fails, the status is read, nothing is cut over', async () => {
    const { sandbox, cloud, engine, notifier, submit } = await world();
    const m = M(3);
    const t0 = Date.now();
    const jobId = await submit(m.id);
    const ev = await notifier.waitFor(of(jobId, 'approval.requested'), 30_000) as Extract<MigrationEvent, { type: 'approval.requested' }>;
    sandbox.world.instances.get(m.id)!.guest.cloudAssistant = 'notResponding';
    await engine.approvals.decide(jobId, { planHash: ev.planHash, decision: 'approve', userId: 'UAPPROVER', isApprover: true });
    const fin = await notifier.waitFor(of(jobId, 'finished'), 60_000) as Extract<MigrationEvent, { type: 'finished' }>;
    expect(fin.outcome).toBe('refused');
    const refused = notifier.forJob(jobId).find((e) => e.type === 'refused') as Extract<MigrationEvent, { type: 'refused' }>;
    expect(refused.refusal.code).toBe('CloudAssistantUnavailable');
    // The gate's own invocation did not answer, so it read DescribeCloudAssistantStatus (skipped when it answers).
    const recheck = (await engine.service.status(jobId))[0]!.steps.find((s) => s.step === 'recheck_plan')!.calls.map((c) => c.action);
    expect(recheck).toContain('RunCommand');
    expect(recheck).toContain('DescribeCloudAssistantStatus');
    const writes = sandbox.requests.filter((r) => r.at >= t0 && /ForwardEntry$/.test(r.action) && !r.action.startsWith('Describe'));
    expect(writes).toEqual([]);
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: m.eip })).map((e) => e.internalIp)).toEqual([m.ip]);
  });

  it.each([
    ['absent', NO_AGENT, new RegExp(`Cloud Assistant agent is not installed on instance ${NO_AGENT.id}.*Install the agent`)],
    ['not responding', SILENT_AGENT, new RegExp(`agent on instance ${SILENT_AGENT.id} \\(version [\\d.]+\\) has sent no heartbeat since .*Restart the agent`)],
  ])('refuses before any change when the Cloud Assistant agent is %s (CloudAssistantUnavailable)', async (_name, m, message) => {
    const { sandbox, cloud, notifier, runToEnd } = await world();
    const t0 = Date.now();
    const { jobId, fin } = await runToEnd(m.id, { ports: { kind: 'all' }, configureGuest: true });
    expect(fin.outcome).toBe('refused');
    const refused = notifier.forJob(jobId).find((e) => e.type === 'refused') as Extract<MigrationEvent, { type: 'refused' }>;
    expect(refused.refusal.code).toBe('CloudAssistantUnavailable');
    expect(refused.refusal.message).toMatch(message);
    // Nothing was changed: no ENI, no DNAT change. The one command is the plan's read-only look at the guest, which
    // the agent did not run: that failure is why the plan read DescribeCloudAssistantStatus (skipped when it answers).
    const since = sandbox.requests.filter((r) => r.at >= t0 && r.code === 'OK');
    const writes = since.filter((r) => !r.action.startsWith('Describe'));
    expect(writes.map((r) => [r.action, r.params['Name']])).toEqual([['RunCommand', 'natmigrate-introspect']]);
    const order = since.map((r) => r.action);
    expect(order.indexOf('DescribeCloudAssistantStatus')).toBeGreaterThan(order.indexOf('DescribeInvocationResults'));
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: m.eip })).map((e) => e.internalIp)).toEqual([m.ip]);
  });
});
