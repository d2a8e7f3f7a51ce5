// The services in Slack with the hostile corpus in every guest-provided field: the plan card and the verified card
// stay inert and within Slack's limits, whatever the guest printed and however many ports it has.
import { describe, expect, it } from 'vitest';
import type { PortEvidence } from '../../src/domain/events.ts';
import type { ServiceReport } from '../../src/domain/service-exposure.ts';
import { planCard } from '../../src/slack/blocks/plan-card.ts';
import { verifiedCard } from '../../src/slack/blocks/result-card.ts';
import { portsTable } from '../../src/slack/blocks/services-text.ts';
import { validateMessage } from '../../src/slack-sim/block-validation.ts';
import { samplePlan } from './fixtures.ts';
import { CORPUS, messageFaults } from './hostile-strings.ts';

function hostileReport(h: string): ServiceReport {
  return {
    checked: true, newDevice: 'eth1', notCarried: [9999],
    udp: [{ protocol: 'udp', bindIp: '0.0.0.0', port: 53, process: h }],
    tcp: Array.from({ length: 40 }, (_, i) => ({
      port: 1000 + i, bindIp: '192.168.0.10', process: h, service: h,
      status: i % 3 === 0 ? 'accepted' as const : i % 3 === 1 ? 'fixed' as const : 'ok' as const,
      reasons: [{ kind: 'firewall' as const, backend: 'iptables' as const, acceptedBy: h, blockedBy: h }, { kind: 'firewall_unknown' as const, rule: h }],
      mirrors: i % 3 === 1 ? [{ backend: 'iptables' as const, position: 1, primaryDev: 'eth0', primaryIp: '192.168.0.10', rule: { target: 'ACCEPT', text: h } }] : [],
    })),
  };
}

describe('services in Slack, hostile guest output', () => {
  it.each(CORPUS)('%s: plan card and verified card are inert and valid', (_name, h) => {
    const plan = planCard(samplePlan({ services: hostileReport(h) }), { jobId: 'job-1' });
    const ports: PortEvidence[] = Array.from({ length: 64 }, (_, i) => ({ port: i + 1, service: h, process: h, before: true, after: i % 2 === 0, firstBytes: h, ...(i % 5 === 0 ? { accepted: true } : {}) }));
    const verified = verifiedCard({ ok: false, at: '2026-12-06T00:00:00Z', ports, ssh: { ok: true, host: '1.2.3.4', port: 22, attempts: 1, banner: h }, egress: { ok: true, expectedIps: ['1.2.3.4'], rawOutput: h } });
    for (const m of [plan, verified]) {
      expect(messageFaults(m)).toEqual([]);
      expect(validateMessage(m)).toBeUndefined();
    }
  });
});

describe('the before/after ports table', () => {
  const ports: PortEvidence[] = [
    { port: 22, service: 'ssh', before: true, after: true, firstBytes: 'SSH-2.0-OpenSSH_8.0' },
    { port: 80, service: 'http', before: false },
    { port: 8080, service: 'http-alt', before: true, after: false, accepted: true },
    { port: 443, service: 'https', before: true, after: false },
  ] as PortEvidence[];
  it('is worded in the reader\'s language, its columns lined up in a monospace font (a wide character takes two columns)', () => {
    expect(portsTable(ports, 'en')).toBe([
      '```port  service   before  after          first bytes',
      '22    ssh       yes     yes            SSH-2.0-OpenSSH_8.0',
      '80    http      NO      not probed',
      '8080  http-alt  yes     no (accepted)',
      '443   https     yes     NO```',
    ].join('\n'));
    const ja = portsTable(ports, 'ja');
    expect(ja).not.toMatch(/\b(yes|NO|not probed|before|after|first bytes)\b/);
    const lines = ja.replace(/```/g, '').split('\n');
    expect(lines).toEqual([
      'ポート  サービス  切替前    切替後            最初のバイト',
      '22      ssh       応答      応答              SSH-2.0-OpenSSH_8.0',
      '80      http      応答なし  未確認',
      '8080    http-alt  応答      応答なし（許容）',
      '443     https     応答      応答なし',
    ]);
  });
});
