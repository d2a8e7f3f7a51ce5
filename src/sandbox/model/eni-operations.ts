// ENI operations with the checks and error codes of the ECS API (CreateNetworkInterface, AttachNetworkInterface,
// DetachNetworkInterface, DeleteNetworkInterface; codes in docs/sandbox.md). Attach, detach and delete are
// asynchronous: they start a transition that World.settle() completes after its latency.
import { ApiError } from '../api-error.ts';
import { allocateIp, cidrContains, isIp, isReservedInVSwitch } from '../ip.ts';
import type { EniState } from './cloud-resources.ts';
import { checkStoppedOnlyAttach } from './stopped-attach-families.ts';
import type { World } from './world.ts';

interface NewEni {
  vSwitchId: string; securityGroupIds: string[]; primaryIp?: string; name?: string; description?: string; tags: Record<string, string>;
}

const ecsNotFound = () => new ApiError('InvalidEcsId.NotFound', 404, 'The specified ECS instance does not exist.');
const invalidEniState = (status: string) => new ApiError('InvalidOperation.InvalidEniState', 400, `The operation is not allowed in the current ENI state (${status}).`);

function eniOf(w: World, eniId: string): EniState {
  const eni = w.enis.get(eniId);
  if (!eni) throw new ApiError('InvalidEniId.NotFound', 404, 'The specified ENI does not exist.');
  return eni;
}

export function createNetworkInterface(w: World, input: NewEni): EniState {
  w.settle();
  const vsw = w.vSwitches.get(input.vSwitchId);
  if (!vsw) throw new ApiError('InvalidVSwitchId.NotFound', 404, 'The specified VSwitchId does not exist.');
  for (const g of input.securityGroupIds) {
    const sg = w.securityGroups.get(g);
    if (!sg) throw new ApiError('InvalidSecurityGroupId.NotFound', 404, `The specified SecurityGroupId "${g}" does not exist.`);
    if (sg.vpcId !== vsw.vpcId) throw new ApiError('InvalidOperation.VpcMismatch', 403, 'The specified security group and vSwitch are not in the same VPC.');
  }
  const used = w.usedIps();
  let ip = input.primaryIp;
  if (ip !== undefined) {
    if (!isIp(ip) || !cidrContains(vsw.cidr, ip) || isReservedInVSwitch(vsw.cidr, ip)) {
      throw new ApiError('InvalidVSwitchId.IpInvalid', 403, 'The specified IP address is not within the CIDR block of the vSwitch.');
    }
    if (used.has(ip)) throw new ApiError('InvalidPrivateIpAddress.Duplicated', 400, 'The specified private IP address is already in use.');
  } else {
    ip = allocateIp(vsw.cidr, used);
    if (!ip) throw new ApiError('InvalidVSwitchId.IpNotEnough', 403, 'The specified vSwitch does not have enough IP addresses.');
  }
  const t = w.now();
  const eni: EniState = {
    networkInterfaceId: `eni-${w.suffix()}`, type: 'Secondary', vpcId: vsw.vpcId, vSwitchId: vsw.vSwitchId, zoneId: vsw.zoneId,
    privateIp: ip, macAddress: w.newMac(), securityGroupIds: [...input.securityGroupIds], tags: { ...input.tags },
    name: input.name ?? '', description: input.description ?? '', createdAt: t, status: 'Available', since: t,
  };
  w.enis.set(eni.networkInterfaceId, eni);
  return eni;
}

export function attachNetworkInterface(w: World, eniId: string, instanceId: string, opts: { fail?: boolean } = {}): void {
  w.settle();
  const inst = w.instances.get(instanceId);
  if (!inst) throw ecsNotFound();
  const eni = eniOf(w, eniId);
  if (eni.type === 'Primary') throw new ApiError('InvalidOperation.InvalidEniType', 403, 'The primary ENI cannot be attached.');
  if (eni.status !== 'Available') throw invalidEniState(eni.status);
  if (inst.status !== 'Running' && inst.status !== 'Stopped') {
    throw new ApiError('InvalidOperation.InvalidEcsState', 400, `The operation is not allowed in the current ECS instance state (${inst.status}).`);
  }
  checkStoppedOnlyAttach(inst);
  if (eni.vpcId !== inst.vpcId) throw new ApiError('InvalidOperation.VpcMismatch', 403, 'The ENI and the instance are not in the same VPC.');
  if (eni.zoneId !== inst.zoneId) {
    throw new ApiError('InvalidOperation.AvailabilityZoneMismatch', 403, 'The ENI and the instance are not in the same zone.');
  }
  const attached = w.enisOf(instanceId);
  if (attached.length + 1 > w.eniQuantityOf(inst)) {
    throw new ApiError('EniPerInstanceLimitExceeded', 403, `The number of ENIs attached to instance ${instanceId} exceeds the limit of its instance type.`);
  }
  const taken = new Set(attached.map((e) => e.deviceIndex));
  let idx = 1;
  while (taken.has(idx)) idx++;
  eni.status = 'Attaching';
  eni.since = w.now();
  w.touch(eni.networkInterfaceId);
  const from = eni.instanceId;
  eni.instanceId = instanceId;
  w.eniMoved(eni, from);
  eni.deviceIndex = idx;
  eni.failPending = opts.fail || undefined;
}

export function detachNetworkInterface(w: World, eniId: string, instanceId: string, opts: { fail?: boolean } = {}): void {
  w.settle();
  const eni = eniOf(w, eniId);
  if (!w.instances.has(instanceId)) throw ecsNotFound();
  if (eni.type === 'Primary') throw new ApiError('InvalidOperation.DetachPrimaryEniNotAllowed', 403, 'The primary ENI cannot be detached.');
  if (eni.status !== 'InUse' || eni.instanceId !== instanceId) {
    throw invalidEniState(`${eni.status}${eni.instanceId && eni.instanceId !== instanceId ? `, attached to ${eni.instanceId}` : ''}`);
  }
  eni.status = 'Detaching';
  eni.since = w.now();
  w.touch(eni.networkInterfaceId);
  eni.failPending = opts.fail || undefined;
}

export function deleteNetworkInterface(w: World, eniId: string): void {
  w.settle();
  const eni = eniOf(w, eniId);
  if (eni.type === 'Primary') throw new ApiError('InvalidOperation.InvalidEniType', 403, 'The primary ENI cannot be deleted.');
  if (eni.status !== 'Available') throw invalidEniState(eni.status);
  eni.status = 'Deleting';
  eni.since = w.now();
  w.touch(eni.networkInterfaceId);
}
