// A batch's services check: every instance the VPC snapshot would migrate has its guest read and is planned again
// with what it serves, so an instance with a service at risk is refused (ServiceAtRisk) and skipped like any other
// refusal, before the batch is approved. One Cloud Assistant invocation per 100 instances (RunCommand's limit), its
// results read 50 a page; a cloud port without multi-instance runs falls back to one invocation each, and so do
// Windows guests (RunPowerShellScript).
import type { CloudPort } from '../../cloud/cloud-port.ts';
import { isCloudError } from '../../cloud/cloud-error.ts';
import type { BatchCandidate } from '../../domain/batch-plan.ts';
import { INTROSPECTION_SCRIPT } from '../../domain/plan-services.ts';
import { buildPlan } from '../../domain/plan.ts';
import type { PlanInput } from '../../domain/plan-types.ts';
import { introspectGuest, introspectToken } from '../migration/live-plan.ts';

const PER_INVOCATION = 100;
/** Invocations in flight at once. */
const CONCURRENCY = 4;

type GuestRead = { output: string } | { error: string };

async function readChunk(cloud: CloudPort, ids: string[], token: string, expectedMs?: number): Promise<Map<string, GuestRead>> {
  const out = new Map<string, GuestRead>();
  try {
    const invokeId = await cloud.runCommandOnMany!({ instanceIds: ids, script: INTROSPECTION_SCRIPT, name: 'natmigrate-introspect', timeoutSeconds: 30, clientToken: token });
    const results = await cloud.waitInvocationOnMany!(invokeId, ids, { timeoutMs: 120_000, ...(expectedMs !== undefined ? { expectedMs } : {}) });
    for (const id of ids) {
      const r = results.get(id);
      out.set(id, r?.status === 'Success' ? { output: r.output } : { error: `Cloud Assistant invocation ${invokeId} ended ${r?.status ?? 'without a result'}${r?.errorInfo ? `: ${r.errorInfo}` : ''}` });
    }
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) throw e;
    for (const id of ids) out.set(id, { error: isCloudError(e) ? `${e.action}: ${e.code}` : String(e) });
  }
  return out;
}

export async function checkServices(cloud: CloudPort, candidates: BatchCandidate[], inputs: ReadonlyMap<string, PlanInput>, expectedMs?: number): Promise<void> {
  const todo = candidates.filter((c) => c.result.ok && inputs.get(c.instanceId)?.instance?.status === 'Running');
  const isWindows = (c: BatchCandidate) => inputs.get(c.instanceId)?.instance?.osType === 'windows';
  const reads = new Map<string, GuestRead>();
  const chunks: BatchCandidate[][] = [];
  const size = cloud.runCommandOnMany && cloud.waitInvocationOnMany ? PER_INVOCATION : 1;
  const linux = todo.filter((c) => !isWindows(c));
  for (let i = 0; i < linux.length; i += size) chunks.push(linux.slice(i, i + size));
  // Windows guests take RunPowerShellScript: one invocation each (a shared invocation has one command type).
  for (const c of todo.filter(isWindows)) chunks.push([c]);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      if (size === 1 || isWindows(chunk[0]!)) {
        const c = chunk[0]!;
        reads.set(c.instanceId, await introspectGuest(cloud, c.instanceId, { token: introspectToken(c.childJobId), windows: isWindows(c), ...(expectedMs !== undefined ? { expectedMs } : {}) }));
        continue;
      }
      const got = await readChunk(cloud, chunk.map((c) => c.instanceId), introspectToken(`${chunk[0]!.childJobId}+${chunk.length}`), expectedMs);
      for (const [id, r] of got) reads.set(id, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chunks.length) }, worker));
  for (const c of todo) {
    const guest = reads.get(c.instanceId);
    if (guest) c.result = buildPlan({ ...inputs.get(c.instanceId)!, guest }, { jobId: c.childJobId });
  }
}
