// The plan's warnings: what will not stop the migration but the approver should know before clicking (a
// verification port the security groups close, a guest that may not route the new NIC, entries left as they are).
import type { DnatEntry, Instance } from './cloud-types.ts';
import { describeDnat, hasStatus } from './dnat.ts';
import type { EniSpec, PlanInput } from './plan-types.ts';
import { tcpPortOpenFromInternet } from './security-groups.ts';

const SSH_PORT = 22;
/** Windows guests are checked on RDP instead of SSH. */
const RDP_PORT = 3389;

/** The port verification connects to through the public IP: RDP on Windows, else SSH. */
export function verifyPortOf(inst: Pick<Instance, 'osType'>): number {
  return inst.osType === 'windows' ? RDP_PORT : SSH_PORT;
}

const probeName = (port: number) => (port === RDP_PORT ? 'RDP' : port === SSH_PORT ? 'SSH' : `TCP ${port}`);
const list = (xs: readonly string[]): string => xs.join(', ');

export function planWarnings(input: PlanInput, inst: Instance, entry: DnatEntry, eni: EniSpec, skipSshVerify: boolean): string[] {
  const warnings: string[] = [];
  const port = input.options.verifyPort ?? verifyPortOf(inst);
  if (skipSshVerify) {
    const ports = input.options.ports.kind === 'list' ? input.options.ports.ports.join(',') : '';
    warnings.push(`--ports ${ports} does not include ${port}, so the ${probeName(port)} check through ${entry.externalIp} is skipped; only the egress IP is verified.`);
  } else {
    const missing = eni.securityGroupIds.filter((sg) => !input.securityGroups.some((g) => g.securityGroupId === sg));
    if (missing.length > 0) {
      warnings.push(`Could not read security group ${list(missing)}, so whether TCP ${port} is open to the Internet was not checked.`);
    } else {
      const groups = input.securityGroups.filter((g) => eni.securityGroupIds.includes(g.securityGroupId));
      const reach = tcpPortOpenFromInternet(groups, port);
      if (!reach.open) {
        const why = reach.shadowedBy ? ` (a Drop rule wins: ${reach.shadowedBy})` : '';
        warnings.push(`Security group ${list(eni.securityGroupIds)} of the new ENI does not accept TCP ${port} from the Internet${why}, so the ${probeName(port)} check through ${entry.externalIp} will likely fail.`);
      }
    }
  }
  if (!hasStatus(entry, 'Available')) {
    warnings.push(`DNAT entry ${entry.forwardEntryId} is ${entry.status}, not Available; the cutover waits until it is.`);
  }
  if (input.options.configureGuest && input.guestNetwork && 'error' in input.guestNetwork) {
    warnings.push(`--configure-guest: the guest's network stack could not be detected (${input.guestNetwork.error}), so the configuration may not persist or may fail.`);
  }
  if (!input.options.configureGuest && inst.osType !== 'windows') {
    warnings.push(`Without --configure-guest the guest must already route replies from the new NIC (policy routing), or connections through ${entry.externalIp} may fail.`);
  }
  if (!input.options.configureGuest && inst.osType === 'windows') {
    // Windows routes replies by the strong host model; what it does not do by itself is pin egress to the primary NIC.
    warnings.push(`Without --configure-guest the new NIC keeps its automatic interface metric, equal to the primary NIC's, so which NIC new outbound connections leave by is up to Windows; the egress check after the cutover shows it.`);
  }
  const others = input.dnatEntries.filter((e) => e.forwardEntryId !== entry.forwardEntryId && e.internalIp === inst.primaryIp && !hasStatus(e, 'Deleting'));
  if (others.length > 0) {
    warnings.push(`Port-forwarding entr${others.length === 1 ? 'y' : 'ies'} ${list(others.map((e) => `${e.forwardEntryId} (${describeDnat(e)})`))} to the primary IP stay as they are.`);
  }
  return warnings;
}
