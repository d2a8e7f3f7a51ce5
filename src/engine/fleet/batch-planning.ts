// A batch's planning, from one read of each VPC its targets name, and the creation of its children: ordinary
// migration jobs that already hold their plan and start at create_eni.
import { randomBytes } from 'node:crypto';
import { isCloudError } from '../../cloud/cloud-error.ts';
import { buildBatchPlan, type BatchCandidate, type BatchPlan, type BatchSkip } from '../../domain/batch-plan.ts';
import { hasStatus, isIpMapping } from '../../domain/dnat.ts';
import { isInstanceId, jobIdFor } from '../../domain/ids.ts';
import { planInputFor } from '../../domain/inventory.ts';
import { buildPlan, stableFacts } from '../../domain/plan.ts';
import { refusalFromPermissionError } from '../../domain/permission-refusal.ts';
import type { Plan, PlanInput, StablePlanFacts } from '../../domain/plan-types.ts';
import { checkServices } from './batch-services.ts';
import { StepFailure } from '../step-errors.ts';
import type { JobData } from '../job-data.ts';
import { BATCH_PRIORITY, JOB_OPTIONS } from '../job-options.ts';
import type { JobRecord } from '../ports.ts';
import type { BatchRecord } from '../store/fleet-records.ts';
import { iso, type FleetContext } from './context.ts';
import { gatherVpcState, vpcOfTarget } from './vpc-snapshot.ts';

/** Plans every IP-mapped instance of the targets, and every instance named; `failed` says why no plan could be made at all. */
export async function planBatch(ctx: FleetContext, rec: BatchRecord): Promise<{ plan: BatchPlan; plans: Map<string, Plan>; facts: Map<string, StablePlanFacts> } | { failed: string }> {
  const cloud = ctx.cloudFor(rec.regionId);
  const candidates: BatchCandidate[] = [];
  const skips: BatchSkip[] = [];
  const inputs = new Map<string, PlanInput>();
  try {
    const vpcs = new Map<string, string[]>();
    // Instance targets (`run` with several ids) resolve through the instance; one that does not exist is skipped.
    const instanceVpcs = await Promise.all(rec.targets.filter(isInstanceId).map(async (id) => [id, (await cloud.describeInstance(id))?.vpcId] as const));
    for (const t of rec.targets) {
      const vpc = isInstanceId(t) ? instanceVpcs.find(([id]) => id === t)?.[1] : await vpcOfTarget(cloud, t);
      if (vpc === undefined) {
        skips.push({ instanceId: t, code: 'InstanceNotFound', message: `Instance ${t} was not found in region ${rec.regionId}; check the id and the --region.` });
        continue;
      }
      vpcs.set(vpc, [...(vpcs.get(vpc) ?? []), t]);
    }
    for (const [vpcId, targets] of vpcs) {
      const state = await gatherVpcState(cloud, vpcId);
      // A VPC target covers every gateway of the VPC; NAT gateway targets only their own mappings; an instance target
      // is planned whatever its mapping (the planner says why one without an IP mapping cannot move).
      const wholeVpc = targets.includes(vpcId);
      const tables = new Set(state.natGateways.filter((g) => wholeVpc || targets.includes(g.natGatewayId)).flatMap((g) => g.forwardTableIds));
      for (const inst of state.instances) {
        const named = targets.includes(inst.instanceId);
        const mapped = state.dnatEntries.some((e) => tables.has(e.forwardTableId) && isIpMapping(e) && e.internalIp === inst.primaryIp && !hasStatus(e, 'Deleting'));
        if ((!mapped && !named) || candidates.some((c) => c.instanceId === inst.instanceId)) continue;
        const holder = await ctx.records.activeHolder(rec.regionId, inst.instanceId);
        if (holder) {
          skips.push({ instanceId: inst.instanceId, code: 'ActiveJob', message: `Instance ${inst.instanceId} already has an active job ${holder}; it is left out of the batch.` });
          continue;
        }
        const seq = await ctx.records.nextSeq('migrate', rec.regionId, inst.instanceId);
        const childJobId = `${jobIdFor('migrate', rec.regionId, inst.instanceId)}-${seq}`;
        const input = planInputFor(state, inst.instanceId, rec.options);
        const result = buildPlan(input, { jobId: childJobId });
        candidates.push({ instanceId: inst.instanceId, childJobId, result });
        inputs.set(inst.instanceId, input);
      }
    }
    // Each instance the snapshot would migrate: its services, from the guest (a refusal skips it like any other).
    await checkServices(cloud, candidates, inputs, ctx.opts.expectedMs?.runCommand);
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) return { failed: refusalFromPermissionError(e.action, e.deniedAction).message };
    if (isCloudError(e) || e instanceof StepFailure) return { failed: `Planning the batch failed: ${e.message}` };
    throw e;
  }
  const built = buildBatchPlan({
    batchId: rec.jobId, regionId: rec.regionId, targets: rec.targets, options: rec.options, candidates, extraSkips: skips,
    ...(rec.concurrency !== undefined ? { concurrency: rec.concurrency } : {}), ...(rec.canary !== undefined ? { canary: rec.canary } : {}),
  });
  // What each plan was made from that cannot change, as a single job's plan step keeps it: the child's gate recheck is
  // then the quick one (what can change only), not a full read of its VPC's gateways (a thousand EIPs each) per child.
  const facts = new Map<string, StablePlanFacts>();
  for (const [instanceId, p] of built.plans) {
    const input = inputs.get(instanceId);
    if (input) facts.set(instanceId, stableFacts(input, [p.vSwitchId, p.eni.vSwitchId], p.entryToDelete.externalIp));
  }
  return { ...built, facts };
}

