import type { CloudPort } from '../../cloud/cloud-port.ts';
import { buildInventory } from '../../domain/inventory.ts';
import { isNatGatewayId } from '../../domain/ids.ts';
import type { InventoryPort, MappedInstance } from '../ports.ts';
import { gatherVpcState, vpcOfTarget } from './vpc-snapshot.ts';

/**
 * Read-only cloud reads for the front ends' forms (the Slack modal's selects): the NAT gateways of a region, and the
 * instances of a gateway or VPC that still egress through a DNAT IP mapping, from one read of the VPC, as a scan
 * reads it. Nothing is queued and nothing changes.
 */
export function createInventoryReads(cloudFor: (regionId: string) => CloudPort): InventoryPort {
  return {
    async natGateways(regionId) {
      const gws = await cloudFor(regionId).listNatGateways({});
      return gws.map((g) => ({ natGatewayId: g.natGatewayId, vpcId: g.vpcId, ...(g.name ? { name: g.name } : {}) }));
    },
    async mappedInstances(regionId, target) {
      const cloud = cloudFor(regionId);
      const rows = buildInventory(await gatherVpcState(cloud, await vpcOfTarget(cloud, target)));
      return rows
        .filter((r) => r.needsMigration && (!isNatGatewayId(target) || r.mappingNatGatewayId === target))
        .map((r): MappedInstance => ({
          instanceId: r.instanceId, privateIp: r.privateIp, ready: r.action === 'migrate',
          ...(r.instanceName ? { name: r.instanceName } : {}), ...(r.egressIp ? { eip: r.egressIp } : {}),
          ...(r.mappingNatGatewayId ? { natGatewayId: r.mappingNatGatewayId } : {}),
          ...(r.refusal ? { refusal: r.refusal.code } : {}),
        }));
    },
  };
}
