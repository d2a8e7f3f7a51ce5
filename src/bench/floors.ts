// The fixed sandbox latencies the bench runs with, and the lower bounds ("floors") the cloud itself sets for each
// measured figure. Ratios are measured ÷ floor, so they hold on a noisy machine.
import type { CutoverMethod } from '../domain/steps.ts';
import type { ExpectedLatencies } from '../engine/options.ts';
import { DEFAULT_READ_LAG_MS } from '../sandbox/index.ts';

export interface BenchLatencies extends ExpectedLatencies {
  dnatModify: number;
  /** Before the SSH banner, once the path through the EIP is whole (an Internet round trip). */
  edge: number;
}

/** Typical Alibaba figures: one migration is measured at these. */
export const REAL_LATENCIES: BenchLatencies = {
  eniAttach: 3000, eniDetach: 2000, eniDelete: 1000, dnatCreate: 2000, dnatDelete: 2000, dnatModify: 2000, runCommand: 1500, edge: 50,
};

/** The same ratios ÷ `by` (the fleet: 200 serialized cutovers at full latency would take 13 minutes). */
export function scaled(l: BenchLatencies, by: number): BenchLatencies {
  const o = {} as BenchLatencies;
  for (const [k, v] of Object.entries(l) as [keyof BenchLatencies, number][]) o[k] = Math.round(v / by);
  return o;
}

/**
 * The cloud's part of one cutover: the in-place modify, or the delete, the EIP's "in binding" time, then the create.
 * The sandbox's realism layer (on in the bench) keeps the EIP of a deleted IP mapping in binding as long again as
 * the delete took (docs/sandbox.md, *Realism layer*): the create cannot start sooner.
 */
function dnatSwitch(l: BenchLatencies, method: CutoverMethod): number {
  return method === 'modify' ? l.dnatModify : l.dnatDelete + l.dnatDelete + l.dnatCreate;
}

/** The cutover's switch, then the first banner that can come back through the EIP on the new path. */
export function cutoverFloor(l: BenchLatencies, method: CutoverMethod): number {
  return dnatSwitch(l, method) + l.edge;
}

/**
 * The cloud's critical path of one migration (human wait excluded): attach the ENI, [configure the guest], then
 * the cutover's switch, then verification (egress RunCommand and SSH banner run side by side). `introspect`: the plan
 * first reads the guest's services with one RunCommand, which must finish before anything is staged, and the gate's
 * recheck reads them again after the approval (they are part of the plan hash), before the cutover may start.
 */
export function migrationFloor(l: BenchLatencies, configureGuest: boolean, method: CutoverMethod, introspect = false): number {
  return (introspect ? 2 * l.runCommand : 0) + l.eniAttach + (configureGuest ? l.runCommand : 0) + dnatSwitch(l, method) + Math.max(l.runCommand, l.edge);
}

/**
 * N cutovers on one forward table: the table takes one write at a time and each write must settle before the
 * next, so the N switches are serial; before the first one an ENI must be attached, after the last one the
 * instance must be verified.
 */
export function fleetFloor(l: BenchLatencies, n: number, method: CutoverMethod, configureGuest = false): number {
  return l.eniAttach + (configureGuest ? l.runCommand : 0) + n * dnatSwitch(l, method) + Math.max(l.runCommand, l.edge);
}

export function expectedOf(l: BenchLatencies): ExpectedLatencies {
  const { edge: _e, ...rest } = l;
  // The sandbox's reads lag its writes by its realism layer's default (staleReads, on in the bench), and the EIP of a
  // deleted IP mapping stays in binding as long again as the delete took (eipInBinding's default, docs/sandbox.md).
  return { ...rest, readLag: DEFAULT_READ_LAG_MS, eipInBinding: l.dnatDelete };
}

/**
 * The fleet's floor with the waits the batch cannot avoid added (README, "Benchmarks"): the plan's one services
 * invocation before anything is staged; each cutover's change seen only `readLagMs` after it took effect (reads lag
 * the writes, and the table takes no write while an entry is Pending, so the next cutover cannot start sooner);
 * and the canary's verification, which must pass before any other instance is released.
 */
export function fleetFloorFair(l: BenchLatencies, n: number, method: CutoverMethod, readLagMs: number): number {
  return fleetFloor(l, n, method) + l.runCommand + n * readLagMs + Math.max(l.runCommand, l.edge);
}
