// plan and recheck_plan: the pre-flight from live state, before staging and again right before the cutover.
import { canonicalJson } from '../../../domain/canonical.ts';
import { planDifferences, planHash } from '../../../domain/plan-hash.ts';
import type { Plan, PlanResult, Refusal } from '../../../domain/plan-types.ts';
import { buildPlan, stableFacts } from '../../../domain/plan.ts';
import { refusalFromPermissionError } from '../../../domain/permission-refusal.ts';
import { isCloudError } from '../../../cloud/cloud-error.ts';
import { gatherPlanInput, planFromLiveState, type RecheckScope } from '../live-plan.ts';
import type { StepContext, StepHandler, StepResult } from '../step-context.ts';
import { noteReason } from '../summary.ts';

/**
 * Plans from live state (a RAM denial is a refusal, not a step failure); keeps the stable facts for the recheck.
 * `guestToken`: the gate's own look at the guest's services (a fresh ClientToken, so a fresh invocation).
 */
async function livePlan(s: StepContext, recheck?: RecheckScope, guestToken?: string, atGate = false): Promise<PlanResult> {
  const wait = { signal: s.signal, ...s.expect('runCommand') };
  const { result, input, cloudReadAt } = await planFromLiveState(s.cloud, s.j, recheck, wait, guestToken);
  // The entry the cutover will change, as this read found it (save_original may take it instead of reading again).
  const want = s.j.plan?.entryToDelete.forwardEntryId;
  const entry = want ? input?.dnatEntries.find((e) => e.forwardEntryId === want) : undefined;
  if (atGate) s.gateSawOriginal = entry && cloudReadAt !== undefined ? { entry: { ...entry }, at: cloudReadAt } : undefined;
  // A full re-plan at the gate keeps the approved plan's look at the guest.
  if (recheck === undefined && result.ok && !result.plan.guestNetwork && s.j.plan?.guestNetwork) result.plan.guestNetwork = s.j.plan.guestNetwork;
  if (!recheck && result.ok && input) s.j.planFacts = stableFacts(input, [result.plan.vSwitchId, result.plan.eni.vSwitchId], result.plan.entryToDelete.externalIp);
  return result;
}

/**
 * A batch child's full re-read: the cloud only, no invocation in the guest (its batch read the services before the
 * batch's approval); the stable facts are kept so a later recheck can be the quick one.
 */
async function fullReadKeepingGuest(s: StepContext): Promise<PlanResult> {
  try {
    const input = await gatherPlanInput(s.cloud, s.j.regionId, s.j.instanceId, s.j.options);
    const result = buildPlan(input, { jobId: s.jobId });
    if (result.ok) {
      if (s.j.plan?.guestNetwork) result.plan.guestNetwork = s.j.plan.guestNetwork;
      s.j.planFacts = stableFacts(input, [result.plan.vSwitchId, result.plan.eni.vSwitchId], result.plan.entryToDelete.externalIp);
    }
    return result;
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) return { ok: false, refusal: refusalFromPermissionError(e.action, e.deniedAction) };
    throw e;
  }
}

async function refuse(s: StepContext, refusal: Refusal): Promise<StepResult> {
  s.dirty.refusal = refusal;
  noteReason(s.j, { code: 'refused', refusal: refusal.code, message: refusal.message });
  await s.emit({ type: 'refused', refusal });
  return { outcome: 'refused', detail: { refusal: refusal.code } };
}

export const plan: StepHandler = async (s) => {
  const res = await livePlan(s);
  if (!res.ok) return refuse(s, res.refusal);
  s.j.plan = res.plan;
  s.dirty.plan = res.plan;
  await s.emit({ type: 'planned', plan: res.plan });
  return { outcome: 'done', detail: { planHash: res.plan.hash, entryToDelete: res.plan.entryToDelete.forwardEntryId } };
};

const eniSpecOf = (p: Plan) => canonicalJson({ vSwitchId: p.eni.vSwitchId, zoneId: p.eni.zoneId, sg: [...p.eni.securityGroupIds].sort() });

/** The approval gate's second look: the approved plan hash against a plan from the live state now. */
export const recheckPlan: StepHandler = async (s) => {
  const approved = s.requirePlan();
  // The guest's services are part of the approval (plan-hash.ts): the gate reads them again, under a ClientToken of
  // this approval (a crash-resumed recheck reads the same invocation). A batch child's were read by its batch, whose
  // approval covers them: it keeps them rather than run one more invocation per instance.
  const reread = approved.services !== undefined && !s.j.batchId;
  const guestToken = reread ? s.token(`recheck-introspect:${s.j.approvalHash ?? approved.hash}`) : undefined;
  const keepServices = (r: PlanResult): PlanResult => {
    if (reread || !r.ok || !approved.services) return r;
    const plan = { ...r.plan, services: approved.services };
    return { ok: true, plan: { ...plan, hash: planHash(plan) } };
  };
  // The second look reads only what can change; if that differs from the approval, a full read makes the new plan.
  s.gateSawOriginal = undefined;
  if (s.j.planFacts) {
    const quick = keepServices(await livePlan(s, {
      facts: s.j.planFacts, ...(s.j.eniIp ? { stagedEniIp: s.j.eniIp } : {}), windows: approved.guestOs === 'windows',
      ...(s.j.eniId ? { stagedEni: { networkInterfaceId: s.j.eniId, jobTag: s.j.eniTagJobId ?? s.jobId } } : {}),
    }, guestToken, true));
    if (quick.ok && quick.plan.hash === s.j.approvalHash) return { outcome: 'unchanged', detail: { planHash: quick.plan.hash, planChanged: false } };
  }
  const res = reread || !approved.services ? await livePlan(s, undefined, guestToken, true) : keepServices(await fullReadKeepingGuest(s));
  if (!res.ok) return refuse(s, res.refusal);
  if (res.plan.hash === s.j.approvalHash) return { outcome: 'unchanged', detail: { planHash: res.plan.hash, planChanged: false } };
  s.gateSawOriginal = undefined;
  const differences = planDifferences(approved, res.plan);
  s.j.plan = res.plan;
  s.dirty.plan = res.plan;
  s.j.planChanges = (s.j.planChanges ?? 0) + 1;
  await s.emit({ type: 'plan.changed', previousHash: s.j.approvalHash ?? approved.hash, plan: res.plan, differences });
  // The staged ENI no longer matches what will be approved: replace it before asking again.
  if (eniSpecOf(approved) !== eniSpecOf(res.plan)) return { outcome: 'eni_spec_changed', detail: { planChanged: true, restage: true, differences } };
  return { outcome: 'plan_changed', detail: { planChanged: true, differences } };
};
