import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogKeys, msg } from '../../src/i18n/catalog.ts';
import { LANGS } from '../../src/i18n/lang.ts';
import { displayTimeZone, formatDateTime, inTimeZone, setDisplayTimeZone } from '../../src/i18n/time.ts';
import { noteReason, outcomeSummaryOf } from '../../src/engine/migration/summary.ts';
import type { JobData } from '../../src/engine/job-data.ts';
import type { JobOutcome } from '../../src/domain/events.ts';
import { parseCommand } from '../../src/domain/command.ts';
import type { CommandRefusalCode } from '../../src/domain/command-refusal.ts';
import { idProblem } from '../../src/domain/ids.ts';
import type { RequestProblem } from '../../src/domain/request-problem.ts';
import { RECORD_STEP_NAMES, STEPS } from '../../src/domain/steps.ts';
import type { PlanWarning } from '../../src/domain/plan-warning.ts';
import type { DriftReason, OutcomeText, ReconcileSituation, ServiceAnswer, StepFailureText } from '../../src/domain/job-text.ts';
import type { BadOptionProblem, Refusal } from '../../src/domain/plan-types.ts';
import type { WinVerdict } from '../../src/domain/service-exposure.ts';
import type { WorldProblem } from '../../src/demo/world-problem.ts';
import { refusalCard } from '../../src/slack/blocks/plan-card.ts';
import { reasonText, stepErrorText, summaryText } from '../../src/slack/blocks/format.ts';
import { resultCard } from '../../src/slack/blocks/result-card.ts';
import { batchSummary } from '../../src/engine/fleet/batch-summary.ts';
import type { BatchItem, BatchItemStatus, BatchPlan } from '../../src/domain/batch-plan.ts';
import type { BatchRecord } from '../../src/engine/store/fleet-records.ts';

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
      ja.progCleanupFailed({ step: 'bot', timedOutAfterS: 10 }),
    ];
    for (const s of samples) expect(s).toMatch(JAPANESE);
    // Every step the engine has a Japanese title.
    for (const step of Object.keys(STEPS)) expect(ja.stepTitle({ step, title: 'English' }), step).toMatch(JAPANESE);
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
    expect(en.progCleanupFailed({ step: 'bot', timedOutAfterS: 10 })).toBe('cleanup: bot: took over 10 s');
    expect(ja.progCleanupFailed({ step: 'bot', timedOutAfterS: 10 })).not.toMatch(/took over/);
    expect(en.stepTitle({ step: 'delete_entry', title: 'Delete the DNAT IP mapping' })).toBe('Delete the DNAT IP mapping');
    // Command words stay English in the Japanese help.
    for (const w of ['/natmigrate plan', '/natmigrate run', '--ports', '--configure-guest', '/natmigrate config language']) expect(ja.helpLines()).toContain(w);
  });
});

describe('the plan\'s warnings', () => {
  const eip = '203.0.113.10';
  const warnings: PlanWarning[] = [
    { code: 'verify_port_not_forwarded', ports: '80,443', port: 22, probe: 'SSH', eip },
    { code: 'security_group_unreadable', groups: ['sg-1'], port: 22 },
    { code: 'security_group_closed', groups: ['sg-1'], port: 22, shadowedBy: 'sgr-9', probe: 'SSH', eip },
    { code: 'entry_not_available', entry: 'fwd-1', status: 'Pending' },
    { code: 'guest_stack_unknown', error: 'timeout' },
    { code: 'guest_routing_needed', eip },
    { code: 'windows_metric' },
    { code: 'port_entries_stay', entries: [{ id: 'fwd-2', entry: 'TCP 203.0.113.10:80 → 192.168.1.10:80' }, { id: 'fwd-3', entry: 'TCP 203.0.113.10:443 → 192.168.1.10:443' }] },
    { code: 'stop_to_attach', instanceId: 'i-bp1web', instanceType: 'ecs.t5-lc1m1.small', family: 'ecs.t5' },
    { code: 'services_unchecked', reason: 'Cloud Assistant timed out' },
  ];
  it.each(warnings.map((w) => [w.code, w] as const))('%s: worded in both languages from the same facts, ids and addresses kept', (_code, w) => {
    const ja = msg('ja').planWarning({ w });
    const en = msg('en').planWarning({ w });
    expect(ja).toMatch(JAPANESE);
    expect(ja).not.toMatch(/\b(?:does not|could not|the guest|will likely|stay as they are|was not|is skipped|waits until)\b/i);
    expect(en).not.toMatch(JAPANESE);
    for (const id of en.match(/(?:sgr?|fwd)-\d|203\.0\.113\.10|i-bp1web|ecs\.t5[\w.-]*|Pending|timeout|Cloud Assistant timed out|--ports 80,443/g) ?? []) expect(ja).toContain(id);
  });
  it('keeps the English the engine wrote before (searchable), and shows a plan recorded with English warnings as it is', () => {
    expect(msg('en').planWarning({ w: warnings[0]! })).toBe('--ports 80,443 does not include 22, so the SSH check through 203.0.113.10 is skipped; only the egress IP is verified.');
    expect(msg('en').planWarning({ w: { code: 'verify_port_not_forwarded', ports: '80', port: 2222, probe: 'TCP', eip } })).toContain('the TCP 2222 check');
    expect(msg('ja').planWarning({ w: 'Something recorded before.' })).toBe('Something recorded before.');
    expect(msg('ja').refusalExplain({ code: 'NoSnatCoverage' })).toMatch(/SNATエントリ/);
    expect(msg('en').refusalExplain({ code: 'NoSnatCoverage' })).toBe('');
  });
});

describe('pre-flight refusals', () => {
  const problems: BadOptionProblem[] = ['ports_empty', 'ports_too_many', 'ports_invalid', 'ports_repeated', 'vswitch_not_found', 'vswitch_other_vpc',
    'vswitch_other_zone', 'security_groups_empty', 'security_group_not_found', 'security_group_other_vpc'];
  it('every BadOption problem is explained in Japanese on its own (not only "an option is wrong")', () => {
    const generic = msg('ja').refusalExplain({ code: 'BadOption' });
    for (const problem of problems) {
      const t = msg('ja').refusalExplain({ code: 'BadOption', problem });
      expect(t, problem).toMatch(JAPANESE);
      expect(t, problem).not.toBe(generic);
    }
  });
  it('a Japanese refusal card says the code in Japanese and shows the facts as data, without the engine\'s English sentence', () => {
    const refusal = buildPlanRefusal();
    const card = refusalCard(refusal, { jobId: 'migrate-x-1', instanceId: 'i-bp1web' }, 'ja');
    const all = JSON.stringify(card);
    expect(all).toContain('`BadOption`');
    expect(all).toContain('vsw-other');
    expect(all).toMatch(/インスタンスと同じゾーンに作る必要があります/);
    expect(all).not.toContain('pick a vSwitch');
    // English keeps the engine's sentence.
    expect(JSON.stringify(refusalCard(refusal, { jobId: 'migrate-x-1', instanceId: 'i-bp1web' }, 'en'))).toContain('pick a vSwitch');
  });
  function buildPlanRefusal(): Refusal {
    return { code: 'BadOption', message: 'vSwitch vsw-other is in zone cn-hangzhou-j, but the ENI must be in the instance\'s zone cn-hangzhou-k; pick a vSwitch in cn-hangzhou-k.',
      details: { problem: 'vswitch_other_zone', vSwitchId: 'vsw-other', zoneId: 'cn-hangzhou-j' } };
  }
});

