import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { code, codeWithin, plainText, truncate } from '../../src/slack/mrkdwn.ts';

// The Home tab and the start modal escape only the part of a value a cut can keep (home-view.ts, start-modal.ts):
// what reaches Slack must be exactly what escaping the whole value and then cutting gives.
const unit = fc.constantFrom('a', '<', '>', '&', 'amp;', '\u202E', '\u2066', '\u0007', '\n', '`', '🚀', '\uD83D', '\uDE80', 'あ', ' ', '!', '@', '#');
const text = fc.array(unit, { maxLength: 400 }).map((a) => a.join(''));

describe('escaping a prefix instead of the whole value', () => {
  it('plain_text: escaping the first max + 1 units, then cutting to max, equals escaping all of it, then cutting', () => {
    fc.assert(fc.property(text, fc.integer({ min: 1, max: 200 }), (s, max) => {
      expect(truncate(plainText(s.slice(0, max + 1)), max)).toBe(truncate(plainText(s), max));
    }), { numRuns: 3000 });
  });

  it('inline code: codeWithin(s, max) in a line cut to max equals code(s) in that line', () => {
    fc.assert(fc.property(text, fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 300 }), (s, before, max) => {
      expect(truncate(`${before}${codeWithin(s, max)} after`, max)).toBe(truncate(`${before}${code(s)} after`, max));
    }), { numRuns: 3000 });
  });
});
