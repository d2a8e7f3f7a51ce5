import { createHash } from 'node:crypto';
import type { MigrationEvent } from '../../domain/events.ts';
import { encodeApprovalValue } from '../../domain/approval-button.ts';
import { approvalCard, decidedApprovalCard, type ApprovalCardInput, type ApprovalOutcome } from '../blocks/approval-card.ts';
import { isSlackNote, type ThreadEvent } from '../thread-events.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { formatAppr, jobLang, opField, parseAppr, readEvents, saveFields, type JobState, type OpenApproval } from './job-store.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { throwOnExecError } from './keys-and-scripts.ts';
import { indexMessage, postOnce, send } from './slack-send.ts';

/**
 * The approval card of a job's thread: posted on a request, edited in place with every approval counted, and
 * closed (buttons gone, outcome shown) when decided, superseded by a newer request, or the job ended first.
 */

/** Ties a button value to one approval card: a click on an older card of the same job does not match. */
function nonceFor(jobId: string, idx: number, planHash: string): string {
  return createHash('sha256').update(`${jobId}|${idx}|${planHash}`).digest('hex').slice(0, 16);
}

/** Rebuild the approval card of event `apprIdx` with what happened up to event `upTo` (inclusive). */
async function approvalInput(ctx: DeliveryContext, jobId: string, apprIdx: number, upTo: number): Promise<ApprovalCardInput | undefined> {
  const evs = await readEvents(ctx, jobId, apprIdx, upTo);
  const req = evs[0];
  if (!req || req.type !== 'approval.requested') return undefined;
  const approvals: ApprovalCardInput['approvals'] = [];
  for (const e of evs) if (e.type === 'approval.recorded') approvals.push({ by: e.by, at: e.at });
  return {
    jobId, kind: req.kind, plan: req.plan, planHash: req.planHash, expiresAt: req.expiresAt,
    requiredApprovals: req.requiredApprovals, requestedBy: req.requestedBy, requestedAt: req.at,
    value: encodeApprovalValue({ jobId, planHash: req.planHash, nonce: nonceFor(jobId, apprIdx, req.planHash) }),
    approvals,
    ...(req.rollback ? { rollback: req.rollback } : {}),
    ...(req.batch ? { batch: req.batch } : {}),
  };
}

/** Edit the open card to its final state and forget it; once per event (op 1 of event `idx`). */
async function closeApproval(ctx: DeliveryContext, job: JobState, idx: number, appr: OpenApproval, outcome: ApprovalOutcome): Promise<void> {
  const input = await approvalInput(ctx, job.jobId, appr.idx, idx);
  const field = opField(idx, 1);
  if (!input || job.raw[field] !== undefined) return;
  await send(ctx, job, 'update', { channel: job.raw.channel!, ts: appr.ts }, decidedApprovalCard(input, outcome, jobLang(job)));
  const meta = ctx.keys.meta(job.jobId);
  await ctx.redis.multi().hset(meta, field, appr.ts).hdel(meta, 'appr').exec().then(throwOnExecError);
  job.raw[field] = appr.ts;
  delete job.raw.appr;
}

function closingOutcome(ev: MigrationEvent, lang: Lang): ApprovalOutcome | undefined {
  switch (ev.type) {
    case 'approval.decided':
      return ev.decision === 'expired' ? { decision: 'expired', at: ev.at } : { decision: ev.decision, by: ev.by, at: ev.at };
    case 'plan.changed':
      return { decision: 'superseded', at: ev.at, reason: msg(lang).supersededByDrift() };
    case 'finished':
      return { decision: 'superseded', at: ev.at, reason: msg(lang).supersededByFinish({ outcome: ev.outcome }) };
    default:
      return undefined;
  }
}

/** Bring the job's approval card in step with event `idx`; `thread` holds the reply arguments of the thread. */
export async function updateApprovalCard(ctx: DeliveryContext, job: JobState, idx: number, ev: ThreadEvent, thread: Record<string, unknown>): Promise<void> {
  const { jobId } = job;
  const channel = job.raw.channel!;
  const appr = job.raw.appr ? parseAppr(job.raw.appr) : undefined;
  if (ev.type === 'approval.requested') {
    // A new request supersedes an older card that is still open (after a drift).
    if (appr) await closeApproval(ctx, job, idx, appr, { decision: 'superseded', at: ev.at, reason: msg(jobLang(job)).supersededByNewRequest() });
    const nonce = nonceFor(jobId, idx, ev.planHash);
    const input = (await approvalInput(ctx, jobId, idx, idx))!;
    const ts = await postOnce(ctx, job, idx, 0, thread, approvalCard(input, jobLang(job)));
    if (ts) {
      await saveFields(ctx, job, { appr: formatAppr({ idx, ts, nonce, planHash: ev.planHash }) });
      await indexMessage(ctx, channel, ts, { jobId, role: 'approval', nonce, planHash: ev.planHash });
    }
    return;
  }
  if (!appr || isSlackNote(ev)) return;
  if (ev.type === 'approval.recorded') {
    if (job.raw[opField(idx, 1)] !== undefined) return;
    const input = await approvalInput(ctx, jobId, appr.idx, idx);
    if (input) await send(ctx, job, 'update', { channel, ts: appr.ts }, approvalCard(input, jobLang(job)));
    await saveFields(ctx, job, { [opField(idx, 1)]: appr.ts });
    return;
  }
  const outcome = closingOutcome(ev, jobLang(job));
  if (outcome) await closeApproval(ctx, job, idx, appr, outcome);
}
