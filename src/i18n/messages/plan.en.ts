// The pre-flight plan and the guest's services (blocks/plan-card.ts, services-text.ts).
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
  /** A refusal code explained in the reader's language; English says it all in the engine's own sentence. */
  refusalExplain: (p: { code: string }) => '',
  /** One of the plan's warnings (the engine writes them in English; other languages reword the known ones). */
  planWarning: (p: { text: string }) => p.text,
};
