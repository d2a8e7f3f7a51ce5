// A RAM denial as the pre-flight reports it: which action to grant.
import type { Refusal } from './plan-types.ts';

const ECS_ACTIONS = new Set([
  'DescribeInstances', 'DescribeInstanceTypes', 'CreateNetworkInterface', 'AttachNetworkInterface', 'DetachNetworkInterface',
  'DeleteNetworkInterface', 'DescribeNetworkInterfaces', 'DescribeSecurityGroupAttribute', 'RunCommand',
  'DescribeInvocationResults', 'DescribeInvocations', 'DescribeCloudAssistantStatus', 'StopInstance', 'StartInstance',
]);

/** 'CreateForwardEntry' → 'vpc:CreateForwardEntry'; already-qualified names are kept. */
export function ramActionFor(action: string): string {
  if (action.includes(':')) return action;
  return `${ECS_ACTIONS.has(action) ? 'ecs' : 'vpc'}:${action}`;
}

/** The refusal the engine reports when a call fails with Forbidden.RAM (CloudError.isPermissionDenied). */
export function refusalFromPermissionError(action: string, deniedAction?: string): Refusal {
  const ram = deniedAction && deniedAction.trim() ? deniedAction.trim() : ramActionFor(action);
  return {
    code: 'PermissionDenied',
    message: `natmigrate's RAM identity may not call ${ram} (${action} was denied with Forbidden.RAM); grant ${ram} in its RAM policy and retry.`,
    details: { action, deniedAction: ram },
  };
}
