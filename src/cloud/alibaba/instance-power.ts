// StopInstance and StartInstance for --allow-stop (an instance family that takes a secondary ENI only while Stopped),
// and the wait for the status each leads to. Neither takes a ClientToken: each makes itself idempotent by reading the
// instance when the call fails (already Stopping/Stopped, or Starting/Running = done).
//
// StopInstance is sent with StoppedMode=KeepCharging, the documented standard stop mode: "Billing continues after the
// instance is stopped", and the instance keeps its instance-type inventory and IP addresses (the SDK remark on
// StopInstanceRequest.StoppedMode in @alicloud/ecs20140526, and "Economical mode", help.aliyun.com/document_detail/63353).
// The API's own default is KeepCharging too, except in a VPC whose account turned economical mode on by default: then it
// is StopCharging, which may release the instance's resources; so the mode is always named. ForceStop stays false
// (its documented default): the guest shuts down cleanly.
import { ecsSdk as $Ecs } from './sdk.ts';
import type { Instance } from '../../domain/cloud-types.ts';
import type { AlibabaSession, WaitExtras } from './alibaba-session.ts';
import type { Recovery } from './call.ts';
import { pollUntil, type Verdict } from './waiters.ts';

const STOPPING_OR_STOPPED = new Set(['Stopping', 'Stopped']);
const STARTING_OR_RUNNING = new Set(['Starting', 'Running']);

/**
 * The wait for Stopped or Running. Reads lag the writes (the realism layer; terraform waits through them): right
 * after StopInstance a read may still say Running, right after StartInstance still Stopped; both are "on the way",
 * never a failure. Nothing but the target ends the wait, except an instance that no longer exists.
 */
export function powerJudge(target: 'Stopped' | 'Running') {
  return (inst: Instance | undefined): Verdict<Instance> => {
    if (!inst) return { kind: 'failed', why: 'the instance no longer exists' };
    if (inst.status === target) return { kind: 'done', value: inst };
    return { kind: 'pending', state: inst.status || 'unknown' };
  };
}

export class InstancePower {
  constructor(
    private readonly s: AlibabaSession,
    private readonly read: (instanceId: string, opts: { signal?: AbortSignal }) => Promise<Instance | undefined>,
  ) {}

  private already<R>(instanceId: string, statuses: ReadonlySet<string>) {
    return async (): Promise<Recovery<R | undefined>> => {
      const inst = await this.read(instanceId, {});
      if (inst && statuses.has(inst.status)) return { done: true, value: undefined };
      return { done: false };
    };
  }

  async stop(input: { instanceId: string }): Promise<void> {
    await this.s.call<unknown>('StopInstance', () => this.s.ecs.stopInstance(new $Ecs.StopInstanceRequest({
      instanceId: input.instanceId, stoppedMode: 'KeepCharging', forceStop: false,
    })), { recover: this.already(input.instanceId, STOPPING_OR_STOPPED) });
  }

  async start(input: { instanceId: string }): Promise<void> {
    await this.s.call<unknown>('StartInstance', () => this.s.ecs.startInstance(new $Ecs.StartInstanceRequest({
      instanceId: input.instanceId,
    })), { recover: this.already(input.instanceId, STARTING_OR_RUNNING) });
  }

  wait(instanceId: string, target: 'Stopped' | 'Running', opts: { timeoutMs?: number; signal?: AbortSignal } & WaitExtras = {}): Promise<Instance> {
    return pollUntil({
      action: 'DescribeInstances',
      what: `instance ${instanceId} to be ${target}`,
      poll: () => this.read(instanceId, opts.signal ? { signal: opts.signal } : {}),
      judge: powerJudge(target),
      timeoutMs: opts.timeoutMs,
      expectedMs: opts.expectedMs,
      signal: opts.signal,
      schedule: this.s.schedule,
    });
  }
}
