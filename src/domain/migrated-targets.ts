// Which instances of a VPC look migrated, so the drift sweep can re-check them: a Running instance whose secondary
// NIC's IP is where an Available DNAT entry on a watched gateway forwards the SSH port, or RDP's on Windows (an IP
// mapping, or a TCP entry covering it). Pure.
import { gatewayOfForwardTable, hasStatus } from './dnat.ts';
import type { VpcState } from './inventory.ts';
import { verifyPortOf } from './plan-warnings.ts';

export interface MigratedTarget {
  regionId: string;
  natGatewayId: string;
  instanceId: string;
  instanceName?: string;
  /** The public IP and port an SSH check goes to, and the ENI IP it reaches. */
  eip: string;
  port: number;
  eniIp: string;
  /** A Windows guest: the port is RDP's. */
  windows?: boolean;
}

/** The external port that reaches internal port `port` on an entry, if the entry forwards it. */
function externalPortFor(e: { ipProtocol: string; externalPort: string; internalPort: string }, port: number): number | undefined {
  const proto = e.ipProtocol.toLowerCase();
  if (proto === 'any') return port;
  if (proto !== 'tcp') return undefined;
  const [ia, ib] = e.internalPort.split(/[-/]/).map(Number) as [number, number | undefined];
  const [ea] = e.externalPort.split(/[-/]/).map(Number) as [number];
  const hi = ib ?? ia;
  return port >= ia && port <= hi ? ea + (port - ia) : undefined;
}

export function migratedTargets(state: VpcState, natGatewayIds: readonly string[]): MigratedTarget[] {
  const out: MigratedTarget[] = [];
  for (const inst of state.instances) {
    if (!hasStatus(inst, 'Running')) continue;
    const eniIps = new Set(inst.networkInterfaces.filter((n) => n.type === 'Secondary').map((n) => n.primaryIp));
    for (const e of state.dnatEntries) {
      if (!eniIps.has(e.internalIp) || !hasStatus(e, 'Available')) continue;
      const gw = gatewayOfForwardTable(state.natGateways, e.forwardTableId);
      if (!gw || !natGatewayIds.includes(gw.natGatewayId)) continue;
      const windows = inst.osType === 'windows';
      const port = externalPortFor(e, verifyPortOf(inst));
      if (port === undefined) continue;
      out.push({
        regionId: state.regionId, natGatewayId: gw.natGatewayId, instanceId: inst.instanceId,
        ...(inst.instanceName ? { instanceName: inst.instanceName } : {}), eip: e.externalIp, port, eniIp: e.internalIp,
        ...(windows ? { windows } : {}),
      });
      break;
    }
  }
  return out.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}
