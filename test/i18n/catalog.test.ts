import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogKeys, msg } from '../../src/i18n/catalog.ts';
import { LANGS } from '../../src/i18n/lang.ts';
import { formatDateTime } from '../../src/i18n/time.ts';

/**
 * The catalog: the type makes the Japanese half have the English half's keys and parameters at compile time; this
 * checks the same at run time, that no two area files define one key (a spread would silently keep the last), and
 * that the Japanese texts are Japanese.
 */

const DIR = new URL('../../src/i18n/messages/', import.meta.url);
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

async function areas(): Promise<{ area: string; en: Record<string, unknown>; ja: Record<string, unknown> }[]> {
  const names = [...new Set(readdirSync(DIR).map((f) => f.replace(/\.(en|ja)\.ts$/, '')))].sort();
  return Promise.all(names.map(async (area) => ({
    area,
    en: ((await import(new URL(`${area}.en.ts`, DIR).href)) as { en: Record<string, unknown> }).en,
    ja: ((await import(new URL(`${area}.ja.ts`, DIR).href)) as { ja: Record<string, unknown> }).ja,
  })));
}

describe('the message catalog', () => {
  it('has every key in both languages, as functions, in every area file pair', async () => {
    const all = await areas();
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const { area, en, ja } of all) {
      expect(Object.keys(ja).sort(), area).toEqual(Object.keys(en).sort());
      for (const k of Object.keys(en)) {
        expect(typeof en[k], `${area}.${k}`).toBe('function');
        expect(typeof ja[k], `${area}.${k}`).toBe('function');
      }
    }
    for (const lang of LANGS) expect(Object.keys(msg(lang)).sort()).toEqual([...catalogKeys()].sort());
  });

  it('defines each key in exactly one area (so no area overrides another)', async () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const { area, en } of await areas()) {
      for (const k of Object.keys(en)) {
        const other = seen.get(k);
        if (other) clashes.push(`${k}: ${other} and ${area}`);
        seen.set(k, area);
      }
    }
    expect(clashes).toEqual([]);
    expect(catalogKeys().length).toBe(seen.size);
  });

  it('words the same sentences in Japanese (samples from each area), keeping codes and identifiers as they are', () => {
    const ja = msg('ja');
    const en = msg('en');
    const samples = [
      ja.configLanguageSet({ channel: '<#C0OPS>', name: '日本語', lang: 'ja' }),
      ja.auditApproved({ at: 'x', by: '<@U0BOB>' }),
      ja.outcomeLabel({ outcome: 'migrated' }),
      ja.planCutover({ how: ja.cutoverModify() }),
      ja.approvalTitle({ kind: 'migrate', target: 'i-bp1', count: 1, decided: false }),
      ja.batchCanary({ canaries: '`i-bp1`', count: 1 }),
      ja.scanTotals({ instances: 3, need: 2, ready: 1, refused: 1, snat: 1, own: 0, none: 0 }),
      ja.inviteNotMember(),
      ja.helpLines(),
      ja.statusNoActive(),
      ja.clickApproved({ job: '`migrate-x`', n: 1, of: 1 }),
    ];
    for (const s of samples) expect(s).toMatch(JAPANESE);
    // Alibaba's Japanese documentation's words.
    expect(ja.stepTitle({ step: 'delete_entry', title: '' })).toBe('DNAT IPマッピングを削除');
    expect(ja.stepTitle({ step: 'create_eni', title: '' })).toBe('セカンダリENIを作成');
    expect(ja.natGatewayRef({ id: '`ngw-1`' })).toBe('NATゲートウェイ `ngw-1`');
    // Refusal codes stay as they are, so a search of the channel finds them in either language.
    const refused = ja.clickRefused({ code: 'SelfApproval', job: '`migrate-x`', reason: 'You requested migrate-x…' });
    expect(refused).toContain('`SelfApproval`');
    expect(refused).toMatch(JAPANESE);
    expect(ja.refusedHead({ target: 'i-bp1', code: '`ServiceAtRisk`', message: 'm' })).toContain('`ServiceAtRisk`');
    // English is the product's original wording.
    expect(en.stepTitle({ step: 'delete_entry', title: 'Delete the DNAT IP mapping' })).toBe('Delete the DNAT IP mapping');
    // Command words stay English in the Japanese help.
    for (const w of ['/natmigrate plan', '/natmigrate run', '--ports', '--configure-guest', '/natmigrate config language']) expect(ja.helpLines()).toContain(w);
  });
});

describe('dates and times', () => {
  const at = Date.UTC(2026, 11, 6, 20, 1, 2);
  it('follow the language, with the time zone shown', () => {
    expect(formatDateTime(at, 'en')).toBe('Dec 6, 2026, 20:01:02 UTC');
    expect(formatDateTime(at, 'ja')).toBe('2026/12/06 20:01:02 UTC');
    expect(formatDateTime(at, 'ja', 'Asia/Tokyo')).toBe('2026/12/07 05:01:02 JST');
  });
});
