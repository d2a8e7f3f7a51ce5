import type { MigrationEvent } from '../../domain/events.ts';
import { context, divider, LIMITS, section, truncate, type Block, type SlackMessage } from '../blocks/format.ts';
import { isSlackNote, type ThreadEvent } from '../thread-events.ts';

/**
 * Several audit replies of one job that are waiting together go out as one message: Slack takes about one post per
 * second per channel (https://api.slack.com/docs/rate-limits), so a backlog (a fleet batch's per-instance lines, 50
 * jobs in one channel) would otherwise take minutes to drain. The merged message keeps every reply's blocks, in
 * order, separated by dividers, within limits well under Slack's (50 blocks; the text of all blocks together is
 * refused above about 11,000 characters with msg_blocks_too_long, slackapi/bolt-js issues 2509 and 2867). Replies
 * that are entries of a list (SlackMessage.entry) share sections, one line each, with their note once under them.
 */

export const MAX_MERGED = 12;
/** Replies that are entries of a list (a batch's instance lines) take less room: up to this many in one post. */
export const MAX_MERGED_ENTRIES = 40;
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
  const next = (...bs: Block[]) => { if (blocks.length) blocks.push(divider); blocks.push(...bs); };
  // Entries waiting together become lines of shared sections, with their note once under them.
  let run: NonNullable<SlackMessage['entry']>[] = [];
  const endRun = () => {
    if (run.length) next(...entrySections(run.map((e) => e.line)), context([...new Set(run.map((e) => e.note))]));
    run = [];
  };
  for (const p of parts) {
    if (p.entry) { run.push(p.entry); continue; }
    endRun();
    next(...(p.blocks?.length ? p.blocks : [section(truncate(p.text, 2_900))]));
  }
  endRun();
  return { text: truncate(parts.map((p) => p.text).join('\n'), MAX_TEXT), blocks, merged: parts.length };
}

/** Lines packed into as few sections as a section's text limit allows, in order. */
function entrySections(lines: string[]): Block[] {
  const out: string[] = [];
  for (const l of lines.map((x) => truncate(x, LIMITS.sectionText))) {
    const last = out.length - 1;
    if (last >= 0 && out[last]!.length + 1 + l.length <= LIMITS.sectionText) out[last] += `\n${l}`;
    else out.push(l);
  }
  return out.map(section);
}

/** Whether these replies may go out as one post: not too many of them, and the merged message fits. */
export function canMerge(parts: SlackMessage[]): boolean {
  if (parts.length > MAX_MERGED_ENTRIES || parts.filter((p) => !p.entry).length > MAX_MERGED) return false;
  return fits(mergeReplies(parts));
}

/** Whether a merged message stays well inside Slack's per-message limits. */
function fits(msg: SlackMessage): boolean {
  return (msg.blocks?.length ?? 0) <= MAX_BLOCKS && blockText(msg.blocks ?? []) <= MAX_BLOCK_TEXT;
}
