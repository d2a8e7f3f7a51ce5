/**
 * The one table of every API action this adapter can call. call.ts, the retry policy and the RAM policy
 * check all derive from it, so adding a call here is the only way to make the adapter use a new action.
 */

export type Product = 'ecs' | 'vpc';

export interface ActionSpec {
  product: Product;
  /** Changes cloud state. */
  write: boolean;
  /** The API takes a ClientToken, so a retried write with the same token cannot apply twice. */
  clientToken: boolean;
  /**
   * Business error codes that mean "busy / transitional, try again later" for this action
   * (terraform-provider-alicloud retries the same ones). Generic transient codes are in retry-policy.ts.
   */
  busyCodes: readonly string[];
  /** Largest page the API serves (PageSize or MaxResults), for list actions. */
  maxPageSize?: number;
  /** Smallest MaxResults the API honours (smaller values are documented to be raised to it). */
  minPageSize?: number;
}

// Forward-table writes: the table is busy while any entry is Pending/Modifying, or the gateway is mid-change.
const forwardTableBusy = [
  'OperationConflict', 'TaskConflict', 'IncorretForwardEntryStatus', 'IncorrectStatus.NATGW', 'LastTokenProcessing', 'UnknownError',
] as const;
// ENI writes: the ENI or the instance is in a transition (terraform's NetworkInterfaceInvalidOperations).
// 403 Operation.Conflict: "The specified ENI is processing another task" (ENI API error tables; terway retries it).
const eniBusy = ['InvalidOperation.InvalidEniState', 'InvalidOperation.InvalidEcsState', 'OperationConflict', 'Operation.Conflict', 'UnknownError'] as const;

export const ACTIONS = {
  // ── ECS reads
  DescribeInstances: { product: 'ecs', write: false, clientToken: false, busyCodes: [], maxPageSize: 100, minPageSize: 10 },
  // MaxResults ≤ 100 since 2023-11-15 (SDK remark on DescribeInstanceTypes; terway hard-codes 100).
  DescribeInstanceTypes: { product: 'ecs', write: false, clientToken: false, busyCodes: [], maxPageSize: 100 },
  DescribeNetworkInterfaces: { product: 'ecs', write: false, clientToken: false, busyCodes: [], maxPageSize: 500, minPageSize: 10 },
  DescribeSecurityGroupAttribute: { product: 'ecs', write: false, clientToken: false, busyCodes: [], maxPageSize: 1000, minPageSize: 10 },
  DescribeInvocationResults: { product: 'ecs', write: false, clientToken: false, busyCodes: [], maxPageSize: 50 },
  // Pre-flight: is the Cloud Assistant agent there and heartbeating (MaxResults ≤ 50; ignored with InstanceId.N)?
  DescribeCloudAssistantStatus: { product: 'ecs', write: false, clientToken: false, busyCodes: [], maxPageSize: 50 },
  // ── ECS writes
  CreateNetworkInterface: {
    product: 'ecs', write: true, clientToken: true,
    busyCodes: ['IncorrectVSwitchStatus', 'OperationConflict', 'LastTokenProcessing', 'UnknownError'],
  },
  AttachNetworkInterface: { product: 'ecs', write: true, clientToken: false, busyCodes: eniBusy },
  DetachNetworkInterface: { product: 'ecs', write: true, clientToken: false, busyCodes: eniBusy },
  DeleteNetworkInterface: { product: 'ecs', write: true, clientToken: false, busyCodes: eniBusy },
  RunCommand: { product: 'ecs', write: true, clientToken: true, busyCodes: ['LastTokenProcessing', 'OperationConflict'] },
  // --allow-stop only. IncorrectInstanceStatus: the instance is mid-transition (terraform retries it on both,
  // resource_alicloud_instance.go); an instance already where the call leads is taken as done (instance-power.ts).
  StopInstance: { product: 'ecs', write: true, clientToken: false, busyCodes: ['IncorrectInstanceStatus', 'OperationConflict'] },
  StartInstance: { product: 'ecs', write: true, clientToken: false, busyCodes: ['IncorrectInstanceStatus', 'OperationConflict'] },
  // ── VPC reads
  DescribeVSwitches: { product: 'vpc', write: false, clientToken: false, busyCodes: [], maxPageSize: 50 },
  DescribeNatGateways: { product: 'vpc', write: false, clientToken: false, busyCodes: [], maxPageSize: 50 },
  // terraform retries TaskConflict on this read; the 2021 doc lists IncorretForwardEntryStatus for it.
  DescribeForwardTableEntries: { product: 'vpc', write: false, clientToken: false, busyCodes: ['TaskConflict', 'IncorretForwardEntryStatus', 'OperationConflict'], maxPageSize: 50 },
  DescribeSnatTableEntries: { product: 'vpc', write: false, clientToken: false, busyCodes: [], maxPageSize: 50 },
  DescribeEipAddresses: { product: 'vpc', write: false, clientToken: false, busyCodes: [], maxPageSize: 100 },
  // ── VPC writes
  // InvalidIp.NotInNatgw: terraform retries it on create (an EIP just bound to the gateway takes a moment to show).
  // OperationUnsupported.EipInBinding: the EIP's binding is still changing (terraform retries it on create and modify,
  // resource_alicloud_forward_entry.go).
  // IncorrectStatus (bare): terraform retries it on create too.
  CreateForwardEntry: {
    product: 'vpc', write: true, clientToken: true,
    busyCodes: [...forwardTableBusy, 'IncorrectStatus', 'InvalidIp.NotInNatgw', 'OperationUnsupported.EipInBinding'],
  },
  ModifyForwardEntry: { product: 'vpc', write: true, clientToken: true, busyCodes: [...forwardTableBusy, 'OperationUnsupported.EipInBinding'] },
  DeleteForwardEntry: { product: 'vpc', write: true, clientToken: true, busyCodes: [...forwardTableBusy, 'IncorrectStatus.ForwardEntry'] },
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export function actionSpec(action: string): ActionSpec {
  const spec = (ACTIONS as Record<string, ActionSpec>)[action];
  if (!spec) throw new Error(`unknown cloud action ${action}`);
  return spec;
}

/** Exactly the RAM actions (`ecs:DescribeInstances`, …) this adapter can call, sorted. */
export function requiredRamActions(): string[] {
  return (Object.entries(ACTIONS) as [string, ActionSpec][]).map(([name, s]) => `${s.product}:${name}`).sort();
}

/** ClientToken rules shared by ECS and VPC: 1–64 printable ASCII characters, case-sensitive. */
export function isValidClientToken(token: string): boolean {
  return token.length >= 1 && token.length <= 64 && /^[\x21-\x7e]+$/.test(token);
}