describe('a finished job\'s one-line summary', () => {
  const recipe = { forwardTableId: 'ftb-1', externalIp: '203.0.113.10', externalPort: 'Any', internalIp: '192.168.1.10', internalPort: 'Any', ipProtocol: 'Any' };
  const base = {
    instanceId: 'i-bp1web', eniId: 'eni-bp1x', eniIp: '192.168.1.99', migrationJobId: 'migrate-cn-hangzhou-i-bp1web-1',
    plan: { entryToDelete: { externalIp: '203.0.113.10' }, expectedEgressIps: ['203.0.113.20'] },
  } as unknown as JobData;
  const saved = { ...base, original: { restoreRecipe: recipe }, restoredEntryId: 'fwd-2' } as unknown as JobData;
  const withReason = (j: JobData, ...rs: Parameters<typeof noteReason>[1][]): JobData => {
    const c = structuredClone(j);
    for (const [i, r] of rs.entries()) noteReason(c, r, i ? 'append' : 'replace');
    return c;
  };
  const cases: [JobOutcome, JobData][] = [
    ['migrated', base], ['refused', withReason(base, { code: 'refused', refusal: 'NoSnatCoverage', message: 'No Available SNAT entry covers instance i-bp1web.' })],
    ['rejected', withReason(base, { code: 'rejected', by: ['U0BOB'] })], ['expired', withReason(base, { code: 'expired', before: '2026-12-06T20:01:02.000Z' })],
    ['cancelled', withReason(saved, { code: 'cancelled', by: 'U0ALICE' })], ['cancelled', base], ['restored', saved],
    ['verify_failed', withReason(base, { code: 'verify_failed', problems: { ssh: 'ECONNREFUSED', lostPorts: [80] }, autoRollbackOff: true })], ['rolled_back', saved],
    ['failed', { ...base, error: { code: 'Throttling', message: 'slow down' } } as unknown as JobData], ['failed', saved],
    ['failed', withReason({ ...base, original: { restoreRecipe: recipe } } as unknown as JobData,
      { code: 'step_failed', step: 'create_entry', error: 'Throttling', message: 'Request was denied due to request throttling.' },
      { code: 'step_failed', step: 'restore_create_original', error: 'InternalError' })],
  ];
  // Sentences of the engine's English a Japanese summary must not carry (the facts' data may stay English).
  const ENGLISH = /\b(?:now receives|egresses|staged ENI|was removed|nothing else|the cutover|not touched|is in place|Needs attention|failed:|cancelled by|rejected by|nobody approved|verification failed|then|Refused by|Rolled back|is back)\b/;
  it.each(cases)('%s: the facts are worded in Japanese from the catalog, ids, codes and addresses kept; English as the engine wrote it', (outcome, j) => {
    const { summary, text } = outcomeSummaryOf(j, outcome);
    const ja = msg('ja').outcomeText({ text });
    expect(ja, summary).toMatch(JAPANESE);
    expect(ja, ja).not.toMatch(ENGLISH);
    // A refusal's ids are on its card; its summary names the code and what it means.
    if (outcome !== 'refused') for (const id of summary.match(/i-bp1web|eni-bp1x|U0\w+|203\.0\.113\.\d+|192\.168\.1\.\d+|Throttling|InternalError|NoSnatCoverage|migrate-cn-hangzhou-i-bp1web-1/g) ?? []) expect(ja).toContain(id);
    expect(msg('en').outcomeText({ text })).toBe(summary);
    expect(summary).not.toMatch(JAPANESE);
  });
  it('keeps the English wording the records had (searchable, and what logs and the CLI show)', () => {
    const failed = withReason({ ...base, original: { restoreRecipe: recipe } } as unknown as JobData,
      { code: 'step_failed', step: 'create_entry', error: 'Throttling', message: 'slow down' }, { code: 'cancelled', by: 'U0ALICE' });
    expect(outcomeSummaryOf(failed, 'failed').summary).toBe(
      'Failed: Create the DNAT entry to the ENI failed: Throttling (slow down); then cancelled by U0ALICE. Needs attention: the original mapping may be missing; recreate it with CreateForwardEntry '
      + '{"externalIp":"203.0.113.10","externalPort":"Any","forwardTableId":"ftb-1","internalIp":"192.168.1.10","internalPort":"Any","ipProtocol":"Any"}.');
    expect(failed.reason).toBe('Create the DNAT entry to the ENI failed: Throttling (slow down); then cancelled by U0ALICE');
    expect(outcomeSummaryOf(withReason(base, { code: 'rejected', by: ['U0BOB', 'U0CAROL'] }), 'rejected').summary)
      .toBe('Rejected (rejected by U0BOB, U0CAROL); the staged ENI was removed and nothing else changed.');
  });
  it('a journal from before reasons were codes: its English reason is kept as data inside the Japanese sentence', () => {
    const old = { ...base, reason: 'rejected by U0BOB' } as JobData;
    const { summary, text } = outcomeSummaryOf(old, 'rejected');
    expect(summary).toBe('Rejected (rejected by U0BOB); the staged ENI was removed and nothing else changed.');
    expect(msg('ja').outcomeText({ text })).toBe('却下されました（rejected by U0BOB）。ステージングしたENIを削除し、それ以外は何も変更していません。');
  });
  it('an expired approval\'s time follows the reader\'s language and the zone asked for', () => {
    const { text } = outcomeSummaryOf(withReason(base, { code: 'expired', before: '2026-12-06T20:01:02.000Z' }), 'expired');
    expect(msg('ja').outcomeText({ text, tz: 'Asia/Tokyo' })).toContain('2026/12/07 05:01:02 JST までに誰も承認しませんでした');
    expect(msg('en').outcomeText({ text, tz: 'UTC' })).toContain('nobody approved before Dec 6, 2026, 20:01:02 UTC');
  });
});

describe('records and events written before the engine kept codes', () => {
  it('show their stored English as data (escaped), in a Japanese thread too', () => {
    const stored = 'Rejected (rejected by <@U0BOB> & co); the staged ENI was removed and nothing else changed.';
    expect(summaryText({ summary: stored }, 'ja')).toBe(stored);
    const card = JSON.stringify(resultCard({ jobId: 'migrate-x-1', outcome: 'rejected', summary: stored, at: '2026-12-06T20:01:02.000Z' }, 'ja'));
    expect(card).toContain('rejected by &lt;@U0BOB&gt; &amp; co');
    expect(card).toMatch(/却下/);
    expect(reasonText({ reason: 'rollback of migrate-x-1' }, 'ja')).toBe('rollback of migrate-x-1');
    expect(stepErrorText({ message: 'DNAT entry fwd-1 changed since the approval; not cutting over' }, 'ja')).toBe('DNAT entry fwd-1 changed since the approval; not cutting over');
    // With the codes, the same things are Japanese.
    expect(reasonText({ reason: 'rollback of migrate-x-1', reasons: [{ code: 'rollback_of', job: 'migrate-x-1' }] }, 'ja')).toBe('migrate-x-1 のロールバック');
  });
});

