// The simulated workspace refuses what Slack refuses, by default; a caller relaxes one rule only by naming it.
import { describe, expect, it } from 'vitest';
import { BLOCK_LIMITS, validateBlocks, validateMessage, type BlockRule } from '../../src/slack-sim/block-validation.ts';

const section = (n: number) => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(n) } });
const button = (o: { text?: number; value?: number; actionId?: number } = {}) => ({
  type: 'button', text: { type: 'plain_text', text: 'b'.repeat(o.text ?? 7) }, action_id: 'a'.repeat(o.actionId ?? 8), value: 'v'.repeat(o.value ?? 5),
});
const actions = (elements: unknown[]) => ({ type: 'actions', elements });

/** One message per rule, just over its limit, and the same message just at the limit. */
const CASES: { rule: BlockRule; over: unknown[]; at: unknown[]; code: string }[] = [
  { rule: 'max_blocks', over: Array.from({ length: 51 }, () => section(10)), at: Array.from({ length: 50 }, () => section(10)), code: 'invalid_blocks' },
  { rule: 'section_text', over: [section(3001)], at: [section(3000)], code: 'invalid_blocks' },
  {
    rule: 'section_fields',
    over: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
    at: [{ type: 'section', fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(1000) })) }],
    code: 'invalid_blocks',
  },
  { rule: 'section_fields', over: [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], at: [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2000) }] }], code: 'invalid_blocks' },
  { rule: 'header_text', over: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], at: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } }], code: 'invalid_blocks' },
  {
    rule: 'context_elements',
    over: [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    at: [{ type: 'context', elements: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    code: 'invalid_blocks',
  },
  { rule: 'actions_elements', over: [actions(Array.from({ length: 26 }, () => button()))], at: [actions(Array.from({ length: 25 }, () => button()))], code: 'invalid_blocks' },
  { rule: 'button', over: [actions([button({ text: 76 })])], at: [actions([button({ text: 75 })])], code: 'invalid_blocks' },
  { rule: 'button', over: [actions([button({ value: 2001 })])], at: [actions([button({ value: 2000 })])], code: 'invalid_blocks' },
  { rule: 'button', over: [actions([button({ actionId: 256 })])], at: [actions([button({ actionId: 255 })])], code: 'invalid_blocks' },
  { rule: 'block_id', over: [{ ...section(1), block_id: 'b'.repeat(256) }], at: [{ ...section(1), block_id: 'b'.repeat(255) }], code: 'invalid_blocks' },
  // bolt-js issues 2509/2867: every block within its limit, the sum over ~11k refused.
  { rule: 'total_block_text', over: [section(2900), section(2900), section(2900), section(2301)], at: [section(2900), section(2900), section(2900), section(2300)], code: 'msg_blocks_too_long' },
];

describe('Block Kit validation of the simulated workspace', () => {
  it.each(CASES.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s: refused just over the limit, taken at it, and taken over it only when relaxed by name', (_n, c) => {
    expect(validateBlocks(c.over)).toBe(c.code);
    expect(validateBlocks(c.at)).toBeUndefined();
    expect(validateBlocks(c.over, { relax: [c.rule] })).toBeUndefined();
    // Relaxing another rule changes nothing.
    const other: BlockRule = c.rule === 'message_text' ? 'button' : 'message_text';
    expect(validateBlocks(c.over, { relax: [other] })).toBe(c.code);
  });

  it('counts the text of buttons and dialogs toward the message total', () => {
    const withConfirm = actions([{ ...button(), confirm: { title: { type: 'plain_text', text: 't' }, text: { type: 'mrkdwn', text: 'c'.repeat(3000) } } }]);
    expect(validateBlocks([section(2900), section(2900), section(2200), withConfirm])).toBe('msg_blocks_too_long');
    expect(validateBlocks([section(2900), section(2900), section(2200)])).toBeUndefined();
  });

  it('top-level text over 40,000 characters is msg_too_long; blocks are checked first; form-encoded blocks are parsed', () => {
    expect(validateMessage({ text: 't'.repeat(BLOCK_LIMITS.messageText + 1) })).toBe('msg_too_long');
    expect(validateMessage({ text: 't'.repeat(BLOCK_LIMITS.messageText) })).toBeUndefined();
    expect(validateMessage({ text: 't'.repeat(BLOCK_LIMITS.messageText + 1) }, { relax: ['message_text'] })).toBeUndefined();
    expect(validateMessage({ text: 'ok', blocks: JSON.stringify([section(3001)]) })).toBe('invalid_blocks');
    expect(validateMessage({ text: 'ok', blocks: 'not json' })).toBe('invalid_blocks_format');
  });

  it('malformed blocks are refused whatever is relaxed', () => {
    const all: BlockRule[] = ['max_blocks', 'section_text', 'section_fields', 'header_text', 'context_elements', 'actions_elements', 'button', 'block_id', 'total_block_text', 'message_text'];
    for (const bad of [[{ type: 'nope' }], [{ type: 'section' }], [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], [actions([])], [{ type: 'context', elements: [] }]]) {
      expect(validateBlocks(bad, { relax: all })).toBe('invalid_blocks');
    }
  });
});
