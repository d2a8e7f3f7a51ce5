// Cloud Assistant: run a shell script on an instance and wait for its result.
import { ecsSdk as $Ecs } from './sdk.ts';
import { CloudError } from '../cloud-error.ts';
import type { CommandType } from '../cloud-port.ts';
import type { CloudAssistantAgent, InvocationResult } from '../../domain/cloud-types.ts';
import type { AlibabaSession, WaitExtras } from './alibaba-session.ts';
import { checkToken } from './alibaba-session.ts';
import { mapInvocationResult } from './map.ts';
import { chunk } from './paginate.ts';
import { pollUntil } from './waiters.ts';
import { invocationVerdict } from './wait-verdicts.ts';

/** RunCommand: the SDK doc allows 24 KB of Base64 content (an older doc says 16 KB). */
const MAX_COMMAND_BASE64 = 24 * 1024;

export class CloudAssistant {
  constructor(private readonly s: AlibabaSession) {}

  /** DescribeCloudAssistantStatus, 50 ids per request (with InstanceId.N the API answers for exactly those). */
  async status(instanceIds: string[], opts: { signal?: AbortSignal } = {}): Promise<CloudAssistantAgent[]> {
    const out: CloudAssistantAgent[] = [];
    for (const ids of chunk([...new Set(instanceIds)], 50)) {
      const res = await this.s.call('DescribeCloudAssistantStatus', () => this.s.ecs.describeCloudAssistantStatus(new $Ecs.DescribeCloudAssistantStatusRequest({
        regionId: this.s.regionId, instanceId: ids,
      })), { signal: opts.signal });
      for (const r of res.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? []) {
        if (!r.instanceId) continue;
        out.push({
          instanceId: r.instanceId, running: String(r.cloudAssistantStatus).toLowerCase() === 'true', version: r.cloudAssistantVersion ?? '',
          ...(r.lastHeartbeatTime ? { lastHeartbeatTime: r.lastHeartbeatTime } : {}), ...(r.OSType ? { osType: r.OSType } : {}),
        });
      }
    }
    return out;
  }

  async run(input: { instanceId: string; script: string; name?: string; timeoutSeconds?: number; clientToken: string; type?: CommandType }): Promise<string> {
    return this.runOn([input.instanceId], input);
  }

  /** One invocation on up to 100 instances (RunCommand's InstanceId.N limit). */
  async runMany(input: { instanceIds: string[]; script: string; name?: string; timeoutSeconds?: number; clientToken: string; type?: CommandType }): Promise<string> {
    return this.runOn(input.instanceIds, input);
  }

  private async runOn(instanceIds: string[], input: { script: string; name?: string; timeoutSeconds?: number; clientToken: string; type?: CommandType }): Promise<string> {
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
      instanceId: instanceIds,
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

  /**
   * Waits until the invocation is terminal on every instance named; reads every page of DescribeInvocationResults
   * (50 a page) each round, so 100 instances cost two calls a round.
   */
  async waitMany(
    invokeId: string,
    instanceIds: string[],
    opts: { timeoutMs?: number; signal?: AbortSignal } & WaitExtras = {},
  ): Promise<Map<string, InvocationResult>> {
    const want = new Set(instanceIds);
    return pollUntil({
      action: 'DescribeInvocationResults',
      what: `invocation ${invokeId} on ${instanceIds.length} instances to finish`,
      poll: async () => {
        const out = new Map<string, InvocationResult>();
        for (let pageNumber = 1; ; pageNumber++) {
          const res = await this.s.call('DescribeInvocationResults', () => this.s.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({
            regionId: this.s.regionId, invokeId, contentEncoding: 'Base64', pageNumber, pageSize: 50,
          })), { signal: opts.signal });
          const inv = res.body?.invocation;
          const rows = inv?.invocationResults?.invocationResult ?? [];
          for (const r of rows) if (r.instanceId && want.has(r.instanceId)) out.set(r.instanceId, mapInvocationResult(r, { invokeId, instanceId: r.instanceId }));
          if (rows.length === 0 || pageNumber * 50 >= (inv?.totalCount ?? 0)) break;
        }
        return out;
      },
      judge: (m) => (m && [...want].every((id) => { const r = m.get(id); return r !== undefined && invocationVerdict(r).kind === 'done'; })
        ? { kind: 'done', value: m } : { kind: 'pending', state: `${m ? [...m.values()].filter((r) => invocationVerdict(r).kind === 'done').length : 0} of ${want.size} done` }),
      timeoutMs: opts.timeoutMs,
      expectedMs: opts.expectedMs,
      signal: opts.signal,
      schedule: this.s.schedule,
    });
  }
}
