// Carrying out a reconcile decision (src/domain/reconcile-decision.ts) on one tagged ENI, under the forward-table
// lock and a fencing token of its own: every write passes the fence first, like a job's steps do.
import type { CloudPort } from '../../cloud/cloud-port.ts';
import type { CloudJournal } from '../../domain/cloud-journal.ts';
import type { DnatEntry, NetworkInterface } from '../../domain/cloud-types.ts';
import { hasStatus, snatIpsOf } from '../../domain/dnat.ts';
import type { EgressEvidence, SshEvidence } from '../../domain/events.ts';
import { clientToken } from '../migration/step-context.ts';
import { checkEgress, checkSsh } from '../migration/verification-probes.ts';
import type { EngineOptions } from '../options.ts';

export interface ActionContext {
  /** The fenced cloud: a write throws once another reconcile (or a job) owns the table. */
  cloud: CloudPort;
  journal: CloudJournal;
  eni: NetworkInterface;
  opts: EngineOptions;
  /** Makes the ClientTokens of this ENI's reconcile writes repeatable (a second pass sends the same tokens). */
  tokenLabel: (label: string) => string;
  /** This pass's fencing token: a check run again on a later pass must not get the earlier invocation back. */
  pass: number;
}

export const reconcileToken = (eniId: string, label: string): string => clientToken(`reconcile-${eniId}`, label);

const waitOpts = (c: ActionContext) => ({ timeoutMs: c.opts.waitTimeoutMs });

/** Detaches (if attached) and deletes the ENI; waits until it is gone. */
export async function removeEni(c: ActionContext): Promise<void> {
  let e: NetworkInterface | undefined = (await c.cloud.listNetworkInterfaces({ networkInterfaceIds: [c.eni.networkInterfaceId] }))[0];
  if (!e) return;
  if (hasStatus(e, 'InUse') && e.instanceId) {
    await c.cloud.detachNetworkInterface({ networkInterfaceId: e.networkInterfaceId, instanceId: e.instanceId });
    e = await c.cloud.waitNetworkInterface(e.networkInterfaceId, 'Available', waitOpts(c));
  }
  if (e && !hasStatus(e, 'Deleting')) await c.cloud.deleteNetworkInterface({ networkInterfaceId: c.eni.networkInterfaceId });
  await c.cloud.waitNetworkInterface(c.eni.networkInterfaceId, 'Gone', waitOpts(c));
}

/**
 * Puts the original mapping back from the tags: in place when the job cut over by ModifyForwardEntry and the entry
 * still exists (mapping to the ENI), else by deleting what maps to the ENI and creating the original again.
 * Returns the restored entry.
 */
export async function restoreOriginal(c: ActionContext, entriesOnEip: DnatEntry[]): Promise<DnatEntry> {
  const o = c.journal.original;
  const spec = { forwardTableId: o.forwardTableId, externalIp: o.externalIp, internalIp: o.internalIp, externalPort: o.externalPort,
    internalPort: o.internalPort, ipProtocol: o.ipProtocol, ...(o.forwardEntryName ? { forwardEntryName: o.forwardEntryName } : {}) };
  const inPlace = entriesOnEip.find((e) => e.forwardEntryId === o.forwardEntryId && e.internalIp === c.eni.privateIp);
  let id: string;
  if (inPlace && c.journal.cutover === 'modify') {
    await c.cloud.modifyForwardEntry({ forwardTableId: o.forwardTableId, forwardEntryId: o.forwardEntryId, internalIp: o.internalIp,
      externalPort: o.externalPort, internalPort: o.internalPort, ipProtocol: o.ipProtocol, clientToken: c.tokenLabel('modify-back') });
    id = o.forwardEntryId;
  } else {
    for (const e of entriesOnEip.filter((x) => x.internalIp === c.eni.privateIp)) {
      await c.cloud.deleteForwardEntry({ forwardTableId: o.forwardTableId, forwardEntryId: e.forwardEntryId, clientToken: c.tokenLabel(`delete-${e.forwardEntryId}`) });
      await c.cloud.waitForwardEntry(o.forwardTableId, e.forwardEntryId, 'Gone', waitOpts(c));
    }
    id = await c.cloud.createForwardEntry({ ...spec, clientToken: c.tokenLabel('create-original') });
  }
  const back = await c.cloud.waitForwardEntry(o.forwardTableId, id, 'Available', { ...waitOpts(c), expectInternalIp: o.internalIp });
  return back ?? { ...spec, forwardEntryId: id, status: 'Available' };
}

/** The SNAT IPs of the NAT gateway that owns the journal's forward table: what the instance must egress from. */
async function snatIpsOfGateway(c: ActionContext): Promise<string[]> {
  const gws = (await c.cloud.listNatGateways({ vpcId: c.eni.vpcId })).filter((g) => g.forwardTableIds.includes(c.journal.original.forwardTableId));
  const entries = (await Promise.all(gws.flatMap((g) => g.snatTableIds).map((t) => c.cloud.listSnatEntries(t)))).flat();
  return [...new Set(entries.flatMap((e) => snatIpsOf(e)))].filter((ip) => ip !== c.journal.original.externalIp);
}

/** The checks verify runs after a cutover: an SSH banner through the EIP (when port 22 is forwarded) and the egress IP. */
export async function verifyMigrated(c: ActionContext): Promise<{ ssh: SshEvidence; egress: EgressEvidence; ok: boolean }> {
  const o = c.opts;
  const eip = c.journal.original.externalIp;
  const ports = c.journal.newPorts;
  const sshForwarded = ports === 'any' || ports.split(',').includes('22');
  const expectedIps = await snatIpsOfGateway(c);
  const [ssh, egress] = await Promise.all([
    sshForwarded
      ? checkSsh({ ip: eip, port: 22, ...(o.publicEdge ? { edge: o.publicEdge } : {}), windowMs: o.verifyTimeoutMs, intervalMs: o.verifyIntervalMs })
      : Promise.resolve<SshEvidence>({ ok: true, host: eip, port: 22, attempts: 0, skipped: 'port 22 is not forwarded' }),
    checkEgress(c.cloud, {
      instanceId: c.journal.instanceId, url: o.egressUrl, expectedIps, windowMs: o.verifyTimeoutMs, intervalMs: o.verifyIntervalMs,
      tokenFor: (n) => c.tokenLabel(`verify-${c.pass}-${n}`),
    }),
  ]);
  return { ssh, egress, ok: ssh.ok && egress.ok };
}
