// Cloud Assistant: the agent's state per instance (DescribeCloudAssistantStatus) and RunCommand. The script runs at
// once on each instance's modelled guest; results become visible after latency.runCommand (DescribeInvocationResults
// reports Running until then). An instance whose agent is absent or not responding gets the per-instance error codes
// the DescribeInvocationResults doc lists (ClientNotRunning, ClientNotResponse); a delivery failure, DeliveryTimeout.
import { ApiError } from '../api-error.ts';
import { imageOf } from '../guest/guest-images.ts';
import { runGuestScript } from '../guest/modelled-guest.ts';
import { runPowerShellScript } from '../guest/powershell.ts';
import type { InstanceState, InvocationInstanceResult, InvocationState } from './cloud-resources.ts';
import type { World } from './world.ts';

export type AgentState = 'running' | 'absent' | 'notResponding';

/** The scenario's guest.cloudAssistant (true/false kept for older scenarios) as an agent state. */
export function agentState(inst: InstanceState): AgentState {
  const v = inst.guest.cloudAssistant;
  return v === true ? 'running' : v === false ? 'absent' : v;
}

/**
 * One InstanceCloudAssistantStatus row. CloudAssistantStatus is "true" only with a heartbeat in the last 2 minutes
 * (DescribeCloudAssistantStatus doc): a stopped instance or a silent agent says "false"; an absent agent has no version.
 */
export function cloudAssistantStatusJson(w: World, inst: InstanceState, iso: (ms: number) => string): Record<string, unknown> {
  const state = agentState(inst);
  const beating = state === 'running' && inst.status === 'Running';
  const now = w.now();
  return {
    InstanceId: inst.instanceId, OSType: imageOf(inst.guest.image).osType === 'windows' ? 'Windows' : 'Linux', CloudAssistantStatus: beating ? 'true' : 'false',
    CloudAssistantVersion: state === 'absent' ? '' : '2.2.3.857', SupportSessionManager: beating,
    LastHeartbeatTime: state === 'absent' ? '' : iso(beating ? now - 20_000 : now - 3_600_000),
    ActiveTaskCount: 0, InvocationCount: w.invocationCount.get(inst.instanceId) ?? 0,
    LastInvokedTime: '',
  };
}

interface RunCommandInput { instanceIds: string[]; script: string; type?: string; name: string; timeoutSec: number; username: string; fail?: boolean }

/**
 * The command type has to match the OS: RunShellScript on Linux; RunPowerShellScript or RunBatScript on Windows
 * (RunCommand's Type parameter doc). The code for a mismatch is unconfirmed: InvalidInstance.NotMatch, 403.
 */
export function checkCommandType(w: World, instanceIds: string[], type: string): void {
  for (const id of instanceIds) {
    const inst = w.instances.get(id);
    if (!inst) continue;
    const os = imageOf(inst.guest.image).osType;
    const fits = os === 'windows' ? type === 'RunPowerShellScript' || type === 'RunBatScript' : type === 'RunShellScript';
    if (!fits) throw new ApiError('InvalidInstance.NotMatch', 403, `${type} cannot run on a ${os === 'windows' ? 'Windows' : 'Linux'} instance (${id}).`);
  }
  if (type === 'RunBatScript') throw new ApiError('InvalidCmdType.NotFound', 403, 'The sandbox runs RunShellScript and RunPowerShellScript only.');
}

export function runCommand(w: World, input: RunCommandInput): InvocationState {
  w.settle();
  const insts = input.instanceIds.map((id) => {
    const inst = w.instances.get(id);
    if (!inst) throw new ApiError('InvalidInstance.NotFound', 404, `The specified instance "${id}" does not exist.`);
    return inst;
  });
  for (const inst of insts) {
    if (inst.status !== 'Running') {
      throw new ApiError('InvalidInstance.NotMatch', 403, `The instance ${inst.instanceId} is not Running (${inst.status}).`);
    }
  }
  const t = w.now();
  const results: InvocationInstanceResult[] = insts.map((inst) => {
    const base = { instanceId: inst.instanceId, startedAt: t, output: '', errorCode: '', errorInfo: '' };
    const done = t + w.latency.runCommand;
    if (input.fail) return { ...base, finishAt: done, finalStatus: 'Error', errorCode: 'DeliveryTimeout', errorInfo: 'The command could not be delivered to the instance.' };
    const agent = agentState(inst);
    if (agent === 'absent') {
      return { ...base, finishAt: done, finalStatus: 'Failed', errorCode: 'ClientNotRunning', errorInfo: 'The Cloud Assistant agent is not running.' };
    }
    if (agent === 'notResponding') {
      return { ...base, finishAt: done, finalStatus: 'Failed', errorCode: 'ClientNotResponse', errorInfo: 'The Cloud Assistant agent does not respond.' };
    }
    const r = input.type === 'RunPowerShellScript' ? runPowerShellScript(w, inst, input.script) : runGuestScript(w, inst, input.script);
    // Modelled script time (sleep) decides Timeout but is not waited for: results arrive after latency.runCommand.
    if (r.sleepMs > input.timeoutSec * 1000) {
      return { ...base, finishAt: done, finalStatus: 'Timeout', output: r.output, errorCode: 'ExecutionTimeout', errorInfo: 'The command execution timed out.' };
    }
    return r.exitCode === 0
      ? { ...base, finishAt: done, finalStatus: 'Success', exitCode: 0, output: r.output }
      : { ...base, finishAt: done, finalStatus: 'Failed', exitCode: r.exitCode, output: r.output, errorCode: 'ExitCodeNonzero', errorInfo: `The command exited with code ${r.exitCode}.` };
  });
  const inv: InvocationState = {
    invokeId: `t-${w.suffix().replace(/^bp1/, 'hz0')}`, commandId: `c-${w.suffix().replace(/^bp1/, 'hz0')}`, name: input.name,
    commandContent: input.script, createdAt: t, username: input.username, results,
  };
  w.invocations.set(inv.invokeId, inv);
  for (const id of new Set(results.map((r) => r.instanceId))) w.invocationCount.set(id, (w.invocationCount.get(id) ?? 0) + 1);
  return inv;
}