/** How many children are created at once (each is a few Redis round trips). */
const QUEUE_PARALLEL = 16;

/** Creates and queues every child, canaries first (idempotent: a child that exists is left alone). */
export async function queueChildren(ctx: FleetContext, rec: BatchRecord, plan: BatchPlan): Promise<void> {
  const items = [...plan.items.filter((i) => i.canary), ...plan.items.filter((i) => !i.canary)];
  for (let i = 0; i < items.length; i += QUEUE_PARALLEL) {
    await Promise.all(items.slice(i, i + QUEUE_PARALLEL).map((item) => queueChild(ctx, rec, item)));
  }
}

async function queueChild(ctx: FleetContext, rec: BatchRecord, item: BatchPlan['items'][number]): Promise<void> {
  if (await ctx.records.get(item.childJobId)) return;
  const saved = await ctx.batchPlans.child(rec.jobId, item.instanceId);
  if (!saved) return; // plans expired: the child is reported as never claimed
  const p = saved.plan;
  const now = iso();
  const data: JobData = {
    v: 1, kind: 'migrate', jobId: item.childJobId, regionId: rec.regionId, instanceId: item.instanceId, requestedBy: rec.requestedBy,
    options: rec.options, step: 'create_eni', nonce: randomBytes(6).toString('hex'), plan: p, batchId: rec.jobId,
    ...(saved.facts ? { planFacts: saved.facts } : {}),
  };
  const child: JobRecord = {
    jobId: item.childJobId, kind: 'migrate', regionId: rec.regionId, instanceId: item.instanceId, requestedBy: rec.requestedBy,
    // No channel: the batch's thread tells the children's story.
    audience: { batchId: rec.jobId }, options: rec.options, state: 'staging', createdAt: now, updatedAt: now, steps: [], plan: p, batchId: rec.jobId,
  };
  const res = await ctx.records.createActive(child, data);
  if (!res.created) return; // another job took the instance since planning: reported as a failure to claim
  await ctx.migrations.add('migrate', data, { ...JOB_OPTIONS, jobId: item.childJobId, priority: item.canary ? BATCH_PRIORITY.turn : BATCH_PRIORITY.staging });
}
