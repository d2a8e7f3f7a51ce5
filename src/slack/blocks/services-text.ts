// The guest's services in Slack: the plan's per-port verdicts, and the before/after table beside the egress IP.
// Everything the guest said (process names, rules, first bytes) is untrusted: escaped, cut, and inside code.
import type { PortEvidence } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Plan } from '../../domain/plan-types.ts';
import { fixText, reasonText } from '../../domain/service-exposure.ts';
import { code, codeBlock, escCut, section, truncate, type Block } from './format.ts';

/** One line per carried TCP port, then UDP ("not checked from outside") and ports the mapping does not carry. */
export function servicesBlock(plan: Plan, lang: Lang = 'en'): Block | undefined {
  const m = msg(lang);
  const s = plan.services;
  if (!s) return undefined;
  if (!s.checked) return section(m.servicesNotChecked({ reason: escCut(s.reason, 300) }));
  const lines = s.tcp.slice(0, 30).map((p) => {
    const name = [p.service, p.process].filter(Boolean).join(', ');
    const why = p.reasons.length && p.status !== 'ok' ? escCut(p.reasons.map((r) => m.exposureReason({ reason: r, newDevice: s.newDevice })).join('; '), 400) : '';
    const fix = p.status === 'fixed' ? escCut(m.exposureFix({ port: p, newDevice: s.newDevice }), 400) : '';
    return m.serviceLine({ port: p.port, ...(name ? { name: code(truncate(name, 60)) } : {}), bind: code(p.bindIp), status: m.serviceStatus({ status: p.status }), ...(why ? { why } : {}), ...(fix ? { fix } : {}) });
  });
  if (s.tcp.length > 30) lines.push(m.servicesMoreTcp({ n: s.tcp.length - 30 }));
  if (s.udp.length) lines.push(m.servicesUdp({ list: s.udp.slice(0, 20).map((u) => code(`${u.port}${u.process ? ` ${truncate(u.process, 40)}` : ''}`)).join(', ') }));
  if (s.notCarried.length) lines.push(m.servicesNotCarried({ list: s.notCarried.slice(0, 20).join(', ') }));
  // One section holds at most 3,000 characters: the list is cut there (the plan's file of record is the job record).
  return section(truncate(m.servicesHead({ lines: lines.join('\n') || m.servicesNone() }), 2900));
}

/** Printable first bytes: one line, control characters shown as escapes, cut short. */
function firstBytesText(b: string | undefined): string {
  if (!b) return '';
  // eslint-disable-next-line no-control-regex
  return truncate(b.replace(/\r?\n[\s\S]*$/, '').replace(/[\u0000-\u001F\u007F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`), 40);
}

/** How many columns `s` takes in a monospace font: East Asian wide characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

/** The compact before/after table (a code block: nothing in it can be a mention or a link), its words in `lang`. */
export function portsTable(ports: PortEvidence[], lang: Lang = 'en'): string {
  const m = msg(lang);
  const yes = (v: boolean | undefined, accepted?: boolean) => m.portsTableCell({ answer: v === undefined ? 'unknown' : v ? 'yes' : accepted ? 'accepted' : 'no' });
  const rows = [m.portsTableHead().split('\t'), ...ports.slice(0, 64).map((p) => [
    String(p.port), truncate(p.service ?? p.process ?? '', 14), yes(p.before), p.before ? yes(p.after, p.accepted) : m.portsTableCell({ answer: 'not_probed' }), firstBytesText(p.firstBytes),
  ])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]!))));
  const pad = (c: string, w: number) => c + ' '.repeat(w - displayWidth(c));
  return codeBlock(rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd()).join('\n'), 2900);
}

/** "3 of 3 service ports answer" (after the cutover; before it, the baseline count). */
export function portsSummary(ports: PortEvidence[], lang: Lang = 'en'): string {
  const probed = ports.filter((p) => p.before);
  const answering = probed.filter((p) => p.after).length;
  return msg(lang).portsSummary({ answering, probed: probed.length });
}
