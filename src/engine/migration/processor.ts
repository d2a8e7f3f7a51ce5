import type { Job } from 'bullmq';
import type { JobData } from '../job-data.ts';
import { runPreview } from './preview.ts';
import { MigrationRun } from './migration-run.ts';
import type { MigrationDeps } from './step-context.ts';

/** The BullMQ processor of the migrations queue: plan-only jobs, migrations and rollbacks. */
export function createMigrationProcessor(deps: MigrationDeps) {
  return async (job: Job<JobData>, token?: string, signal?: AbortSignal): Promise<unknown> => {
    if (job.data.kind === 'preview') return runPreview(deps, job.data);
    return new MigrationRun(deps, job, token, signal).start();
  };
}
