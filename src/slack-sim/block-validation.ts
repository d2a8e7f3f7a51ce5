/**
 * The Block Kit limits Slack enforces on a message, strict by default; a test relaxes one only by naming it.
 *
 * Per block (https://api.slack.com/reference/block-kit/blocks, answered `invalid_blocks`): at most 50 blocks; a
 * section's text 3,000 characters, its fields 10 × 2,000 (#section); a header plain_text of 150 (#header); a context
 * of 10 elements (#context); an actions block of 25 elements (#actions); a button's text 75, value 2,000 and
 * action_id 255 (https://api.slack.com/reference/block-kit/block-elements#button); a block_id 255.
 * Per message: the text of all blocks together is refused above 11,000 characters with `msg_blocks_too_long`
 * (undocumented; slackapi/bolt-js issue 2509 "Blocks too long error at ~13200 characters", where a Slack engineer
 * cites "12,000 text characters with a buffer for block containers", and issue 2867, where a message whose `.text`
 * strings summed to 11,341 was still refused — so we refuse above 11,000, which is unconfirmed as an exact figure);
 * a top-level `text` over 40,000 characters is `msg_too_long`
 * (https://api.slack.com/methods/chat.postMessage#truncating).
 */

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const BLOCK_LIMITS = {
  blocks: 50, sectionText: 3000, fields: 10, fieldText: 2000, header: 150, contextElements: 10, actionsElements: 25,
  buttonText: 75, buttonValue: 2000, actionId: 255, blockId: 255, blockText: 11_000, messageText: 40_000,
} as const;

/** The rules by name, for a test that relaxes one. */
export type BlockRule =
  | 'max_blocks' | 'section_text' | 'section_fields' | 'header_text' | 'context_elements' | 'actions_elements'
  | 'button' | 'block_id' | 'total_block_text' | 'message_text';

export interface ValidationOptions {
  /** Rules this caller does not enforce, each named. */
  relax?: readonly BlockRule[];
}

/** Characters of text the blocks carry: every `text` string in the tree (text objects, buttons, dialogs). */
export function totalBlockText(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + totalBlockText(x), 0);
  if (!isObj(v)) return 0;
  let n = 0;
  for (const [k, x] of Object.entries(v)) n += k === 'text' && typeof x === 'string' ? x.length : totalBlockText(x);
  return n;
}

const plainWithin = (t: unknown, max: number) => isObj(t) && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;

/** The first rule a block breaks, or undefined. */
function blockFault(b: unknown, on: (r: BlockRule) => boolean): BlockRule | 'shape' | undefined {
  const L = BLOCK_LIMITS;
  if (!isObj(b) || typeof b.type !== 'string') return 'shape';
  if (b.block_id !== undefined && (typeof b.block_id !== 'string' || (on('block_id') && b.block_id.length > L.blockId))) return 'block_id';
  switch (b.type) {
    case 'header': {
      if (!isObj(b.text) || b.text.type !== 'plain_text' || typeof b.text.text !== 'string' || !b.text.text) return 'shape';
      return on('header_text') && b.text.text.length > L.header ? 'header_text' : undefined;
    }
    case 'section':
      if (b.text === undefined && b.fields === undefined) return 'shape';
      if (b.text !== undefined && !plainWithin(b.text, on('section_text') ? L.sectionText : Infinity)) return 'section_text';
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields)) return 'shape';
        if (on('section_fields') && (b.fields.length > L.fields || !b.fields.every((f) => plainWithin(f, L.fieldText)))) return 'section_fields';
      }
      return undefined;
    case 'context':
      if (!Array.isArray(b.elements) || b.elements.length === 0) return 'shape';
      return on('context_elements') && b.elements.length > L.contextElements ? 'context_elements' : undefined;
    case 'actions': {
      if (!Array.isArray(b.elements) || b.elements.length === 0) return 'shape';
      if (on('actions_elements') && b.elements.length > L.actionsElements) return 'actions_elements';
      for (const e of b.elements) {
        if (!isObj(e) || e.type !== 'button') continue;
        if (!isObj(e.text) || e.text.type !== 'plain_text' || typeof e.action_id !== 'string') return 'shape';
        if (!on('button')) continue;
        if (!plainWithin(e.text, L.buttonText) || e.action_id.length > L.actionId) return 'button';
        if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > L.buttonValue)) return 'button';
      }
      return undefined;
    }
    case 'divider':
    case 'rich_text':
    case 'image':
      return undefined;
    default:
      return 'shape';
  }
}

/** The error code Slack would answer for these blocks, or undefined when it takes them. */
export function validateBlocks(blocks: unknown, opts: ValidationOptions = {}): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  const on = (r: BlockRule) => !opts.relax?.includes(r);
  if (on('max_blocks') && blocks.length > BLOCK_LIMITS.blocks) return 'invalid_blocks';
  for (const b of blocks) if (blockFault(b, on)) return 'invalid_blocks';
  if (on('total_block_text') && totalBlockText(blocks) > BLOCK_LIMITS.blockText) return 'msg_blocks_too_long';
  return undefined;
}

/** The error code Slack would answer for a whole message (its blocks, then its text), or undefined. */
export function validateMessage(msg: { text?: unknown; blocks?: unknown }, opts: ValidationOptions = {}): string | undefined {
  const bad = validateBlocks(parseBlocks(msg.blocks), opts);
  if (bad) return bad;
  const text = typeof msg.text === 'string' ? msg.text : '';
  if (!opts.relax?.includes('message_text') && text.length > BLOCK_LIMITS.messageText) return 'msg_too_long';
  return undefined;
}

/** Form-encoded calls carry blocks as a JSON string; JSON calls as an array. */
export function parseBlocks(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
