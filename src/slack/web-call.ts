import { webApi } from '@slack/bolt';

export type SlackWebClient = InstanceType<typeof webApi.WebClient>;

/**
 * A Web API client that makes exactly one attempt per call: no retries, and a 429 is rejected at once instead of
 * slept through. Callers that must answer quickly (authorization, channel checks, health) or that schedule their
 * own retries (the outbox honours Retry-After itself) all need this, only with different timeouts.
 */
export function singleAttemptClient(opts: { botToken?: string | undefined; slackApiUrl?: string | undefined; timeoutMs: number }): SlackWebClient {
  return new webApi.WebClient(opts.botToken, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs,
    logLevel: webApi.LogLevel.ERROR,
  });
}
