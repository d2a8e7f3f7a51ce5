// The engine's knobs, with their defaults. Nothing here reads the environment: runtime/compose.ts maps the
// validated configuration onto these types.
import type { StepName } from '../domain/steps.ts';

/** Business time: approval expiry and change windows. Tests inject one they can move; BullMQ's delays stay real. */
export interface Clock {
  now(): number;
}

const systemClock: Clock = { now: () => Date.now() };

/** Where the public side of EIPs is reached (PROXY v1 header); unset = connect to the EIP directly. */
export interface PublicEdge {
  host: string;
  port: number;
}

/** How long the cloud usually takes for each asynchronous transition (ms), counted from the write's answer. */
export interface ExpectedLatencies {
  eniAttach: number;
  eniDetach: number;
  eniDelete: number;
  dnatCreate: number;
  dnatDelete: number;
  /** ModifyForwardEntry (unconfirmed: taken as the create's when not given). */
  dnatModify?: number;
  runCommand: number;
  /** StopInstance until Stopped, StartInstance until Running (--allow-stop; unconfirmed: seconds to a minute). */
  instanceStop?: number;
  instanceStart?: number;
  /**
   * How far behind a write DescribeNetworkInterfaces / DescribeForwardTableEntries answer (a read at the due time
   * still shows the previous status): added to the ENI and DNAT waits' first poll, so one poll does where it
   * would take two. The sandbox's staleReads readLagMs [30] (docs/sandbox.md); Alibaba's own lag is unconfirmed.
   */
  readLag?: number;
  /**
   * How long the EIP of a deleted IP mapping stays "in binding" once the delete completed: CreateForwardEntry on it
   * answers OperationUnsupported.EipInBinding until then (terraform retries the code; its duration is unconfirmed).
   * The delete + create cutover sends its first create when this is over instead of learning it from busy answers
   * and their backoff. The sandbox's realism default is as long again as the delete took (docs/sandbox.md).
   */
  eipInBinding?: number;
}

/**
 * Typical Alibaba Cloud figures (the sandbox's defaults are the same; unconfirmed on Alibaba): the product's
 * `expectedMs` unless NATMIGRATE_POLL_SCHEDULE=backoff. Terraform polls a new forward entry first after 5 s
 * (resource_alicloud_forward_entry.go: BuildStateConf(…, 5*time.Second, …)); these come earlier than that.
 */
export const DEFAULT_EXPECTED_LATENCIES: ExpectedLatencies = {
  eniAttach: 3000, eniDetach: 2000, eniDelete: 1000, dnatCreate: 2000, dnatDelete: 2000, dnatModify: 2000, runCommand: 1500,
};

export type HookPoint = 'before' | 'during' | 'after' | 'write';

/**
 * Test hooks. `point` is called before each step, in the middle of each write or wait ('during': the cloud call
 * was made or the wait started, the journal not yet advanced), after the journal names the next step, and right
 * before each cloud write's fencing check ('write': the step has read what it depends on).
 * The harness worker uses it to SIGKILL itself at a chosen point (the crash test).
 */
export interface EngineHooks {
  point?(step: StepName, where: HookPoint, jobId: string): void | Promise<void>;
}

/** Engine behaviour knobs (durations in ms). */
export interface EngineOptions {
  approvalTtlMs: number;
  requiredApprovals: number;
  /** Restore the original mapping automatically when verification fails. */
  autoRollback: boolean;
  egressUrl: string;
  /** How long each verification check may retry. */
  verifyTimeoutMs: number;
  verifyIntervalMs: number;
  recordRetentionMs: number;
  publicEdge?: PublicEdge;
  tableLockTtlMs: number;
  tableLockPollMs: number;
  /** How often a running step looks for a cancel request. */
  cancelPollMs: number;
  /** Upper bound of each ENI / DNAT / invocation wait. */
  waitTimeoutMs: number;
  /**
   * How long after an accepted write a Describe* read may still show the state before it (reads lag writes). An
   * undo that reads "nothing to undo" right after its own write waits this long for the write to show before it
   * believes the read; reconcile makes a forgotten job's writing decision again on reads this much later (it cannot
   * know when that job last wrote). Unconfirmed for Alibaba; the same figure as the adapter's staleGraceMs.
   */
  writeVisibleWithinMs: number;
  /** Retries of a failed step on the undo paths (restore, unstage) before the job gives up as 'failed'. */
  undoRetries: number;
  retryBaseMs: number;
  /** Policy-routing table used for the secondary NIC. */
  guestRouteTable: number;
  /** Change-freeze hook: a future time parks an approved job until then (state 'waiting_window'). */
  cutoverGate?: (now: Date) => Date | undefined;
  /** IANA zone the freeze windows are written in; only for saying when a window ends (default UTC). */
  cutoverTimeZone?: string;
  /** How long a batch's child job waits for its batch to release it (its request is held by the batch). */
  batchChildHoldMs: number;
  /**
   * Typical latency of each asynchronous transition: a wait's first poll comes when the change is due, then short
   * gaps. Unset (or a transition left out) = the adapter's default schedule. DEFAULT_EXPECTED_LATENCIES fits Alibaba.
   */
  expectedMs?: Partial<ExpectedLatencies>;
  clock: Clock;
  hooks?: EngineHooks;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  approvalTtlMs: 30 * 60_000,
  requiredApprovals: 1,
  autoRollback: true,
  egressUrl: 'https://myip.ipip.net',
  verifyTimeoutMs: 120_000,
  verifyIntervalMs: 500,
  recordRetentionMs: 30 * 86_400_000,
  tableLockTtlMs: 30_000,
  tableLockPollMs: 50,
  cancelPollMs: 250,
  waitTimeoutMs: 300_000,
  writeVisibleWithinMs: 10_000,
  undoRetries: 5,
  retryBaseMs: 500,
  guestRouteTable: 1001,
  batchChildHoldMs: 86_400_000,
  clock: systemClock,
};

export interface WorkerSettings {
  concurrency: number;
  /** BullMQ lock of an active job; a dead worker's job is taken over after it lapses. */
  lockDurationMs: number;
  /** Must be the same for every worker of the queue: BullMQ throttles the stalled check per queue. */
  stalledIntervalMs: number;
  /** Stalls (worker deaths) a job survives; kept high because every step is resumable. */
  maxStalledCount: number;
  /** How often this worker re-queues jobs whose queue entry was lost (0 = only at start). */
  reconcileIntervalMs: number;
  /** How often this worker reconciles natmigrate-tagged ENIs against the cloud (0 = only at start; <0 = never). */
  cloudReconcileIntervalMs: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  concurrency: 10,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 10,
  reconcileIntervalMs: 60_000,
  cloudReconcileIntervalMs: 300_000,
};

/** Knobs of the fleet worker (batches, scans, the drift sweep). */
export interface FleetSettings {
  /** Fleet jobs one worker runs at once (a batch holds a slot only while it ticks). */
  concurrency: number;
  /** How often a running batch looks at its children (ms). */
  batchPollMs: number;
  /** New alerts the drift sweep posts per sweep and VPC; the rest follow on the next sweeps. */
  driftMaxAlerts: number;
}

export const DEFAULT_FLEET_SETTINGS: FleetSettings = { concurrency: 4, batchPollMs: 1000, driftMaxAlerts: 20 };

/** The drift sweep (instances that egress other than through SNAT again): which gateways, how often, where it reports. */
export interface DriftSweepSettings {
  intervalMs: number;
  natGatewayIds: string[];
  /** Slack channel id the alerts go to. */
  channelId: string;
  regionId: string;
}

/** Drops undefined values, so a partial override never replaces a default with undefined. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
