// The plan's services check: the guest introspection output in, the report and, when a carried port is at risk and
// neither accepted nor fixed by --configure-guest, the ServiceAtRisk refusal out. Pure.
import { parseGuestNetwork, splitSections } from './guest-listing.ts';
import { STACK_DETECT } from './guest-network.ts';
import type { MigrationOptions, Refusal } from './plan-types.ts';
import { assessServices, fixText, reasonText, type PortExposure, type ServiceReport } from './service-exposure.ts';
import { assessWindowsServices } from './windows-exposure.ts';
import { parseWindowsIntrospection } from './windows-listing.ts';

/**
 * The Cloud Assistant script the plan runs (read-only), the plan's one look inside a Linux guest: each tool's output
 * under a `### name` line, the network stack first (`stack=<method>`: how --configure-guest would persist the NIC).
 */
export const INTROSPECTION_SCRIPT = [
  'export LC_ALL=C',
  ...STACK_DETECT,
  'echo "### stack"; echo "stack=$METHOD"',
  'echo "### ss"; ss -Hltnup 2>&1',
  'echo "### iptables-save"; iptables-save 2>/dev/null',
  'echo "### nft"; nft list ruleset 2>/dev/null',
  'echo "### sysctl"; sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter 2>&1',
  'echo "### ip"; ip -o addr 2>&1',
  'exit 0',
].join('\n');

export function serviceReportOf(guest: { output: string } | { error: string }, primaryIp: string, options: MigrationOptions, stagedIp?: string): ServiceReport {
  if ('error' in guest) return { checked: false, reason: guest.error };
  const sections = splitSections(guest.output);
  const exposure = { primaryIp, ports: options.ports, configureGuest: options.configureGuest, acceptPorts: options.acceptPorts ?? [] };
  if (sections.ss === undefined && sections.tcp !== undefined) {
    const facts = parseWindowsIntrospection(sections);
    return 'error' in facts ? { checked: false, reason: facts.error } : assessWindowsServices(facts, { ...exposure, ...(stagedIp ? { stagedIp } : {}) });
  }
  if (sections.ss === undefined) return { checked: false, reason: 'the introspection script printed nothing recognisable' };
  return assessServices(parseGuestNetwork(sections), { ...exposure, ...(stagedIp ? { stagedIp } : {}) });
}

const label = (p: PortExposure) => `TCP ${p.port}${p.service || p.process ? ` (${[p.service, p.process].filter(Boolean).join(', ')})` : ''}`;

/** ServiceAtRisk, naming each port and why, with the way out for each. */
export function serviceRefusal(report: ServiceReport, instanceId: string): Refusal | undefined {
  if (!report.checked) return undefined;
  const risky = report.tcp.filter((p) => p.status === 'at_risk');
  if (risky.length === 0) return undefined;
  const each = risky.map((p) => {
    const why = p.reasons.map((r) => reasonText(r, report.newDevice)).join('; ');
    const fixable = p.windowsFix !== undefined
      || (p.reasons.every((r) => r.kind === 'firewall' || r.kind === 'rp_filter') && p.reasons.some((r) => r.kind === 'rp_filter' || r.kind === 'firewall'));
    return `${label(p)}: ${why}${fixable ? ` (--configure-guest would fix it${p.windowsFix ? `: ${fixText(p, report.newDevice)}` : ''})` : ''}`;
  });
  return {
    code: 'ServiceAtRisk',
    message: `Instance ${instanceId} serves ${risky.length === 1 ? 'a port' : `${risky.length} ports`} that would stop answering through the new ENI: ${each.join('; ')}. Nothing was staged. Fix the guest, run with --configure-guest where it says so, or accept with --accept-port ${risky.map((p) => p.port).join(',')}.`,
    details: { ports: risky.map((p) => ({ port: p.port, bindIp: p.bindIp, reasons: p.reasons.map((r) => r.kind) })) },
  };
}

export { fixText };
