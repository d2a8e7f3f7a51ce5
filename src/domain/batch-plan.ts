// One batch = one plan over many instances: every DNAT entry it deletes and every restore recipe, the canary
// order and the concurrency, bound together by one hash that the single approval covers. Pure.
//
// Each item keeps its instance's own plan hash (the per-instance planner's hash, which already covers the entry to
// delete, its restore recipe, the ENI and the new entries); the batch hash covers those hashes plus the entries and
// recipes spelled out, the canary count and the concurrency. A child job runs only with an approval granted under
// this hash for exactly its item's plan hash.

import { canonicalJson, sha256Hex } from './canonical.ts';
import type { DnatEntry, DnatSpec } from './cloud-types.ts';
import type { MigrationOptions, Plan, PlanResult } from './plan-types.ts';

export const DEFAULT_BATCH_CONCURRENCY = 4;
export const DEFAULT_BATCH_CANARY = 1;

export interface BatchItem {
  instanceId: string;
  instanceName?: string;
  /** The migration job that carries this instance (created with the batch, already holding the plan). */
  childJobId: string;
  /** Goes first, alone, and must verify before the rest start. */
  canary: boolean;
  planHash: string;
  natGatewayId: string;
  entryToDelete: DnatEntry;
  restoreRecipe: DnatSpec;
  expectedEgressIps: string[];
}

/** An instance of the targets the batch leaves alone, and why (pre-flight refusal, active job…). */
export interface BatchSkip {
  instanceId: string;
  code: string;
  message: string;
}

export interface BatchPlan {
  batchId: string;
  regionId: string;
  targets: string[];
  options: MigrationOptions;
  concurrency: number;
  canary: number;
  items: BatchItem[];
  skipped: BatchSkip[];
  /** sha256 over the approved view (see batchHash). */
  hash: string;
}

export interface BatchCandidate {
  instanceId: string;
  childJobId: string;
  result: PlanResult;
}

/** What the approval binds to: the order, the knobs, and per instance its plan hash, entry and recipe. */
export function batchHash(p: Omit<BatchPlan, 'hash'>): string {
  return sha256Hex(canonicalJson({
    v: 1,
    batch: {
      regionId: p.regionId,
      targets: [...p.targets].sort(),
      options: p.options,
      concurrency: p.concurrency,
      canary: p.canary,
      items: p.items.map((i) => {
        const { status: _s, ...entry } = i.entryToDelete;
        return { instanceId: i.instanceId, childJobId: i.childJobId, canary: i.canary, planHash: i.planHash, entryToDelete: entry, restoreRecipe: i.restoreRecipe };
      }),
    },
  }));
}

function itemOf(plan: Plan, childJobId: string): BatchItem {
  const item: BatchItem = {
    instanceId: plan.instanceId, childJobId, canary: false, planHash: plan.hash, natGatewayId: plan.natGatewayId,
    entryToDelete: { ...plan.entryToDelete }, restoreRecipe: { ...plan.restoreRecipe }, expectedEgressIps: [...plan.expectedEgressIps],
  };
  if (plan.instanceName) item.instanceName = plan.instanceName;
  return item;
}

/**
 * Candidates whose plan is ok become items (by instance id; the first `canary` are the canaries); refusals and
 * `extraSkips` are listed, never fatal. Concurrency and canary are clamped to what makes sense.
 */
export function buildBatchPlan(input: {
  batchId: string;
  regionId: string;
  targets: string[];
  options: MigrationOptions;
  concurrency?: number;
  canary?: number;
  candidates: BatchCandidate[];
  extraSkips?: BatchSkip[];
}): { plan: BatchPlan; plans: Map<string, Plan> } {
  const plans = new Map<string, Plan>();
  const items: BatchItem[] = [];
  const skipped: BatchSkip[] = [...(input.extraSkips ?? [])];
  for (const c of [...input.candidates].sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    if (c.result.ok) {
      items.push(itemOf(c.result.plan, c.childJobId));
      plans.set(c.instanceId, c.result.plan);
    } else {
      skipped.push({ instanceId: c.instanceId, code: c.result.refusal.code, message: c.result.refusal.message });
    }
  }
  const canary = Math.max(items.length ? 1 : 0, Math.min(input.canary ?? DEFAULT_BATCH_CANARY, items.length));
  items.forEach((it, i) => { it.canary = i < canary; });
  skipped.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  const body: Omit<BatchPlan, 'hash'> = {
    batchId: input.batchId, regionId: input.regionId, targets: [...input.targets], options: input.options,
    concurrency: Math.max(1, input.concurrency ?? DEFAULT_BATCH_CONCURRENCY), canary, items, skipped,
  };
  return { plan: { ...body, hash: batchHash(body) }, plans };
}

/** Where each instance of a batch stands, as the live progress message shows it. */
export type BatchItemStatus =
  | 'staging'    // its child job is creating and attaching the ENI (nothing destructive)
  | 'waiting'    // staged, waiting for the approval or its turn
  | 'in_flight'  // released: cutover and verification
  | 'done'       // migrated and verified
  | 'failed'     // released but not migrated (restored, or failed)
  | 'untouched'; // never released: staging undone, mapping as it was

export type BatchPhase = 'staging' | 'awaiting_approval' | 'waiting_window' | 'canary' | 'rolling' | 'stopping' | 'finished';

export interface BatchCounts {
  done: number;
  inFlight: number;
  waiting: number;
  failed: number;
  untouched: number;
  skipped: number;
}

export function countStatuses(statuses: Iterable<BatchItemStatus>, skipped: number): BatchCounts {
  const c: BatchCounts = { done: 0, inFlight: 0, waiting: 0, failed: 0, untouched: 0, skipped };
  for (const s of statuses) {
    if (s === 'done') c.done++;
    else if (s === 'in_flight') c.inFlight++;
    else if (s === 'failed') c.failed++;
    else if (s === 'untouched') c.untouched++;
    else c.waiting++;
  }
  return c;
}

/**
 * Which items to release next. Canaries first, all of them, and nothing else until every canary is done; then
 * the rest in order, keeping at most `concurrency` in flight. Only staged items can go (`ready`). Returns
 * nothing once anything failed: the first failure stops the batch.
 */
export function nextToRelease(plan: Pick<BatchPlan, 'items' | 'concurrency'>, status: (instanceId: string) => BatchItemStatus, ready: (instanceId: string) => boolean): BatchItem[] {
  const st = plan.items.map((i) => status(i.instanceId));
  if (st.some((s) => s === 'failed' || s === 'untouched')) return [];
  const canaries = plan.items.filter((i) => i.canary);
  const pending = (i: BatchItem) => status(i.instanceId) === 'staging' || status(i.instanceId) === 'waiting';
  if (!canaries.every((i) => status(i.instanceId) === 'done')) {
    return canaries.filter((i) => pending(i) && ready(i.instanceId));
  }
  let room = plan.concurrency - st.filter((s) => s === 'in_flight').length;
  const out: BatchItem[] = [];
  for (const i of plan.items) {
    if (room <= 0) break;
    if (!pending(i)) continue;
    // Keep the order: an item still staging holds back the ones after it only for its own slot.
    if (!ready(i.instanceId)) continue;
    out.push(i);
    room--;
  }
  return out;
}
