import type { Redis } from 'ioredis';
import type { MigrationEvent } from '../../domain/events.ts';
import type { Audience, Notifier } from '../../engine/ports.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Log } from '../slack-log.ts';
import type { SlackNote } from '../thread-events.ts';
import type { SlackWebClient } from '../web-call.ts';
import type { OutboxKeys } from './keys-and-scripts.ts';
import type { DeliveredListener, DeliveryObserver } from './delivery-context.ts';
import type { Pacing } from './pacing-rules.ts';

/** What callers of the outbox see: its options, its handle, and what it tells about a job's thread. */

export interface OutboxOptions {
  redis: Redis;
  /** Web API client used only for delivery; created with `botToken`/`slackApiUrl` when not given. */
  client?: SlackWebClient;
  botToken?: string;
  slackApiUrl?: string;
  /** Key prefix; keep the engine's hash tag so everything lives in one cluster slot. Default '{natmigrate}:slack'. */
  prefix?: string;
  /** Where a job's thread goes, when the Slack layer did not `bind` it (e.g. a job queued by the CLI). */
  resolveAudience?: (jobId: string) => Promise<Audience | undefined>;
  /** The language of a channel's thread messages (fixed for a job when its audience is bound); default English. */
  channelLanguage?: (channelId: string) => Promise<Lang>;
  logger?: Log;
  pollMs?: number;
  leaseMs?: number;
  concurrency?: number;
  maxBackoffMs?: number;
  /** First retry delay after a 5xx or network error (doubles per attempt). */
  baseBackoffMs?: number;
  /** How long to wait for a job's audience to become known before its events are discarded. */
  audienceWaitMs?: number;
  retentionMs?: number;
  /** How fast posts (per channel) and edits (per workspace) go out; default DEFAULT_PACING. */
  pacing?: Pacing;
  /** A status card is edited at most once per this many ms (default 3000). */
  cardEditMs?: number;
  /**
   * How many times as fast as Slack's published pace the outbox goes (default 1): divides the pacing's waits and
   * cardEditMs. Only for a workspace whose rate limits run that much faster too: a test's named relaxation.
   */
  paceScale?: number;
  /** Post the audit replies of a job that wait together as one message (default true). */
  mergeReplies?: boolean;
  /** Timeout of one Slack call (default 15 s). */
  requestTimeoutMs?: number;
  observer?: DeliveryObserver;
}

export interface ThreadInfo {
  jobId: string;
  channel: string;
  /** The thread every reply goes to. */
  threadTs: string;
  /** The status card (the thread root, or a reply in a parent thread for rollbacks). */
  rootTs: string;
  mode: 'thread' | 'preview';
  requestedBy?: string;
  /** The approval card currently awaiting a decision, if any. */
  approval?: { ts: string; nonce: string; planHash: string };
}

export interface MessageRef {
  jobId: string;
  role: 'root' | 'approval';
  nonce?: string;
  planHash?: string;
}

export interface Outbox extends Notifier {
  emit(event: MigrationEvent): Promise<void>;
  /** Record a line the Slack layer itself adds to a job's thread (a refused click, an ignored replay). */
  note(note: SlackNote): Promise<void>;
  /** Set the fallback lookup of a job's audience (the service exists only after the engine got this outbox). */
  useAudienceResolver(fn: (jobId: string) => Promise<Audience | undefined>): void;
  /** Be told of every event once its messages went out (in the processes that deliver). */
  onDelivered(listener: DeliveredListener): void;
  /** Set how a channel's language is found (the bot's language.ts; a worker's outbox never renders). */
  useChannelLanguage(fn: (channelId: string) => Promise<Lang>): void;
  /** Tell the outbox where a job's thread goes (saves a record lookup). First binding wins. */
  bind(jobId: string, audience: Audience): Promise<void>;
  thread(jobId: string): Promise<ThreadInfo | undefined>;
  /** Which job (and which of its cards) a message belongs to. */
  lookupMessage(channel: string, ts: string): Promise<MessageRef | undefined>;
  start(): void;
  stop(): Promise<void>;
  /** One delivery pass; returns how many jobs it worked on. */
  runOnce(): Promise<number>;
  /** Resolves when the given jobs (default: all) have nothing left to deliver. */
  waitIdle(opts?: { jobIds?: string[]; timeoutMs?: number }): Promise<void>;
  /** Jobs with undelivered messages. */
  pending(): Promise<string[]>;
  readonly keys: OutboxKeys;
}
