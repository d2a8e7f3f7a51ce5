import { truncate } from '../mrkdwn.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { context, LIMITS, type Block, type SlackMessage } from './format.ts';

/**
 * Every message fits by construction. Slack refuses a message whose blocks together carry more than about 11–12k
 * characters of text (`msg_blocks_too_long`, even when each block is within its own limit: slackapi/bolt-js issues
 * 2509 and 2867, where a Slack engineer cites "12,000 text characters with a buffer for block containers", and a
 * message measured at 11,341 was still refused), and more than 50 blocks (`invalid_blocks`,
 * https://api.slack.com/reference/block-kit/blocks). We stay under 10,000.
 */
export const MESSAGE_BUDGET = { blocks: LIMITS.blocks, blockText: 10_000 } as const;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** Every `text` string in a block tree (the text objects of sections, fields, contexts, buttons, confirm dialogs). */
function textSlots(v: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(v)) {
    for (const x of v) textSlots(x, out);
  } else if (isNode(v)) {
    if (typeof v.text === 'string') out.push(v);
    for (const [k, x] of Object.entries(v)) if (k !== 'text' || typeof x !== 'string') textSlots(x, out);
  }
  return out;
}

/** Characters of text the blocks carry, counted as Slack's cumulative limit counts them. */
export function blockTextLength(blocks: readonly Block[]): number {
  return textSlots(blocks).reduce((n, t) => n + (t.text as string).length, 0);
}

/**
 * The blocks cut to the budget: at most 50, and when their text is over `blockText`, the longest mrkdwn texts
 * (never headers, buttons or dialogs) are cut to one common length — the smallest cut that makes them fit.
 */
export function fitBlocks(blocks: Block[], budget = MESSAGE_BUDGET.blockText): Block[] {
  const out = structuredClone(blocks.slice(0, MESSAGE_BUDGET.blocks)) as Block[];
  const slots = out
    .filter((b) => b.type === 'section' || b.type === 'context')
    .flatMap((b) => textSlots(b))
    .filter((t) => t.type === 'mrkdwn');
  const total = blockTextLength(out);
  if (total <= budget) return out;
  const fixed = total - slots.reduce((n, t) => n + (t.text as string).length, 0);
  const room = budget - fixed;
  // The largest cap c with sum(min(len, c)) ≤ room.
  const lens = slots.map((t) => (t.text as string).length).sort((a, b) => a - b);
  let cap = 0;
  let used = 0;
  for (let i = 0; i < lens.length; i++) {
    const c = Math.floor((room - used) / (lens.length - i));
    if (c < lens[i]!) { cap = c; break; }
    used += lens[i]!;
    cap = lens[i]!;
  }
  for (const t of slots) if ((t.text as string).length > cap) t.text = truncate(t.text as string, Math.max(1, cap)) || '…';
  return out;
}

/** A message with its notification text and its blocks cut to Slack's limits. */
export function fitMessage(msg: SlackMessage): SlackMessage {
  return { ...msg, text: truncate(msg.text, LIMITS.fallbackText), ...(msg.blocks ? { blocks: fitBlocks(msg.blocks) } : {}) };
}

/**
 * Blocks split into messages of at most `budget` characters of text and 50 blocks each; `head` and `tail` stay on
 * the first message. Each block must already fit on its own (a section is at most 3,000).
 */
export function splitBlocks(head: Block[], body: Block[], tail: Block[], budget = MESSAGE_BUDGET.blockText): { first: Block[]; rest: Block[][] } {
  const pages: Block[][] = [];
  let page: Block[] = [];
  let room = budget - blockTextLength([...head, ...tail]) - 200;
  let slots = MESSAGE_BUDGET.blocks - head.length - tail.length - 1;
  for (const b of body) {
    const n = blockTextLength([b]);
    if (page.length && (n > room || page.length >= slots)) {
      pages.push(page);
      page = [];
      room = budget - 300;
      slots = MESSAGE_BUDGET.blocks - 2;
    }
    page.push(b);
    room -= n;
  }
  if (page.length || !pages.length) pages.push(page);
  return { first: [...head, ...pages[0]!, ...tail], rest: pages.slice(1) };
}

/** Numbered continuation replies for what did not fit on the first message: "(continued 2/4)". */
export function continuations(title: string, rest: Block[][], lang: Lang = 'en'): SlackMessage[] {
  const n = rest.length + 1;
  const m = msg(lang);
  return rest.map((blocks, i) => ({
    text: truncate(m.continued({ title, n: i + 2, of: n }), LIMITS.fallbackText),
    blocks: fitBlocks([...blocks, context([m.continuedTag({ title, n: i + 2, of: n })])]),
  }));
}
