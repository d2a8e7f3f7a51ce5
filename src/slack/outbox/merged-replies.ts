import type { MigrationEvent } from '../../domain/events.ts';
import { divider, section, truncate, type Block, type SlackMessage } from '../blocks/format.ts';
import { isSlackNote, type ThreadEvent } from '../thread-events.ts';

/**
 * Several audit replies of one job that are waiting together go out as one message: Slack takes about one post per
 * second per channel (https://api.slack.com/docs/rate-limits), so a backlog (a fleet batch's per-instance lines, 50
 * jobs in one channel) would otherwise take minutes to drain. The merged message keeps every reply's blocks, in
 * order, separated by dividers, within limits well under Slack's (50 blocks; the text of all blocks together is
 * refused above about 11,000 characters with msg_blocks_too_long, slackapi/bolt-js issues 2509 and 2867).
 */

export const MAX_MERGED = 12;
const MAX_BLOCKS = 45;
const MAX_BLOCK_TEXT = 9_000;
const MAX_TEXT = 3_000;

/** Events that change the approval card: never merged past, they are delivered one by one. */
export function touchesApproval(ev: ThreadEvent): boolean {
  if (isSlackNote(ev)) return false;
  const t = (ev as MigrationEvent).type;
  return t === 'approval.requested' || t === 'approval.recorded' || t === 'approval.decided' || t === 'plan.changed' || t === 'finished';
}

function blockText(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + blockText(x), 0);
  if (v && typeof v === 'object') {
    let n = 0;
    for (const [k, x] of Object.entries(v)) n += k === 'text' && typeof x === 'string' ? x.length : blockText(x);
    return n;
  }
  return 0;
}

export function mergeReplies(parts: SlackMessage[]): SlackMessage {
  if (parts.length === 1) return parts[0]!;
  const blocks: Block[] = [];
  parts.forEach((p, i) => {
    if (i > 0) blocks.push(divider);
    blocks.push(...(p.blocks?.length ? p.blocks : [section(truncate(p.text, 2_900))]));
  });
  return { text: truncate(parts.map((p) => p.text).join('\n'), MAX_TEXT), blocks };
}

/** Whether a merged message stays well inside Slack's per-message limits. */
export function fits(msg: SlackMessage): boolean {
  return (msg.blocks?.length ?? 0) <= MAX_BLOCKS && blockText(msg.blocks ?? []) <= MAX_BLOCK_TEXT;
}
