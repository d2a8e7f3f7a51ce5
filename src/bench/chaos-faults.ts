// The fault storm: many migrations at once on two worker processes while the sandbox answers every API with
// Throttling bursts, 5xx, timeouts (answers slower than the adapter's read timeout), OperationConflict on writes and
// the busy codes of ModifyForwardEntry; both cutover paths run (in place and delete+create); one worker is SIGKILLed mid-way and replaced. Every run must end migrated, restored or (drawn for a cancel) cancelled, with nothing left
// over and no mapping lost. The sandbox's realism layer is on and turned up (STORM_REALISM): reads lag the writes,
// its own busy codes come on top of the faults, and an EIP stays "in binding" after its mapping is deleted. A run is
// restored on purpose only when its guest cannot take the new NIC (odd instance without --configure-guest); any
// other restore counts in restoresFromTransientStates. One run in five is cancelled at a step drawn at random from its
// staging and cutover steps, a random moment (within a few read lags) after that step started: the undo then reads
// what its own job wrote a moment ago, through the lagging reads, and must end 'cancelled' with the original mapping.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { CloudPort } from '../cloud/cloud-port.ts';
import { createEngine } from '../engine/engine.ts';
import { fleetIds, fleetPrivateIp, makeFleetScenario, startSandbox } from '../sandbox/index.ts';
import { EventTail } from './event-tail.ts';
import { fastWorkerConfig } from './lanes.ts';
import { spawnWorker, type WorkerProc } from './proc.ts';
import { deleteKeys } from '../util/private-redis.ts';
import { sleep } from '../util/sleep.ts';

export interface FaultStormResult {
  runs: number;
  /** Runs that ended migrated, restored or cancelled (never failed, never unfinished). */
  migratedOrRestored: number;
  outcomes: Record<string, number>;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  orphanEnis: number;
  duplicateEnis: number;
  lostMappings: number;
  runsMigrated: number;
  runsRestored: number;
  /** Runs that did not end migrated and left the instance without its original mapping. */
  runsFailedMappingMissing: number;
  /** Restored runs that should have migrated: a transient state (a stale read, a busy code) ended them. */
  restoresFromTransientStates: number;
  workerKills: number;
  /** Runs drawn for a cancel, cancels sent (the drawn step started before the run ended), runs that ended cancelled. */
  cancelsDrawn: number;
  cancelsSent: number;
  runsCancelled: number;
  /** The step each sent cancel was drawn for: how many. */
  cancelSteps: Record<string, number>;
  problems: string[];
}

/** The steps a cancel is drawn from: staging and the cutover of each method (where the undo reads its own writes). */
const CANCEL_STEPS = {
  modify: ['create_eni', 'attach_eni', 'wait_eni_in_use', 'save_original', 'modify_entry', 'wait_entry_modified'],
  recreate: ['create_eni', 'attach_eni', 'wait_eni_in_use', 'save_original', 'delete_entry', 'wait_entry_gone', 'create_entry', 'wait_entry_available'],
};
/** How long after the drawn step started the cancel goes out: up to twice the storm's read lag. */
const CANCEL_DELAY_MS = 200;

const LAT = { eniAttach: 150, eniDetach: 100, eniDelete: 60, dnatCreate: 120, dnatDelete: 120, dnatModify: 120, runCommand: 80 };
const WRITES = ['CreateNetworkInterface', 'AttachNetworkInterface', 'DetachNetworkInterface', 'DeleteNetworkInterface', 'CreateForwardEntry', 'ModifyForwardEntry', 'DeleteForwardEntry', 'RunCommand'];
const READ_TIMEOUT_MS = 1500;
/** The realism layer, unkinder than its defaults: 100 ms read lag, 1 call in 20 busy, the EIP in binding for 1 s. */
const STORM_REALISM = { readLagMs: 100, transientRate: 0.05, eipInBindingMs: 1_000 };
const SPIKE_MS = 2500;
const BURST_MS = 400;

