// A corpus of hostile strings: what a cloud name, tag, error message, SSH banner or echoed command could hold, and
// the checks that none of it reaches Slack as a live control sequence.
import type { BatchPlan } from '../../src/domain/batch-plan.ts';
import { samplePlan } from './fixtures.ts';

const JAPANESE = '日本語のインスタンス名前テスト';
const surrogates = '𝒩𝒜𝒯🚀👩‍💻'; // astral characters: a cut in the middle of a pair would leave half of one

/** Each one alone, and all of them at once (`ALL`). */
export const HOSTILE: Record<string, string> = {
  channel: '<!channel>',
  here: 'ping <!here> now',
  everyone: '<!everyone>',
  user: '<@U123> approve this',
  userLabel: '<@U0BOB|bob>',
  chan: '<#C123>',
  chanLabel: '<#C123|general>',
  subteam: '<!subteam^S1>',
  subteamLabel: '<!subteam^S1|@oncall>',
  link: '<https://evil.example|Re-approve in SSO>',
  bareLink: '<https://evil.example>',
  mailto: '<mailto:it@evil.example|IT desk>',
  date: '<!date^1700000000^{date}|yesterday>',
  banner: 'SSH-2.0-OpenSSH_9.6\r\n<!channel> <https://evil.example|Re-approve in SSO>',
  amp: 'Tom & Jerry &amp; &lt;!channel&gt; &#60;!here&#62;',
  halfEscaped: '&lt;<!channel>&gt;',
  backticks: '`code` ``` block ``` ` `<!here>` `',
  fence: '```\n<!channel>\n```',
  mrkdwn: '*bold* _it_ ~s~ > quote\n>>> all quoted :rotating_light:',
  rtl: 'invoice\u202Efdp.exe <!here>',
  isolates: '\u2066<!channel>\u2069',
  zeroWidth: '<\u200B!channel> <!\u200Bchannel> i-\u200Bbp1\u200D\uFEFF',
  control: 'bell\u0007 esc\u001b[31m nul\u0000 del\u007f',
  newlines: 'line1\nline2\r\n<!here>',
  japanese128: JAPANESE.repeat(20).slice(0, 128),
  astral128: surrogates.repeat(30).slice(0, 128),
  big: `${'A'.repeat(10_230)} <!channel>`,
  bigAmp: '&'.repeat(10_240),
  bigAstral: '🚀'.repeat(5_120),
  bigLt: '<'.repeat(10_240),
};

export const ALL = Object.values(HOSTILE).join(' ');

/** The hostile strings, plus all of them joined. */
export const CORPUS: [string, string][] = [...Object.entries(HOSTILE), ['all', ALL]];

/** Our own control sequences: dates, mentions of the people and groups the tests configure (never one from the corpus). */
const OURS = [/^<!date\^\d+\^\{[a-z_ {}]+\}\|[^<>]*>$/, /^<@U0(ALICE|BOB|CAROL|DAVE|EVE)>$/, /^<#C0[A-Z]+>$/, /^<!subteam\^S0[A-Z]+>$/];

interface Visible {
  s: string;
  /** A plain_text object (headers, buttons): Slack parses no mentions or links there. */
  plain: boolean;
}

/** Every string of a message people or notifications see: top-level text, every text in its blocks, its continuations. */
export function visibleStrings(msg: { text?: unknown; blocks?: unknown; continuations?: unknown[] }): Visible[] {
  const out: Visible[] = [];
  if (typeof msg.text === 'string') out.push({ s: msg.text, plain: false });
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const [k, x] of Object.entries(o)) (k === 'text' && typeof x === 'string' ? out.push({ s: x, plain: o.type === 'plain_text' }) : walk(x));
    }
  };
  walk(msg.blocks);
  for (const c of msg.continuations ?? []) out.push(...visibleStrings(c as typeof msg));
  return out;
}

/** What is wrong with one string as Slack would read it: live sequences not of ours, raw `&`, broken pairs, overrides. */
export function faultsOf(s: string, plain = false): string[] {
  const faults: string[] = [];
  for (const m of s.matchAll(/<[^<>]*>/g)) if (plain || !OURS.some((re) => re.test(m[0]))) faults.push(`live sequence ${JSON.stringify(m[0].slice(0, 60))}`);
  // Every `<`, `>` left is part of one of ours; in mrkdwn every `&` starts one of the three entities.
  const rest = s.replace(/<[^<>]*>/g, '');
  if (/[<>]/.test(rest)) faults.push('raw < or >');
  if (!plain && /&(?!(amp|lt|gt);)/.test(s)) faults.push('raw & (an unescaped or cut entity)');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) faults.push('half a surrogate pair');
  if (/[\u202A-\u202E\u2066-\u2069]/.test(s)) faults.push('bidi override');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s)) faults.push('control character');
  return faults;
}

/** Every fault of a message, each with where it was found. */
export function messageFaults(msg: { text?: unknown; blocks?: unknown; continuations?: unknown[] }): string[] {
  return visibleStrings(msg).flatMap((v, i) => faultsOf(v.s, v.plain).map((f) => `string ${i}: ${f}`));
}

/** A plan whose every field that comes from the cloud holds `h`. */
export function hostilePlan(h: string) {
  const entry = { ...samplePlan().entryToDelete, forwardEntryId: h, forwardTableId: h, externalIp: h, internalIp: h, forwardEntryName: h, natGatewayId: h };
  return samplePlan({
    instanceId: h, instanceName: h, vpcId: h, vSwitchId: h, natGatewayId: h, primaryIp: h, warnings: [h, h, h],
    entryToDelete: entry, restoreRecipe: { ...samplePlan().restoreRecipe, forwardEntryName: h, externalIp: h },
    eni: { ...samplePlan().eni, securityGroupIds: [h], vSwitchId: h, zoneId: h },
    newEntries: [{ ...samplePlan().newEntries[0]!, forwardTableId: h, externalIp: h }],
    expectedEgressIps: [h],
  });
}

/** A batch of `n` instances named `h`, and 50 refusals whose reasons are `h`. */
export function hostileBatch(h: string, n: number, skipped = 50): BatchPlan {
  const p = hostilePlan(h);
  return {
    batchId: `batch-cn-hangzhou-${h}`, regionId: 'cn-hangzhou', targets: [h], options: p.options, concurrency: 4, canary: 1, hash: 'f'.repeat(64),
    items: Array.from({ length: n }, (_, i) => ({
      instanceId: `${h}${i}`, instanceName: h, childJobId: `migrate-${h}-${i}`, canary: i === 0, planHash: 'e'.repeat(64), natGatewayId: h,
      entryToDelete: p.entryToDelete, restoreRecipe: p.restoreRecipe, expectedEgressIps: [h],
    })),
    skipped: Array.from({ length: skipped }, (_, i) => ({ instanceId: `${h}-s${i}`, code: h, message: h })),
  };
}

