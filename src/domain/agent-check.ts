// Pre-flight for Cloud Assistant: the verification's egress check (and --configure-guest) run through it, so an
// instance whose agent is absent or silent would be found out only after the cutover, by an invocation ending in
// ClientNotRunning / ClientNotResponse / DeliveryTimeout, and then restored: two flips of a production mapping for
// nothing. DescribeCloudAssistantStatus says it up front (CloudAssistantStatus "true" = a heartbeat in the last
// 2 minutes). Pure.
import type { CloudAssistantAgent } from './cloud-types.ts';
import type { MigrationOptions, Refusal } from './plan-types.ts';

/** What the job will use the agent for, for the message. */
function needs(options: MigrationOptions): string {
  return options.configureGuest ? 'bring up the new NIC (--configure-guest) and check the egress IP after the cutover' : 'check the egress IP after the cutover';
}

/**
 * undefined when the agent is running, or when its status was not read (an older caller); a CloudAssistantUnavailable
 * refusal otherwise. `agent` undefined with `read` true: the API did not answer for the instance at all.
 */
export function cloudAssistantRefusal(instanceId: string, agent: CloudAssistantAgent | undefined, read: boolean, options: MigrationOptions): Refusal | undefined {
  if (!read || agent?.running) return undefined;
  const installed = !!agent?.version;
  const state = !agent ? 'unknown' : installed ? 'notResponding' : 'absent';
  const why = !agent
    ? `DescribeCloudAssistantStatus did not answer for instance ${instanceId}`
    : installed
      ? `the Cloud Assistant agent on instance ${instanceId} (version ${agent.version}) has sent no heartbeat${agent.lastHeartbeatTime ? ` since ${agent.lastHeartbeatTime}` : ''}`
      : `the Cloud Assistant agent is not installed on instance ${instanceId}`;
  const fix = installed ? 'restart the agent (the aliyun-service service in the guest)' : 'install the agent (InstallCloudAssistant, or the package for the image)';
  return {
    code: 'CloudAssistantUnavailable',
    message: `Nothing was changed: ${why}, and the job needs it to ${needs(options)}. ${fix[0]!.toUpperCase()}${fix.slice(1)} and retry.`,
    details: { agent: state, ...(agent?.version ? { version: agent.version } : {}), ...(agent?.lastHeartbeatTime ? { lastHeartbeatTime: agent.lastHeartbeatTime } : {}) },
  };
}