export async function runFaultStorm(o: { redisUrl: string; n: number; log?: (s: string) => void }): Promise<FaultStormResult> {
  // Even instances bring a new NIC up by themselves; of the odd ones, half get --configure-guest (migrated), half
  // do not (verification fails, the original mapping is restored).
  const sb = await startSandbox({ scenario: { ...makeFleetScenario({ instances: o.n, latencyMs: LAT, configuresSecondaryNic: 'alternate' }), realism: STORM_REALISM } });
  const prefix = `{nmchaos-storm-${randomBytes(3).toString('hex')}}`;
  const eventsKey = `${prefix}:bench:events`;
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const engine = createEngine({
    redis: o.redisUrl, prefix, cloud: { regionId: sb.regionId } as CloudPort, notifier: { emit: async () => {} }, logger: pino({ level: 'silent' }),
  });
  const env = { ...sb.env, REDIS_URL: o.redisUrl, NATMIGRATE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'fatal', NATMIGRATE_VERIFY_TIMEOUT: '3s', NATMIGRATE_API_RATE: '1000' };
  const cfg = fastWorkerConfig(eventsKey, {
    cloud: {
      timeouts: { connectMs: 1000, readMs: READ_TIMEOUT_MS },
      waiter: { initialMs: 50, factor: 1.5, maxMs: 300 },
      retry: { baseDelayMs: 50, maxDelayMs: 500, busyBaseDelayMs: 100 },
    },
  });
  cfg.worker = { ...cfg.worker, lockDurationMs: 3000, stalledIntervalMs: 1000 };
  const workers: WorkerProc[] = [spawnWorker(env, cfg), spawnWorker(env, cfg)];
  const problems: string[] = [];
  const finished = new Map<string, string>();
  const jobOf = new Map<string, number>();
  // Run index → the step whose start it is cancelled at.
  const cancelAt = new Map<number, string>();
  let cancelsSent = 0;
  let cancelsDrawn = 0;
  const cancelSteps: Record<string, number> = {};
  const tail = new EventTail(redis, eventsKey, async (e) => {
    const at = jobOf.get(e.jobId);
    if (e.type === 'step.started' && at !== undefined && cancelAt.get(at) === e.step) {
      cancelAt.delete(at);
      setTimeout(() => {
        // A cancel after the end would queue a rollback of a migrated run: only while the run is still going.
        if (finished.has(e.jobId)) return;
        cancelsSent++;
        cancelSteps[e.step] = (cancelSteps[e.step] ?? 0) + 1;
        void engine.service.cancel(e.jobId, 'UCHAOSCANCEL').catch(() => {});
      }, Math.floor(Math.random() * CANCEL_DELAY_MS));
    }
    // Only the storm's own runs are approved (never a rollback a late cancel might have queued).
    if (e.type === 'approval.requested' && jobOf.has(e.jobId)) {
      void engine.approvals.decide(e.jobId, { planHash: e.planHash, decision: 'approve', userId: 'UCHAOSAPP', isApprover: true }).catch(() => {});
    }
    if (e.type === 'finished') finished.set(e.jobId, e.outcome);
  });
  let burst: NodeJS.Timeout | undefined;
  let kills = 0;
  try {
    await Promise.all(workers.map((w) => w.printed('worker ready', 1, 120_000)));
    // At every call: throttling, 5xx, answers slower than the read timeout; OperationConflict on every write.
    const arm = (burst: boolean) => {
      sb.faults.clear();
      // A burst: for a moment every call of anyone is throttled.
      if (burst) sb.faults.add({ action: '*', code: 'Throttling.User', retryAfterMs: 200 });
      sb.faults.add({ action: '*', code: 'Throttling.User', probability: 0.03, retryAfterMs: 100 });
      sb.faults.add({ action: '*', code: 'ServiceUnavailable', probability: 0.03 });
      sb.faults.add({ action: '*', code: 'InternalError', probability: 0.02 });
      sb.faults.add({ action: '*', latencyMs: SPIKE_MS, probability: 0.02 });
      for (const w of WRITES) sb.faults.add({ action: w, code: 'OperationConflict', probability: 0.1 });
      // The in-place cutover's own busy answers (terraform retries both on ModifyForwardEntry).
      sb.faults.add({ action: 'ModifyForwardEntry', code: 'OperationUnsupported.EipInBinding', probability: 0.1 });
      sb.faults.add({ action: 'ModifyForwardEntry', code: 'IncorretForwardEntryStatus', probability: 0.1 });
    };
    arm(false);
    burst = setInterval(() => { arm(true); setTimeout(() => arm(false), BURST_MS); }, 3000);
    tail.start(20);
    for (let i = 0; i < o.n; i++) {
      const [r] = await engine.service.submit({
        // Two in three move their mapping in place (every port); the rest take `--ports 22` (delete and re-create).
        regionId: sb.regionId, instanceIds: [fleetIds.instance(i)],
        options: { ports: i % 3 === 2 ? { kind: 'list', ports: [22] } : { kind: 'all' }, configureGuest: i % 4 === 1 },
        requestedBy: 'UCHAOSREQ', audience: {},
      });
      if (i % 5 === 3) {
        const steps = CANCEL_STEPS[i % 3 === 2 ? 'recreate' : 'modify'];
        cancelAt.set(i, steps[Math.floor(Math.random() * steps.length)]!);
        cancelsDrawn++;
      }
      if (r?.status === 'queued') jobOf.set(r.jobId, i); else problems.push(`${fleetIds.instance(i)} not queued: ${JSON.stringify(r)}`);
    }
    const deadline = Date.now() + 300_000;
    while (finished.size < jobOf.size) {
      if (kills === 0 && finished.size >= Math.floor(o.n / 3)) {
        // A worker dies mid-run (whatever it was doing); a fresh one joins, the other one takes its jobs over.
        await workers[0]!.kill('SIGKILL');
        kills++;
        workers[0] = spawnWorker(env, cfg);
        o.log?.(`  fault storm: SIGKILLed a worker after ${finished.size}/${o.n} runs`);
      }
      if (Date.now() > deadline) { problems.push(`timed out: ${finished.size}/${jobOf.size} finished`); break; }
      await sleep(50);
    }
  } finally {
    if (burst) clearInterval(burst);
    tail.stop();
    sb.faults.clear();
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  }

  // What each instance must look like, by outcome.
  sb.world.settle();
  let orphanEnis = 0;
  let duplicateEnis = 0;
  let lostMappings = 0;
  let runsFailedMappingMissing = 0;
  let restoresFromTransientStates = 0;
  const outcomes: Record<string, number> = {};
  for (const [jobId, i] of jobOf) {
    const outcome = finished.get(jobId) ?? 'unfinished';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const id = fleetIds.instance(i);
    const eip = sb.world.eips.get(fleetIds.eip(i))?.ipAddress;
    const enis = [...sb.world.enis.values()].filter((e) => e.type === 'Secondary' && (e.instanceId === id || e.tags['natmigrate:job'] === jobId));
    const dnat = [...sb.world.dnatEntries.values()].filter((d) => d.externalIp === eip);
    if (outcome === 'migrated') {
      duplicateEnis += Math.max(0, enis.length - 1);
      const ok = enis.length >= 1 && dnat.length === 1 && dnat[0]!.status === 'Available' && dnat[0]!.internalIp === enis[0]!.privateIp;
      if (!ok) { lostMappings++; problems.push(`${id} migrated but DNAT ${JSON.stringify(dnat.map((d) => [d.internalIp, d.status]))}, ENIs ${enis.length}`); }
    } else {
      orphanEnis += enis.length;
      const ok = dnat.length === 1 && dnat[0]!.status === 'Available' && dnat[0]!.internalIp === fleetPrivateIp(i);
      if (!ok) { lostMappings++; runsFailedMappingMissing++; problems.push(`${id} ${outcome} but DNAT ${JSON.stringify(dnat.map((d) => [d.internalIp, d.status]))}`); }
      // Even instances bring the NIC up themselves, i % 4 === 1 get --configure-guest: both must migrate.
      if (outcome === 'restored' && (i % 2 === 0 || i % 4 === 1)) {
        restoresFromTransientStates++;
        const rec = (await engine.service.status(jobId).catch(() => []))[0];
        problems.push(`${id}: restored though it should migrate: ${rec?.summary ?? ''}`);
      }
      if (enis.length) problems.push(`${id} ${outcome}: orphan ENIs ${enis.map((e) => `${e.networkInterfaceId}/${e.status}`).join(', ')}`);
      if (outcome !== 'restored' && outcome !== 'cancelled') {
        const rec = (await engine.service.status(jobId).catch(() => []))[0];
        const steps = (rec?.steps ?? []).map((st) => `${st.step}${st.error ? `(${st.error.code})` : ''}`).slice(-4).join(' → ');
        problems.push(`${id}: ${outcome} at ${rec?.state}: ${rec?.summary ?? ''} [${steps}]`);
      }
    }
  }
  const faultsByKind: Record<string, number> = {};
  for (const r of sb.requests) {
    const kind = ['Throttling.User', 'ServiceUnavailable', 'InternalError', 'OperationConflict', 'OperationUnsupported.EipInBinding', 'IncorretForwardEntryStatus',
      'TaskConflict', 'Operation.Conflict', 'IncorrectStatus', 'IncorrectStatus.NATGW'].includes(r.code) ? r.code : r.durationMs >= SPIKE_MS - 50 ? 'Timeout (slow answer)' : undefined;
    if (kind) faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
  }
  try {
    return {
      runs: jobOf.size,
      migratedOrRestored: (outcomes.migrated ?? 0) + (outcomes.restored ?? 0) + (outcomes.cancelled ?? 0),
      outcomes, faultsInjected: Object.values(faultsByKind).reduce((a, b) => a + b, 0), faultsByKind,
      orphanEnis, duplicateEnis, lostMappings, runsMigrated: outcomes.migrated ?? 0, runsRestored: outcomes.restored ?? 0,
      runsFailedMappingMissing, restoresFromTransientStates, workerKills: kills,
      cancelsDrawn, cancelsSent, runsCancelled: outcomes.cancelled ?? 0, cancelSteps, problems: problems.slice(0, 20),
    };
  } finally {
    await engine.close();
    await deleteKeys(redis, prefix).catch(() => 0);
    await redis.quit().catch(() => {});
    await sb.close();
  }
}
