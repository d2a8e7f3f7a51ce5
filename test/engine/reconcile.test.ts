// Reconcile from the cloud journal, in process against the sandbox: a job a worker owns is left alone; a job Redis
// forgot whose EIP now maps to something foreign is put to a person (reconcile.ask in its own thread, bound again
// from the ENI's tags), and that person's Restore puts the original mapping back and removes the ENI.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { RecordingNotifier } from '../../src/engine/notifiers.ts';
import type { Audience } from '../../src/engine/ports.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { perTestWorlds, REDIS_URL, sandboxCloud, until } from './helpers.ts';
import { engineScenario, MIGRATABLE } from './scenario.ts';
import type { OutcomeText } from '../../src/domain/job-text.ts';

const REGION = 'cn-hangzhou';

class BindingNotifier extends RecordingNotifier {
  readonly bound: [string, Audience][] = [];
  async bindAudience(jobId: string, audience: Audience): Promise<void> { this.bound.push([jobId, audience]); }
}

const worlds = perTestWorlds();

/**
 * A sandbox, a Redis prefix and an engine of the test's own: a test makes Redis forget its whole deployment and
 * reconciles every tagged ENI of its region, so the tests run concurrently only this way.
 */
async function world() {
  const prefix = worlds.prefix('recon');
  const notifier = new BindingNotifier();
  const sandbox = await startSandbox({ scenario: engineScenario(), port: 0 });
  const cloud = sandboxCloud(sandbox, { regionId: REGION });
  const engine = createEngine({
    redis: REDIS_URL, prefix, cloud, notifier, logger: pino({ level: 'silent' }),
    options: {
      approvalTtlMs: 60_000, verifyTimeoutMs: 2_000, verifyIntervalMs: 100, tableLockTtlMs: 5_000, tableLockPollMs: 10, publicEdge: sandbox.edge,
      // The reads lag by at most 1.5 s here (one test raises staleReads' lag that far): a forgotten job's writing
      // decision is made again on reads 2 s later (each such pass waits that long).
      writeVisibleWithinMs: 2_000,
    },
    // Passes only when the test asks for them.
    worker: { lockDurationMs: 5_000, stalledIntervalMs: 2_500, cloudReconcileIntervalMs: -1 },
  });
  worlds.onClose(async () => { await engine.close(); await sandbox.close(); });
  await engine.startWorker();
  return { sandbox, cloud, engine, notifier, prefix };
}

