// The pre-flight plan and the guest's services (blocks/plan-card.ts, services-text.ts).
import type { PlanWarning, PlanWarningEntry, ProbeName } from '../../domain/plan-warning.ts';

const probe = (p: ProbeName, port: number) => (p === 'TCP' ? `TCP ${port}` : p);

function warningText(w: PlanWarning): string {
  switch (w.code) {
    case 'verify_port_not_forwarded':
      return `--ports ${w.ports} does not include ${w.port}, so the ${probe(w.probe, w.port)} check through ${w.eip} is skipped; only the egress IP is verified.`;
    case 'security_group_unreadable':
      return `Could not read security group ${w.groups.join(', ')}, so whether TCP ${w.port} is open to the Internet was not checked.`;
    case 'security_group_closed':
      return `Security group ${w.groups.join(', ')} of the new ENI does not accept TCP ${w.port} from the Internet${w.shadowedBy ? ` (a Drop rule wins: ${w.shadowedBy})` : ''}, so the ${probe(w.probe, w.port)} check through ${w.eip} will likely fail.`;
    case 'entry_not_available': return `DNAT entry ${w.entry} is ${w.status}, not Available; the cutover waits until it is.`;
    case 'guest_stack_unknown':
      return `--configure-guest: the guest's network stack could not be detected (${w.error}), so the configuration may not persist or may fail.`;
    case 'guest_routing_needed':
      return `Without --configure-guest the guest must already route replies from the new NIC (policy routing), or connections through ${w.eip} may fail.`;
    case 'windows_metric':
      return 'Without --configure-guest the new NIC keeps its automatic interface metric, equal to the primary NIC\'s, so which NIC new outbound connections leave by is up to Windows; the egress check after the cutover shows it.';
    case 'port_entries_stay':
      return `Port-forwarding entr${w.entries.length === 1 ? 'y' : 'ies'} ${w.entries.map((e) => `${e.id} (${e.entry})`).join(', ')} to the primary IP stay as they are.`;
    case 'stop_to_attach':
      return `Instance ${w.instanceId} is of type ${w.instanceType} (family ${w.family}), which takes a secondary ENI only while Stopped: after the approval it will be STOPPED (StopInstance, KeepCharging), the ENI attached, and STARTED again; it does not answer in between.`;
    case 'services_unchecked': return `The guest's services were not checked (${w.reason}); only SSH and the egress IP will be verified.`;
  }
}
type PortStatus = 'ok' | 'fixed' | 'accepted' | 'at_risk' | 'closed_before';

export const en = {
  portsAll: () => 'all ports (IP mapping)',
  portsList: (p: { ports: string }) => `TCP ${p.ports}`,
  cutoverModify: () => 'modify the entry in place (one ModifyForwardEntry; the public IP stays mapped throughout; falls back to delete and re-create if the API refuses)',
  cutoverRecreate: () => 'delete and re-create (the public IP maps to nothing between the delete and the new entry)',
  planCutover: (p: { how: string }) => `*Cutover*: ${p.how}`,
  planEntry: (p: { inPlace: boolean; entry: string }) => `*DNAT entry to ${p.inPlace ? 'move to the new ENI' : 'delete'}*\n${p.entry}`,
  planRecipe: (p: { inPlace: boolean; recipe: string }) => `*Restore recipe* (${p.inPlace ? 'the entry is moved back to it' : 'recreates it exactly'})\n${p.recipe}`,
  planNewEni: (p: { vsw: string; zone: string; sgs: string }) => `*New ENI* in vSwitch ${p.vsw} (${p.zone}), security groups ${p.sgs}`,
  planNewEntries: (p: { inPlace: boolean; count: number; ports: string }) =>
    `*${p.inPlace ? 'The entry afterwards' : `New DNAT ${p.count === 1 ? 'entry' : 'entries'}`}* (${p.ports}):`,
  planNewEntryLine: (p: { external: string; internal: string; protocol: string; table: string }) =>
    `• ${p.external} → ${p.internal} protocol ${p.protocol} in ${p.table}`,
  newEniPrivateIp: () => '<new ENI private IP>',
  planEgress: (p: { count: number; ips: string }) => `*Expected egress IP${p.count === 1 ? '' : 's'}* (SNAT): ${p.ips}`,
  planGuest: (p: { text: string }) => `*Guest NIC configuration* (--configure-guest): ${p.text}`,
  planWarnings: (p: { list: string }) => `:warning: *Warnings*\n${p.list}`,
  instanceRef: (p: { id: string; name?: string }) => `instance ${p.id}${p.name ? ` (${p.name})` : ''}`,
  primaryIpRef: (p: { ip: string }) => `primary IP ${p.ip}`,
  vpcRef: (p: { id: string }) => `VPC ${p.id}`,
  natGatewayRef: (p: { id: string }) => `NAT gateway ${p.id}`,
  planTitle: (p: { dryRun: boolean; instance: string }) => (p.dryRun ? `Dry run: plan for ${p.instance}` : `Plan for ${p.instance}`),
  planText: (p: { title: string; entry: string; from: string; to: string; egress: string }) => `${p.title}: delete ${p.entry} (${p.from} → ${p.to}), expected egress ${p.egress}`,
  refusedText: (p: { target: string; code: string; message: string }) => `Refused${p.target ? ` ${p.target}` : ''}: ${p.code}: ${p.message}`,
  refusedHead: (p: { target: string; code: string; message: string; explain?: string }) => `:no_entry: *Pre-flight refused${p.target ? ` ${p.target}` : ''}* — ${p.code}\n${p.message}`,
  // services
  serviceStatus: (p: { status: PortStatus }) => ({
    ok: 'answers through the ENI', fixed: 'fixed by --configure-guest', accepted: 'at risk, accepted (--accept-port)',
    at_risk: 'at risk', closed_before: 'not answering now (host firewall)',
  })[p.status],
  servicesNotChecked: (p: { reason: string }) => `*Services*: not checked (${p.reason})`,
  serviceLine: (p: { port: number; name?: string; bind: string; status: string; why?: string; fix?: string }) =>
    `• TCP ${p.port}${p.name ? ` ${p.name}` : ''} on ${p.bind}: ${p.status}${p.why ? `: ${p.why}` : ''}${p.fix ? ` — will ${p.fix}` : ''}`,
  servicesMoreTcp: (p: { n: number }) => `• … and ${p.n} more TCP ports`,
  servicesUdp: (p: { list: string }) => `• UDP ${p.list}: not checked from outside`,
  servicesNotCarried: (p: { list: string }) => `• Not carried by the new mapping: TCP ${p.list}`,
  servicesHead: (p: { lines: string }) => `*Services* (listening sockets in the guest):\n${p.lines}`,
  servicesNone: () => '• none found besides loopback',
  /**
   * A refusal explained in the reader's language from its code (and, for BadOption and NoNatGateway, its
   * `details.problem`); plain text. English says it all in the engine's own sentence, so it is empty here. Where a
   * language explains the code, the refusal's English sentence is not shown; its facts (details) are, as data.
   */
  refusalExplain: (p: { code: string; problem?: string }) => '',
  /** One of the plan's warnings, from its code and facts; plain text (the caller escapes it). A string is a plan recorded before warnings were codes: shown as it is. */
  planWarning: (p: { w: PlanWarningEntry }) => (typeof p.w === 'string' ? p.w : warningText(p.w)),
};
