// The demo's verdict, from the sandbox world itself (not only the bot's word), and its summary lines.
import type { JobRecord } from '../engine/ports.ts';
import { egressIp, probeEdge, probeEdgeRdp, type Sandbox } from '../sandbox/index.ts';
import type { InstanceFacts } from './scenario.ts';

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface WorldCheck {
  problems: string[];
  eniId?: string;
  eniIp?: string;
  newEntryId?: string;
  egress?: string;
  banner?: string;
}

/** Migrated and verified, by the world's own state: the EIP maps to the ENI, egress goes out via SNAT, SSH answers. */

export async function verifyWorld(sb: Sandbox, facts: InstanceFacts, rec: JobRecord): Promise<WorldCheck> {
  const problems: string[] = [];
  const id = facts.instanceId;
  if (rec.outcome !== 'migrated') {
    const why = rec.refusal ? `the pre-flight refused ${id}: ${rec.refusal.code} — ${rec.refusal.message}` : `${rec.jobId} ended ${rec.outcome ?? rec.state}: ${rec.summary ?? rec.error?.message ?? ''}`;
    problems.push(why.trim());
  }
  if (rec.outcome === 'migrated' && !rec.verification?.ok) problems.push('the job reports migrated without a passing verification');
  if (!facts.mappingIp) {
    problems.push(`${id} had no DNAT IP mapping in the scenario, so there was nothing to migrate`);
    return { problems };
  }
  sb.world.settle();
  const entries = [...sb.world.dnatEntries.values()].filter((d) => d.externalIp === facts.mappingIp);
  if (entries.some((d) => d.internalIp === facts.privateIp)) problems.push(`the EIP still maps to the primary IP ${facts.privateIp} (entry ${facts.mappingEntryId})`);
  const enis = sb.world.enisOf(id).filter((e) => e.type === 'Secondary' && e.status === 'InUse');
  const toEni = entries.find((d) => d.status === 'Available' && enis.some((e) => e.privateIp === d.internalIp));
  const eni = toEni ? enis.find((e) => e.privateIp === toEni.internalIp) : undefined;
  if (!toEni) {
    const now = entries.map((d) => `${d.forwardEntryId} → ${d.internalIp} (${d.status})`).join(', ') || 'no entry';
    problems.push(`${facts.mappingIp} does not map to an ENI of ${id} (now: ${now})`);
  }
  const egress = egressIp(sb.world, id);
  if (!facts.snatIp) problems.push(`no SNAT entry covers ${id}`);
  else if (egress !== facts.snatIp) problems.push(`${id} egresses via ${egress ?? 'nothing (timeout)'}, not the SNAT IP ${facts.snatIp}`);
  if (facts.windows) {
    // Remote Desktop answers an X.224 Connection Request with a Connection Confirm (TPKT 03 00, code d0).
    const cc = await probeEdgeRdp(sb.edge, facts.mappingIp, { port: facts.sshPort, timeoutMs: 3000 });
    if (!cc?.startsWith('0300') || cc.slice(10, 12) !== 'd0') problems.push(`RDP to ${facts.mappingIp}:${facts.sshPort} via the public edge answered ${cc ? `'${cc}'` : 'nothing'}, not an X.224 Connection Confirm`);
  }
  const banner = facts.windows ? undefined : await probeEdge(sb.edge, facts.mappingIp, facts.sshPort, { timeoutMs: 3000 }).catch(() => undefined);
  if (!facts.windows && banner !== facts.sshBanner) problems.push(`SSH to ${facts.mappingIp}:${facts.sshPort} via the public edge answered ${banner ? `'${banner}'` : 'nothing'}, expected '${facts.sshBanner}'`);
  const observed = rec.verification?.egress.observedIp;
  if (rec.outcome === 'migrated' && observed !== facts.snatIp) problems.push(`the engine observed egress ${observed ?? 'none'}, not the SNAT IP ${facts.snatIp}`);
  return {
    problems,
    ...(eni ? { eniId: eni.networkInterfaceId, eniIp: eni.privateIp } : {}),
    ...(toEni ? { newEntryId: toEni.forwardEntryId } : {}),
    ...(egress ? { egress } : {}),
    ...(banner ? { banner } : {}),
  };
}

export function summarize(sb: Sandbox, facts: InstanceFacts, rec: JobRecord, jobId: string, marks: Record<string, number>, t0: number, check: WorldCheck, people: ReadonlyMap<string, string>): string[] {
  const o = rec.original?.entry;
  const approval = rec.approval?.decision;
  const writes = sb.requests.filter((r) => r.code === 'OK' && !/^(Describe|List)/.test(r.action));
  const delReq = writes.find((r) => r.action === 'DeleteForwardEntry');
  const modReq = writes.find((r) => r.action === 'ModifyForwardEntry');
  const createReq = writes.filter((r) => r.action === 'CreateForwardEntry').at(-1) ?? modReq;
  const ssh = rec.verification?.ssh;
  const span = (a: string, b: string) => (marks[a] && marks[b] ? secs(marks[b]! - marks[a]!) : '–');
  const lines = [
    `instance     ${facts.instanceId} (${facts.name}, ${facts.privateIp})`,
    `job          ${jobId} — requested by alice, ${approval ? `${approval.decision} by ${approval.by.map((u) => people.get(u) ?? u).join(', ')}` : 'no approval decision'}; outcome ${rec.outcome ?? rec.state}`,
    o
      ? `original     ${o.forwardEntryId} in ${o.forwardTableId}: ${o.externalIp}:${o.externalPort} → ${o.internalIp}:${o.internalPort} (${o.ipProtocol}, ${o.status}, "${o.forwardEntryName}") — saved before the change${delReq ? `, deleted by RequestId ${delReq.requestId}` : modReq ? `, moved to the ENI in place by RequestId ${modReq.requestId}` : ''}`
      : `original     ${facts.mappingEntryId ?? '–'} (${facts.mappingIp ?? 'no mapping'} → ${facts.privateIp}) — not touched`,
    check.newEntryId
      ? `now          ${check.newEntryId}: ${facts.mappingIp} → ${check.eniIp} on ${check.eniId} (secondary ENI, InUse on ${facts.instanceId})${createReq ? `, RequestId ${createReq.requestId}` : ''}`
      : `now          ${facts.mappingIp ?? '–'} does not map to an ENI`,
    `SSH          ${check.banner ? `'${check.banner}'` : 'no banner'} via ${facts.mappingIp}:${facts.sshPort} through the public edge${ssh?.banner ? ` (engine's check: '${ssh.banner}', ${ssh.attempts} attempt${ssh.attempts === 1 ? '' : 's'})` : ''}`,
    `egress       observed ${rec.verification?.egress.observedIp ?? '–'} by the engine, ${check.egress ?? 'none'} in the world; SNAT IP ${facts.snatIp ?? '–'}${check.egress && check.egress === facts.snatIp ? ' ✔' : ' ✘'}`,
    `cloud calls  ${sb.requests.length} API requests, ${writes.length} writes${writes.length ? ` (${[...new Set(writes.map((w) => w.action))].join(', ')})` : ''}; the job's calls are listed with their RequestIds in the thread`,
    `timings      set-up ${span('start', 'ready')} · dry run ${span('plan', 'planned')} · run → approval card ${span('run', 'card')} · approve → verified ${span('approved', 'finished')} · total ${secs(Date.now() - t0)}`,
  ];
  return lines;
}
