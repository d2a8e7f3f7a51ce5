import { APPROVAL_BLOCK_ID } from '../blocks/approval-card.ts';
import { section, truncate, type SlackMessage } from '../blocks/format.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg as catalog } from '../../i18n/catalog.ts';

/**
 * What the outbox posts once when Slack refuses a message's shape or size (invalid_blocks, msg_blocks_too_long,
 * msg_too_long…): the notification text alone, shortened. An approval card is never shown without its buttons:
 * its minimal form keeps the Approve/Reject actions block (button values bind the click to the job and plan, so
 * they are untouched) under one short line.
 */

/** Well under Slack's 4,000-character guidance for `text` and any total-text limit. */
const MINIMAL_TEXT = 2_900;

export function minimalForm(msg: SlackMessage, lang: Lang = 'en'): SlackMessage {
  const text = truncate(msg.text, MINIMAL_TEXT);
  const actions = msg.blocks?.find((b) => b.type === 'actions' && b.block_id === APPROVAL_BLOCK_ID);
  if (!actions) return { text, blocks: [] };
  const line = `${truncate(msg.text, 1_500)}\n${catalog(lang).approvalCardTooBig()}`;
  return { text, blocks: [section(line), actions] };
}

/** True when a message carries the approval buttons (and so must never go out as text only). */
export function hasApprovalButtons(msg: SlackMessage): boolean {
  return Boolean(msg.blocks?.some((b) => b.type === 'actions' && b.block_id === APPROVAL_BLOCK_ID));
}
