// ENI quotas and sizes of instance types: a few real ones built in, the scenario's own table on top.

export interface InstanceTypeInfo { eniQuantity: number; cpuCoreCount: number; memorySize: number }

/** EniQuantity (primary included) of a few real instance types; illustrative, override with scenario.instanceTypes. */
export const BUILTIN_INSTANCE_TYPES: Record<string, InstanceTypeInfo> = {
  'ecs.g6.large': { eniQuantity: 2, cpuCoreCount: 2, memorySize: 8 },
  'ecs.g6.xlarge': { eniQuantity: 3, cpuCoreCount: 4, memorySize: 16 },
  'ecs.g7.large': { eniQuantity: 3, cpuCoreCount: 2, memorySize: 8 },
  'ecs.g7.xlarge': { eniQuantity: 4, cpuCoreCount: 4, memorySize: 16 },
  'ecs.c7.large': { eniQuantity: 3, cpuCoreCount: 2, memorySize: 4 },
  'ecs.r7.large': { eniQuantity: 3, cpuCoreCount: 2, memorySize: 16 },
  'ecs.t6-c1m1.large': { eniQuantity: 1, cpuCoreCount: 2, memorySize: 2 },
};
/** EniQuantity of a type nobody declared. */
export const DEFAULT_ENI_QUANTITY = 2;
