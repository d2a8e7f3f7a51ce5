// Merging a job's waiting audit replies into one post (pure): replies keep their blocks between dividers, a batch's
// instance lines become lines of shared sections with their hint once, and a merge is refused past its limits.
import { describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/domain/events.ts';
import { batchInstanceReply } from '../../src/slack/blocks/batch-card.ts';
import { line, type Block, type SlackMessage } from '../../src/slack/blocks/format.ts';
import { canMerge, MAX_MERGED, MAX_MERGED_ENTRIES, mergeReplies } from '../../src/slack/outbox/merged-replies.ts';
import { validateMessage } from '../../src/slack-sim/block-validation.ts';
import { HOSTILE } from './hostile-strings.ts';

const at = '2026-12-07T10:00:00.000Z';
const instance = (i: number, over: Partial<Extract<MigrationEvent, { type: 'batch.instance' }>> = {}, lang: 'en' | 'ja' = 'en'): SlackMessage =>
  batchInstanceReply({
    type: 'batch.instance', jobId: 'batch-cn-hangzhou-x', at, instanceId: `i-bp1list${String(i).padStart(4, '0')}`, childJobId: `migrate-cn-hangzhou-i-bp1list${i}-1`,
    canary: i === 0, outcome: 'migrated', summary: `i-bp1list${i} now receives 203.0.113.${i % 250} on ENI eni-bp1${'x'.repeat(17)} (192.168.20.${i % 250}) and egresses through SNAT as 203.0.113.1; verified.`, ...over,
  }, lang);
const types = (m: SlackMessage) => (m.blocks ?? []).map((b) => (b as { type: string }).type);
const textOf = (b: Block) => (b as { text?: { text: string } }).text?.text ?? '';
const sectionsText = (m: SlackMessage) => (m.blocks ?? []).filter((b) => (b as { type: string }).type === 'section').map(textOf).join('\n');

describe('merged replies', () => {
  it('instance lines share sections in order, each section within Slack\'s 3,000 characters, with the hint once', () => {
    const parts = Array.from({ length: 30 }, (_, i) => instance(i));
    const merged = mergeReplies(parts);
    expect(types(merged).filter((t) => t === 'context')).toHaveLength(1);
    expect(types(merged).at(-1)).toBe('context');
    expect(types(merged)).not.toContain('divider');
    const sections = (merged.blocks ?? []).filter((b) => (b as { type: string }).type === 'section').map(textOf);
    expect(sections.length).toBeGreaterThan(1);
    expect(sections.length).toBeLessThan(parts.length);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(3000);
    // Every line, whole and in order, with its own job id.
    const all = sectionsText(merged);
    let from = 0;
    for (const p of parts) {
      const i = all.indexOf(p.entry!.line, from);
      expect(i, p.entry!.line.slice(0, 60)).toBeGreaterThanOrEqual(from);
      from = i + p.entry!.line.length;
    }
    expect(all).toContain('job `migrate-cn-hangzhou-i-bp1list29-1`');
    expect(validateMessage(merged)).toBeUndefined();
  });

  it('a reply of another kind keeps its blocks between dividers, and a list resumes after it', () => {
    const note = line('10:00 a note between the lines');
    const merged = mergeReplies([instance(1), instance(2), note, instance(3)]);
    expect(types(merged)).toEqual(['section', 'context', 'divider', 'section', 'divider', 'section', 'context']);
    expect(textOf(merged.blocks![3]!)).toBe('10:00 a note between the lines');
  });

  it('an instance line with its service-port table is no list entry: it keeps its own blocks', () => {
    const withPorts = instance(7, { ports: [{ port: 443, service: 'nginx', before: true, after: true }] });
    expect(withPorts.entry).toBeUndefined();
    expect(types(mergeReplies([instance(6), withPorts]))).toEqual(['section', 'context', 'divider', 'section', 'section', 'context']);
  });

  it('in Japanese the hint is Japanese, once', () => {
    const merged = mergeReplies([instance(1, {}, 'ja'), instance(2, {}, 'ja')]);
    const hint = merged.blocks!.at(-1) as { elements: { text: string }[] };
    expect(hint.elements).toHaveLength(1);
    expect(hint.elements[0]!.text).toContain('各行のジョブ ID');
  });

  it('text from outside stays data in a list: hostile summaries are escaped, and the post stays valid', () => {
    const parts = Object.values(HOSTILE).slice(0, 12).map((s, i) => instance(i, { summary: s }));
    const merged = mergeReplies(parts.filter((p) => canMerge([p])));
    expect(validateMessage(merged)).toBeUndefined();
    expect(sectionsText(merged)).not.toMatch(/<!(channel|here|everyone)>/);
  });

  it.each([
    ['40 instance lines', Array.from({ length: MAX_MERGED_ENTRIES }, (_, i) => instance(i, { summary: 'ok' })), true],
    ['41 instance lines', Array.from({ length: MAX_MERGED_ENTRIES + 1 }, (_, i) => instance(i, { summary: 'ok' })), false],
    [`${MAX_MERGED} other replies`, Array.from({ length: MAX_MERGED }, (_, i) => line(`reply ${i}`)), true],
    [`${MAX_MERGED + 1} other replies`, Array.from({ length: MAX_MERGED + 1 }, (_, i) => line(`reply ${i}`)), false],
    ['lines past 9,000 characters of block text', Array.from({ length: 8 }, (_, i) => instance(i, { summary: 'y'.repeat(1400) })), false],
  ])('canMerge: %s → %s', (_what, parts, ok) => {
    expect(canMerge(parts)).toBe(ok);
  });
});
