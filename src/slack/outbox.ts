// The outbox lives in ./outbox/; this path stays for the callers that import it from here.
export { createOutbox, outboxKeys, type MessageRef, type Outbox, type OutboxKeys, type OutboxOptions, type ThreadInfo } from './outbox/index.ts';
export type { Log } from './slack-log.ts';
