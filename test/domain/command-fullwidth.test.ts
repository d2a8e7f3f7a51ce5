import { describe, expect, it } from 'vitest';
import { normalizeCommandText, parseCommand } from '../../src/domain/command.ts';
import { msg } from '../../src/i18n/catalog.ts';

/**
 * What a Japanese input method types: full-width spaces (U+3000), full-width ASCII (U+FF01–U+FF5E), the long-vowel
 * mark for a hyphen and the ideographic comma in lists. The command words stay English; only their width changes.
 */

const I1 = 'i-bp1aaaaaaaaaaaaaaaaa';
const I2 = 'i-bp1bbbbbbbbbbbbbbbbb';
const NGW = 'ngw-bp1ngw000000000000';
const JOB = `migrate-cn-hangzhou-${I1}`;
const ALL = { ports: { kind: 'all' }, configureGuest: false };

/** ASCII → full-width (U+FF01–U+FF5E), as an IME in full-width mode types it. */
const wide = (s: string) => [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c === ' ' ? '\u3000' : c)).join('');

const rows: [string, unknown][] = [
  [wide(`plan ${I1}`), { kind: 'plan', instanceId: I1, options: ALL }],
  [`plan\u3000${wide(I1)}`, { kind: 'plan', instanceId: I1, options: ALL }],
  [`ｐｌａｎ　ｉ－ｂｐ１ａａａａａａａａａａａａａａａａａ`, { kind: 'plan', instanceId: I1, options: ALL }],
  // The long-vowel mark (ー), and its half-width form (ｰ), typed for a hyphen.
  [`plan ｉーｂｐ１ａａａａａａａａａａａａａａａａａ`, { kind: 'plan', instanceId: I1, options: ALL }],
  [`plan iｰbp1aaaaaaaaaaaaaaaaa`, { kind: 'plan', instanceId: I1, options: ALL }],
  [`run ${I1} －－ｐｏｒｔｓ　２２，４４３`, { kind: 'run', instanceIds: [I1], options: { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false } }],
  [`run ${I1} ーーports 22、443`, { kind: 'run', instanceIds: [I1], options: { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false } }],
  [`run ${I1} －－ｐｏｒｔｓ＝ａｎｙ －－ｃｏｎｆｉｇｕｒｅ－ｇｕｅｓｔ`, { kind: 'run', instanceIds: [I1], options: { ports: { kind: 'all' }, configureGuest: true } }],
  [`ｒｕｎ　${wide(I1)}　${wide(I2)}`, { kind: 'run', instanceIds: [I1, I2], options: ALL }],
  [wide(`run --all ${NGW} --canary 2 --concurrency 4`), { kind: 'batch', targets: [NGW], options: ALL, canary: 2, concurrency: 4 }],
  [wide(`status ${JOB}`), { kind: 'status', target: { kind: 'job', jobId: JOB } }],
  [wide(`cancel ${JOB} --region cn-hangzhou`), { kind: 'cancel', jobId: JOB, region: 'cn-hangzhou' }],
  [`\u3000\u3000ｈｅｌｐ\u3000ｒｕｎ\u3000`, { kind: 'help', topic: 'run' }],
  [wide(`scan ${NGW}`), { kind: 'scan', target: NGW, scanTarget: { kind: 'natGateway', natGatewayId: NGW } }],
  // config language (approvers set it; the parser only reads it)
  ['config language ja', { kind: 'config', setting: 'language', value: 'ja' }],
  ['ｃｏｎｆｉｇ　ｌａｎｇｕａｇｅ　ｅｎ', { kind: 'config', setting: 'language', value: 'en' }],
  ['config LANGUAGE Default', { kind: 'config', setting: 'language', value: 'default' }],
  ['config lang', { kind: 'config', setting: 'language' }],
];

describe('full-width input', () => {
  it.each(rows)('%s', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['config', /`config` sets the channel's language/],
    ['config colour blue', /`config` sets the channel's language/],
    ['config language fr', /`fr` is not a language natmigrate speaks/],
    ['config language ja en', /takes one value \(got 2\)/],
    ['config language ja --region cn-hangzhou', /`--region` does not apply to `config`/],
    [`ｐｌａｎ　ｉ－ｂｐ１`, /instance id/i],
  ])('%s is refused: %s', (text, error) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(msg('en').commandRefusal({ refusal: r.refusal })).toMatch(error);
  });

  it('normalizes full-width spaces and ASCII to their plain forms, and leaves other Japanese text alone', () => {
    expect(normalizeCommandText('ｒｕｎ　ｉ－ｂｐ１　－－ｐｏｒｔｓ　２２')).toBe('run i-bp1 --ports 22');
    expect(normalizeCommandText('\u3000plan\u3000')).toBe('plan');
    expect(normalizeCommandText('計画')).toBe('計画');
  });

  it('answers a Japanese word with the English command words', () => {
    const r = parseCommand(`実行 ${I1}`);
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(msg('en').commandRefusal({ refusal: r.refusal })).toMatch(/Unknown subcommand `実行`; try one of `help`, `plan`, `run`/);
  });
});
