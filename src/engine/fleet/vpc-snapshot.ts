import type { CloudPort } from '../../cloud/cloud-port.ts';
import type { SecurityGroup } from '../../domain/cloud-types.ts';
import { isNatGatewayId, isVpcId } from '../../domain/ids.ts';
import type { VpcState } from '../../domain/inventory.ts';
import { StepFailure } from '../step-errors.ts';

/**
 * Reads one VPC, read-only, once: every instance, ENI, gateway, vSwitch, DNAT and SNAT entry (the adapter walks
 * every page), plus the instance types and security groups they use. Scans, batches and the drift sweep plan
 * every instance from this one snapshot instead of reading per instance.
 */
export async function gatherVpcState(cloud: CloudPort, vpcId: string): Promise<VpcState> {
  const [instances, natGateways, vSwitches, networkInterfaces] = await Promise.all([
    cloud.listInstances({ vpcId }),
    cloud.listNatGateways({ vpcId }),
    cloud.listVSwitches({ vpcId }),
    cloud.listNetworkInterfaces({ vpcId }),
  ]);
  const forwardTables = [...new Set(natGateways.flatMap((g) => g.forwardTableIds))];
  const snatTables = [...new Set(natGateways.flatMap((g) => g.snatTableIds))];
  const types = [...new Set(instances.map((i) => i.instanceType))];
  const sgIds = [...new Set(instances.flatMap((i) => i.securityGroupIds))];
  const [dnat, snat, quantities, groups, agents] = await Promise.all([
    Promise.all(forwardTables.map((t) => cloud.listForwardEntries(t))),
    Promise.all(snatTables.map((t) => cloud.listSnatEntries(t))),
    Promise.all(types.map(async (t) => [t, await cloud.eniQuantity(t)] as const)),
    Promise.all(sgIds.map((id) => cloud.describeSecurityGroup(id))),
    // The Cloud Assistant agent of every running instance (50 a call): a batch refuses an instance without one
    // before anything changes, like a single job's pre-flight.
    cloud.cloudAssistantStatus(instances.filter((i) => i.status === 'Running').map((i) => i.instanceId)),
  ]);
  return {
    regionId: cloud.regionId, vpcId, instances, natGateways, vSwitches, networkInterfaces,
    dnatEntries: dnat.flat(), snatEntries: snat.flat(),
    eniQuantities: Object.fromEntries(quantities),
    securityGroups: groups.filter((g): g is SecurityGroup => g !== undefined),
    agents,
  };
}

/** The VPC a scan/batch target names (a NAT gateway id resolves through its gateway). */
export async function vpcOfTarget(cloud: CloudPort, target: string): Promise<string> {
  if (isVpcId(target)) return target;
  if (isNatGatewayId(target)) {
    const gw = (await cloud.listNatGateways({ natGatewayId: target })).find((g) => g.natGatewayId === target);
    if (!gw) throw new StepFailure('NatGatewayNotFound', { failure: 'nat_gateway_not_found', gateway: target, region: cloud.regionId });
    return gw.vpcId;
  }
  throw new StepFailure('BadTarget', { failure: 'bad_target', target });
}
