// A batch's services check: every instance the VPC snapshot would migrate has its guest read (one Cloud Assistant
// invocation each, a few at a time) and is planned again with what it serves, so an instance with a service at risk
// is refused (ServiceAtRisk) and skipped like any other refusal, before the batch is approved.
import type { CloudPort } from '../../cloud/cloud-port.ts';
import type { BatchCandidate } from '../../domain/batch-plan.ts';
import { buildPlan } from '../../domain/plan.ts';
import type { PlanInput } from '../../domain/plan-types.ts';
import { introspectGuest, introspectToken } from '../migration/live-plan.ts';

/** Invocations in flight at once (each is two API calls: RunCommand and DescribeInvocationResults). */
const CONCURRENCY = 16;

export async function checkServices(cloud: CloudPort, candidates: BatchCandidate[], inputs: ReadonlyMap<string, PlanInput>, expectedMs?: number): Promise<void> {
  const todo = candidates.filter((c) => c.result.ok && inputs.get(c.instanceId)?.instance?.status === 'Running');
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const c = todo[next++]!;
      const input = inputs.get(c.instanceId)!;
      const guest = await introspectGuest(cloud, c.instanceId, { token: introspectToken(c.childJobId), ...(expectedMs !== undefined ? { expectedMs } : {}) });
      c.result = buildPlan({ ...input, guest }, { jobId: c.childJobId });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
}
