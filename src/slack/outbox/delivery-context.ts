import type { Redis } from 'ioredis';
import type { Audience } from '../../engine/ports.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Log } from '../slack-log.ts';
import type { SlackWebClient } from '../web-call.ts';
import type { OutboxKeys } from './keys-and-scripts.ts';
import type { JobLeases } from './leases.ts';
import type { Pacing } from './pacing-rules.ts';
import type { Backoff } from './slack-errors.ts';

interface OutboxSettings extends Backoff {
  pollMs: number;
  pacing: Pacing;
  /** A status card is edited at most once per this many ms. */
  cardEditMs: number;
  /** Timeout of one Slack call. */
  requestTimeoutMs: number;
  /** Post the audit replies waiting together as one message. */
  mergeReplies: boolean;
  leaseMs: number;
  concurrency: number;
  audienceWaitMs: number;
  retentionMs: number;
}

/** What every step of a delivery works with; built once by createOutbox and passed to each step. */
export interface DeliveryContext {
  readonly redis: Redis;
  readonly keys: OutboxKeys;
  /** Makes one attempt per call: the outbox schedules its own retries. */
  readonly client: SlackWebClient;
  readonly log: Log;
  readonly settings: OutboxSettings;
  readonly leases: JobLeases;
  /** Fallback lookup of a job's audience; may be set after creation (useAudienceResolver). */
  resolveAudience: ((jobId: string) => Promise<Audience | undefined>) | undefined;
  /** The language of a channel (may be set after creation: useChannelLanguage). */
  channelLanguage: ((channelId: string) => Promise<Lang>) | undefined;
  readonly observer: DeliveryObserver | undefined;
  /** Told of every event once its messages went out (outbox.onDelivered): notifications, App Home refreshes. */
  readonly delivered: DeliveredListener[];
}

/** An event whose thread messages were delivered (or that has no message), with where its job's thread is. */
export interface Delivered {
  jobId: string;
  event: import('../thread-events.ts').ThreadEvent;
  mode: 'thread' | 'preview';
  channel: string;
  /** The job's thread (thread mode), or the thread a preview was asked from. */
  threadTs?: string;
  /** The language the job's messages are written in. */
  lang: Lang;
}

export type DeliveredListener = (d: Delivered) => void;

/** What /metrics counts about delivery. */
export interface DeliveryObserver {
  /** Slack refused a message for good (`form`: whether its minimal form went out instead). */
  messageFailed(e: { reason: string; op: 'post' | 'update'; form: 'minimal' | 'none' }): void;
  /** Slack answered 429 (the pacing should make this rare). */
  rateLimited(e: { method: string }): void;
}
