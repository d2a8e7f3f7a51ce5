// The ENI lifecycle: create, attach, detach, delete, and the waits between. Attach/detach/delete take no ClientToken,
// so each makes itself idempotent by reading the ENI's state when the call fails.
import { ecsSdk as $Ecs } from './sdk.ts';
import { isCloudError } from '../cloud-error.ts';
import type { NetworkInterface } from '../../domain/cloud-types.ts';
import type { AlibabaSession, WaitExtras } from './alibaba-session.ts';
import { checkToken } from './alibaba-session.ts';
import type { Recovery } from './call.ts';
import { mapCreatedNetworkInterface, mapNetworkInterface } from './map.ts';
import { chunk } from './paginate.ts';
import { pollUntil } from './waiters.ts';
import { eniJudge } from './wait-verdicts.ts';

const ENI_NOT_FOUND = new Set(['InvalidEniId.NotFound', 'InvalidNetworkInterfaceId.NotFound']);

export class EniOperations {
  /** ENIs this adapter asked to attach (eni → instance), so the waiter knows "Available" now means failure. */
  private readonly attachRequested = new Map<string, string>();

  constructor(private readonly s: AlibabaSession) {}

  async list(
    filter: { instanceId?: string; networkInterfaceIds?: string[]; vpcId?: string; tags?: Record<string, string> },
    opts: { signal?: AbortSignal } = {},
  ): Promise<NetworkInterface[]> {
    const ids = filter.networkInterfaceIds;
    if (ids && ids.length === 0) return [];
    // An empty value asks for the key alone (any value): the value is left out of the request (what the real API
    // does with Tag.N.Key without Tag.N.Value is unconfirmed; the sandbox matches any value).
    const tag = filter.tags ? Object.entries(filter.tags).map(([key, value]) => new $Ecs.DescribeNetworkInterfacesRequestTag(value === '' ? { key } : { key, value })) : undefined;
    const out: NetworkInterface[] = [];
    // NetworkInterfaceId.N takes at most 100 ids per request.
    for (const idChunk of ids ? chunk(ids, 100) : [undefined]) {
      const raw = await this.s.pagesByToken('DescribeNetworkInterfaces', (page) => this.s.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({
        regionId: this.s.regionId, instanceId: filter.instanceId, vpcId: filter.vpcId, networkInterfaceId: idChunk, tag, ...page,
      })), (b) => b.networkInterfaceSets?.networkInterfaceSet, opts);
      out.push(...raw.map(mapNetworkInterface));
    }
    return out;
  }

  async create(input: {
    vSwitchId: string; securityGroupIds: string[]; name?: string; description?: string;
    tags?: Record<string, string>; clientToken: string;
  }): Promise<NetworkInterface> {
    checkToken('CreateNetworkInterface', input.clientToken);
    const req = new $Ecs.CreateNetworkInterfaceRequest({
      regionId: this.s.regionId,
      vSwitchId: input.vSwitchId,
      securityGroupIds: input.securityGroupIds,
      networkInterfaceName: input.name,
      description: input.description,
      tag: input.tags ? Object.entries(input.tags).map(([key, value]) => new $Ecs.CreateNetworkInterfaceRequestTag({ key, value })) : undefined,
      clientToken: input.clientToken,
    });
    // Documented: "If NetworkInterfaceId is empty in the response, try to create the ENI again" (same token).
    const res = await this.s.callRequiring('CreateNetworkInterface', () => this.s.ecs.createNetworkInterface(req), (b) => b?.networkInterfaceId, 'NetworkInterfaceId');
    return mapCreatedNetworkInterface(res.body!, input);
  }

  /** Reads one ENI, or undefined when it does not exist. */
  private async readEni(networkInterfaceId: string, signal?: AbortSignal): Promise<NetworkInterface | undefined> {
    try {
      const list = await this.list({ networkInterfaceIds: [networkInterfaceId] }, { signal });
      return list.find((n) => n.networkInterfaceId === networkInterfaceId);
    } catch (e) {
      if (isCloudError(e) && ENI_NOT_FOUND.has(e.code)) return undefined;
      throw e;
    }
  }

  async attach(input: { networkInterfaceId: string; instanceId: string }): Promise<void> {
    const { networkInterfaceId, instanceId } = input;
    this.attachRequested.set(networkInterfaceId, instanceId);
    await this.s.call('AttachNetworkInterface', () => this.s.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({
      regionId: this.s.regionId, networkInterfaceId, instanceId,
    })), {
      // No ClientToken: idempotency comes from the state. Already attached/attaching to this instance = done.
      recover: async (): Promise<Recovery<unknown>> => {
        const eni = await this.readEni(networkInterfaceId);
        // A new ENI may not be listed yet (eventual consistency): retry; a truly unknown ENI fails as NotFound.
        if (!eni) return { done: false };
        const busy = eni.status === 'InUse' || eni.status === 'Attaching';
        if (busy && eni.instanceId === instanceId) return { done: true, value: undefined };
        if (busy && eni.instanceId && eni.instanceId !== instanceId) return { done: false, stop: true };
        return { done: false };
      },
    });
  }

  async detach(input: { networkInterfaceId: string; instanceId: string }): Promise<void> {
    const { networkInterfaceId, instanceId } = input;
    this.attachRequested.delete(networkInterfaceId);
    await this.s.call('DetachNetworkInterface', () => this.s.ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({
      regionId: this.s.regionId, networkInterfaceId, instanceId,
    })), {
      // Already detached (Available), detaching, or gone = done.
      recover: async (err): Promise<Recovery<unknown>> => {
        if (ENI_NOT_FOUND.has(err.code)) return { done: true, value: undefined };
        const eni = await this.readEni(networkInterfaceId);
        if (!eni || eni.status === 'Available' || eni.status === 'Detaching' || eni.status === 'Deleting') return { done: true, value: undefined };
        if (eni.instanceId && eni.instanceId !== instanceId) return { done: false, stop: true };
        return { done: false };
      },
    });
  }

  async delete(input: { networkInterfaceId: string }): Promise<void> {
    const { networkInterfaceId } = input;
    this.attachRequested.delete(networkInterfaceId);
    await this.s.call('DeleteNetworkInterface', () => this.s.ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({
      regionId: this.s.regionId, networkInterfaceId,
    })), {
      // Already deleting or gone = done.
      recover: async (err): Promise<Recovery<unknown>> => {
        if (ENI_NOT_FOUND.has(err.code)) return { done: true, value: undefined };
        const eni = await this.readEni(networkInterfaceId);
        if (!eni || eni.status === 'Deleting') return { done: true, value: undefined };
        return { done: false };
      },
    });
  }

  async wait(
    networkInterfaceId: string,
    target: 'InUse' | 'Available' | 'Gone',
    opts: { timeoutMs?: number; instanceId?: string; signal?: AbortSignal; attachRequested?: boolean } & WaitExtras = {},
  ): Promise<NetworkInterface | undefined> {
    const requestedFor = this.attachRequested.get(networkInterfaceId);
    const attachRequested = opts.attachRequested
      ?? (requestedFor !== undefined && (opts.instanceId === undefined || opts.instanceId === requestedFor));
    const expectInstance = opts.instanceId ?? (target === 'InUse' ? requestedFor : undefined);
    const judge = eniJudge(target, { attachRequested, staleGraceMs: this.s.schedule.staleGraceMs, ...(expectInstance ? { expectInstance } : {}) });

    try {
      return await pollUntil({
        action: 'DescribeNetworkInterfaces',
        what: `ENI ${networkInterfaceId} to be ${target}`,
        poll: () => this.readEni(networkInterfaceId, opts.signal),
        judge,
        timeoutMs: opts.timeoutMs,
        expectedMs: opts.expectedMs,
        signal: opts.signal,
        schedule: this.s.schedule,
        dueLag: { lag: this.s.dueLag, key: `eni:${target}` },
      });
    } finally {
      if (target === 'InUse') this.attachRequested.delete(networkInterfaceId);
    }
  }
}
