/**
 * The Block Kit limits Slack enforces that our messages could hit; a real workspace answers invalid_blocks or
 * invalid_blocks_format (https://docs.slack.dev/reference/block-kit/blocks and the error lists of
 * https://docs.slack.dev/reference/methods/chat.postMessage).
 */

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The error code Slack would answer for these blocks, or undefined when it takes them. */
export function validateBlocks(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > 50) return 'invalid_blocks';
  const plain = (t: unknown, max: number) => isObj(t) && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;
  for (const b of blocks) {
    if (!isObj(b) || typeof b.type !== 'string') return 'invalid_blocks';
    if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length > 255)) return 'invalid_blocks';
    switch (b.type) {
      case 'header':
        if (!plain(b.text, 150) || (b.text as Record<string, unknown>).type !== 'plain_text') return 'invalid_blocks';
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) return 'invalid_blocks';
        if (b.text !== undefined && !plain(b.text, 3000)) return 'invalid_blocks';
        if (b.fields !== undefined && (!Array.isArray(b.fields) || b.fields.length > 10 || !b.fields.every((f) => plain(f, 2000)))) return 'invalid_blocks';
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return 'invalid_blocks';
        break;
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) return 'invalid_blocks';
        for (const e of b.elements) {
          if (!isObj(e) || e.type !== 'button') continue;
          if (!plain(e.text, 75) || (e.text as Record<string, unknown>).type !== 'plain_text') return 'invalid_blocks';
          if (typeof e.action_id !== 'string' || e.action_id.length > 255) return 'invalid_blocks';
          if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000)) return 'invalid_blocks';
        }
        break;
      }
      case 'divider':
      case 'rich_text':
      case 'image':
        break;
      default:
        return 'invalid_blocks';
    }
  }
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
