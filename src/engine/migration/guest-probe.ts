// The plan's read-only look inside the guest, with --configure-guest: which network stack the image runs, so the
// plan card can name how the NIC's configuration will be persisted. A probe that cannot run is a warning, not a
// refusal (Cloud Assistant's own pre-flight decides whether the job can go on).
import type { CloudPort, WaitOptions } from '../../cloud/cloud-port.ts';
import { isCloudError } from '../../cloud/cloud-error.ts';
import { parseStackProbe, type GuestNetworkProbe } from '../../domain/guest-network.ts';
import { STACK_PROBE_SCRIPT } from './guest-persist-script.ts';

export async function probeGuestNetwork(cloud: CloudPort, instanceId: string, clientToken: string, wait: WaitOptions = {}): Promise<GuestNetworkProbe> {
  try {
    const invokeId = await cloud.runCommand({ instanceId, script: STACK_PROBE_SCRIPT, name: 'natmigrate-probe-network-stack', timeoutSeconds: 30, clientToken });
    const res = await cloud.waitInvocation(invokeId, instanceId, { timeoutMs: 60_000, ...wait });
    const method = parseStackProbe(res.output);
    if (method) return { method };
    return { error: `the probe ended ${res.status}${res.exitCode !== undefined ? ` (exit ${res.exitCode})` : ''}${res.output.trim() ? `: ${res.output.trim().slice(0, 200)}` : res.errorInfo ? `: ${res.errorInfo}` : ''}` };
  } catch (e) {
    if (isCloudError(e) && e.isPermissionDenied) throw e;
    if (wait.signal?.aborted) throw e;
    return { error: isCloudError(e) ? `${e.action}: ${e.code}` : String(e) };
  }
}
