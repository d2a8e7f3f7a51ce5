// Every message fits by construction, at any size; what does not fit goes to numbered continuations or a file; a cut
// never splits an entity, a surrogate pair or one of our control sequences.
import { describe, expect, it } from 'vitest';
import { batchPlanReply } from '../../src/slack/blocks/batch-card.ts';
import { blockTextLength, fitBlocks, MESSAGE_BUDGET } from '../../src/slack/blocks/fit.ts';
import { section, type Block, type SlackMessage } from '../../src/slack/blocks/format.ts';
import { code, codeBlock, esc, truncate } from '../../src/slack/mrkdwn.ts';
import { validateMessage } from '../../src/slack-sim/block-validation.ts';
import { renderMessage } from '../../src/slack-sim/render.ts';
import { faultsOf, hostileBatch, messageFaults } from './hostile-strings.ts';

const AT = '2026-01-05T10:00:00Z';
const all = (m: SlackMessage) => [m, ...(m.continuations ?? [])];

describe('truncate', () => {
  it.each([
    ['an entity', esc('&'.repeat(50)), 23],
    ['a surrogate pair', '🚀'.repeat(50), 24],
    ['a date of ours', `x <!date^1700000000^{date_num}|2023-11-14> ${'y'.repeat(50)}`, 20],
    ['a mention of ours', `${'x'.repeat(10)} <@U0ALICE> ${'y'.repeat(50)}`, 18],
  ])('never cuts %s', (_what, s, max) => {
    for (let m = 2; m <= max; m++) {
      const t = truncate(s, m);
      expect(t.length).toBeLessThanOrEqual(m);
      expect(t.endsWith('…')).toBe(true);
      expect(faultsOf(t).filter((f) => !f.startsWith('live'))).toEqual([]);
      expect(t).not.toMatch(/<[!@][^>]*$/);
    }
  });

  it('closes a code block it cuts, within the limit', () => {
    for (let m = 8; m < 60; m++) {
      const t = truncate(codeBlock('z'.repeat(100)), m);
      expect(t.length).toBeLessThanOrEqual(m);
      expect((t.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it('code spans survive backticks and newlines in what they show', () => {
    expect(code('a`b\nc')).toBe("`a'b c`");
    expect(code('')).toBe('`-`');
    expect(renderMessage({ text: code('<!here> & `x`') })).toBe("`<!here> & 'x'`");
  });
});

describe('fitBlocks', () => {
  it('50 full sections are cut to the message budget, evenly, and pass the strict validation', () => {
    const blocks: Block[] = Array.from({ length: 60 }, (_, i) => section(`${i} ${esc('<&>'.repeat(1000))}`));
    const fitted = fitBlocks(blocks);
    expect(fitted).toHaveLength(MESSAGE_BUDGET.blocks);
    expect(blockTextLength(fitted)).toBeLessThanOrEqual(MESSAGE_BUDGET.blockText);
    expect(validateMessage({ text: 'x', blocks: fitted })).toBeUndefined();
    for (const b of fitted) expect(faultsOf((b as { text: { text: string } }).text.text)).toEqual([]);
  });

  it('leaves a message within the budget untouched', () => {
    const blocks = [section('a'), section('b'.repeat(2900))];
    expect(fitBlocks(blocks)).toEqual(blocks);
  });
});

describe('the batch plan at any size', () => {
  it.each([1, 20, 60, 150, 1000])('%i instances and 50 refusal reasons: every message validates, and every instance is in a message or the file', (n) => {
    const plan = hostileBatch('i-bp1', n, 50);
    const msg = batchPlanReply(plan, AT);
    for (const m of all(msg)) expect(validateMessage(m)).toBeUndefined();
    expect(messageFaults(msg)).toEqual([]);
    const shown = all(msg).map((m) => renderMessage(m)).join('\n').replace(/[`*]/g, '');
    if (msg.file) {
      expect(msg.continuations).toBeUndefined();
      expect(shown).toContain(`is in the file ${msg.file.filename} in this thread`);
      const lines = msg.file.content.trim().split('\r\n');
      expect(lines).toHaveLength(1 + n + 50);
      for (const it of plan.items) expect(lines.some((l) => l.startsWith(`${it.instanceId},`))).toBe(true);
    } else {
      for (const it of plan.items) expect(shown).toContain(`• ${it.instanceId}${it.canary ? ' canary' : ''}: move in place`);
      for (const s of plan.skipped) expect(shown).toContain(s.instanceId);
      msg.continuations?.forEach((c, i) => expect(c.text).toContain(`(continued ${i + 2}/${msg.continuations!.length + 1})`));
    }
    expect(n === 1000 ? Boolean(msg.file) : true).toBe(true);
  });

  it('128-character names in any script fit, with nothing cut in half', () => {
    for (const name of ['日本語'.repeat(43).slice(0, 128), 'عربي'.repeat(32), '𝒩'.repeat(64), 'Ω'.repeat(128)]) {
      const msg = batchPlanReply(hostileBatch(name, 200, 50), AT);
      for (const m of all(msg)) expect(validateMessage(m)).toBeUndefined();
      expect(messageFaults(msg)).toEqual([]);
    }
  });
});
