/**
 * The named relaxation of the files that are not about Slack's pace: the workspace's rate limits and the outbox's
 * pacing (and its card edit interval) run 10 times as fast. Every limit still applies and still answers 429; the
 * files about pacing (outbox-limits, batch-thousand, sim-platform-rules) keep Slack's own.
 */
export const FASTER_SLACK = { paceScale: 10 } as const;