describe('the guest\'s facts on the plan card', () => {
  it('every kind of exposure reason, the fixes and the network method are worded in Japanese from the same facts', () => {
    const ja = msg('ja');
    const reasons = [
      { kind: 'bound_to_primary', address: '192.168.1.10' }, { kind: 'bound_to_address', address: '127.0.0.2' }, { kind: 'bound_to_device', device: 'eth0' },
      { kind: 'firewall', backend: 'iptables', acceptedBy: '-A INPUT -i eth0 -p tcp --dport 80 -j ACCEPT', blockedBy: 'policy DROP' },
      { kind: 'firewall_unknown', rule: '-m bpf' }, { kind: 'rp_filter', value: 1 },
      { kind: 'windows_profile', category: 'Private', acceptedBy: 'rule "Web"', blockedBy: 'no rule allows TCP 80 in the Public profile' },
    ] as const;
    for (const reason of reasons) {
      const t = ja.exposureReason({ reason, newDevice: 'eth1' });
      expect(t, reason.kind).toMatch(JAPANESE);
      expect(msg('en').exposureReason({ reason, newDevice: 'eth1' })).not.toMatch(JAPANESE);
    }
    // Windows' firewall verdicts are facts: the English is the sentence plan hashes always had; the Japanese has no English.
    const verdicts: [WinVerdict, WinVerdict, string][] = [
      [{ by: 'rule_allows', rule: 'World Wide Web Services (HTTP Traffic-In)' }, { by: 'no_rule', port: 80, profile: 'Public' },
        'the new NIC (eth1) lands in an unidentified network with the Public firewall profile, where no rule allows TCP 80 in the Public profile (default inbound: Block); on the primary NIC (Private) rule "World Wide Web Services (HTTP Traffic-In)" allows it'],
      [{ by: 'profile_default', profile: 'Private' }, { by: 'rule_blocks', rule: 'Block web' },
        'the new NIC (eth1) lands in an unidentified network with the Public firewall profile, where rule "Block web" blocks it; on the primary NIC (Private) the Private profile\'s default allows it'],
      [{ by: 'profile_off', profile: 'Private' }, { by: 'no_rule', port: 8080, profile: 'Public' },
        'the new NIC (eth1) lands in an unidentified network with the Public firewall profile, where no rule allows TCP 8080 in the Public profile (default inbound: Block); on the primary NIC (Private) the Private profile is off allows it'],
    ];
    for (const [acceptedBy, blockedBy, english] of verdicts) {
      const reason = { kind: 'windows_profile', category: 'Private', acceptedBy, blockedBy } as const;
      expect(msg('en').exposureReason({ reason, newDevice: 'eth1' })).toBe(english);
      const t = ja.exposureReason({ reason, newDevice: 'eth1' });
      expect(t.replace(/"[^"]*"/g, '""')).not.toMatch(/[a-z]{2,} [a-z]{2,} [a-z]{2,}/i);
      if (acceptedBy.by === 'rule_allows') expect(t).toContain(`ルール "${acceptedBy.rule}" が許可しています`);
    }
    const port = { port: 80, reasons: [{ kind: 'rp_filter', value: 1 }], mirrors: [], windowsFix: { method: 'set_private' } } as never;
    expect(ja.exposureFix({ port, newDevice: 'eth1' })).toMatch(/応答を eth1 経由でポリシールーティング（rp_filter）。eth1 のネットワークをプライマリNICと同じ Private に設定/);
    for (const method of ['netplan', 'networkmanager', 'network-scripts', 'ifupdown', 'windows'] as const) {
      expect(ja.guestConfig({ probe: { method } })).toMatch(JAPANESE);
    }
    expect(ja.guestConfig({ probe: { error: 'timeout' } })).toContain('timeout');
    expect(ja.guestConfig({ probe: undefined })).toMatch(JAPANESE);
  });
});

describe('a finished batch\'s summary', () => {
  const item = (instanceId: string, canary = false) => ({ instanceId, canary }) as unknown as BatchItem;
  const plan = { items: [item('i-bp1a', true), item('i-bp1b')], skipped: [{ instanceId: 'i-bp1c', code: 'NoSnatCoverage', message: 'm' }] } as unknown as BatchPlan;
  const cases: [string, BatchRecord['stop'], Record<string, BatchItemStatus>, JobOutcome | undefined, string][] = [
    ['all migrated', undefined, { 'i-bp1a': 'done', 'i-bp1b': 'done' }, undefined,
      'All 2 instances migrated and verified (canary first: i-bp1a); they now egress through SNAT. Skipped by the pre-flight: i-bp1c (NoSnatCoverage).'],
    ['rejected', { kind: 'rejected', reason: 'rejected by U0BOB', why: { code: 'rejected', by: ['U0BOB'] } }, { 'i-bp1a': 'untouched', 'i-bp1b': 'untouched' }, undefined,
      'Rejected (rejected by U0BOB); no DNAT entry was touched. Untouched (staging undone, DNAT mappings as they were): i-bp1a, i-bp1b. Skipped by the pre-flight: i-bp1c (NoSnatCoverage).'],
    ['canary failed', { kind: 'failure', reason: 'x', instanceId: 'i-bp1a', why: { code: 'child_failed', instanceId: 'i-bp1a', canary: true, outcome: 'restored', text: { outcome: 'restored', reasons: [{ code: 'verify_failed', problems: { ssh: 'timeout' }, autoRollbackOff: false }], mapping: { eip: '203.0.113.10', originalIp: '192.168.1.10' } } } },
      { 'i-bp1a': 'failed', 'i-bp1b': 'untouched' }, 'restored',
      'Stopped: i-bp1a (canary) ended restored: Restored (verification failed (SSH: timeout)): the original mapping 203.0.113.10 → 192.168.1.10 is back and the ENI was removed. Migrated before the stop: none. Not migrated after release: i-bp1a (restored) — original mappings restored. Untouched (staging undone, DNAT mappings as they were): i-bp1b. Skipped by the pre-flight: i-bp1c (NoSnatCoverage).'],
    ['an older record\'s English stop reason', { kind: 'cancelled', reason: 'cancelled by U0ALICE' }, { 'i-bp1a': 'done', 'i-bp1b': 'untouched' }, undefined,
      'Stopped: cancelled by U0ALICE. Migrated before the stop: i-bp1a. Untouched (staging undone, DNAT mappings as they were): i-bp1b. Skipped by the pre-flight: i-bp1c (NoSnatCoverage).'],
  ];
  it.each(cases)('%s: the English is the engine\'s, the Japanese worded from the same facts with the ids kept', (_name, stop, statuses, child, english) => {
    const { summary, text } = batchSummary(plan, stop, (i) => statuses[i.instanceId]!, () => child);
    expect(summary).toBe(english);
    const ja = msg('ja').outcomeText({ text });
    expect(ja).toMatch(JAPANESE);
    expect(ja).not.toMatch(/\b(?:migrated and verified|Untouched|Skipped by|Stopped|no DNAT entry|ended|is back|the ENI was removed|verification failed)\b/);
    for (const id of english.match(/i-bp1\w|U0\w+|NoSnatCoverage|203\.0\.113\.10/g) ?? []) expect(ja).toContain(id);
  });
});

describe('the service\'s answers to cancel and rollback', () => {
  const rb: ServiceAnswer = { answer: 'rollback_queued', job: 'migrate-x-1', rollback: 'rollback-x-1' };
  const answers: [ServiceAnswer, string][] = [
    [{ answer: 'cancelling', job: 'migrate-x-1', state: 'awaiting_approval', effect: 'unstage' }, 'Cancelling migrate-x-1 (awaiting_approval): the staged ENI will be removed; the DNAT mapping is not touched.'],
    [{ answer: 'cancelling', job: 'migrate-x-1', state: 'cutover', effect: 'restore' }, 'Cancelling migrate-x-1 (cutover): the original DNAT mapping will be restored and the ENI removed (no second approval: it returns to the approved starting point).'],
    [{ answer: 'cancelling', job: 'migrate-x-1', state: 'restoring', effect: 'undoing' }, 'Cancelling migrate-x-1 (restoring): it is already undoing its changes; the cancel changes nothing.'],
    [{ answer: 'cancelling', job: 'migrate-x-1', state: 'staging', effect: 'rollback_stops' }, 'Cancelling migrate-x-1 (staging): the rollback stops before changing anything.'],
    [{ answer: 'no_job', job: 'migrate-x-1' }, 'No job migrate-x-1.'],
    [{ answer: 'not_cancellable', job: 'migrate-x-1', kind: 'preview' }, 'migrate-x-1 is a plan only; there is nothing to cancel.'],
    [{ answer: 'not_cancellable', job: 'migrate-x-1', kind: 'scan' }, 'migrate-x-1 is a scan; there is nothing to cancel.'],
    [{ answer: 'already_finished', job: 'migrate-x-1', outcome: 'refused' }, 'migrate-x-1 already finished (refused); nothing to cancel.'],
    [{ answer: 'already_finished', job: 'migrate-x-1', outcome: 'migrated', batch: true }, 'migrate-x-1 already finished (migrated); nothing to cancel. Roll back its migrations one by one if needed.'],
    [{ answer: 'finished_so_rollback', job: 'migrate-x-1', outcome: 'migrated', then: rb }, 'migrate-x-1 already finished (migrated); cancelling it now means rolling it back. Rollback rollback-x-1 of migrate-x-1 queued; it needs an approval before it changes anything.'],
    [{ answer: 'already_cancelling', job: 'migrate-x-1' }, 'migrate-x-1 is already being cancelled.'],
    [{ answer: 'cancelling_batch', job: 'migrate-x-1' }, 'Cancelling batch migrate-x-1: nothing more is released; every child job is cancelled (before its cutover: staging undone; during it: its original mapping restored). Migrations already verified stay.'],
    [{ answer: 'not_migration', job: 'migrate-x-1' }, 'migrate-x-1 is not a migration.'],
    [{ answer: 'not_rollbackable', job: 'migrate-x-1', state: 'finished', outcome: 'refused' }, 'migrate-x-1 is finished as refused; only a migrated (or verify_failed) migration can be rolled back.'],
    [{ answer: 'not_rollbackable', job: 'migrate-x-1', state: 'staging' }, 'migrate-x-1 is staging; only a migrated (or verify_failed) migration can be rolled back.'],
    [{ answer: 'no_original', job: 'migrate-x-1' }, 'migrate-x-1 has no saved original entry to restore.'],
    [{ answer: 'rollback_running', job: 'migrate-x-1', rollback: 'rollback-x-1' }, 'Rollback rollback-x-1 of migrate-x-1 is already running.'],
    [{ answer: 'already_rolled_back', job: 'migrate-x-1', rollback: 'rollback-x-1' }, 'migrate-x-1 was already rolled back by rollback-x-1.'],
    [{ answer: 'instance_busy', instance: 'i-bp1web', holder: 'migrate-x-1' }, 'Instance i-bp1web has an active job migrate-x-1; try again when it is done.'],
    [rb, 'Rollback rollback-x-1 of migrate-x-1 queued; it needs an approval before it changes anything.'],
  ];
  it.each(answers)('%o: English as the engine wrote it; Japanese from the same code, ids kept', (answer, english) => {
    expect(msg('en').serviceAnswerText({ answer })).toBe(english);
    const ja = msg('ja').serviceAnswerText({ answer });
    expect(ja).toMatch(JAPANESE);
    expect(ja).not.toMatch(/ the | will | is |nothing|queued|already/);
    for (const id of english.match(/migrate-x-1|rollback-x-1|i-bp1web|awaiting_approval|(?<=\()cutover|restoring|refused|migrated|scan/g) ?? []) expect(ja).toContain(id);
  });
});

describe('why the engine\'s own checks stopped a step', () => {
  const failures: [StepFailureText, string][] = [
    [{ failure: 'nat_gateway_not_found', gateway: 'ngw-1', region: 'cn-hangzhou' }, 'NAT gateway ngw-1 was not found in region cn-hangzhou; check the id and the --region.'],
    [{ failure: 'bad_target', target: 'xyz' }, 'xyz is neither a NAT gateway id nor a VPC id'],
    [{ failure: 'plan_gone', instance: 'i-bp1web' }, 'the plan of i-bp1web is gone'],
    [{ failure: 'table_lock_lost', table: 'ftb-1', what: 'the entry' }, 'lost the lock of forward table ftb-1; not writing the entry'],
    [{ failure: 'table_lock_lost' }, 'lost the lock of forward table (none held); not writing'],
    [{ failure: 'journal_incomplete', missing: 'plan' }, 'the journal has no plan'],
    [{ failure: 'journal_incomplete', missing: 'forward_table' }, 'no forward table in the journal'],
    [{ failure: 'journal_incomplete', missing: 'eni_ip' }, 'the journal has no ENI private IP'],
    [{ failure: 'cancelled', by: 'U0ALICE' }, 'cancelled by U0ALICE'],
    [{ failure: 'no_power_api' }, 'this cloud adapter cannot stop or start instances'],
    [{ failure: 'interrupted' }, 'worker shutting down; the step will be re-run'],
    [{ failure: 'instance_missing', instance: 'i-bp1web' }, 'instance i-bp1web no longer exists'],
    [{ failure: 'instance_not_running', instance: 'i-bp1web', status: 'Stopping' }, 'instance i-bp1web is Stopping, not Running; it was not stopped'],
    [{ failure: 'entry_not_as_approved', entry: 'fwd-1', status: 'Pending' }, 'DNAT entry fwd-1 is Pending since the approval; not cutting over'],
    [{ failure: 'entry_not_as_approved', entry: 'fwd-1' }, 'DNAT entry fwd-1 is gone since the approval; not cutting over'],
    [{ failure: 'entry_changed', entry: 'fwd-1' }, 'DNAT entry fwd-1 changed since the approval; not cutting over'],
    [{ failure: 'entry_maps_elsewhere', entry: 'fwd-1', ip: '192.168.1.50', original: '192.168.1.10' }, 'DNAT entry fwd-1 maps to 192.168.1.50, neither 192.168.1.10 nor the ENI; not cutting over'],
    [{ failure: 'entry_not_ours', entry: 'fwd-1', ip: '192.168.1.50', eniIp: '192.168.1.99' }, 'DNAT entry fwd-1 maps to 192.168.1.50, not to this job\'s ENI (192.168.1.99); not moving it'],
    [{ failure: 'eip_in_use', eip: '203.0.113.10', entries: ['fwd-2 → 192.168.1.50'] }, 'EIP 203.0.113.10 is used by fwd-2 → 192.168.1.50; cannot recreate the original mapping'],
    [{ failure: 'eni_missing', eni: 'eni-1' }, 'ENI eni-1 no longer exists'],
    [{ failure: 'eni_busy', eni: 'eni-1', status: 'InUse', instance: 'i-other', doing: 'attach' }, 'ENI eni-1 is InUse on i-other, cannot attach it'],
    [{ failure: 'eni_busy', eni: 'eni-1', status: 'InUse', doing: 'delete' }, 'ENI eni-1 is InUse; cannot delete it'],
    [{ failure: 'eni_unconfigurable', eni: 'eni-1' }, 'ENI eni-1 has no MAC/IP to configure'],
    [{ failure: 'vswitch_missing', vswitch: 'vsw-1' }, 'vSwitch vsw-1 not found'],
    [{ failure: 'guest_config_failed', windows: false, status: 'Failed', exitCode: 2, output: 'netplan: error' }, 'configuring the NIC in the guest ended Failed (exit 2): netplan: error'],
    [{ failure: 'guest_config_failed', windows: true, status: 'Failed', output: 'Access denied' }, 'configuring the NIC in the Windows guest ended Failed: Access denied'],
    [{ failure: 'windows_config_missing', problems: ['metric 5'] }, 'the Windows NIC configuration is not in place: metric 5'],
    [{ failure: 'no_migration', job: 'migrate-x-1' }, 'migration migrate-x-1 has no saved original entry to restore'],
  ];
  it.each(failures)('%o: English as the engine wrote it, Japanese from the same facts, ids and guest output kept', (text, english) => {
    expect(msg('en').stepFailureText({ text })).toBe(english);
    const ja = msg('ja').stepFailureText({ text });
    expect(ja).toMatch(JAPANESE);
    expect(ja).not.toMatch(/not cutting over|no longer exists|cannot (?:attach|delete|recreate)|since the approval|not writing|is gone|not found|the journal/);
    for (const id of english.match(/ngw-1|cn-hangzhou|xyz|i-bp1web|ftb-1|U0ALICE|Stopping|Pending|fwd-\d|192\.168\.1\.\d+|203\.0\.113\.10|eni-1|InUse|i-other|vsw-1|netplan: error|Access denied|metric 5|migrate-x-1/g) ?? []) expect(ja).toContain(id);
  });
  it('a failed job\'s reason in Japanese words the engine\'s own check from its facts, and keeps a cloud error\'s text', () => {
    const ja = msg('ja').jobReasons({ reasons: [
      { code: 'step_failed', step: 'modify_entry', error: 'Drift', message: 'DNAT entry fwd-1 changed since the approval; not cutting over', text: { failure: 'entry_changed', entry: 'fwd-1' } },
      { code: 'step_failed', step: 'restore_modify_back', error: 'Throttling.User', message: 'Request was denied due to user flow control.' },
    ] });
    expect(ja).toBe('手順「DNAT IPマッピングをその場でENIに移動（ModifyForwardEntry）」が失敗しました: Drift（DNATエントリ fwd-1 は承認後に変更されたため、切り替えません）。続いて 手順「DNAT IPマッピングをその場でプライマリIPに戻す」が失敗しました: Throttling.User（Request was denied due to user flow control.）');
  });
});

describe('why the drift sweep reported an instance', () => {
  const reasons: [DriftReason, string][] = [
    [{ code: 'dnat_mapping', eip: '203.0.113.10', entry: 'fwd-1', others: ['fwd-2', 'fwd-3'] },
      'egresses through EIP 203.0.113.10 of DNAT IP mapping fwd-1 (and 2 more IP mappings: fwd-2, fwd-3) instead of the SNAT IP'],
    [{ code: 'own_public_ip', ip: '198.51.100.7', eip: true, expected: ['203.0.113.20'] },
      'egresses through its own EIP 198.51.100.7, which wins over DNAT and SNAT; expected 203.0.113.20'],
    [{ code: 'snat_elsewhere', entry: 'snat-9', scope: 'vSwitch vsw-1', ips: ['198.51.100.9'], expected: [] },
      'egresses through SNAT entry snat-9 (vSwitch vsw-1) as 198.51.100.9; expected a SNAT IP of the gateway'],
    [{ code: 'not_answering', probe: 'SSH', eip: '203.0.113.10', port: 22, eniIp: '192.168.1.99', seconds: 15, attempts: 3, error: 'ECONNREFUSED' },
      'SSH through 203.0.113.10:22 (forwarded to 192.168.1.99) did not answer within 15 s after 3 attempts: ECONNREFUSED'],
  ];
  it.each(reasons)('%o: the engine\'s English from the catalog, Japanese from the same facts', (why, english) => {
    expect(msg('en').driftReason({ why })).toBe(english);
    const ja = msg('ja').driftReason({ why });
    expect(ja).toMatch(JAPANESE);
    expect(ja).not.toMatch(/egresses|did not answer|instead of|expected|wins over/);
    for (const id of english.match(/fwd-\d|snat-9|vsw-1|\d+\.\d+\.\d+\.\d+(?::22)?|ECONNREFUSED/g) ?? []) expect(ja).toContain(id);
  });
});

describe('the command parser\'s refusals (codes with facts, worded per reader)', () => {
  const I1 = 'i-bp1aaaaaaaaaaaaaaaaa';
  const I2 = 'i-bp1bbbbbbbbbbbbbbbbb';
  const NGW = 'ngw-bp1ngw000000000000';
  const VPC = 'vpc-bp1vpc000000000000';
  const JOB = `migrate-cn-hangzhou-${I1}`;
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(prefix === 'i-bp1' ? 17 : 15, 'a')}`).join(' ');
  /** What was typed, the refusal's code, and its English: the sentence the parser wrote before it kept codes. */
  const rows: [unknown, CommandRefusalCode, string][] = [
    [42, 'empty', "Empty command. See `/natmigrate help`."],
    ['x'.repeat(4001), 'too_long', "That command is 4001 characters long; keep it under 4000 (at most 50 instances per command)."],
    [I1, 'missing_subcommand', "Missing subcommand: try `/natmigrate plan i-bp1aaaaaaaaaaaaaaaaa` or `/natmigrate run i-bp1aaaaaaaaaaaaaaaaa`."],
    ['xyzzy', 'unknown_subcommand', "Unknown subcommand `xyzzy`; try one of `help`, `plan`, `run`, `status`, `cancel`, `rollback`, `scan`, `config`, `report`."],
    ['migrate', 'unknown_subcommand', "Unknown subcommand `migrate`; did you mean `run`? See `/natmigrate help`."],
    [`plan ${I1} --prots 22`, 'unknown_flag', "Unknown flag `--prots`; did you mean `--ports`? See `/natmigrate help`."],
    [`plan ${I1} --frobnicate`, 'unknown_flag', "Unknown flag `--frobnicate`. See `/natmigrate help`."],
    [`plan ${I1} -ports 22`, 'single_dash', "Flags start with two dashes: write `--ports`, not `-ports`."],
    ['status --ports 22', 'flag_not_here', "`--ports` does not apply to `status`. See `/natmigrate help`."],
    [`run ${I1} --canary 2`, 'flag_needs_all', "`--canary` only applies to `run --all <ngw-id|vpc-id>`."],
    [`plan ${I1} --ports 22 --ports 443`, 'flag_twice', "`--ports` is given twice; give it once."],
    [`plan ${I1} --region`, 'flag_needs_value', "`--region` needs a value, e.g. `--region cn-hangzhou`."],
    [`plan ${I1} --ports`, 'flag_needs_value', "`--ports` needs a value, e.g. `--ports 22,443` or `--ports any`."],
    [`plan ${I1} --accept-port`, 'flag_needs_value', "`--accept-port` needs a value, e.g. `--accept-port 8080` (repeatable, or a comma list)."],
    [`plan ${I1} --configure-guest=maybe`, 'flag_takes_no_value', "`--configure-guest` takes no value (got `maybe`)."],
    [`plan ${I1} --ports ,`, 'ports_empty', "`--ports` needs `any` or a list of TCP ports such as `22,443`."],
    [`plan ${I1} --ports 22-80`, 'port_range', "Port ranges such as `22-80` are not supported; list the ports (at most 20) or use `--ports any`."],
    [`plan ${I1} --ports http`, 'not_a_port', "`http` is not a port; `--ports` takes `any` or TCP port numbers from 1 to 65535 separated by commas, e.g. `22,443`."],
    [`plan ${I1} --ports 70000`, 'port_out_of_range', "Port 70000 is out of range; ports go from 1 to 65535."],
    [`plan ${I1} --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21`, 'too_many_ports', "`--ports` lists 21 ports; at most 20 are allowed (use `--ports any` to forward every port)."],
    [`run --all ${NGW} --canary x`, 'count_not_number', "`--canary` takes a whole number from 1 to 20, not `x`."],
    [`run --all ${NGW} --concurrency 99`, 'count_out_of_range', "`--concurrency` must be from 1 to 20 (got 99)."],
    [`plan ${I1} --verify-port 0`, 'verify_port_bad', "`--verify-port` takes a TCP port from 1 to 65535, not `0`."],
    [`plan ${I1} --accept-port http`, 'accept_port_bad', "`--accept-port` takes TCP ports from 1 to 65535, e.g. `--accept-port 8080` (got `http`)."],
    [`plan ${I1} --security-groups ,`, 'security_groups_empty', "`--security-groups` needs at least one security group id."],
    [`plan ${I1} --security-groups sg-bp1sg00000000000000,sg-bp1sg11111111111111,sg-bp1sg22222222222222,sg-bp1sg33333333333333,sg-bp1sg44444444444444,sg-bp1sg55555555555555`, 'security_groups_too_many', "An ENI can have at most 5 security groups; `--security-groups` lists 6."],
    ['plan i-123', 'bad_id', "`i-123` does not look like an ECS instance id (expected i- followed by 20-ish lowercase letters/digits)."],
    ['plan I-BP1AAAAAAAAAAAAAAAAA', 'bad_id', "`I-BP1AAAAAAAAAAAAAAAAA` has upper-case letters; Alibaba ECS instance ids are lower-case (did you mean `i-bp1aaaaaaaaaaaaaaaaa`?)."],
    [`plan ${VPC}`, 'gateway_for_instance', "`vpc-bp1vpc000000000000` is a VPC id; `plan` takes ECS instance ids (i-…). For a whole NAT gateway or VPC use `/natmigrate scan vpc-bp1vpc000000000000`."],
    [`plan ${I1} --region CN-HANGZHOU`, 'bad_id', "`CN-HANGZHOU` has upper-case letters; region ids are lower-case (did you mean `cn-hangzhou`?)."],
    [`plan ${I1} --region hangzhou`, 'bad_id', "`hangzhou` does not look like an Alibaba Cloud region id (expected something like cn-hangzhou, ap-southeast-1 or us-west-1)."],
    ['run --all ngw-x', 'bad_id', "`ngw-x` does not look like a NAT gateway id (expected ngw- followed by 20-ish lowercase letters/digits) or a VPC id (vpc-…)."],
    ['scan VPC-BP1VPC000000000000', 'bad_id', "`VPC-BP1VPC000000000000` has upper-case letters; Alibaba VPC ids are lower-case (did you mean `vpc-bp1vpc000000000000`?)."],
    [`plan ${I1} --vswitch ${NGW}`, 'bad_id', "`ngw-bp1ngw000000000000` is a NAT gateway id, but a vSwitch id (vsw-…) was expected."],
    [`run ${NGW}`, 'gateway_for_instance', "`ngw-bp1ngw000000000000` is a NAT gateway id; `run` takes ECS instance ids (i-…). For a whole NAT gateway or VPC use `/natmigrate run --all ngw-bp1ngw000000000000`."],
    ['cancel', 'missing_job_id', "Missing job id: `/natmigrate cancel <job-id>` (job ids look like `migrate-cn-hangzhou-i-bp1…`; `/natmigrate status` lists them)."],
    [`cancel ${JOB} ${JOB}`, 'one_job_id', "`cancel` takes one job id (got 2)."],
    [`rollback ${I1}`, 'instance_for_job', "`i-bp1aaaaaaaaaaaaaaaaa` is an instance id; `rollback` takes a job id such as `migrate-<region>-i-bp1aaaaaaaaaaaaaaaaa` — `/natmigrate status i-bp1aaaaaaaaaaaaaaaaa` shows it."],
    ['report job-1', 'bad_job_id', "`job-1` does not look like a job id (expected e.g. `migrate-cn-hangzhou-i-bp1…`)."],
    ['plan', 'missing_plan_instance', "Missing instance id: `/natmigrate plan <instance-id>`, e.g. `/natmigrate plan i-bp1…`."],
    [`plan ${I1} ${I2}`, 'plan_one_instance', "`plan` takes one instance id (got 2); use `run` to migrate several."],
    ['run --all', 'missing_all_target', "Missing target: `/natmigrate run --all <ngw-id|vpc-id> [more]`."],
    [`run --all ${I1}`, 'instance_for_all', "`i-bp1aaaaaaaaaaaaaaaaa` is an instance id; `run --all` takes NAT gateway or VPC ids. Leave out `--all` to migrate instances."],
    [`run --all ${many('ngw-bp1', 11)}`, 'too_many_all_targets', "`run --all` takes at most 10 NAT gateways or VPCs (got 11)."],
    ['run', 'missing_run_instance', "Missing instance id: `/natmigrate run <instance-id> [more ids]`, or `/natmigrate run --all <ngw-id>`."],
    [`run ${many('i-bp1', 51)}`, 'too_many_instances', "Too many instances: 51 (at most 50 per command); split them, or use `run --all <ngw-id>` for a whole NAT gateway."],
    [`status ${I1} ${JOB}`, 'status_one_target', "`status` takes at most one job id or instance id (got 2)."],
    ['status xyz', 'status_bad_target', "`xyz` is neither a job id (e.g. `migrate-cn-hangzhou-i-bp1…`) nor an instance id."],
    ['status I-BP1AAAAAAAAAAAAAAAAA', 'status_bad_target', "`I-BP1AAAAAAAAAAAAAAAAA` is neither a job id (e.g. `migrate-cn-hangzhou-i-bp1…`) nor an instance id (`I-BP1AAAAAAAAAAAAAAAAA` has upper-case letters; Alibaba ECS instance ids are lower-case (did you mean `i-bp1aaaaaaaaaaaaaaaaa`?))."],
    ['config', 'config_what', "`config` sets the channel's language: `/natmigrate config language ja|en|default`."],
    ['config language ja en', 'config_one_value', "`config language` takes one value (got 2)."],
    ['config language fr', 'config_bad_language', "`fr` is not a language natmigrate speaks: use `ja`, `en`, or `default`."],
    ['scan', 'missing_scan_target', "Missing target: `/natmigrate scan <ngw-id|vpc-id>`."],
    [`scan ${NGW} ${VPC}`, 'scan_one_target', "`scan` takes one NAT gateway or VPC id (got 2)."],
    [`scan ${I1}`, 'instance_for_scan', "`i-bp1aaaaaaaaaaaaaaaaa` is an instance id; `scan` takes a NAT gateway or VPC id. For one instance use `/natmigrate plan i-bp1aaaaaaaaaaaaaaaaa`."],
  ];
  /** Every code, so a new one cannot be left out of the table (the type makes this list complete). */
  const EVERY: Record<CommandRefusalCode, true> = Object.fromEntries(rows.map(([, c]) => [c, true])) as Record<CommandRefusalCode, true>;
  const ALL_CODES = Object.keys({
    empty: 1, internal: 1, too_long: 1, missing_subcommand: 1, unknown_subcommand: 1, unknown_flag: 1, single_dash: 1, flag_not_here: 1, flag_needs_all: 1,
    flag_twice: 1, flag_needs_value: 1, flag_takes_no_value: 1, ports_empty: 1, port_range: 1, not_a_port: 1, port_out_of_range: 1, too_many_ports: 1,
    count_not_number: 1, count_out_of_range: 1, verify_port_bad: 1, accept_port_bad: 1, security_groups_empty: 1, security_groups_too_many: 1, bad_id: 1,
    gateway_for_instance: 1, missing_job_id: 1, one_job_id: 1, instance_for_job: 1, bad_job_id: 1, missing_plan_instance: 1, plan_one_instance: 1,
    missing_all_target: 1, instance_for_all: 1, too_many_all_targets: 1, missing_run_instance: 1, too_many_instances: 1, status_one_target: 1,
    status_bad_target: 1, config_what: 1, config_one_value: 1, config_bad_language: 1, missing_scan_target: 1, scan_one_target: 1, instance_for_scan: 1,
  } satisfies Record<CommandRefusalCode, 1>);

  it('the table has a row for every refusal the parser can give (all but its own bug, `internal`)', () => {
    expect(Object.keys(EVERY).sort()).toEqual(ALL_CODES.filter((c) => c !== 'internal').sort());
  });

  it.each(rows)('%s → %s: the English as before; the Japanese in Japanese, with what was typed and the command words as they are', (text, code, english) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.code).toBe(code);
    expect(msg('en').commandRefusal({ refusal: r.refusal })).toBe(english);
    const ja = msg('ja').commandRefusal({ refusal: r.refusal });
    expect(ja).toMatch(JAPANESE);
    // Every quoted piece (ids, flags, commands, what was typed) is in the Japanese as it is in the English.
    for (const quoted of english.match(/`[^`]*`/g) ?? []) expect(ja).toContain(quoted);
    // Outside the quotes, no English sentence: at most a name (Alibaba Cloud, natmigrate) between Japanese words.
    expect(ja.replace(/`[^`]*`/g, '`…`'), ja).not.toMatch(/[A-Za-z]{3,}[ ,;]+[A-Za-z]{3,}[ ,;]+[A-Za-z]{2,}/);
    // Slack answers the person in their language: the whole message, escaped, fits an ephemeral answer.
    expect(msg('ja').parseError({ error: ja }).length).toBeLessThan(3000);
  });

  it('the parser\'s own bug has words in both languages too', () => {
    expect(msg('en').commandRefusal({ refusal: { code: 'internal' } })).toBe('Sorry, natmigrate could not read that command. See `/natmigrate help`.');
    expect(msg('ja').commandRefusal({ refusal: { code: 'internal' } })).toMatch(JAPANESE);
  });

  it.each([
    'migrate i-bp1aaaaaaaaaaaaaaaaa', 'plan ｉ－ｂｐ１', 'ｒｕｎ　ｉ－ｂｐ１ａａａａａａａａａａａａａａａａａ　－－ｐｏｒｔｓ　２２、７００００',
  ])('%s (as a Japanese input method types it): refused in Japanese', (text) => {
    const r = parseCommand(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(msg('ja').commandRefusal({ refusal: r.refusal })).toMatch(JAPANESE);
  });

  it('what is wrong with an id reads the same inside a restore\'s answer, in each language', () => {
    const problem = idProblem('eni', 'ENI-BP1AAAAAAAAAAAAAAAAA')!;
    const answer: ServiceAnswer = { answer: 'restore_bad_request', region: 'cn-hangzhou', eni: 'ENI-BP1AAAAAAAAAAAAAAAAA', problem };
    expect(msg('en').serviceAnswerText({ answer })).toBe('`ENI-BP1AAAAAAAAAAAAAAAAA` has upper-case letters; Alibaba ENI ids are lower-case (did you mean `eni-bp1aaaaaaaaaaaaaaaaa`?)');
    expect(msg('ja').serviceAnswerText({ answer })).toBe('`ENI-BP1AAAAAAAAAAAAAAAAA` に大文字が含まれています。Alibaba のENI IDは小文字です（`eni-bp1aaaaaaaaaaaaaaaaa` のことですか？）');
    const region: ServiceAnswer = { answer: 'restore_bad_request', region: 'us-east-1', eni: 'eni-bp1aaaaaaaaaaaaaaaaa', problem: { problem: 'not_configured', kind: 'region', shown: 'us-east-1', configured: ['cn-hangzhou'] } };
    expect(msg('en').serviceAnswerText({ answer: region })).toBe('region `us-east-1` is not configured here (this deployment works in cn-hangzhou)');
    expect(msg('ja').restoreFailed({ message: msg('ja').serviceAnswerText({ answer: region }) })).toContain('リージョン `us-east-1` はここでは設定されていません（このデプロイで使えるのは cn-hangzhou）');
  });
});

describe('dates and times', () => {
  const at = Date.UTC(2026, 11, 6, 20, 1, 2);
  it('follow the language, with the time zone shown', () => {
    expect(formatDateTime(at, 'en')).toBe('Dec 6, 2026, 20:01:02 UTC');
    expect(formatDateTime(at, 'ja')).toBe('2026/12/06 20:01:02 UTC');
    expect(formatDateTime(at, 'ja', 'Asia/Tokyo')).toBe('2026/12/07 05:01:02 JST');
    expect(formatDateTime(at, 'en', 'America/New_York')).toBe('Dec 6, 2026, 15:01:02 EST');
  });
  it('name the zone where the locale has only an offset for it (English has no "JST": "GMT+9" alone is not a zone)', () => {
    const summer = Date.UTC(2026, 6, 6, 20, 1, 2);
    expect(formatDateTime(at, 'en', 'Asia/Tokyo')).toBe('Dec 7, 2026, 05:01:02 GMT+9 (Asia/Tokyo)');
    expect(formatDateTime(at, 'en', 'Asia/Shanghai')).toBe('Dec 7, 2026, 04:01:02 GMT+8 (Asia/Shanghai)');
    expect(formatDateTime(at, 'en', 'Asia/Kolkata')).toBe('Dec 7, 2026, 01:31:02 GMT+5:30 (Asia/Kolkata)');
    expect(formatDateTime(summer, 'en', 'Europe/London')).toBe('Jul 6, 2026, 21:01:02 GMT+1 (Europe/London)');
    expect(formatDateTime(at, 'ja', 'America/New_York')).toBe('2026/12/06 15:01:02 GMT-5 (America/New_York)');
    // Zones the locale names keep their name alone; an Etc/ zone is an offset already.
    expect(formatDateTime(at, 'en', 'Europe/London')).toBe('Dec 6, 2026, 20:01:02 GMT');
    expect(formatDateTime(summer, 'en', 'America/New_York')).toBe('Jul 6, 2026, 16:01:02 EDT');
    expect(formatDateTime(at, 'ja', 'Asia/Tokyo')).toBe('2026/12/07 05:01:02 JST');
    expect(formatDateTime(at, 'en', 'Etc/GMT-9')).toBe('Dec 7, 2026, 05:01:02 GMT+9');
    // The same in a message: an English expiry read in Tokyo.
    const expired = { outcome: 'expired' as const, reasons: [{ code: 'expired' as const, before: '2026-12-06T20:01:02.000Z' }] };
    expect(msg('en').outcomeText({ text: expired })).not.toContain('(Asia/Tokyo)');
    expect(inTimeZone('Asia/Tokyo', () => msg('en').outcomeText({ text: expired }))).toContain('Dec 7, 2026, 05:01:02 GMT+9 (Asia/Tokyo)');
  });
  it('are shown in NATMIGRATE_TIMEZONE by default, and in one person\'s zone inside inTimeZone (then back)', () => {
    const before = displayTimeZone();
    try {
      setDisplayTimeZone('Asia/Tokyo');
      expect(formatDateTime(at, 'en')).toBe('Dec 7, 2026, 05:01:02 GMT+9 (Asia/Tokyo)');
      expect(formatDateTime(at, 'ja')).toBe('2026/12/07 05:01:02 JST');
      expect(inTimeZone('Europe/London', () => formatDateTime(at, 'en'))).toBe('Dec 6, 2026, 20:01:02 GMT');
      expect(inTimeZone(undefined, () => formatDateTime(at, 'ja'))).toBe('2026/12/07 05:01:02 JST');
      expect(formatDateTime(at, 'ja')).toBe('2026/12/07 05:01:02 JST');
      expect(() => inTimeZone('UTC', () => Promise.resolve(1))).toThrow(/synchronously/);
      expect(displayTimeZone()).toBe('Asia/Tokyo');
      expect(() => setDisplayTimeZone('Not/AZone')).toThrow(RangeError);
      expect(displayTimeZone()).toBe('Asia/Tokyo');
      // The engine's facts carry ISO times; the catalog words them in the zone shown.
      const expired = { outcome: 'expired' as const, reasons: [{ code: 'expired' as const, before: '2026-12-06T20:01:02.000Z' }] };
      expect(msg('ja').outcomeText({ text: expired })).toContain('2026/12/07 05:01:02 JST');
    } finally {
      setDisplayTimeZone(before);
    }
  });
});

describe('a dry run\'s and a scan\'s summary (codes with facts, worded per reader)', () => {
  it('a plan made, a scan\'s counts: worded in each language, the English for the record from the same catalog', () => {
    const planned = { readOnly: 'planned' } as const;
    expect(msg('en').outcomeText({ text: planned })).toBe('Plan only; nothing changed.');
    expect(msg('ja').outcomeText({ text: planned })).toBe('計画のみです。何も変更していません。');
    const scanned = { readOnly: 'scanned', instances: 60, needMigration: 48, ready: 44, refused: 4 } as const;
    expect(msg('en').outcomeText({ text: scanned })).toBe('60 instances, 48 egress through a DNAT IP mapping (44 ready to migrate, 4 refused).');
    expect(summaryText({ summary: 'stored English', summaryText: scanned }, 'ja')).toBe('インスタンス 60 台のうち 48 台がDNAT IPマッピング経由で外部に出ています（移行可能 44 台、拒否 4 台）。');
  });
  it('a failed pre-flight or scan: the step in the reader\'s language, the cloud\'s message as data, no English sentence', () => {
    for (const step of ['plan', 'scan']) {
      const text: OutcomeText = { outcome: 'failed', mapping: { state: 'untouched' },
        reasons: [{ code: 'step_failed', step, error: 'Throttling', message: 'Request was denied due to request throttling.' }] };
      const ja = msg('ja').outcomeText({ text });
      expect(ja).toContain('Throttling（Request was denied due to request throttling.）');
      expect(ja).not.toMatch(/Pre-flight|Scan failed|Failed:|not touched/);
      expect(msg('en').outcomeText({ text })).toContain('failed: Throttling (Request was denied due to request throttling.)');
    }
    expect(summaryText({ summary: 'Pre-flight failed: old record' }, 'ja')).toBe('Pre-flight failed: old record');
  });
  it('every step name a record can carry (a migration\'s, a dry run\'s `plan`, a scan\'s `scan`) fails in Japanese words', () => {
    expect(RECORD_STEP_NAMES).toEqual(expect.arrayContaining([...Object.keys(STEPS), 'plan', 'scan']));
    for (const step of RECORD_STEP_NAMES) {
      const text: OutcomeText = { outcome: 'failed', mapping: { state: 'untouched' }, reasons: [{ code: 'step_failed', step, error: 'Throttling' }] };
      const ja = msg('ja').outcomeText({ text });
      const name = /手順「([^」]*)」/.exec(ja)?.[1] ?? '';
      expect(name, step).toMatch(JAPANESE);
      expect(name, step).not.toContain(step);
      expect(msg('ja').stepTitle({ step, title: 'English title' }), step).toBe(name);
    }
  });
});

describe('the answer of a restore from the cloud journal (codes with facts, worded per reader)', () => {
  it('each answer in both languages; reconcile\'s own result and why stay data', () => {
    const cases: [ServiceAnswer, string, string][] = [
      [{ answer: 'restored_from_tags', eni: 'eni-1' }, 'restored the original mapping and removed eni-1', '元のマッピングを復元し、eni-1 を削除しました'],
      [{ answer: 'restore_bad_request', region: 'xx', eni: 'ENI-1' }, 'region xx or ENI ENI-1 is not valid here', 'リージョン xx または ENI ENI-1 はここでは使えません'],
      [{ answer: 'restore_unavailable' }, 'this process cannot restore from the cloud journal', 'このプロセスはクラウドのジャーナルから復元できません'],
      [{ answer: 'restore_eni_gone', eni: 'eni-1' }, 'ENI eni-1 does not exist (any more)', 'ENI eni-1 は（もう）存在しません'],
    ];
    for (const [answer, en, ja] of cases) {
      expect(msg('en').serviceAnswerText({ answer })).toBe(en);
      expect(msg('ja').serviceAnswerText({ answer })).toBe(ja);
      expect(msg('ja').restoreDone({ message: msg('ja').serviceAnswerText({ answer }) })).not.toMatch(/[a-z]{3,} [a-z]{3,} [a-z]{3,}/);
    }
  });
});

describe('why reconcile decided what it did (codes with facts, worded per reader)', () => {
  const targets = [{ ip: '192.168.1.99', entry: 'fwd-9' }];
  const all: ReconcileSituation[] = [
    { code: 'job_running', job: 'migrate-1' },
    { code: 'eni_changing', eni: 'eni-1', status: 'Attaching' },
    { code: 'dnat_changing', entries: [{ entry: 'fwd-1', status: 'Pending' }] },
    { code: 'ended_as_shown', job: 'migrate-1', outcome: 'migrated' },
    { code: 'ended_left_eni', job: 'migrate-1', outcome: 'restored', eni: 'eni-1' },
    { code: 'ended_but_maps', job: 'migrate-1', outcome: 'migrated', eip: '203.0.113.7', targets },
    { code: 'ended_but_maps', job: 'migrate-1', outcome: 'restored', eip: '203.0.113.7', targets: [] },
    { code: 'foreign_mapping', job: 'migrate-1', eip: '203.0.113.7', targets },
    { code: 'maps_both', eip: '203.0.113.7', originalIp: '192.168.1.7' },
    { code: 'maps_to_eni', eip: '203.0.113.7', eni: 'eni-1', eniIp: '192.168.1.50', instance: 'i-1' },
    { code: 'eni_detached', eip: '203.0.113.7', eni: 'eni-1', instance: 'i-1' },
    { code: 'still_original', eip: '203.0.113.7', originalIp: '192.168.1.7' },
    { code: 'maps_nothing', eip: '203.0.113.7' },
    { code: 'eni_gone' },
    { code: 'reads_differed', first: { code: 'maps_nothing', eip: '203.0.113.7' }, then: { code: 'eni_gone' } },
    { code: 'restore_asked', by: 'U0ALICE', before: { code: 'maps_both', eip: '203.0.113.7', originalIp: '192.168.1.7' } },
    { code: 'not_journal' },
    { code: 'other_deployment', deployment: 'prod-2' },
    { code: 'table_busy', table: 'ftb-1' },
  ];
  it('every situation in both languages; the Japanese carries no English sentence, only identifiers and states', () => {
    for (const situation of all) {
      const en = msg('en').reconcileSituation({ situation });
      const ja = msg('ja').reconcileSituation({ situation });
      expect(en.length).toBeGreaterThan(5);
      expect(ja).not.toBe(en);
      expect(ja.replace(/\b(migrated|restored|Attaching|Pending)\b/g, '')).not.toMatch(/[a-z]{3,} [a-z]{2,} [a-z]{2,}/);
    }
  });
  it('the English stays the sentence logs and records had before', () => {
    expect(msg('en').reconcileSituation({ situation: all[7]! })).toBe('EIP 203.0.113.7 maps to 192.168.1.99 (fwd-9), which neither job migrate-1 nor its original made');
    expect(msg('en').reconcileSituation({ situation: all[15]! })).toBe('restore asked for by U0ALICE (EIP 203.0.113.7 maps both to the ENI and to the original 192.168.1.7)');
    expect(msg('ja').reconcileSituation({ situation: all[7]! })).toBe('EIP 203.0.113.7 は 192.168.1.99（fwd-9） にマッピングされていますが、これはジョブ migrate-1 も元の設定も作ったものではありません');
  });
  it('why reconcile skipped an ENI or waits: the English as the engine wrote it before', () => {
    expect(msg('en').reconcileSituation({ situation: all[16]! })).toBe('its tags are not a complete natmigrate journal (an ENI from before the journal, or edited by hand)');
    expect(msg('en').reconcileSituation({ situation: all[17]! })).toBe('made by another deployment (prod-2)');
    expect(msg('en').reconcileSituation({ situation: all[18]! })).toBe('forward table ftb-1 is busy (a job holds its lock)');
    expect(msg('ja').reconcileSituation({ situation: all[18]! })).toBe('転送テーブル ftb-1 は使用中です（ジョブがロックを保持しています）');
  });
  it('an EIP that maps to nothing says so in both languages', () => {
    expect(msg('en').reconcileSituation({ situation: all[6]! })).toBe('job migrate-1 ended restored, but EIP 203.0.113.7 now maps to nothing');
    expect(msg('ja').reconcileSituation({ situation: all[6]! })).toBe('ジョブ migrate-1 は restored で終了しましたが、EIP 203.0.113.7 は現在どこにもマッピングされていません');
  });
  it('the not-restored answer words the situation per reader; an older answer keeps its English as data', () => {
    const answer: ServiceAnswer = { answer: 'not_restored', eni: 'eni-1', result: 'skipped', why: 'old English', situation: all[0]! };
    expect(msg('ja').serviceAnswerText({ answer })).toBe('skipped: ジョブ migrate-1 はまだ実行中で、そのワーカーが管理しています');
    expect(msg('ja').serviceAnswerText({ answer: { answer: 'not_restored', eni: 'eni-1', result: 'skipped', why: 'old English' } })).toBe('skipped: old English');
  });
});

describe('a restore by reconcile (the reason as a code with facts)', () => {
  it('words the reason and the summary in both languages; the failed check\'s text stays data', () => {
    const reason = { code: 'reconcile', lost: true, situation: { code: 'maps_nothing', eip: '203.0.113.7' }, verify: 'ssh: timeout' } as const;
    const text: OutcomeText = { outcome: 'restored', reasons: [reason], mapping: { eip: '203.0.113.7', originalIp: '192.168.1.7' } };
    expect(msg('en').jobReasons({ reasons: [reason] })).toBe('Redis lost this job\'s record; reconcile read it from its ENI\'s tags: EIP 203.0.113.7 maps to nothing: the job stopped between the delete and the create, but verification failed (ssh: timeout)');
    const ja = msg('ja').outcomeText({ text });
    expect(ja).toContain('Redisからジョブの記録が失われたため、リコンサイルがENIのタグから読み取りました: EIP 203.0.113.7 はどこにもマッピングされていません');
    expect(ja).toContain('（ssh: timeout）');
    expect(ja).not.toMatch(/Redis lost|maps to nothing|verification failed/);
    expect(msg('ja').jobReasons({ reasons: [{ code: 'reconcile', lost: false, situation: { code: 'eni_gone' } }] })).toBe('リコンサイル: ENIはもう存在しません');
  });
});

describe('a migration reconcile found cut over and verified', () => {
  it('says so in both languages, with no English sentence in the Japanese', () => {
    const text: OutcomeText = { outcome: 'migrated', instanceId: 'i-1', eip: '203.0.113.7', eniId: 'eni-1', eniIp: '192.168.1.50', egress: ['198.51.100.1'],
      reconciled: { code: 'maps_to_eni', eip: '203.0.113.7', eni: 'eni-1', eniIp: '192.168.1.50', instance: 'i-1' } };
    expect(msg('en').outcomeText({ text })).toBe('Redis lost this job\'s record; reconcile read it from its ENI\'s tags: EIP 203.0.113.7 already maps to ENI eni-1 (192.168.1.50) on i-1. '
      + 'i-1 now receives 203.0.113.7 on ENI eni-1 (192.168.1.50) and egresses through SNAT as 198.51.100.1; verified.');
    const ja = msg('ja').outcomeText({ text });
    expect(ja).toContain('リコンサイルがENIのタグから読み取りました: EIP 203.0.113.7 はすでに i-1 上の ENI eni-1（192.168.1.50）にマッピングされています。');
    expect(ja).not.toMatch(/Redis lost|already maps|verified/);
  });
});

describe('the demo\'s verdict when its instance did not move', () => {
  it('the pre-flight\'s refusal and what the world shows, in each language (the English as the demo printed it)', () => {
    expect(msg('en').demoRefused({ instance: 'i-bp1x', code: 'NoSnatCoverage', message: 'No Available SNAT entry covers instance i-bp1x.' }))
      .toBe('the pre-flight refused i-bp1x: NoSnatCoverage — No Available SNAT entry covers instance i-bp1x.');
    const ja = msg('ja').demoRefused({ instance: 'i-bp1x', code: 'NoSnatCoverage', message: 'No Available SNAT entry covers instance i-bp1x.' });
    expect(ja).toMatch(/^事前チェックで i-bp1x が拒否されました: NoSnatCoverage — .*SNATエントリ/);
    expect(ja).not.toContain('No Available');
    const problems: WorldProblem[] = [
      { code: 'unverified' }, { code: 'no_mapping', instance: 'i-1' }, { code: 'still_primary', ip: '192.168.0.1', entry: 'fwd-1' },
      { code: 'not_on_eni', eip: '203.0.113.1', instance: 'i-1', now: [] }, { code: 'no_snat', instance: 'i-1' },
      { code: 'egress', instance: 'i-1', snat: '203.0.113.9' }, { code: 'rdp', target: '203.0.113.1:3389' },
      { code: 'ssh', target: '203.0.113.1:22', answered: 'x', expected: 'SSH-2.0-OpenSSH_8.0' }, { code: 'engine_egress', snat: '203.0.113.9' },
    ];
    expect(msg('en').demoWorld({ problem: problems[3]! })).toBe('203.0.113.1 does not map to an ENI of i-1 (now: no entry)');
    for (const problem of problems) {
      const t = msg('ja').demoWorld({ problem });
      expect(t, problem.code).toMatch(JAPANESE);
      expect(t.replace(/'[^']*'/g, ''), problem.code).not.toMatch(/[a-z]{3,} [a-z]{3,} [a-z]{3,}/);
    }
  });
});

describe('why the service did not take a request (BadRequestError, a refused batch)', () => {
  const problems: [RequestProblem, string][] = [
    [{ problem: 'not_scan_target', shown: 'sg-bp1x' }, '`sg-bp1x` is neither a NAT gateway id nor a VPC id'],
    [{ problem: 'not_batch_targets', shown: ['sg-1', 'eni-2'] }, 'not NAT gateway, VPC or instance ids: sg-1, eni-2'],
    [{ problem: 'not_batch_targets', shown: [] }, 'not NAT gateway, VPC or instance ids: (none given)'],
    [{ problem: 'unavailable', what: 'scans' }, 'scans are not available in this deployment'],
    [{ problem: 'unavailable', what: 'batches' }, 'batches are not available in this deployment'],
  ];
  it('in English as the engine wrote it; in Japanese, with the ids as given and no English sentence', () => {
    for (const [problem, english] of problems) {
      expect(msg('en').requestProblemText({ problem })).toBe(english);
      const ja = msg('ja').requestProblemText({ problem });
      expect(ja, english).toMatch(JAPANESE);
      expect(ja, english).not.toMatch(/neither|not NAT|none given|not available/);
      if (problem.problem !== 'unavailable') for (const id of [problem.shown].flat()) expect(ja).toContain(id);
    }
  });
  it('a batch\'s skip for an instance with an active job is explained in Japanese (English keeps the engine\'s sentence)', () => {
    expect(msg('en').refusalExplain({ code: 'ActiveJob' })).toBe('');
    expect(msg('ja').refusalExplain({ code: 'ActiveJob' })).toMatch(/実行中のジョブ.*バッチから除外/);
  });
  it('an id or region problem reads as the parser words it', () => {
    const problem = idProblem('instance', 'I-BP1ABCDEFGHIJKLMNOPQ')!;
    for (const lang of LANGS) expect(msg(lang).requestProblemText({ problem })).toBe(msg(lang).idProblemText({ problem }));
  });
});

describe('why the demo could not run or did not pass', () => {
  it('the English as the demo printed it; the Japanese with no English sentence', () => {
    const en = msg('en');
    expect(en.demoTimedOut({ secs: 30, what: en.waitDryRun({ job: 'preview-1' }) })).toBe('timed out after 30 s waiting for the dry run preview-1 in #ops');
    expect(en.demoHttpToClick({ status: 500, who: 'bob', name: 'win-01' })).toBe('the bot answered HTTP 500 to bob\'s click on win-01\'s card');
    expect(en.demoRefusedWrote({ instance: 'i-1', writes: 2 })).toBe('the refused dry run of i-1 changed the cloud (2 writes)');
    const ja = msg('ja');
    const all = [
      ja.demoTimedOut({ secs: 30, what: ja.waitCardOf({ job: 'migrate-1' }) }), ja.demoHttpToClick({ status: 500, who: 'bob' }),
      ja.demoRunNotQueued({ instance: 'i-1', reply: 'x' }), ja.demoNotRefused({ instance: 'i-1', reply: 'x' }), ja.demoInterrupted(),
      ja.demoNoTarget(), ja.demoBadConfig({ problems: ['REDIS_URL: x'] }), ja.demoSlipNotRefused({ reply: 'x' }),
    ];
    for (const t of all) {
      expect(t).toMatch(JAPANESE);
      expect(t, t).not.toMatch(/\b(the|was|not|waiting|answered|refuse)\b/);
    }
  });
});
