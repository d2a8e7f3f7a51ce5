// Instance families that take a secondary ENI only while Stopped (the SDK remark on AttachNetworkInterface and the
// "ECS instance types that require instance stop" section of "Attach an ENI", help.aliyun.com/document_detail/58503).
// The same list as src/domain/instance-families.ts: the sandbox does not import the product's code.
import { ApiError } from '../api-error.ts';
import type { InstanceState } from './cloud-resources.ts';

const FAMILIES = ['ecs.s6', 'ecs.e', 'ecs.t5', 'ecs.t6', 'ecs.n4', 'ecs.mn4', 'ecs.xn4', 'ecs.e4'];

function familyOf(instanceType: string): string {
  const m = /^(ecs\.[a-z0-9]+?)(?:-[^.]*)?\./i.exec(instanceType);
  return (m?.[1] ?? instanceType.split('.').slice(0, 2).join('.')).toLowerCase();
}

/**
 * Refuses attaching to a Running instance of such a family. The code is unconfirmed (the docs name none):
 * InvalidOperation.InvalidEcsState, the documented code for an instance in a state that cannot take the ENI.
 */
export function checkStoppedOnlyAttach(inst: InstanceState): void {
  if (inst.status !== 'Running') return;
  const family = familyOf(inst.instanceType);
  if (FAMILIES.includes(family)) {
    throw new ApiError('InvalidOperation.InvalidEcsState', 400, `The operation is not allowed in the current ECS instance state (Running): instances of type family ${family} attach a secondary ENI only when Stopped.`);
  }
}
