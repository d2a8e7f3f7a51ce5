import type { EgressEvidence, JobOutcome, PortEvidence, SshEvidence } from '../../domain/events.ts';
import { code, codeBlock, context, esc, escCut, section, truncate, when, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';
import { outcomeLabel } from './card-common.ts';
import { portsSummary, portsTable } from './services-text.ts';

/** Verification evidence and the final outcome, as the last replies of a thread. */

function sshText(s: SshEvidence): string {
  const head = `${s.ok ? ':white_check_mark:' : ':x:'} *SSH* ${code(`${s.host}:${s.port}`)} after ${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`;
  const body = s.banner ? `banner ${code(truncate(s.banner, 500))}` : s.error ? `error ${code(truncate(s.error, 500))}` : '';
  return `${head}${body ? `: ${body}` : ''}`;
}

function egressText(e: EgressEvidence): string {
  const head = `${e.ok ? ':white_check_mark:' : ':x:'} *Egress IP* observed ${code(e.observedIp ?? 'none')}, expected ${e.expectedIps.map((ip) => code(ip)).join(' or ') || '—'}`;
  const tail = [e.invokeId ? `Cloud Assistant invocation ${code(e.invokeId)}` : '', e.error ? `error ${code(truncate(e.error, 500))}` : ''].filter(Boolean).join(' · ');
  const raw = e.rawOutput ? `\n${codeBlock(truncate(e.rawOutput, 800))}` : '';
  return `${head}${tail ? `\n${tail}` : ''}${raw}`;
}

function portsText(ports: PortEvidence[]): string {
  const lost = ports.filter((p) => p.before && p.after === false && !p.accepted);
  const head = `${lost.length ? ':x:' : ':white_check_mark:'} *Service ports* through the public IP: ${portsSummary(ports)}${lost.length ? ` — lost: ${lost.map((p) => code(p.port)).join(', ')}` : ''}`;
  return `${head}\n${portsTable(ports)}`;
}

export function verifiedCard(ev: { ok: boolean; ssh: SshEvidence; egress: EgressEvidence; at: string; ports?: PortEvidence[] }): SlackMessage {
  const title = ev.ok ? ':mag: *Verification passed*' : ':mag: *Verification failed*';
  const ports = ev.ports?.length ? ev.ports : undefined;
  return fitMessage({
    text: esc(`Verification ${ev.ok ? 'passed' : 'failed'}: SSH ${ev.ssh.ok ? 'ok' : 'failed'}${ev.ssh.banner ? ` (${truncate(ev.ssh.banner, 300)})` : ''}, egress ${ev.egress.observedIp ?? 'unknown'} (expected ${ev.egress.expectedIps.join(', ')})${ports ? `, ${portsSummary(ports)}` : ''}`),
    blocks: [section(`${title} ${when(ev.at)}`), section(sshText(ev.ssh)), section(egressText(ev.egress)), ...(ports ? [section(portsText(ports))] : [])],
  });
}

export function resultCard(ev: { jobId: string; outcome: JobOutcome; summary: string; at: string }): SlackMessage {
  return fitMessage({
    text: esc(`Finished: ${ev.outcome}: ${ev.summary}`),
    blocks: [section(`:checkered_flag: *Finished* ${when(ev.at)}: *${outcomeLabel(ev.outcome)}*\n${escCut(ev.summary, 2700)}`), context([`job ${code(ev.jobId)}`, `outcome ${code(ev.outcome)}`])],
  });
}
