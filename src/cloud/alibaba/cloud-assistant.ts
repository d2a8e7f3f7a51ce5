// Cloud Assistant: run a shell script on an instance and wait for its result.
import { ecsSdk as $Ecs } from './sdk.ts';
import { CloudError } from '../cloud-error.ts';
import type { CommandType } from '../cloud-port.ts';
import type { InvocationResult } from '../../domain/cloud-types.ts';
import type { AlibabaSession, WaitExtras } from './alibaba-session.ts';
import { checkToken } from './alibaba-session.ts';
import { mapInvocationResult } from './map.ts';
import { pollUntil } from './waiters.ts';
import { invocationVerdict } from './wait-verdicts.ts';

/** RunCommand: the SDK doc allows 24 KB of Base64 content (an older doc says 16 KB). */
const MAX_COMMAND_BASE64 = 24 * 1024;

export class CloudAssistant {
  constructor(private readonly s: AlibabaSession) {}

  async run(input: { instanceId: string; script: string; name?: string; timeoutSeconds?: number; clientToken: string; type?: CommandType }): Promise<string> {
    checkToken('RunCommand', input.clientToken);
    const commandContent = Buffer.from(input.script, 'utf8').toString('base64');
    if (commandContent.length > MAX_COMMAND_BASE64) {
      throw new CloudError({
        code: 'InvalidParameter', action: 'RunCommand',
        message: `RunCommand: the script is ${commandContent.length} bytes after Base64; the limit is ${MAX_COMMAND_BASE64}`,
      });
    }
    const req = new $Ecs.RunCommandRequest({
      regionId: this.s.regionId,
      type: input.type ?? 'RunShellScript',
      commandContent,
      contentEncoding: 'Base64',
      instanceId: [input.instanceId],
      name: input.name ?? 'natmigrate',
      timeout: input.timeoutSeconds ?? 60,
      clientToken: input.clientToken,
    });
    const res = await this.s.callRequiring('RunCommand', () => this.s.ecs.runCommand(req), (b) => b?.invokeId, 'InvokeId');
    return res.body!.invokeId!;
  }

  async wait(
    invokeId: string,
    instanceId: string,
    opts: { timeoutMs?: number; signal?: AbortSignal } & WaitExtras = {},
  ): Promise<InvocationResult> {
    return pollUntil({
      action: 'DescribeInvocationResults',
      what: `invocation ${invokeId} on ${instanceId} to finish`,
      poll: async () => {
        const res = await this.s.call('DescribeInvocationResults', () => this.s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({
          regionId: this.s.regionId, invokeId, instanceId, contentEncoding: 'Base64',
        })), { signal: opts.signal });
        const r = (res.body?.invocation?.invocationResults?.invocationResult ?? []).find((x) => !x.instanceId || x.instanceId === instanceId);
        return r ? mapInvocationResult(r, { invokeId, instanceId }) : undefined;
      },
      judge: invocationVerdict,
      timeoutMs: opts.timeoutMs,
      expectedMs: opts.expectedMs,
      signal: opts.signal,
      schedule: this.s.schedule,
    });
  }
}
