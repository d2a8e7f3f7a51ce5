import type { EgressEvidence, JobOutcome, PortEvidence, SshEvidence } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { code, codeBlock, context, esc, escCut, section, summaryText, truncate, when, type SlackMessage } from './format.ts';
import type { EngineSummary } from '../../domain/job-text.ts';
import { fitMessage } from './fit.ts';
import { outcomeLabel } from './card-common.ts';
import { portsSummary, portsTable } from './services-text.ts';

/** Verification evidence and the final outcome, as the last replies of a thread. */

function sshText(s: SshEvidence, lang: Lang): string {
  return msg(lang).verifySsh({
    ok: s.ok, target: code(`${s.host}:${s.port}`), attempts: s.attempts,
    ...(s.banner ? { banner: code(truncate(s.banner, 500)) } : s.error ? { error: code(truncate(s.error, 500)) } : {}),
  });
}

function egressText(e: EgressEvidence, lang: Lang): string {
  const m = msg(lang);
  const head = m.verifyEgress({ ok: e.ok, observed: code(e.observedIp ?? m.noneWord()), expected: e.expectedIps.map((ip) => code(ip)).join(m.orWord()) || '—' });
  const tail = [e.invokeId ? m.cloudAssistantInvocation({ id: code(e.invokeId) }) : '', e.error ? m.errorRef({ error: code(truncate(e.error, 500)) }) : ''].filter(Boolean).join(' · ');
  const raw = e.rawOutput ? `\n${codeBlock(truncate(e.rawOutput, 800))}` : '';
  return `${head}${tail ? `\n${tail}` : ''}${raw}`;
}

function portsText(ports: PortEvidence[], lang: Lang): string {
  const lost = ports.filter((p) => p.before && p.after === false && !p.accepted);
  const head = msg(lang).servicePortsLine({ ok: !lost.length, summary: portsSummary(ports, lang), ...(lost.length ? { lost: lost.map((p) => code(p.port)).join(', ') } : {}) });
  return `${head}\n${portsTable(ports, lang)}`;
}

export function verifiedCard(ev: { ok: boolean; ssh: SshEvidence; egress: EgressEvidence; at: string; ports?: PortEvidence[] }, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const ports = ev.ports?.length ? ev.ports : undefined;
  return fitMessage({
    text: esc(m.verificationText({
      ok: ev.ok, ssh: ev.ssh.ok, ...(ev.ssh.banner ? { banner: truncate(ev.ssh.banner, 300) } : {}), observed: ev.egress.observedIp ?? m.unknownWord(),
      expected: ev.egress.expectedIps.join(', '), ...(ports ? { ports: portsSummary(ports, lang) } : {}),
    })),
    blocks: [section(m.verificationTitle({ ok: ev.ok, at: when(ev.at, lang) })), section(sshText(ev.ssh, lang)), section(egressText(ev.egress, lang)), ...(ports ? [section(portsText(ports, lang))] : [])],
  });
}

export function resultCard(ev: { jobId: string; outcome: JobOutcome; summary: string; text?: EngineSummary; at: string }, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const summary = summaryText(ev, lang);
  return fitMessage({
    text: esc(m.finishedText({ outcome: ev.outcome, summary })),
    blocks: [
      section(m.finished({ at: when(ev.at, lang), outcome: outcomeLabel(ev.outcome, lang), summary: escCut(summary, 2700) })),
      context([m.jobRef({ id: code(ev.jobId) }), m.outcomeRef({ outcome: code(ev.outcome) })]),
    ],
  });
}
