// The demo's verdict, from the sandbox world itself (not only the bot's word), and its summary lines.
import type { JobRecord } from '../engine/ports.ts';
import type { Lang } from '../i18n/lang.ts';
import { msg } from '../i18n/catalog.ts';
import { stepErrorText, summaryText } from '../slack/blocks/format.ts';
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

export async function verifyWorld(sb: Sandbox, facts: InstanceFacts, rec: JobRecord, lang: Lang = 'en'): Promise<WorldCheck> {
  const problems: string[] = [];
  const id = facts.instanceId;
  const t = msg(lang);
  if (rec.outcome !== 'migrated') {
    // Why the instance did not move, in the reader's language; then what the world itself shows.
    const why = rec.refusal
      ? t.demoRefused({ instance: id, code: rec.refusal.code, message: rec.refusal.message })
      : t.demoEnded({ job: rec.jobId, outcome: rec.outcome ?? rec.state, summary: summaryText(rec, lang) || (rec.error ? stepErrorText(rec.error, lang) : '') });
    problems.push(why.trim());
  }
  if (rec.outcome === 'migrated' && !rec.verification?.ok) problems.push(t.demoWorld({ problem: { code: 'unverified' } }));
  if (!facts.mappingIp) {
    problems.push(t.demoWorld({ problem: { code: 'no_mapping', instance: id } }));
    return { problems };
  }
  sb.world.settle();
  const entries = [...sb.world.dnatEntries.values()].filter((d) => d.externalIp === facts.mappingIp);
  if (entries.some((d) => d.internalIp === facts.privateIp)) problems.push(t.demoWorld({ problem: { code: 'still_primary', ip: facts.privateIp, entry: facts.mappingEntryId ?? '' } }));
  const enis = sb.world.enisOf(id).filter((e) => e.type === 'Secondary' && e.status === 'InUse');
  const toEni = entries.find((d) => d.status === 'Available' && enis.some((e) => e.privateIp === d.internalIp));
  const eni = toEni ? enis.find((e) => e.privateIp === toEni.internalIp) : undefined;
  if (!toEni) {
    const now = entries.map((d) => `${d.forwardEntryId} → ${d.internalIp} (${d.status})`);
    problems.push(t.demoWorld({ problem: { code: 'not_on_eni', eip: facts.mappingIp, instance: id, now } }));
  }
  const egress = egressIp(sb.world, id);
  if (!facts.snatIp) problems.push(t.demoWorld({ problem: { code: 'no_snat', instance: id } }));
  else if (egress !== facts.snatIp) problems.push(t.demoWorld({ problem: { code: 'egress', instance: id, ...(egress ? { egress } : {}), snat: facts.snatIp } }));
  if (facts.windows) {
    // Remote Desktop answers an X.224 Connection Request with a Connection Confirm (TPKT 03 00, code d0).
    const cc = await probeEdgeRdp(sb.edge, facts.mappingIp, { port: facts.sshPort, timeoutMs: 3000 });
    if (!cc?.startsWith('0300') || cc.slice(10, 12) !== 'd0') problems.push(t.demoWorld({ problem: { code: 'rdp', target: `${facts.mappingIp}:${facts.sshPort}`, ...(cc ? { answered: cc } : {}) } }));
  }
  const banner = facts.windows ? undefined : await probeEdge(sb.edge, facts.mappingIp, facts.sshPort, { timeoutMs: 3000 }).catch(() => undefined);
  if (!facts.windows && banner !== facts.sshBanner) problems.push(t.demoWorld({ problem: { code: 'ssh', target: `${facts.mappingIp}:${facts.sshPort}`, ...(banner ? { answered: banner } : {}), expected: facts.sshBanner ?? '' } }));
  const observed = rec.verification?.egress.observedIp;
  if (rec.outcome === 'migrated' && observed !== facts.snatIp) problems.push(t.demoWorld({ problem: { code: 'engine_egress', ...(observed ? { observed } : {}), snat: facts.snatIp ?? '' } }));
  return {
    problems,
    ...(eni ? { eniId: eni.networkInterfaceId, eniIp: eni.privateIp } : {}),
    ...(toEni ? { newEntryId: toEni.forwardEntryId } : {}),
    ...(egress ? { egress } : {}),
    ...(banner ? { banner } : {}),
  };
}

export function summarize(sb: Sandbox, facts: InstanceFacts, rec: JobRecord, jobId: string, marks: Record<string, number>, t0: number, check: WorldCheck, people: ReadonlyMap<string, string>, lang: Lang = 'en'): string[] {
  const o = rec.original?.entry;
  const approval = rec.approval?.decision;
  const writes = sb.requests.filter((r) => r.code === 'OK' && !/^(Describe|List)/.test(r.action));
  const delReq = writes.find((r) => r.action === 'DeleteForwardEntry');
  const modReq = writes.find((r) => r.action === 'ModifyForwardEntry');
  const createReq = writes.filter((r) => r.action === 'CreateForwardEntry').at(-1) ?? modReq;
  const ssh = rec.verification?.ssh;
  const span = (a: string, b: string) => (marks[a] && marks[b] ? secs(marks[b]! - marks[a]!) : '–');
  const t = msg(lang);
  const lines = [
    t.sumInstance({ id: facts.instanceId, name: facts.name, ip: facts.privateIp }),
    t.sumJob({ job: jobId, ...(approval ? { decision: approval.decision, by: approval.by.map((u) => people.get(u) ?? u).join(', ') } : {}), outcome: rec.outcome ?? rec.state }),
    o
      ? t.sumOriginal({
        entry: o.forwardEntryId, table: o.forwardTableId, from: `${o.externalIp}:${o.externalPort}`, to: `${o.internalIp}:${o.internalPort}`,
        detail: `${o.ipProtocol}, ${o.status}, "${o.forwardEntryName}"`,
        ...(delReq ? { how: 'deleted' as const, requestId: delReq.requestId } : modReq ? { how: 'moved' as const, requestId: modReq.requestId } : { how: 'none' as const }),
      })
      : t.sumOriginalUntouched({ entry: facts.mappingEntryId ?? '–', mapping: facts.mappingIp ?? t.sumNoMapping(), ip: facts.privateIp }),
    check.newEntryId
      ? t.sumNow({ entry: check.newEntryId, from: String(facts.mappingIp), eniIp: String(check.eniIp), eni: String(check.eniId), instance: facts.instanceId, ...(createReq ? { requestId: createReq.requestId } : {}) })
      : t.sumNowNone({ from: facts.mappingIp ?? '–' }),
    t.sumSsh({ ...(check.banner ? { banner: check.banner } : {}), target: `${facts.mappingIp}:${facts.sshPort}`, ...(ssh?.banner ? { engineBanner: ssh.banner } : {}), attempts: ssh?.attempts ?? 0 }),
    t.sumEgress({ engine: rec.verification?.egress.observedIp ?? '–', world: check.egress ?? 'none', snat: facts.snatIp ?? '–', ok: Boolean(check.egress && check.egress === facts.snatIp) }),
    t.sumCalls({ requests: sb.requests.length, writes: writes.length, actions: [...new Set(writes.map((w) => w.action))].join(', ') }),
    t.sumTimings({ setup: span('start', 'ready'), dry: span('plan', 'planned'), card: span('run', 'card'), verify: span('approved', 'finished'), total: secs(Date.now() - t0) }),
  ];
  return lines;
}
