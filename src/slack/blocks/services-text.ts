// The guest's services in Slack: the plan's per-port verdicts, and the before/after table beside the egress IP.
// Everything the guest said (process names, rules, first bytes) is untrusted: escaped, cut, and inside code.
import type { PortEvidence } from '../../domain/events.ts';
import type { Plan } from '../../domain/plan-types.ts';
import { fixText, reasonText, type PortExposure } from '../../domain/service-exposure.ts';
import { code, codeBlock, escCut, section, truncate, type Block } from './format.ts';

const STATUS: Record<PortExposure['status'], string> = {
  ok: 'answers through the ENI', fixed: 'fixed by --configure-guest', accepted: 'at risk, accepted (--accept-port)',
  at_risk: 'at risk', closed_before: 'not answering now (host firewall)',
};

/** One line per carried TCP port, then UDP ("not checked from outside") and ports the mapping does not carry. */
export function servicesBlock(plan: Plan): Block | undefined {
  const s = plan.services;
  if (!s) return undefined;
  if (!s.checked) return section(`*Services*: not checked (${escCut(s.reason, 300)})`);
  const lines = s.tcp.slice(0, 30).map((p) => {
    const name = [p.service, p.process].filter(Boolean).join(', ');
    const why = p.reasons.length && p.status !== 'ok' ? `: ${escCut(p.reasons.map((r) => reasonText(r, s.newDevice)).join('; '), 400)}` : '';
    const fix = p.status === 'fixed' ? ` — will ${escCut(fixText(p, s.newDevice), 400)}` : '';
    return `• TCP ${p.port}${name ? ` ${code(truncate(name, 60))}` : ''} on ${code(p.bindIp)}: ${STATUS[p.status]}${why}${fix}`;
  });
  if (s.tcp.length > 30) lines.push(`• … and ${s.tcp.length - 30} more TCP ports`);
  if (s.udp.length) lines.push(`• UDP ${s.udp.slice(0, 20).map((u) => code(`${u.port}${u.process ? ` ${truncate(u.process, 40)}` : ''}`)).join(', ')}: not checked from outside`);
  if (s.notCarried.length) lines.push(`• Not carried by the new mapping: TCP ${s.notCarried.slice(0, 20).join(', ')}`);
  // One section holds at most 3,000 characters: the list is cut there (the plan's file of record is the job record).
  return section(truncate(`*Services* (listening sockets in the guest):\n${lines.join('\n') || '• none found besides loopback'}`, 2900));
}

/** Printable first bytes: one line, control characters shown as escapes, cut short. */
function firstBytesText(b: string | undefined): string {
  if (!b) return '';
  // eslint-disable-next-line no-control-regex
  return truncate(b.replace(/\r?\n[\s\S]*$/, '').replace(/[\u0000-\u001F\u007F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`), 40);
}

/** The compact before/after table (a code block: nothing in it can be a mention or a link). */
export function portsTable(ports: PortEvidence[]): string {
  const yes = (v: boolean | undefined, accepted?: boolean) => (v === undefined ? '-' : v ? 'yes' : accepted ? 'no (accepted)' : 'NO');
  const rows = [['port', 'service', 'before', 'after', 'first bytes'], ...ports.slice(0, 64).map((p) => [
    String(p.port), truncate(p.service ?? p.process ?? '', 14), yes(p.before), p.before ? yes(p.after, p.accepted) : 'not probed', firstBytesText(p.firstBytes),
  ])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return codeBlock(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n'), 2900);
}

/** "3 of 3 service ports answer" (after the cutover; before it, the baseline count). */
export function portsSummary(ports: PortEvidence[]): string {
  const probed = ports.filter((p) => p.before);
  const answering = probed.filter((p) => p.after).length;
  return `${answering} of ${probed.length} service port${probed.length === 1 ? '' : 's'} answer`;
}
