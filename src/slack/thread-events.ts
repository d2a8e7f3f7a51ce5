import type { MigrationEvent } from '../domain/events.ts';

/**
 * What goes into a job's thread: the engine's events plus lines the Slack layer itself records (refused clicks,
 * ignored replays). Both travel through the same outbox list, so the audit keeps the order things happened in.
 */
export type SlackNote = { jobId: string; at: string } & (
  | { type: 'slack.refused_click'; userId: string; action: 'approve' | 'reject'; code: string; reason: string }
  | { type: 'slack.replay_ignored'; userId?: string; what: string }
  /** An approver clicked Restore on a reconcile question (recorded before anything changes). */
  | { type: 'slack.restore_asked'; userId: string; eniId: string }
  /** A line the Slack layer wrote for the thread, already in the thread's language (approvers asked or reminded). */
  | { type: 'slack.notice'; text: string }
);

export type ThreadEvent = MigrationEvent | SlackNote;

export function isSlackNote(e: ThreadEvent): e is SlackNote {
  return e.type.startsWith('slack.');
}