describe.concurrent('reconcile from the ENI tags', () => {
  it('leaves a running job alone, asks a person about a forgotten job whose EIP maps elsewhere, and restores on request', async () => {
    const { sandbox, cloud, engine, notifier, prefix } = await world();
    const [id, ip, eip] = MIGRATABLE[2]!;
    const [r] = await engine.service.submit({ regionId: REGION, instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CRECON', threadTs: '1765000000.000200' } });
    const jobId = (r as { jobId: string }).jobId;
    await notifier.waitFor((e) => e.jobId === jobId && e.type === 'approval.requested');
    const eni = (await cloud.listNetworkInterfaces({ instanceId: id })).find((e) => e.type !== 'Primary')!;

    // A worker owns it (parked for approval): nothing to do.
    const first = (await engine.reconcileCloud(REGION)).find((x) => x.eniId === eni.networkInterfaceId);
    expect(first).toMatchObject({ action: 'leave', jobId });

    // Redis forgets this deployment; someone maps the EIP to another host meanwhile.
    await deleteKeys(worlds.redis(), prefix);
    sandbox.world.settle();
    const entry = [...sandbox.world.dnatEntries.values()].find((e) => e.externalIp === eip)!;
    entry.internalIp = '192.168.1.99';
    sandbox.world.markChanged(); // an edit behind the API: the realism layer's reads see it at once
    const asked = (await engine.reconcileCloud(REGION)).find((x) => x.eniId === eni.networkInterfaceId);
    expect(asked).toMatchObject({ action: 'ask', result: 'asked', jobId });
    const ask = notifier.forJob(jobId).find((e) => e.type === 'reconcile.ask') as Extract<MigrationEvent, { type: 'reconcile.ask' }>;
    expect(ask).toMatchObject({ eniId: eni.networkInterfaceId, original: { externalIp: eip, internalIp: ip } });
    expect(notifier.bound).toContainEqual([jobId, { channelId: 'CRECON', threadTs: '1765000000.000200' }]);
    // Nothing changed: the ENI is still there, the foreign mapping too.
    expect((await cloud.listNetworkInterfaces({ networkInterfaceIds: [eni.networkInterfaceId] })).length).toBe(1);

    // The person removes the foreign mapping and clicks Restore.
    sandbox.world.dnatEntries.delete(entry.forwardEntryId);
    sandbox.world.markChanged();
    const restored = await engine.service.restoreFromCloud!(REGION, eni.networkInterfaceId, 'UAPPROVER');
    expect(restored).toMatchObject({ ok: true, answer: { answer: 'restored_from_tags', eni: eni.networkInterfaceId } });
    const dnat = await cloud.listForwardEntries('ftb-1', { externalIp: eip });
    expect(dnat.map((e) => [e.internalIp, e.status])).toEqual([[ip, 'Available']]);
    expect((await cloud.listNetworkInterfaces({ instanceId: id })).filter((e) => e.type !== 'Primary')).toEqual([]);
    const end = await until(() => notifier.forJob(jobId).find((e) => e.type === 'finished'), { what: 'the finished message', timeoutMs: 5_000 });
    expect(end).toMatchObject({ outcome: 'restored' });
    expect(notifier.forJob(jobId).some((e) => e.type === 'restored' && e.reason.includes('UAPPROVER'))).toBe(true);
    // The reason is also a code with facts, so a Japanese thread words it in Japanese.
    expect(notifier.forJob(jobId).find((e) => e.type === 'restored')).toMatchObject({ reasons: [{ code: 'reconcile', situation: { code: 'restore_asked', by: 'UAPPROVER' } }] });
    expect((await engine.service.status(jobId))[0]).toMatchObject({ state: 'finished', outcome: 'restored' });
  }, 60_000);

  it('a forgotten job whose last write the reads do not show yet is not undone on those reads: it is looked at again', async () => {
    const { sandbox, cloud, engine, notifier, prefix } = await world();
    const [id, , eip] = MIGRATABLE[4]!;
    const [r] = await engine.service.submit({ regionId: REGION, instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CRECON' } });
    const jobId = (r as { jobId: string }).jobId;
    await notifier.waitFor((e) => e.jobId === jobId && e.type === 'approval.requested');
    const eni = (await cloud.listNetworkInterfaces({ instanceId: id })).find((e) => e.type !== 'Primary')!;
    const original = (await cloud.listForwardEntries('ftb-1', { externalIp: eip }))[0]!;
    await deleteKeys(worlds.redis(), prefix);
    const lag = sandbox.world.realism.readLagMs;
    sandbox.world.realism.readLagMs = 1_500;
    try {
      // Staged a moment ago: the ENI is listed once the lagging reads have caught up with its creation.
      await until(async () => (await cloud.listNetworkInterfaces({ networkInterfaceIds: [eni.networkInterfaceId] })).some((e) => e.status === 'InUse'), { what: 'the ENI to be listed', timeoutMs: 5_000 });
      // The job's last act before Redis forgot it: the in-place move to the ENI, done in the cloud a moment ago
      // while the reads still show the mapping on the primary IP ("the cutover never happened": remove the ENI).
      await cloud.modifyForwardEntry({ forwardTableId: 'ftb-1', forwardEntryId: original.forwardEntryId, internalIp: eni.privateIp, clientToken: `nm-test-${jobId.slice(-12)}` });
      await until(() => { sandbox.world.settle(); return sandbox.world.dnatEntries.get(original.forwardEntryId)?.status === 'Available'; }, { what: 'the move to settle', timeoutMs: 5_000 });
      const first = (await engine.reconcileCloud(REGION)).find((x) => x.eniId === eni.networkInterfaceId)!;
      expect(first).toMatchObject({ action: 'wait', jobId });
      expect((await cloud.listNetworkInterfaces({ networkInterfaceIds: [eni.networkInterfaceId] })).map((e) => e.status)).toEqual(['InUse']);
    } finally {
      sandbox.world.realism.readLagMs = lag;
    }
    // The next pass reads the move and ends the job as the cloud shows it: migrated and verified.
    const next = (await engine.reconcileCloud(REGION)).find((x) => x.eniId === eni.networkInterfaceId)!;
    expect(next).toMatchObject({ action: 'verify_migrated', result: 'migrated' });
    const end = await until(() => notifier.forJob(jobId).find((e) => e.type === 'finished'), { what: 'the finished message', timeoutMs: 5_000 });
    expect(end).toMatchObject({ outcome: 'migrated', text: { outcome: 'migrated', eniId: eni.networkInterfaceId, reconciled: { code: 'maps_to_eni', eip } } });
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: eip })).map((e) => e.internalIp)).toEqual([eni.privateIp]);
  }, 60_000);

  it('a forgotten job that never cut over: the staged ENI is removed and the end is told as facts a Japanese thread can word', async () => {
    const { cloud, engine, notifier, prefix } = await world();
    const [id, ip, eip] = MIGRATABLE[5]!;
    const [r] = await engine.service.submit({ regionId: REGION, instanceIds: [id], options: { ports: { kind: 'all' }, configureGuest: false }, requestedBy: 'UREQ', audience: { channelId: 'CRECON' } });
    const jobId = (r as { jobId: string }).jobId;
    await notifier.waitFor((e) => e.jobId === jobId && e.type === 'approval.requested');
    const eni = (await cloud.listNetworkInterfaces({ instanceId: id })).find((e) => e.type !== 'Primary')!;
    await deleteKeys(worlds.redis(), prefix);
    await until(async () => (await cloud.listNetworkInterfaces({ networkInterfaceIds: [eni.networkInterfaceId] })).some((e) => e.status === 'InUse'), { what: 'the ENI to be listed', timeoutMs: 5_000 });
    const done = (await engine.reconcileCloud(REGION)).find((x) => x.eniId === eni.networkInterfaceId)!;
    expect(done).toMatchObject({ action: 'remove_eni', result: 'eni removed', jobId, situation: { code: 'still_original', eip, originalIp: ip } });
    const end = await until(() => notifier.forJob(jobId).find((e) => e.type === 'finished'), { what: 'the finished message', timeoutMs: 5_000 });
    expect(end).toMatchObject({ outcome: 'restored', text: { outcome: 'restored', reasons: [{ code: 'reconcile', lost: true, situation: { code: 'still_original' } }] } });
    const { msg } = await import('../../src/i18n/catalog.ts');
    const ja = msg('ja').outcomeText({ text: (end as { text: OutcomeText }).text });
    expect(ja).toContain(`EIP ${eip} はまだ元の ${ip} にマッピングされています`);
    expect(ja).not.toMatch(/Redis lost|still maps/);
    expect((await cloud.listForwardEntries('ftb-1', { externalIp: eip })).map((e) => e.internalIp)).toEqual([ip]);
  }, 60_000);
});
