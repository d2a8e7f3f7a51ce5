// The migration engine: BullMQ workers that plan, stage, cut over, verify and roll back, batches and scans on a
// second queue, and the service front ends call. The steps are in migration/, their order in src/domain/.
export { createEngine, type Engine, type CreateEngineInput, type WorkerHandle } from './engine.ts';
export * from './options.ts';
export { QUEUE_NAME, FLEET_QUEUE_NAME, JOB_OPTIONS } from './job-options.ts';
export { StepFailure, ParkSignal, DuplicateRequestError } from './step-errors.ts';
export { EngineService } from './service.ts';
export { RedisApprovals } from './store/approvals.ts';
export { RecordStore } from './store/records.ts';
export { RedisRateBudget, type RedisRateBudgetOptions } from './store/api-rate-budget.ts';
export { TableLocks, TableLockHandle } from './store/table-lock.ts';
export { makeKeys, type Keys } from './store/keys.ts';
export { RecordingNotifier, RedisListNotifier, FanoutNotifier } from './notifiers.ts';
export { clientToken } from './migration/step-context.ts';
export type { JobData } from './job-data.ts';
export * from './ports.ts';
