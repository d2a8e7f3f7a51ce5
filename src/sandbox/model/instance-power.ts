// StopInstance, StartInstance and RebootInstance with the statuses the ECS API documents (the SDK remarks on each
// operation in node_modules/@alicloud/ecs20140526/dist/client.d.ts): all three are asynchronous; Stop goes
// Running → Stopping → Stopped, Start goes Stopped → Starting → Running, Reboot (Running only) goes
// Running → Stopping → Starting → Running. Entering Running is a new boot of the guest (World.bootId), which drops
// what the guest did not persist and re-applies what its image's network stack has on disk (guest/boot-network.ts).
import { ApiError } from '../api-error.ts';
import type { InstanceState } from './cloud-resources.ts';

/** How long Stopping and Starting last when the scenario does not say (unconfirmed: real ones take seconds to a minute). */
export const DEFAULT_POWER_LATENCY = { instanceStop: 1000, instanceStart: 1000 };

/** An instance's power operation in flight: what it is and when its current phase began. */
export interface PowerOperation { kind: 'stop' | 'start' | 'reboot'; since: number }

/** The host of power operations: the instances, a clock and the phase latencies. */
export interface PowerHost {
  readonly instances: ReadonlyMap<string, InstanceState>;
  now(): number;
  readonly latency: { instanceStop?: number; instanceStart?: number };
}

const operations = new WeakMap<InstanceState, PowerOperation>();
/** How many power operations are under way (in any world): none, and settlePower has nothing to look at. */
let underWay = 0;

/**
 * The statuses a power operation moved an instance through, and when each began: with staleReads, DescribeInstances
 * shows the one in force readLagMs ago (World.listedStatus), as it does for ENIs and DNAT entries.
 */
const statusHistory = new WeakMap<InstanceState, { at: number; status: string }[]>();

function setStatus(inst: InstanceState, status: string, at: number): void {
  let h = statusHistory.get(inst);
  if (!h) statusHistory.set(inst, (h = [{ at: -Infinity, status: inst.status }]));
  inst.status = status;
  h.push({ at, status });
}

/** The instance's status as a read made at `cutoff` + lag sees it; a change made behind the API shows at once. */
export function statusAsOf(inst: InstanceState, cutoff: number): string {
  const h = statusHistory.get(inst);
  if (!h || h.at(-1)!.status !== inst.status) return inst.status;
  let keepFrom = 0;
  for (let i = 0; i < h.length; i++) if (h[i]!.at <= cutoff) keepFrom = i;
  if (keepFrom > 0) h.splice(0, keepFrom);
  return h[0]!.status;
}

/**
 * IncorrectInstanceStatus, 403: what ECS answers a power operation on an instance in the wrong status. The code is
 * the one terraform retries on StopInstance / StartInstance (resource_alicloud_instance.go); the message is the one
 * the ECS API sends (seen in aliyun-cli test fixtures); the HTTP status is unconfirmed.
 */
export const incorrectInstanceStatus = (inst: InstanceState) =>
  new ApiError('IncorrectInstanceStatus', 403, `The specified instance is in an incorrect status for the requested action; current status: ${inst.status}.`);

export const instanceNotFound = (id: string) => new ApiError('InvalidInstanceId.NotFound', 404, `The specified InstanceId ${id} does not exist.`);

function instanceOf(h: PowerHost, id: string): InstanceState {
  const inst = h.instances.get(id);
  if (!inst) throw instanceNotFound(id);
  return inst;
}

const stopMs = (h: PowerHost) => h.latency.instanceStop ?? DEFAULT_POWER_LATENCY.instanceStop;
const startMs = (h: PowerHost) => h.latency.instanceStart ?? DEFAULT_POWER_LATENCY.instanceStart;

/** The status each operation starts from (the SDK remarks: Start needs Stopped, Reboot needs Running). */
const STARTS_FROM: Record<PowerOperation['kind'], string> = { stop: 'Running', start: 'Stopped', reboot: 'Running' };

/** Throws what the API answers when `kind` cannot start now; changes nothing (DryRun uses it alone). */
export function checkPower(h: PowerHost, id: string, kind: PowerOperation['kind']): InstanceState {
  const inst = instanceOf(h, id);
  if (inst.status !== STARTS_FROM[kind]) throw incorrectInstanceStatus(inst);
  return inst;
}

export function powerOperation(h: PowerHost, id: string, kind: PowerOperation['kind']): void {
  const inst = checkPower(h, id, kind);
  setStatus(inst, kind === 'start' ? 'Starting' : 'Stopping', h.now());
  if (!operations.has(inst)) underWay++;
  operations.set(inst, { kind, since: h.now() });
}

/** Moves every power operation through the phases whose time has come (called from World.settle). */
export function settlePower(h: PowerHost): void {
  if (underWay === 0) return;
  const now = h.now();
  for (const inst of h.instances.values()) {
    const op = operations.get(inst);
    if (!op) continue;
    if (inst.status === 'Stopping' && now >= op.since + stopMs(h)) {
      op.since += stopMs(h);
      if (op.kind === 'stop') { setStatus(inst, 'Stopped', op.since); operations.delete(inst); underWay--; continue; }
      setStatus(inst, 'Starting', op.since);
    }
    if (inst.status === 'Starting' && now >= op.since + startMs(h)) {
      setStatus(inst, 'Running', op.since + startMs(h));
      inst.bootId++;
      operations.delete(inst);
      underWay--;
    }
  }
}
