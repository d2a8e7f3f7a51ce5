// The migration engine: BullMQ workers that plan, stage, cut over, verify and roll back; and the service the
// front ends call. See processor.ts for the step machine and src/domain/steps.ts for the step list.
export { createEngine, DEFAULT_ENGINE_OPTIONS, DEFAULT_WORKER_SETTINGS, QUEUE_NAME, engineOptionsFromConfig, workerSettingsFromConfig,
  parsePublicEdge, createRedisRateBudget, type Engine, type CreateEngineInput, type WorkerHandle, type WorkerSettings } from './engine.ts';
export { createEngineFromConfig, cutoverGateFromConfig } from './from-config.ts';
export { EngineService, JOB_OPTIONS } from './service.ts';
export { RedisApprovals } from './approvals.ts';
export { RecordStore } from './records.ts';
export { RecordingNotifier, RedisListNotifier, FanoutNotifier } from './notifiers.ts';
export { RedisRateBudget, type RedisRateBudgetOptions } from './redis-rate-budget.ts';
export { TableLocks, TableLockHandle } from './table-lock.ts';
export { clientToken, StepFailure, type EngineOptions, type EngineHooks, type HookPoint } from './processor.ts';
export { checkSsh, checkEgress, readSshBanner, type PublicEdge } from './verify.ts';
export { guestNicScript } from './guest.ts';
export { makeKeys, type Keys } from './keys.ts';
export type { JobData } from './job-data.ts';
export * from './ports.ts';
