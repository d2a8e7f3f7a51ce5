export { AlibabaCloud, createAlibabaCloud, type AlibabaCloudOptions, type WaitExtras } from './alibaba-cloud.ts';
export { ACTIONS, requiredRamActions, isValidClientToken, type ActionName, type ActionSpec } from './actions.ts';
export { retryDecision, classifyFailure, DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryDecision, type FailureClass } from './retry-policy.ts';
export { AlibabaCallError, toCloudError, type ErrorView } from './error-map.ts';
export { DEFAULT_WAIT_SCHEDULE, pollDelays, type WaitSchedule } from './waiters.ts';
export type { CredentialsOption, StaticKeys } from './credentials.ts';
export { TokenBucketBudget, unlimitedBudget, type RateBudget, type TokenBucketOptions } from '../rate-budget.ts';
