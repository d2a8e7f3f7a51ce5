// Cloud Assistant's RunCommand: the script runs at once on each instance's modelled guest; results become visible
// after latency.runCommand (DescribeInvocationResults reports Running until then).
import { ApiError } from '../api-error.ts';
import { imageOf } from '../guest/guest-images.ts';
import { runGuestScript } from '../guest/modelled-guest.ts';
import { runPowerShellScript } from '../guest/powershell.ts';
import type { InvocationInstanceResult, InvocationState } from './cloud-resources.ts';
import type { World } from './world.ts';

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
    if (!inst.guest.cloudAssistant) {
      return { ...base, finishAt: done, finalStatus: 'Failed', errorCode: 'ClientNotRunning', errorInfo: 'The Cloud Assistant agent is not running.' };
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
  return inv;
}
