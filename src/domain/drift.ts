// Drift: an instance that egresses from somewhere other than its NAT gateway's SNAT IPs — it has (again) a DNAT IP
// mapping, or its own public IP/EIP. Pure; the sweep (src/engine/fleet/drift-sweep.ts) remembers fingerprints so each drift
// is reported once, and again only after it went away and came back.

import type { DriftAlert } from './events.ts';
import { hasStatus, snatIpsOf } from './dnat.ts';
import { classifyEgress } from './egress.ts';
import type { VpcState } from './inventory.ts';

/**
 * Every drifting instance of the VPC. `natGatewayIds` are the configured gateways of this VPC: their SNAT IPs are
 * the expected egress; an alert names the gateway holding the mapping, else the first configured one.
 */
export function detectDrifts(state: VpcState, natGatewayIds: readonly string[]): DriftAlert[] {
  const gateways = state.natGateways.filter((g) => g.vpcId === state.vpcId);
  const configured = gateways.filter((g) => natGatewayIds.includes(g.natGatewayId));
  const home = configured[0]?.natGatewayId ?? natGatewayIds[0] ?? '';
  const ownSnat = state.snatEntries.filter((s) => configured.some((g) => g.snatTableIds.includes(s.snatTableId) || g.natGatewayId === s.natGatewayId));
  const expectedIps = [...new Set(ownSnat.filter((s) => hasStatus(s, 'Available')).flatMap((s) => snatIpsOf(s)))].sort();
  const out: DriftAlert[] = [];
  for (const inst of state.instances) {
    const e = classifyEgress(inst, { dnatEntries: state.dnatEntries, snatEntries: state.snatEntries, natGateways: state.natGateways, vSwitches: state.vSwitches });
    const base = { regionId: state.regionId, instanceId: inst.instanceId, ...(inst.instanceName ? { instanceName: inst.instanceName } : {}), expectedIps };
    if (e.kind === 'dnat-ip-mapping') {
      const gw = gateways.find((g) => state.dnatEntries.some((d) => d.forwardEntryId === e.entryId && (g.forwardTableIds.includes(d.forwardTableId) || g.natGatewayId === d.natGatewayId)));
      // Only mappings on the gateways we watch are ours to report.
      if (gw && !natGatewayIds.includes(gw.natGatewayId)) continue;
      out.push({
        ...base, natGatewayId: gw?.natGatewayId ?? home, kind: 'dnat-ip-mapping', ...(e.ip ? { egressIp: e.ip } : {}),
        reason: e.reason, why: { code: 'dnat_mapping', eip: e.ip ?? '', entry: e.entryId ?? '', others: e.otherEntryIds ?? [] },
        fingerprint: `dnat|${[...(e.ips ?? [])].sort().join(',')}|${e.entryId ?? ''}`,
      });
    } else if (e.kind === 'own-public-ip' || (e.kind === 'snat' && e.ip !== undefined && expectedIps.length > 0 && !expectedIps.includes(e.ip))) {
      out.push({
        ...base, natGatewayId: home, kind: 'unexpected-egress', ...(e.ip ? { egressIp: e.ip } : {}),
        reason: `${e.reason}; expected ${expectedIps.join(' or ') || 'a SNAT IP of the gateway'}`,
        why: e.kind === 'snat'
          ? { code: 'snat_elsewhere', entry: e.entryId ?? '', scope: e.scope ?? '', ips: e.ips ?? [], expected: expectedIps }
          : { code: 'own_public_ip', ip: e.ip ?? '', eip: e.ownIsEip === true, expected: expectedIps },
        fingerprint: `egress|${e.kind}|${(e.ips ?? [e.ip ?? '']).join(',')}`,
      });
    }
  }
  return out.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}
