// The migration engine end to end: real Redis, real BullMQ workers, the real Alibaba adapter over HTTP and the
// sandbox cloud (migration-world.ts). Nothing of ours is mocked; the notifier is the in-process RecordingNotifier.
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/domain/cloud-journal.ts';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { until } from './helpers.ts';
import { EIP_SNAT, engineScenario, MIGRATABLE, REFUSALS } from './scenario.ts';
import {
  ALL, approvalOf, approve, APPROVER, cloud, dnatOn, enisOf, expectUntouched, finished, M, newEngine, of, ownEngine, ownSandbox, REGION, REQUESTER, submit, taggedEnis, useMigrationWorld, useSandbox,
} from './migration-world.ts';

useMigrationWorld();

// Each test on a sandbox and an engine of its own (faults, latencies and the request log are the sandbox's), so the
// tests run concurrently.
describe.concurrent('migration', () => {
  it('migrates one instance end to end: egress becomes the SNAT IP and the SSH banner is read through the EIP', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const t0 = Date.now();
    const { id, ip, eip } = M(0);
    const jobId = await submit(engine, id);
    expect(jobId).toMatch(/^migrate-cn-hangzhou-i-okaaaa0001-\d+$/);
    const hash = await approvalOf(notifier, jobId);

    // Parked for approval: staged ENI InUse, mapping untouched, job holds no worker slot.
    const parked = (await engine.service.status(jobId))[0]!;
    expect(parked.state).toBe('awaiting_approval');
    expect((await enisOf(id, cloud)).map((e) => e.status)).toEqual(['InUse']);
    expect((await dnatOn(eip, cloud)).map((e) => e.internalIp)).toEqual([ip]);
    // The cloud journal: the ENI's tags alone say what to put back if Redis loses the job.
    const original = (await dnatOn(eip, cloud))[0]!;
    expect(readJournal((await enisOf(id, cloud))[0]!.tags)).toMatchObject({
      jobId, instanceId: id, cutover: 'modify', newPorts: 'any',
      original: { forwardEntryId: original.forwardEntryId, forwardTableId: original.forwardTableId, externalIp: eip, internalIp: ip, externalPort: original.externalPort, internalPort: original.internalPort, ipProtocol: original.ipProtocol },
    });
    // The approval request goes out before the job parks (the journal and the park follow it).
    await until(async () => (await (await engine.queue.getJob(jobId))?.getState()) === 'delayed', { what: `${jobId} to park`, timeoutMs: 10_000 });

    // The requester cannot approve their own job.
    expect(await engine.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: REQUESTER, isApprover: true })).toMatchObject({ ok: false, code: 'SelfApproval' });
    await approve(engine, jobId, hash);
    const fin = await finished(notifier, jobId);
    expect(fin.outcome).toBe('migrated');

    const verified = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(verified.ok).toBe(true);
    expect(verified.ssh.banner).toBe('SSH-2.0-OpenSSH_8.0');
    expect(verified.egress.observedIp).toBe(EIP_SNAT);
    expect(verified.egress.rawOutput).toContain(EIP_SNAT);
    expect(verified.egress.invokeId).toBeTruthy();

    // Cloud: exactly one ENI, attached; the EIP now maps to it; the original entry is gone.
    const enis = await enisOf(id, cloud);
    expect(enis).toHaveLength(1);
    expect(enis[0]).toMatchObject({ status: 'InUse', instanceId: id });
    const entries = await dnatOn(eip, cloud);
    expect(entries.map((e) => [e.internalIp, e.status])).toEqual([[enis[0]!.privateIp, 'Available']]);

    // Record: plan, original entry with its restore recipe, steps with RequestIds, outcome.
    const rec = (await engine.service.status(jobId))[0]!;
    expect(rec).toMatchObject({ state: 'finished', outcome: 'migrated', eniId: enis[0]!.networkInterfaceId, newEntryIds: [entries[0]!.forwardEntryId] });
    expect(rec.original?.entry).toMatchObject({ externalIp: eip, internalIp: ip });
    expect(rec.original?.restoreRecipe).toMatchObject({ forwardTableId: 'ftb-1', externalIp: eip, internalIp: ip });
    expect(rec.original?.restoreRecipe.ipProtocol.toLowerCase()).toBe('any');
    const stepNames = rec.steps.map((s) => s.step);
    // Every port: the IP mapping moves to the ENI in place, one ModifyForwardEntry; never deleted, same entry id.
    expect(stepNames).toEqual(['plan', 'create_eni', 'attach_eni', 'wait_eni_in_use', 'request_approval', 'recheck_plan',
      'save_original', 'modify_entry', 'wait_entry_modified', 'verify']);
    for (const s of rec.steps) expect(s.finishedAt, s.step).toBeTruthy();
    const modifyStep = rec.steps.find((s) => s.step === 'modify_entry')!;
    expect(modifyStep.calls.some((c) => c.action === 'ModifyForwardEntry' && c.requestId)).toBe(true);
    expect(entries[0]!.forwardEntryId).toBe(rec.original?.entry.forwardEntryId);
    // The gate's second look re-reads what can change (the guest's services too: one read-only invocation, whose
    // success is the agent answering, so no DescribeCloudAssistantStatus; the NICs come with DescribeInstances), not
    // the gateways, vSwitches or security-group rules.
    const callsOf = (step: string) => rec.steps.find((s) => s.step === step)!.calls.map((c) => c.action);
    const recheck = callsOf('recheck_plan').sort();
    expect([...new Set(recheck)]).toEqual(['DescribeForwardTableEntries', 'DescribeInstances', 'DescribeInvocationResults', 'DescribeSnatTableEntries', 'RunCommand']);
    // The plan's own invocation in the guest answered, so it did not read the agent's status either; one SNAT entry
    // covers the instance and no --vswitch was given, so no vSwitch read.
    expect(callsOf('plan')).toContain('RunCommand');
    expect(callsOf('plan')).not.toContain('DescribeCloudAssistantStatus');
    expect(callsOf('plan')).not.toContain('DescribeVSwitches');
    // A first try of create_eni has nothing to look for; save_original takes the entry the gate has just read.
    expect([...new Set(callsOf('create_eni'))]).toEqual(['CreateNetworkInterface']);
    expect(callsOf('save_original')).toEqual([]);
    const dnatWrites = sandbox.requests.filter((r) => r.at >= t0 && /^(Create|Delete|Modify)ForwardEntry$/.test(r.action)).map((r) => r.action);
    expect(dnatWrites).toEqual(['ModifyForwardEntry']);
    expect(rec.verification?.ssh.banner).toBe('SSH-2.0-OpenSSH_8.0');

    // The original entry was announced, in full, before it was deleted.
    const types = notifier.forJob(jobId).map((e) => e.type);
    expect(types.indexOf('original.saved')).toBeLessThan(types.lastIndexOf('step.started'));
    const saved = notifier.forJob(jobId).find((e) => e.type === 'original.saved') as Extract<MigrationEvent, { type: 'original.saved' }>;
    expect(saved.entry.forwardEntryId).toBe(rec.original?.entry.forwardEntryId);
    for (const e of notifier.forJob(jobId)) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(t0 - 1000);

    // Status by instance (latest first) and the active list; the instance is free again.
    expect((await engine.service.status(id))[0]?.jobId).toBe(jobId);
    expect((await engine.service.status()).map((r) => r.jobId)).not.toContain(jobId);

    // Planning it again: already migrated.
    const { jobId: previewId } = await engine.service.preview({ regionId: REGION, instanceId: id, options: ALL, requestedBy: REQUESTER, audience: {} });
    const refused = await notifier.waitFor(of(previewId, 'refused')) as Extract<MigrationEvent, { type: 'refused' }>;
    expect(refused.refusal.code).toBe('AlreadyMigrated');
  });

  it('a port list cuts over by delete and re-create: the IP mapping is replaced by the port entries', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(11);
    const t0 = Date.now();
    const jobId = await submit(engine, id, { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false });
    await approve(engine, jobId, await approvalOf(notifier, jobId));
    expect((await finished(notifier, jobId)).outcome).toBe('migrated');
    const rec = (await engine.service.status(jobId))[0]!;
    expect(rec.plan?.cutover).toBe('recreate');
    expect(rec.steps.map((s) => s.step).slice(-6)).toEqual(['save_original', 'delete_entry', 'wait_entry_gone', 'create_entry', 'wait_entry_available', 'verify']);
    expect(rec.steps.find((s) => s.step === 'delete_entry')!.calls.some((c) => c.action === 'DeleteForwardEntry' && c.requestId)).toBe(true);
    const eni = (await enisOf(id, cloud))[0]!;
    const entries = await dnatOn(eip, cloud);
    expect(entries.map((e) => [e.ipProtocol.toLowerCase(), e.externalPort, e.internalIp]).sort()).toEqual([['tcp', '22', eni.privateIp], ['tcp', '443', eni.privateIp]]);
    expect(entries.map((e) => e.forwardEntryId)).not.toContain(rec.original?.entry.forwardEntryId);
    expect(rec.original?.entry.internalIp).toBe(ip);
    expect(sandbox.requests.some((r) => r.at >= t0 && r.action === 'ModifyForwardEntry')).toBe(false);
  });

  it('falls back to delete and re-create when ModifyForwardEntry is refused, and rolls back the same way', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(12);
    const jobId = await submit(engine, id);
    const hash = await approvalOf(notifier, jobId);
    sandbox.faults.add({ action: 'ModifyForwardEntry', code: 'Forbidden.RAM', httpStatus: 403, message: 'User not authorized to operate on the specified resource.', times: 1 });
    await approve(engine, jobId, hash);
    expect((await finished(notifier, jobId)).outcome).toBe('migrated');
    const rec = (await engine.service.status(jobId))[0]!;
    expect(rec.cutover).toBe('recreate');
    const steps = rec.steps.map((s) => s.step);
    expect(steps.slice(steps.indexOf('modify_entry'))).toEqual(['modify_entry', 'delete_entry', 'wait_entry_gone', 'create_entry', 'wait_entry_available', 'verify']);
    expect(rec.steps.find((s) => s.step === 'modify_entry')!.detail).toMatchObject({ fallback: 'delete and re-create', code: 'Forbidden.RAM' });
    const eni = (await enisOf(id, cloud))[0]!;
    expect((await dnatOn(eip, cloud)).map((e) => e.internalIp)).toEqual([eni.privateIp]);

    const rb = await engine.service.rollback(jobId, REQUESTER, {});
    expect(rb.ok).toBe(true);
    const req = await notifier.waitFor(of(rb.jobId!, 'approval.requested')) as Extract<MigrationEvent, { type: 'approval.requested' }>;
    await approve(engine, rb.jobId!, req.planHash);
    expect((await finished(notifier, rb.jobId!)).outcome).toBe('rolled_back');
    const rbSteps = (await engine.service.status(rb.jobId!))[0]!.steps.map((s) => s.step);
    expect(rbSteps).toContain('restore_create_original');
    expect(rbSteps).not.toContain('restore_modify_back');
    await expectUntouched(id, eip, ip, cloud);
  });

  it('cancel during the in-place cutover moves the mapping back in place, retrying while the EIP is still in binding', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(13);
    const jobId = await submit(engine, id);
    const hash = await approvalOf(notifier, jobId);
    const t0 = Date.now();
    // The modify answers slowly (the cancel lands while it is under way); the EIP stays "in binding" a moment after.
    sandbox.faults.add({ action: 'ModifyForwardEntry', latencyMs: 400, times: 1 });
    const rebind = sandbox.world.latency.eipRebind;
    // Long enough that the move back lands inside it even on a loaded machine (the cancel and the restore take a moment).
    sandbox.world.latency.eipRebind = 3000;
    try {
      await approve(engine, jobId, hash);
      await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'modify_entry'), { what: 'modify_entry', timeoutMs: 10_000, everyMs: 5 });
      const c = await engine.service.cancel(jobId, 'UONCALL');
      expect(c.message).toMatch(/original DNAT mapping will be restored/);
      const fin = await finished(notifier, jobId);
      expect(fin.outcome).toBe('cancelled');
    } finally {
      sandbox.world.latency.eipRebind = rebind;
    }
    const rec = (await engine.service.status(jobId))[0]!;
    expect(rec.steps.map((s) => s.step)).toContain('restore_modify_back');
    expect(rec.steps.map((s) => s.step)).not.toContain('restore_create_original');
    await expectUntouched(id, eip, ip, cloud);
    expect((await dnatOn(eip, cloud)).map((e) => e.forwardEntryId)).toEqual([rec.original!.entry.forwardEntryId]);
    const writes = sandbox.requests.filter((r) => r.at >= t0 && /^(Create|Delete|Modify)ForwardEntry$/.test(r.action));
    expect(writes.filter((r) => r.code === 'OK').map((r) => r.action)).toEqual(['ModifyForwardEntry', 'ModifyForwardEntry']);
    expect(writes.some((r) => r.code === 'OperationUnsupported.EipInBinding')).toBe(true);
  });

  it('refuses a second request for an instance with an active job, naming that job', async () => {
    const { engine, notifier } = await ownEngine();
    const { id } = M(1);
    const jobId = await submit(engine, id);
    const again = await engine.service.submit({ regionId: REGION, instanceIds: [id, 'I-BAD'], options: ALL, requestedBy: 'UOTHER', audience: {} });
    expect(again[0]).toEqual({ instanceId: id, status: 'already_active', jobId });
    expect(again[1]).toMatchObject({ instanceId: 'I-BAD', status: 'invalid' });
    await approvalOf(notifier, jobId);
    expect(await engine.service.cancel(jobId, REQUESTER)).toMatchObject({ ok: true });
    expect((await finished(notifier, jobId)).outcome).toBe('cancelled');
  });

  it('previews without changing anything', async () => {
    const { cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(2);
    const { jobId } = await engine.service.preview({ regionId: REGION, instanceId: id, options: ALL, requestedBy: REQUESTER, audience: { channelId: 'C' } });
    const planned = await notifier.waitFor(of(jobId, 'planned')) as Extract<MigrationEvent, { type: 'planned' }>;
    expect(planned.plan).toMatchObject({ instanceId: id, primaryIp: ip, expectedEgressIps: [EIP_SNAT], entryToDelete: { externalIp: eip, internalIp: ip } });
    expect((await engine.service.status(jobId))[0]).toMatchObject({ kind: 'preview', state: 'finished', audience: { channelId: 'C' } });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('reads the vSwitches only when they matter: a --vswitch override, not an ordinary plan nor SNAT entries that carry their CIDR', async () => {
    const { sandbox, engine, notifier } = await ownEngine();
    const { id } = M(2);
    const plannedWith = async (options: MigrationOptions) => {
      const t0 = Date.now();
      const { jobId } = await engine.service.preview({ regionId: REGION, instanceId: id, options, requestedBy: REQUESTER, audience: {} });
      const planned = await notifier.waitFor(of(jobId, 'planned')) as Extract<MigrationEvent, { type: 'planned' }>;
      return { plan: planned.plan, vSwitchReads: sandbox.requests.filter((r) => r.at >= t0 && r.action === 'DescribeVSwitches' && r.code === 'OK').length };
    };
    expect((await plannedWith(ALL)).vSwitchReads).toBe(0);
    const overridden = await plannedWith({ ...ALL, vSwitchId: 'vsw-1' });
    expect(overridden.vSwitchReads).toBe(1);
    expect(overridden.plan.eni).toMatchObject({ vSwitchId: 'vsw-1', zoneId: 'cn-hangzhou-h' });
    // A second, coarser SNAT entry covers the instance: the vSwitch's entry (SourceCIDR 192.168.1.0/24, as the API
    // answers for a vSwitch entry) still ranks first, without a read of the vSwitches.
    const coarse = { snatEntryId: 'snat-coarse', snatTableId: 'stb-1', natGatewayId: 'ngw-1', snatIp: '203.0.113.31', sourceCidr: '192.168.0.0/16', name: '', status: 'Available' as const };
    sandbox.world.snatEntries.set(coarse.snatEntryId, coarse);
    try {
      const ranked = await plannedWith(ALL);
      expect(ranked.plan.expectedEgressIps).toEqual([EIP_SNAT, '203.0.113.31']);
      expect(ranked.vSwitchReads).toBe(0);
    } finally {
      sandbox.world.snatEntries.delete(coarse.snatEntryId);
    }
  });

  it('refuses, with a specific reason and nothing changed, each instance the pre-flight must not touch', async () => {
    const { cloud, engine, notifier } = await ownEngine();
    const cases: [string, string][] = [
      [REFUSALS.noMapping, 'NoIpMapping'],
      [REFUSALS.noSnat, 'NoSnatCoverage'],
      [REFUSALS.quota, 'EniQuotaFull'],
      [REFUSALS.stopped, 'InstanceNotRunning'],
      [REFUSALS.ambiguous, 'AmbiguousIpMapping'],
      [REFUSALS.notFound, 'InstanceNotFound'],
    ];
    const enisBefore = (await cloud.listNetworkInterfaces({ vpcId: 'vpc-1' })).length;
    const entriesBefore = (await cloud.listForwardEntries('ftb-1')).length;
    const jobs = await Promise.all(cases.map(([id]) => submit(engine, id)));
    for (const [i, jobId] of jobs.entries()) {
      const fin = await finished(notifier, jobId);
      const refused = notifier.forJob(jobId).find((e) => e.type === 'refused') as Extract<MigrationEvent, { type: 'refused' }>;
      expect([fin.outcome, refused?.refusal.code, fin.summary], cases[i]![0]).toEqual(['refused', cases[i]![1], refused?.refusal.message]);
      expect(fin.summary).toBe(refused.refusal.message);
      expect((await engine.service.status(jobId))[0]).toMatchObject({ outcome: 'refused', refusal: { code: cases[i]![1] } });
    }
    expect((await cloud.listNetworkInterfaces({ vpcId: 'vpc-1' })).length).toBe(enisBefore);
    expect((await cloud.listForwardEntries('ftb-1')).length).toBe(entriesBefore);
  });

  it('refuses with PermissionDenied, naming the denied RAM action, when the account may not read the NAT gateway', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(3);
    sandbox.faults.add({ action: 'DescribeNatGateways', code: 'Forbidden.RAM', httpStatus: 403, times: 1 });
    const jobId = await submit(engine, id);
    expect((await finished(notifier, jobId)).outcome).toBe('refused');
    const refused = notifier.forJob(jobId).find((e) => e.type === 'refused') as Extract<MigrationEvent, { type: 'refused' }>;
    expect(refused.refusal.code).toBe('PermissionDenied');
    expect(refused.refusal.message).toContain('vpc:DescribeNatGateways');
    await expectUntouched(id, eip, ip, cloud);
  });

  it('rejection undoes the staging: the ENI is detached and deleted, the mapping never touched', async () => {
    const { cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(3);
    const jobId = await submit(engine, id);
    const hash = await approvalOf(notifier, jobId);
    expect(await taggedEnis(jobId, cloud)).toHaveLength(1);
    const r = await engine.approvals.decide(jobId, { planHash: hash, decision: 'reject', userId: APPROVER, isApprover: true });
    expect(r).toMatchObject({ ok: true, decided: true });
    expect((await finished(notifier, jobId)).outcome).toBe('rejected');
    await expectUntouched(id, eip, ip, cloud);
    expect(await taggedEnis(jobId, cloud)).toEqual([]);
    expect(await engine.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: 'ULATE', isApprover: true })).toMatchObject({ ok: false, code: 'AlreadyDecided' });
  });

  it('expiry undoes the staging when nobody decides in time', async () => {
    const w = await ownSandbox();
    const { cloud } = w;
    const n2 = new RecordingNotifier();
    const e2 = await newEngine(n2, { approvalTtlMs: 400 }, w);
    const { id, ip, eip } = M(4);
    const jobId = await submit(e2, id);
    const hash = await approvalOf(n2, jobId);
    const fin = await finished(n2, jobId);
    expect(fin.outcome).toBe('expired');
    expect(n2.forJob(jobId).some((e) => e.type === 'approval.decided' && e.decision === 'expired')).toBe(true);
    await expectUntouched(id, eip, ip, cloud);
    expect(await taggedEnis(jobId, cloud)).toEqual([]);
    expect(await e2.approvals.decide(jobId, { planHash: hash, decision: 'approve', userId: APPROVER, isApprover: true })).toMatchObject({ ok: false, code: 'Expired' });
  });

  it('detects drift at the gate, asks again with the new plan, and refuses a click on the old one', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(4);
    const jobId = await submit(engine, id);
    const first = await approvalOf(notifier, jobId);
    // Someone renames the DNAT entry while the request waits: the restore recipe would be different.
    const entry = [...sandbox.world.dnatEntries.values()].find((e) => e.externalIp === eip && e.internalIp === ip)!;
    entry.name = 'renamed-by-someone';
    sandbox.world.markChanged();
    await approve(engine, jobId, first);
    const changed = await notifier.waitFor(of(jobId, 'plan.changed')) as Extract<MigrationEvent, { type: 'plan.changed' }>;
    expect(changed.previousHash).toBe(first);
    expect(changed.differences.join('\n')).toMatch(/renamed-by-someone/);
    const second = await approvalOf(notifier, jobId, 1);
    expect(second).not.toBe(first);
    expect(second).toBe(changed.plan.hash);
    expect(await engine.approvals.decide(jobId, { planHash: first, decision: 'approve', userId: 'UOTHER', isApprover: true })).toMatchObject({ ok: false, code: 'StalePlan' });
    // Nothing was cut over while the plan was stale.
    expect((await dnatOn(eip, cloud)).map((e) => e.internalIp)).toEqual([ip]);
    await approve(engine, jobId, second);
    expect((await finished(notifier, jobId)).outcome).toBe('migrated');
    const rec = (await engine.service.status(jobId))[0]!;
    expect(rec.original?.restoreRecipe.forwardEntryName).toBe('renamed-by-someone');
  });

  it('re-stages the ENI when drift changes what the ENI must be (security groups), before asking again', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id } = M(1);
    const jobId = await submit(engine, id);
    const first = await approvalOf(notifier, jobId);
    const staged = await taggedEnis(jobId, cloud);
    expect(staged.map((e) => e.securityGroupIds)).toEqual([['sg-1']]);
    sandbox.world.instances.get(id)!.securityGroupIds = ['sg-2'];
    await approve(engine, jobId, first);
    const changed = await notifier.waitFor(of(jobId, 'plan.changed')) as Extract<MigrationEvent, { type: 'plan.changed' }>;
    expect(changed.differences.join('\n')).toMatch(/sg-2/);
    const second = await approvalOf(notifier, jobId, 1);
    const restaged = await taggedEnis(jobId, cloud);
    expect(restaged).toHaveLength(1);
    expect(restaged[0]!.networkInterfaceId).not.toBe(staged[0]!.networkInterfaceId);
    expect(restaged[0]!.securityGroupIds).toEqual(['sg-2']);
    await approve(engine, jobId, second);
    expect((await finished(notifier, jobId)).outcome).toBe('migrated');
    expect((await enisOf(id, cloud)).map((e) => e.networkInterfaceId)).toEqual([restaged[0]!.networkInterfaceId]);
  });

  it('a cancel right after the re-staged ENI is created, before its attach, removes it without waiting for an attach of the first round', async () => {
    const w = await ownSandbox();
    const { sandbox, cloud } = w;
    const { id, ip, eip } = M(22);
    // The cancel lands between the second round's create_eni and its attach_eni: the ENI to remove was never attached.
    const n = new RecordingNotifier();
    let creates = 0;
    let cancelled = false;
    const e: Engine = await newEngine(n, { hooks: { point: async (step, where, job) => {
      if (step === 'create_eni' && where === 'after' && ++creates === 2) {
        await e.service.cancel(job, 'UONCALL');
        cancelled = true;
      }
    } } }, w);
    const jobId = await submit(e, id);
    const first = await approvalOf(n, jobId);
    sandbox.world.instances.get(id)!.securityGroupIds = ['sg-2'];
    await approve(e, jobId, first);
    const fin = await finished(n, jobId);
    expect(cancelled).toBe(true);
    expect(fin.outcome, fin.summary).toBe('cancelled');
    const steps = (await e.service.status(jobId))[0]!.steps;
    const lastCreate = steps.map((st) => st.step).lastIndexOf('create_eni');
    expect(steps.slice(lastCreate).map((st) => st.step)).not.toContain('attach_eni');
    const detach = steps.slice(lastCreate).find((st) => st.step === 'detach_eni')!;
    // It is read as the Available ENI it is: no wait for an InUse that only the first round's attach asked for
    // (that wait polls until the adapter's stale-read grace gives up on the attach).
    expect(detach.calls.filter((c) => c.action === 'DescribeNetworkInterfaces').length).toBeLessThan(8);
    await until(async () => (await enisOf(id, cloud)).length === 0, { what: 'the read to catch up', timeoutMs: 5_000 });
    await expectUntouched(id, eip, ip, cloud);
  });

  it('restores the original mapping when creating the new entry fails after the delete', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(5);
    const jobId = await submit(engine, id, { ports: { kind: 'list', ports: [22] }, configureGuest: false });
    const hash = await approvalOf(notifier, jobId);
    sandbox.faults.add({ action: 'CreateForwardEntry', code: 'QuotaExceeded', httpStatus: 400, message: 'Forward entry quota exceeded', times: 1 });
    await approve(engine, jobId, hash);
    const fin = await finished(notifier, jobId);
    expect(fin.outcome).toBe('restored');
    const types = notifier.forJob(jobId).map((e) => e.type);
    expect(types).toContain('failed');
    expect(types).toContain('restored');
    const restored = notifier.forJob(jobId).find((e) => e.type === 'restored') as Extract<MigrationEvent, { type: 'restored' }>;
    expect(restored.entry).toMatchObject({ externalIp: eip, internalIp: ip });
    expect(restored.reason).toMatch(/QuotaExceeded/);
    await expectUntouched(id, eip, ip, cloud);
    expect(await taggedEnis(jobId, cloud)).toEqual([]);
  });

  it('verification failure restores the original (auto-rollback); configuring the guest makes the same kind of instance pass', async () => {
    const { cloud, engine, notifier } = await ownEngine();
    const bad = MIGRATABLE[9]!;
    const jobId = await submit(engine, bad[0]);
    await approve(engine, jobId, await approvalOf(notifier, jobId));
    const fin = await finished(notifier, jobId);
    expect(fin.outcome).toBe('restored');
    const v = notifier.forJob(jobId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(v.ok).toBe(false);
    expect(v.ssh.ok).toBe(false);
    await expectUntouched(bad[0], bad[2], bad[1], cloud);
    // Moved back in place: the same entry id as before, one ModifyForwardEntry each way.
    const badRec = (await engine.service.status(jobId))[0]!;
    expect(badRec.steps.map((s) => s.step)).toContain('restore_modify_back');
    expect((await dnatOn(bad[2], cloud)).map((e) => e.forwardEntryId)).toEqual([badRec.original!.entry.forwardEntryId]);

    const good = MIGRATABLE[10]!;
    const job2 = await submit(engine, good[0], { ports: { kind: 'all' }, configureGuest: true });
    await approve(engine, job2, await approvalOf(notifier, job2));
    expect((await finished(notifier, job2)).outcome).toBe('migrated');
    const cfg = (await engine.service.status(job2))[0]!.steps.find((s) => s.step === 'configure_guest');
    expect(cfg?.detail?.output).toMatch(/configured eth1/);
  });

  it('rolls back a migration after its own approval: original mapping back, ENI gone, original path verified', async () => {
    const { cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(6);
    const jobId = await submit(engine, id);
    await approve(engine, jobId, await approvalOf(notifier, jobId));
    expect((await finished(notifier, jobId)).outcome).toBe('migrated');

    const rb = await engine.service.rollback(jobId, REQUESTER, { channelId: 'CTEST' });
    expect(rb.ok).toBe(true);
    const rbId = rb.jobId!;
    expect(rbId).toMatch(/^rollback-cn-hangzhou-i-okaaaa0007-\d+$/);
    expect(await engine.service.rollback(jobId, REQUESTER, {})).toMatchObject({ ok: false });
    const req = await notifier.waitFor(of(rbId, 'approval.requested')) as Extract<MigrationEvent, { type: 'approval.requested' }>;
    expect(req.kind).toBe('rollback');
    expect(req.rollback?.migrationJobId).toBe(jobId);
    expect(req.rollback?.entriesToDelete).toHaveLength(1);
    await approve(engine, rbId, req.planHash);
    const fin = await finished(notifier, rbId);
    expect(fin.outcome).toBe('rolled_back');
    const v = notifier.forJob(rbId).find((e) => e.type === 'verified') as Extract<MigrationEvent, { type: 'verified' }>;
    expect(v.ok).toBe(true);
    expect(v.egress.observedIp).toBe(eip);
    expect(v.ssh.banner).toBe('SSH-2.0-OpenSSH_8.0');
    await expectUntouched(id, eip, ip, cloud);
    expect((await engine.service.status(jobId))[0]?.relatedJobId).toBe(rbId);
  });

  it('cancel before the cutover undoes the staging', async () => {
    const { cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(7);
    const jobId = await submit(engine, id);
    await approvalOf(notifier, jobId);
    const c = await engine.service.cancel(jobId, REQUESTER);
    expect(c.ok).toBe(true);
    expect(c.message).toMatch(/staged ENI will be removed/);
    const fin = await finished(notifier, jobId);
    expect(fin.outcome).toBe('cancelled');
    expect(notifier.forJob(jobId).some((e) => e.type === 'cancel.requested')).toBe(true);
    await expectUntouched(id, eip, ip, cloud);
    expect(await taggedEnis(jobId, cloud)).toEqual([]);
  });

  it('cancel during the cutover restores the original mapping; cancelling a finished migration queues a rollback', async () => {
    const { sandbox, cloud, engine, notifier } = await ownEngine();
    const { id, ip, eip } = M(8);
    const jobId = await submit(engine, id, { ports: { kind: 'list', ports: [22] }, configureGuest: false });
    const hash = await approvalOf(notifier, jobId);
    // Slow the create down so the cancel lands after the delete.
    sandbox.faults.add({ action: 'CreateForwardEntry', latencyMs: 400, times: 1 });
    await approve(engine, jobId, hash);
    await notifier.waitFor(of(jobId, 'original.saved'));
    await until(async () => notifier.forJob(jobId).some((e) => e.type === 'step.started' && e.step === 'create_entry'), { what: 'create_entry', timeoutMs: 10_000, everyMs: 5 });
    const c = await engine.service.cancel(jobId, 'UONCALL');
    expect(c.message).toMatch(/original DNAT mapping will be restored/);
    const fin = await finished(notifier, jobId);
    expect(fin.outcome).toBe('cancelled');
    expect(fin.summary).toMatch(/restored/);
    expect(notifier.forJob(jobId).some((e) => e.type === 'restored')).toBe(true);
    await expectUntouched(id, eip, ip, cloud);

    // A finished migration: cancel = rollback, which needs its own approval.
    const { id: id2 } = M(2);
    const job2 = await submit(engine, id2);
    await approve(engine, job2, await approvalOf(notifier, job2));
    expect((await finished(notifier, job2)).outcome).toBe('migrated');
    const c2 = await engine.service.cancel(job2, REQUESTER);
    expect(c2.ok).toBe(true);
    expect(c2.message).toMatch(/rolling it back/);
    const rbId = (await engine.service.status(job2))[0]!.relatedJobId!;
    const req = await notifier.waitFor(of(rbId, 'approval.requested')) as Extract<MigrationEvent, { type: 'approval.requested' }>;
    await approve(engine, rbId, req.planHash);
    expect((await finished(notifier, rbId)).outcome).toBe('rolled_back');
  });
});

describe('two instances on one NAT gateway', () => {
  it('migrate at the same time without forward-table conflicts', async () => {
    // The realism layer's random busy answers off: a refused table write here can only be a real conflict.
    const sb = await startSandbox({ scenario: { ...engineScenario(), realism: { off: ['transientCodes'] } }, port: 0 });
    const n = new RecordingNotifier();
    const restoreWorld = useSandbox(sb);
    try {
      const e = await newEngine(n);
      const a = M(0);
      const b = M(1);
      const [ja, jb] = await Promise.all([submit(e, a.id), submit(e, b.id)]);
      const [ha, hb] = await Promise.all([approvalOf(n, ja), approvalOf(n, jb)]);
      await Promise.all([approve(e, ja, ha), approve(e, jb, hb)]);
      const [fa, fb] = await Promise.all([finished(n, ja), finished(n, jb)]);
      expect([fa.outcome, fb.outcome]).toEqual(['migrated', 'migrated']);
      // The sandbox never had to refuse a forward-table write.
      const tableErrors = sb.requests.filter((r) => /ForwardEntry$/.test(r.action) && r.code && r.code !== 'OK');
      expect(tableErrors).toEqual([]);
      // The two cutovers did not overlap: the second ModifyForwardEntry went out only after the first job's waiter had
      // read its entry again (it releases the table once it sees the entry Available; the original is saved before the
      // table lock is taken, and step events may trail the hand-over, so the sandbox's request log is the witness).
      const mods = sb.requests.filter((r) => r.action === 'ModifyForwardEntry' && r.code === 'OK');
      expect(mods).toHaveLength(2);
      const [first, second] = mods as [typeof mods[number], typeof mods[number]];
      const readBetween = sb.requests.some((r) => r.action === 'DescribeForwardTableEntries' && r.params.ForwardEntryId === first.params.ForwardEntryId
        && r.at > first.at && r.at <= second.at);
      expect(readBetween).toBe(true);
      for (const m of [a, b]) {
        const enis = (await cloud.listNetworkInterfaces({ instanceId: m.id })).filter((x) => x.type !== 'Primary');
        expect(enis).toHaveLength(1);
        expect((await cloud.listForwardEntries('ftb-1', { externalIp: m.eip })).map((x) => [x.internalIp, x.status])).toEqual([[enis[0]!.privateIp, 'Available']]);
      }
    } finally {
      restoreWorld();
      await sb.close();
    }
  });
});
