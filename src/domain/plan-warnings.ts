// The plan's warnings: what will not stop the migration but the approver should know before clicking (a
// verification port the security groups close, a guest that may not route the new NIC, entries left as they are).
import type { DnatEntry, Instance } from './cloud-types.ts';
import { describeDnat, hasStatus } from './dnat.ts';
import type { EniSpec, PlanInput } from './plan-types.ts';
import { tcpPortOpenFromInternet } from './security-groups.ts';
import type { PlanWarning, ProbeName } from './plan-warning.ts';

const SSH_PORT = 22;
/** Windows guests are checked on RDP instead of SSH. */
const RDP_PORT = 3389;

/** The port verification connects to through the public IP: RDP on Windows, else SSH. */
export function verifyPortOf(inst: Pick<Instance, 'osType'>): number {
  return inst.osType === 'windows' ? RDP_PORT : SSH_PORT;
}

const probeName = (port: number): ProbeName => (port === RDP_PORT ? 'RDP' : port === SSH_PORT ? 'SSH' : 'TCP');

export function planWarnings(input: PlanInput, inst: Instance, entry: DnatEntry, eni: EniSpec, skipSshVerify: boolean): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const port = input.options.verifyPort ?? verifyPortOf(inst);
  const eip = entry.externalIp;
  if (skipSshVerify) {
    const ports = input.options.ports.kind === 'list' ? input.options.ports.ports.join(',') : '';
    warnings.push({ code: 'verify_port_not_forwarded', ports, port, probe: probeName(port), eip });
  } else {
    const missing = eni.securityGroupIds.filter((sg) => !input.securityGroups.some((g) => g.securityGroupId === sg));
    if (missing.length > 0) {
      warnings.push({ code: 'security_group_unreadable', groups: missing, port });
    } else {
      const groups = input.securityGroups.filter((g) => eni.securityGroupIds.includes(g.securityGroupId));
      const reach = tcpPortOpenFromInternet(groups, port);
      if (!reach.open) {
        warnings.push({ code: 'security_group_closed', groups: eni.securityGroupIds, port, ...(reach.shadowedBy ? { shadowedBy: reach.shadowedBy } : {}), probe: probeName(port), eip });
      }
    }
  }
  if (!hasStatus(entry, 'Available')) {
    warnings.push({ code: 'entry_not_available', entry: entry.forwardEntryId, status: entry.status });
  }
  if (input.options.configureGuest && input.guestNetwork && 'error' in input.guestNetwork) {
    warnings.push({ code: 'guest_stack_unknown', error: input.guestNetwork.error });
  }
  if (!input.options.configureGuest && inst.osType !== 'windows') {
    warnings.push({ code: 'guest_routing_needed', eip });
  }
  if (!input.options.configureGuest && inst.osType === 'windows') {
    // Windows routes replies by the strong host model; what it does not do by itself is pin egress to the primary NIC.
    warnings.push({ code: 'windows_metric' });
  }
  const others = input.dnatEntries.filter((e) => e.forwardEntryId !== entry.forwardEntryId && e.internalIp === inst.primaryIp && !hasStatus(e, 'Deleting'));
  if (others.length > 0) {
    warnings.push({ code: 'port_entries_stay', entries: others.map((e) => ({ id: e.forwardEntryId, entry: describeDnat(e) })) });
  }
  return warnings;
}
