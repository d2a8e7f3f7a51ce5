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

export async function gatherHome(deps: SlackDeps, index: HomeIndex, userId: string): Promise<HomeData> {
  const now = deps.now();
  const isApprover = await deps.authz.isApprover(userId);
  const channelOf = async (jobId: string) => (await deps.outbox.thread(jobId))?.channel;
  const data: HomeData = { waiting: [], active: [], finished: [], gateways: await index.gateways() };

  const waitingFor = async (jobId: string, subject: Subject) => {
    const req = await deps.service.approvals.current(jobId);
    if (!mayApprove(req, userId, isApprover, now)) return;
    const channel = await channelOf(jobId);
    data.waiting.push({ jobId, subject, requester: req.requestedBy, ...(channel ? { channel } : {}), expiresAt: req.expiresAt, votes: req.approvals.length, required: req.requiredApprovals, planHash: req.planHash });
  };

  for (const r of await deps.service.status()) {
    // A batch's instances are shown through their batch, dry runs answer in their own thread.
    if (r.batchId || r.kind === 'preview') continue;
    const subject: Subject = { kind: 'instance', instanceId: r.instanceId };
    const channel = await channelOf(r.jobId);
    data.active.push({ jobId: r.jobId, subject, state: r.state, requester: r.requestedBy, ...(channel ? { channel } : {}) });
    if (r.state === 'awaiting_approval') await waitingFor(r.jobId, subject);
  }
  for (const id of await index.batches()) {
    const b = await deps.service.batchStatus?.(id);
    if (!b || b.state === 'finished') continue;
    const subject: Subject = { kind: 'batch', count: b.items.length };
    const channel = await channelOf(id);
    data.active.push({ jobId: id, subject, state: b.phase ?? b.state, requester: b.requestedBy, ...(channel ? { channel } : {}) });
    if (b.approval) await waitingFor(id, subject);
  }
  for (const id of await index.finished(FINISHED_SHOWN)) {
    if (isBatchJobId(id)) {
      const b = await deps.service.batchStatus?.(id);
      if (b?.outcome) data.finished.push({ jobId: id, subject: { kind: 'batch', count: b.items.length }, outcome: b.outcome, at: b.updatedAt });
      continue;
    }
    const r = (await deps.service.status(id)).find((x) => x.jobId === id);
    if (r?.outcome) data.finished.push({ jobId: id, subject: { kind: 'instance', instanceId: r.instanceId }, outcome: r.outcome, at: r.updatedAt });
  }
  return data;
}
