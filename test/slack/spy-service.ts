import type { ApprovalRecord, Audience, DecisionResult, JobRecord, MigrationService, SubmitResult } from '../../src/engine/ports.ts';
import type { MigrationOptions } from '../../src/domain/plan-types.ts';

/**
 * A call recorder behind the MigrationService port, for the wiring tests that must show a request never reaches
 * the engine (bad signatures, bad input, replays). It runs no jobs; the transcript tests use the real engine.
 */
export class SpyService implements MigrationService {
  readonly calls: { method: string; args: unknown }[] = [];
  approvalRecords = new Map<string, ApprovalRecord>();
  private n = 0;

  readonly approvals = {
    current: async (jobId: string) => {
      this.calls.push({ method: 'approvals.current', args: { jobId } });
      return this.approvalRecords.get(jobId);
    },
    decide: async (jobId: string, input: { planHash: string; decision: 'approve' | 'reject'; userId: string }): Promise<DecisionResult> => {
      this.calls.push({ method: 'approvals.decide', args: { jobId, ...input } });
      return { ok: false, code: 'unknown_job', message: 'spy' };
    },
  };

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async preview(input: { regionId: string; instanceId: string; options: MigrationOptions; requestedBy: string; audience: Audience }) {
    this.calls.push({ method: 'preview', args: input });
    return { jobId: `preview-${input.regionId}-${input.instanceId}-${++this.n}` };
  }

  async submit(input: { regionId: string; instanceIds: string[]; options: MigrationOptions; requestedBy: string; audience: Audience }): Promise<SubmitResult[]> {
    this.calls.push({ method: 'submit', args: input });
    return input.instanceIds.map((instanceId) => ({ instanceId, status: 'queued' as const, jobId: `migrate-${input.regionId}-${instanceId}` }));
  }

  async status(target?: string): Promise<JobRecord[]> {
    this.calls.push({ method: 'status', args: { target } });
    return [];
  }

  async cancel(jobId: string, by: string) {
    this.calls.push({ method: 'cancel', args: { jobId, by } });
    return { ok: false, message: `No job ${jobId}.` };
  }

  async rollback(jobId: string, by: string, audience: Audience) {
    this.calls.push({ method: 'rollback', args: { jobId, by, audience } });
    return { ok: false, message: `No job ${jobId}.` };
  }
}
