import { isExpired } from '../../domain/approval.ts';
import type { JobOutcome } from '../../domain/events.ts';
import type { ApprovalRequest } from '../../engine/ports.ts';
import { isBatchJobId } from '../blocks/batch-card.ts';
import type { SlackDeps } from '../listeners/deps.ts';
import type { GatewayCount, HomeIndex } from './home-index.ts';

/** What one person's Home tab shows, read from the engine's records (Redis only) and the home index. */

export type Subject = { kind: 'instance'; instanceId: string } | { kind: 'batch'; count: number };

export interface WaitingItem {
  jobId: string;
  subject: Subject;
  requester: string;
  channel?: string;
  expiresAt: string;
  votes: number;
  required: number;
  planHash: string;
}

export interface HomeData {
  waiting: WaitingItem[];
  active: { jobId: string; subject: Subject; state: string; requester: string; channel?: string }[];
  finished: { jobId: string; subject: Subject; outcome: JobOutcome; at: string }[];
  gateways: GatewayCount[];
}

export const FINISHED_SHOWN = 20;

/** An open request this person may approve now: an approver, not the requester, not counted yet, not expired. */
function mayApprove(req: ApprovalRequest | undefined, userId: string, isApprover: boolean, now: Date): req is ApprovalRequest {
  return Boolean(req && !req.decision && !req.heldBy && isApprover && req.requestedBy !== userId && !req.approvals.some((a) => a.userId === userId) && !isExpired(req, now));
}

/**
 * What this person may see (README "App Home"): a job whose thread is in a public channel, or in a private channel
 * or group DM they are in; a job they requested; a job waiting for approval while they are an approver. The
 * per-gateway counts are about the cloud, not a thread: everyone sees them.
 */
export async function gatherHome(deps: SlackDeps, index: HomeIndex, userId: string): Promise<HomeData> {
  const now = deps.now();
  const isApprover = await deps.authz.isApprover(userId);
  const channelOf = async (jobId: string) => (await deps.outbox.thread(jobId))?.channel;
  const data: HomeData = { waiting: [], active: [], finished: [], gateways: [] };
  // One answer per conversation for this publish.
  const seen = new Map<string, Promise<boolean>>();
  const inChannel = (channel: string | undefined) => {
    if (!channel) return Promise.resolve(false);
    let p = seen.get(channel);
    if (!p) seen.set(channel, (p = deps.visibility.canSeeChannel(userId, channel)));
    return p;
  };
  /** The approval request when this person is an approver it asks (open, not decided). */
  const asked = async (jobId: string) => {
    if (!isApprover) return undefined;
    const req = await deps.service.approvals.current(jobId);
    return req && !req.decision && !isExpired(req, now) ? req : undefined;
  };
  const visible = async (jobId: string, requester: string, channel: string | undefined, awaiting: boolean) =>
    requester === userId || (awaiting && (await asked(jobId)) !== undefined) || inChannel(channel);

  const waitingFor = async (jobId: string, subject: Subject, channel: string | undefined) => {
    const req = await deps.service.approvals.current(jobId);
    if (!mayApprove(req, userId, isApprover, now)) return;
    data.waiting.push({ jobId, subject, requester: req.requestedBy, ...(channel ? { channel } : {}), expiresAt: req.expiresAt, votes: req.approvals.length, required: req.requiredApprovals, planHash: req.planHash });
  };

  for (const r of await deps.service.status()) {
    // A batch's instances are shown through their batch, dry runs answer in their own thread.
    if (r.batchId || r.kind === 'preview') continue;
    const subject: Subject = { kind: 'instance', instanceId: r.instanceId };
    const channel = await channelOf(r.jobId);
    const awaiting = r.state === 'awaiting_approval';
    if (!(await visible(r.jobId, r.requestedBy, channel, awaiting))) continue;
    data.active.push({ jobId: r.jobId, subject, state: r.state, requester: r.requestedBy, ...(channel ? { channel } : {}) });
    if (awaiting) await waitingFor(r.jobId, subject, channel);
  }
  for (const id of await index.batches()) {
    const b = await deps.service.batchStatus?.(id);
    if (!b || b.state === 'finished') continue;
    const subject: Subject = { kind: 'batch', count: b.items.length };
    const channel = await channelOf(id);
    if (!(await visible(id, b.requestedBy, channel, Boolean(b.approval)))) continue;
    data.active.push({ jobId: id, subject, state: b.phase ?? b.state, requester: b.requestedBy, ...(channel ? { channel } : {}) });
    if (b.approval) await waitingFor(id, subject, channel);
  }
  for (const id of await index.finished(FINISHED_SHOWN * 5)) {
    if (data.finished.length >= FINISHED_SHOWN) break;
    if (isBatchJobId(id)) {
      const b = await deps.service.batchStatus?.(id);
      if (b?.outcome && (await visible(id, b.requestedBy, await channelOf(id), false))) data.finished.push({ jobId: id, subject: { kind: 'batch', count: b.items.length }, outcome: b.outcome, at: b.updatedAt });
      continue;
    }
    const r = (await deps.service.status(id)).find((x) => x.jobId === id);
    // A batch's child has no thread of its own: it lives in its batch's.
    const channel = r ? (await channelOf(id)) ?? (r.batchId ? await channelOf(r.batchId) : undefined) : undefined;
    if (r?.outcome && (await visible(id, r.requestedBy, channel, false))) data.finished.push({ jobId: id, subject: { kind: 'instance', instanceId: r.instanceId }, outcome: r.outcome, at: r.updatedAt });
  }
  // Read after the finished jobs: a job and its gateway's count change in one transaction (home-index.ts), so a job
  // listed as finished above is counted below. Read first, the count could predate a job this view shows finished.
  data.gateways = await index.gateways();
  return data;
}
