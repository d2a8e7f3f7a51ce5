import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import type { CloudCallObserver, CloudPort } from '../cloud-port.ts';
import { CloudError, isCloudError } from '../errors.ts';
import { unlimitedBudget, type RateBudget } from '../rate-budget.ts';
import type {
  DnatEntry, DnatSpec, Eip, Instance, InvocationResult, NatGateway, NetworkInterface, SecurityGroup, SecurityGroupRule, SnatEntry, VSwitch,
} from '../../domain/cloud-types.ts';
import { ACTIONS, isValidClientToken, type ActionName, type ActionSpec } from './actions.ts';
import { runCall, type CallRuntime, type Recovery } from './call.ts';
import { createClients, type EcsClient, type VpcClient } from './clients.ts';
import { buildCredential, secretsOf, type CredentialsOption } from './credentials.ts';
import { BadResponseError, type AlibabaCallError } from './error-map.ts';
import {
  mapCreatedNetworkInterface, mapEip, mapForwardEntry, mapInstance, mapInvocationResult, mapNatGateway, mapNetworkInterface,
  mapSecurityGroup, mapSecurityGroupRule, mapSnatEntry, mapVSwitch,
} from './map.ts';
import { chunk, paginateByPage, paginateByToken } from './paginate.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { DEFAULT_WAIT_SCHEDULE, pollUntil, type Verdict, type WaitSchedule } from './waiters.ts';

export interface AlibabaCloudOptions {
  regionId: string;
  /** host[:port] (a URL is accepted and its scheme becomes the protocol). Unset = the SDK's regional endpoint. */
  ecsEndpoint?: string;
  vpcEndpoint?: string;
  /** Default https. */
  protocol?: 'http' | 'https';
  /** Default 'default-chain' (@alicloud/credentials). */
  credentials?: CredentialsOption;
  /** Per HTTP attempt. Default connect 5 s, read 10 s (the SDK's own default is 3 s for both). */
  timeouts?: { connectMs: number; readMs: number };
  /** Overrides of the retry policy (attempts, backoff base/cap…). */
  retry?: Partial<RetryPolicy>;
  /** Default: no limit (the engine passes its shared budget). */
  rateBudget?: RateBudget;
  observers?: CloudCallObserver[];
  /** Poll schedule of the waiters. */
  waiter?: Partial<WaitSchedule>;
  /** Caps every page size (tests use it to exercise paging with small worlds). Default: each API's maximum. */
  maxPageSize?: number;
}

/** Options the waiters accept on top of the port's (all optional). */
export interface WaitExtras {
  /** Expected latency of the transition, so the first poll can come earlier than the default. */
  expectedMs?: number;
}

// Codes meaning "the thing is not there", per resource.
const ENI_NOT_FOUND = new Set(['InvalidEniId.NotFound', 'InvalidNetworkInterfaceId.NotFound']);
const DNAT_GONE = new Set(['InvalidForwardEntryId.NotFound', 'ResourceNotFound.ForwardEntry', 'InvalidForwardTableId.NotFound']);
const SG_NOT_FOUND = new Set(['InvalidSecurityGroupId.NotFound', 'InvalidSecurityGroupId.Malformed']);
const INSTANCE_NOT_FOUND = new Set(['InvalidInstanceId.NotFound', 'InvalidInstanceId.Malformed']);
const TERMINAL_INVOCATION = new Set(['Success', 'Failed', 'Error', 'Timeout', 'Cancelled', 'Terminated', 'Invalid', 'Aborted']);
/** RunCommand: the SDK doc allows 24 KB of Base64 content (an older doc says 16 KB). */
const MAX_COMMAND_BASE64 = 24 * 1024;

export class AlibabaCloud implements CloudPort {
  readonly regionId: string;
  private readonly ecs: EcsClient;
  private readonly vpc: VpcClient;
  private readonly rt: CallRuntime;
  private readonly schedule: WaitSchedule;
  private readonly maxPageSize: number | undefined;
  /** ENIs this adapter asked to attach (eni → instance), so the waiter knows "Available" now means failure. */
  private readonly attachRequested = new Map<string, string>();

  constructor(opts: AlibabaCloudOptions) {
    if (!opts.regionId) throw new Error('regionId is required');
    this.regionId = opts.regionId;
    const credentials = opts.credentials ?? 'default-chain';
    const timeouts = opts.timeouts ?? { connectMs: 5_000, readMs: 10_000 };
    const clients = createClients({
      regionId: opts.regionId,
      ecsEndpoint: opts.ecsEndpoint,
      vpcEndpoint: opts.vpcEndpoint,
      protocol: opts.protocol ?? 'https',
      credential: buildCredential(credentials),
      connectMs: timeouts.connectMs,
      readMs: timeouts.readMs,
    });
    this.ecs = clients.ecs;
    this.vpc = clients.vpc;
    this.rt = {
      budget: opts.rateBudget ?? unlimitedBudget,
      observers: [...(opts.observers ?? [])],
      policy: { ...DEFAULT_RETRY_POLICY, ...stripUndefined(opts.retry ?? {}) },
      secrets: secretsOf(credentials),
    };
    this.schedule = { ...DEFAULT_WAIT_SCHEDULE, ...stripUndefined(opts.waiter ?? {}) };
    this.maxPageSize = opts.maxPageSize;
  }

  /** Adds an observer after construction (metrics, audit). */
  addObserver(o: CloudCallObserver): void {
    (this.rt.observers as CloudCallObserver[]).push(o);
  }

  private pageSize(action: ActionName): number {
    const spec: ActionSpec = ACTIONS[action];
    const max = spec.maxPageSize ?? 50;
    return this.maxPageSize ? Math.max(spec.minPageSize ?? 1, Math.min(max, this.maxPageSize)) : max;
  }

  private call<R>(action: ActionName, invoke: () => Promise<R>, extra: { recover?: (e: AlibabaCallError, attempt: number) => Promise<Recovery<R>>; signal?: AbortSignal } = {}): Promise<R> {
    return runCall(this.rt, { action, invoke, ...extra });
  }

  // ── reads ───────────────────────────────────────────────────────────────

  async describeInstance(instanceId: string, opts: { signal?: AbortSignal } = {}): Promise<Instance | undefined> {
    try {
      const res = await this.call('DescribeInstances', () => this.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({
        regionId: this.regionId,
        instanceIds: JSON.stringify([instanceId]), // a JSON array in a string, not InstanceIds.N
      })), opts);
      const found = (res.body?.instances?.instance ?? []).find((i) => i.instanceId === instanceId);
      return found ? mapInstance(found) : undefined;
    } catch (e) {
      if (isCloudError(e) && INSTANCE_NOT_FOUND.has(e.code)) return undefined;
      throw e;
    }
  }

  async listInstances(filter: { vpcId: string }): Promise<Instance[]> {
    const maxResults = this.pageSize('DescribeInstances');
    const raw = await paginateByToken('DescribeInstances', async (nextToken) => {
      const res = await this.call('DescribeInstances', () => this.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({
        regionId: this.regionId, vpcId: filter.vpcId, maxResults, nextToken,
      })));
      return { items: res.body?.instances?.instance ?? [], nextToken: res.body?.nextToken };
    });
    return raw.map(mapInstance);
  }

  async eniQuantity(instanceType: string): Promise<number | undefined> {
    const types = await paginateByToken('DescribeInstanceTypes', async (nextToken) => {
      const res = await this.call('DescribeInstanceTypes', () => this.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({
        instanceTypes: [instanceType], maxResults: this.pageSize('DescribeInstanceTypes'), nextToken,
      })));
      return { items: res.body?.instanceTypes?.instanceType ?? [], nextToken: res.body?.nextToken };
    });
    const t = types.find((x) => x.instanceTypeId === instanceType);
    return typeof t?.eniQuantity === 'number' ? t.eniQuantity : undefined;
  }

  async listNetworkInterfaces(
    filter: { instanceId?: string; networkInterfaceIds?: string[]; vpcId?: string; tags?: Record<string, string> },
    opts: { signal?: AbortSignal } = {},
  ): Promise<NetworkInterface[]> {
    const ids = filter.networkInterfaceIds;
    if (ids && ids.length === 0) return [];
    const tag = filter.tags ? Object.entries(filter.tags).map(([key, value]) => new $Ecs.DescribeNetworkInterfacesRequestTag({ key, value })) : undefined;
    const maxResults = this.pageSize('DescribeNetworkInterfaces');
    const out: NetworkInterface[] = [];
    // NetworkInterfaceId.N takes at most 100 ids per request.
    for (const idChunk of ids ? chunk(ids, 100) : [undefined]) {
      const raw = await paginateByToken('DescribeNetworkInterfaces', async (nextToken) => {
        const res = await this.call('DescribeNetworkInterfaces', () => this.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({
          regionId: this.regionId,
          instanceId: filter.instanceId,
          vpcId: filter.vpcId,
          networkInterfaceId: idChunk,
          tag,
          maxResults,
          nextToken,
        })), opts);
        return { items: res.body?.networkInterfaceSets?.networkInterfaceSet ?? [], nextToken: res.body?.nextToken };
      });
      out.push(...raw.map(mapNetworkInterface));
    }
    return out;
  }

  async describeSecurityGroup(securityGroupId: string): Promise<SecurityGroup | undefined> {
    let head: $Ecs.DescribeSecurityGroupAttributeResponseBody | undefined;
    try {
      const perms = await paginateByToken('DescribeSecurityGroupAttribute', async (nextToken) => {
        const res = await this.call('DescribeSecurityGroupAttribute', () => this.ecs.describeSecurityGroupAttribute(
          new $Ecs.DescribeSecurityGroupAttributeRequest({
            regionId: this.regionId, securityGroupId, maxResults: this.pageSize('DescribeSecurityGroupAttribute'), nextToken,
          }),
        ));
        head ??= res.body;
        return { items: res.body?.permissions?.permission ?? [], nextToken: res.body?.nextToken };
      });
      if (!head) return undefined;
      const rules: SecurityGroupRule[] = perms.map(mapSecurityGroupRule);
      return mapSecurityGroup(head, rules);
    } catch (e) {
      if (isCloudError(e) && SG_NOT_FOUND.has(e.code)) return undefined;
      throw e;
    }
  }

  async listVSwitches(filter: { vpcId: string }): Promise<VSwitch[]> {
    const raw = await paginateByPage('DescribeVSwitches', this.pageSize('DescribeVSwitches'), async (pageNumber, pageSize) => {
      const res = await this.call('DescribeVSwitches', () => this.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({
        regionId: this.regionId, vpcId: filter.vpcId, pageNumber, pageSize,
      })));
      return { items: res.body?.vSwitches?.vSwitch ?? [], totalCount: res.body?.totalCount };
    });
    return raw.map(mapVSwitch);
  }

  async listNatGateways(filter: { vpcId?: string; natGatewayId?: string }): Promise<NatGateway[]> {
    const raw = await paginateByPage('DescribeNatGateways', this.pageSize('DescribeNatGateways'), async (pageNumber, pageSize) => {
      const res = await this.call('DescribeNatGateways', () => this.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({
        regionId: this.regionId, vpcId: filter.vpcId, natGatewayId: filter.natGatewayId, pageNumber, pageSize,
      })));
      return { items: res.body?.natGateways?.natGateway ?? [], totalCount: res.body?.totalCount };
    });
    return raw.map(mapNatGateway);
  }

  async listForwardEntries(
    forwardTableId: string,
    filter: { internalIp?: string; externalIp?: string; forwardEntryId?: string } = {},
    opts: { signal?: AbortSignal } = {},
  ): Promise<DnatEntry[]> {
    const raw = await paginateByPage('DescribeForwardTableEntries', this.pageSize('DescribeForwardTableEntries'), async (pageNumber, pageSize) => {
      const res = await this.call('DescribeForwardTableEntries', () => this.vpc.describeForwardTableEntries(
        new $Vpc.DescribeForwardTableEntriesRequest({
          regionId: this.regionId, forwardTableId,
          internalIp: filter.internalIp, externalIp: filter.externalIp, forwardEntryId: filter.forwardEntryId,
          pageNumber, pageSize,
        }),
      ), opts);
      return { items: res.body?.forwardTableEntries?.forwardTableEntry ?? [], totalCount: res.body?.totalCount };
    });
    return raw.map(mapForwardEntry);
  }

  async listSnatEntries(snatTableId: string): Promise<SnatEntry[]> {
    const raw = await paginateByPage('DescribeSnatTableEntries', this.pageSize('DescribeSnatTableEntries'), async (pageNumber, pageSize) => {
      const res = await this.call('DescribeSnatTableEntries', () => this.vpc.describeSnatTableEntries(new $Vpc.DescribeSnatTableEntriesRequest({
        regionId: this.regionId, snatTableId, pageNumber, pageSize,
      })));
      return { items: res.body?.snatTableEntries?.snatTableEntry ?? [], totalCount: res.body?.totalCount };
    });
    return raw.map(mapSnatEntry);
  }

  async listEips(filter: { ipAddress?: string; allocationId?: string }): Promise<Eip[]> {
    const raw = await paginateByPage('DescribeEipAddresses', this.pageSize('DescribeEipAddresses'), async (pageNumber, pageSize) => {
      const res = await this.call('DescribeEipAddresses', () => this.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({
        regionId: this.regionId, eipAddress: filter.ipAddress, allocationId: filter.allocationId, pageNumber, pageSize,
      })));
      return { items: res.body?.eipAddresses?.eipAddress ?? [], totalCount: res.body?.totalCount };
    });
    return raw.map(mapEip);
  }

  // ── ENI lifecycle ───────────────────────────────────────────────────────

  async createNetworkInterface(input: {
    vSwitchId: string; securityGroupIds: string[]; name?: string; description?: string;
    tags?: Record<string, string>; clientToken: string;
  }): Promise<NetworkInterface> {
    checkToken('CreateNetworkInterface', input.clientToken);
    const req = new $Ecs.CreateNetworkInterfaceRequest({
      regionId: this.regionId,
      vSwitchId: input.vSwitchId,
      securityGroupIds: input.securityGroupIds,
      networkInterfaceName: input.name,
      description: input.description,
      tag: input.tags ? Object.entries(input.tags).map(([key, value]) => new $Ecs.CreateNetworkInterfaceRequestTag({ key, value })) : undefined,
      clientToken: input.clientToken,
    });
    const res = await this.call('CreateNetworkInterface', async () => {
      const r = await this.ecs.createNetworkInterface(req);
      // Documented: "If NetworkInterfaceId is empty in the response, try to create the ENI again" (same token).
      if (!r.body?.networkInterfaceId) throw new BadResponseError('CreateNetworkInterface answered without a NetworkInterfaceId', r.body?.requestId);
      return r;
    });
    return mapCreatedNetworkInterface(res.body!, input);
  }

  /** Reads one ENI, or undefined when it does not exist. */
  private async readEni(networkInterfaceId: string, signal?: AbortSignal): Promise<NetworkInterface | undefined> {
    try {
      const list = await this.listNetworkInterfaces({ networkInterfaceIds: [networkInterfaceId] }, { signal });
      return list.find((n) => n.networkInterfaceId === networkInterfaceId);
    } catch (e) {
      if (isCloudError(e) && ENI_NOT_FOUND.has(e.code)) return undefined;
      throw e;
    }
  }

  async attachNetworkInterface(input: { networkInterfaceId: string; instanceId: string }): Promise<void> {
    const { networkInterfaceId, instanceId } = input;
    this.attachRequested.set(networkInterfaceId, instanceId);
    await this.call('AttachNetworkInterface', () => this.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({
      regionId: this.regionId, networkInterfaceId, instanceId,
    })), {
      // No ClientToken: idempotency comes from the state. Already attached/attaching to this instance = done.
      recover: async (): Promise<Recovery<unknown>> => {
        const eni = await this.readEni(networkInterfaceId);
        if (!eni) return { done: false, stop: true };
        const busy = eni.status === 'InUse' || eni.status === 'Attaching';
        if (busy && eni.instanceId === instanceId) return { done: true, value: undefined };
        if (busy && eni.instanceId && eni.instanceId !== instanceId) return { done: false, stop: true };
        return { done: false };
      },
    });
  }

  async detachNetworkInterface(input: { networkInterfaceId: string; instanceId: string }): Promise<void> {
    const { networkInterfaceId, instanceId } = input;
    this.attachRequested.delete(networkInterfaceId);
    await this.call('DetachNetworkInterface', () => this.ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({
      regionId: this.regionId, networkInterfaceId, instanceId,
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

  async deleteNetworkInterface(input: { networkInterfaceId: string }): Promise<void> {
    const { networkInterfaceId } = input;
    this.attachRequested.delete(networkInterfaceId);
    await this.call('DeleteNetworkInterface', () => this.ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({
      regionId: this.regionId, networkInterfaceId,
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

  async waitNetworkInterface(
    networkInterfaceId: string,
    target: 'InUse' | 'Available' | 'Gone',
    opts: { timeoutMs?: number; instanceId?: string; signal?: AbortSignal; attachRequested?: boolean } & WaitExtras = {},
  ): Promise<NetworkInterface | undefined> {
    const requestedFor = this.attachRequested.get(networkInterfaceId);
    const attachRequested = opts.attachRequested
      ?? (requestedFor !== undefined && (opts.instanceId === undefined || opts.instanceId === requestedFor));
    const expectInstance = opts.instanceId ?? (target === 'InUse' ? requestedFor : undefined);
    let seenTransition = false;

    const judge = (eni: NetworkInterface | undefined): Verdict<NetworkInterface | undefined> => {
      const state = eni ? `${eni.status}${eni.instanceId ? ` on ${eni.instanceId}` : ''}` : 'gone';
      switch (target) {
        case 'InUse':
          if (!eni) return { kind: 'failed', why: 'the ENI no longer exists' };
          if (eni.status === 'InUse') {
            if (expectInstance && eni.instanceId && eni.instanceId !== expectInstance) {
              return { kind: 'failed', why: `the ENI is attached to ${eni.instanceId}, not ${expectInstance}` };
            }
            return { kind: 'done', value: eni };
          }
          if (eni.status === 'Attaching') seenTransition = true;
          // Documented: Available after an attach means the attach failed.
          if (eni.status === 'Available' && (seenTransition || attachRequested)) {
            return { kind: 'failed', why: 'the attach failed (the ENI went back to Available)' };
          }
          return { kind: 'pending', state };
        case 'Available':
          if (!eni) return { kind: 'failed', why: 'the ENI no longer exists' };
          if (eni.status === 'Available') return { kind: 'done', value: eni };
          if (eni.status === 'Detaching') seenTransition = true;
          if (eni.status === 'InUse' && seenTransition) return { kind: 'failed', why: 'the detach failed (the ENI went back to InUse)' };
          return { kind: 'pending', state };
        case 'Gone':
          if (!eni) return { kind: 'done', value: undefined };
          if (eni.status === 'Deleting') seenTransition = true;
          if (eni.status === 'Available' && seenTransition) return { kind: 'failed', why: 'the delete failed (the ENI went back to Available)' };
          return { kind: 'pending', state };
      }
    };

    try {
      return await pollUntil({
        action: 'DescribeNetworkInterfaces',
        what: `ENI ${networkInterfaceId} to be ${target}`,
        poll: () => this.readEni(networkInterfaceId, opts.signal),
        judge,
        timeoutMs: opts.timeoutMs,
        expectedMs: opts.expectedMs,
        signal: opts.signal,
        schedule: this.schedule,
      });
    } finally {
      if (target === 'InUse') this.attachRequested.delete(networkInterfaceId);
    }
  }

  // ── DNAT ────────────────────────────────────────────────────────────────

  async deleteForwardEntry(input: { forwardTableId: string; forwardEntryId: string; clientToken: string }): Promise<void> {
    checkToken('DeleteForwardEntry', input.clientToken);
    const req = new $Vpc.DeleteForwardEntryRequest({
      regionId: this.regionId, forwardTableId: input.forwardTableId, forwardEntryId: input.forwardEntryId, clientToken: input.clientToken,
    });
    await this.call('DeleteForwardEntry', () => this.vpc.deleteForwardEntry(req), {
      // Already gone = deleted (terraform does the same). One IncorretForwardEntryStatus message also means "not exist".
      recover: async (err): Promise<Recovery<unknown>> =>
        DNAT_GONE.has(err.code) || /not exist/i.test(err.message) ? { done: true, value: undefined } : { done: false },
    });
  }

  async createForwardEntry(input: DnatSpec & { clientToken: string }): Promise<string> {
    checkToken('CreateForwardEntry', input.clientToken);
    const req = new $Vpc.CreateForwardEntryRequest({
      regionId: this.regionId,
      forwardTableId: input.forwardTableId,
      externalIp: input.externalIp,
      externalPort: input.externalPort,
      internalIp: input.internalIp,
      internalPort: input.internalPort,
      ipProtocol: input.ipProtocol,
      forwardEntryName: input.forwardEntryName,
      clientToken: input.clientToken,
    });
    const res = await this.call('CreateForwardEntry', async () => {
      const r = await this.vpc.createForwardEntry(req);
      if (!r.body?.forwardEntryId) throw new BadResponseError('CreateForwardEntry answered without a ForwardEntryId', r.body?.requestId);
      return r;
    });
    return res.body!.forwardEntryId!;
  }

  async waitForwardEntry(
    forwardTableId: string,
    forwardEntryId: string,
    target: 'Available' | 'Gone',
    opts: { timeoutMs?: number; signal?: AbortSignal } & WaitExtras = {},
  ): Promise<DnatEntry | undefined> {
    let seen = false;
    let seenDeleting = false;
    let missing = 0;
    const judge = (entry: DnatEntry | undefined): Verdict<DnatEntry | undefined> => {
      const state = entry ? entry.status : 'not listed';
      if (target === 'Gone') {
        if (!entry) return { kind: 'done', value: undefined };
        if (entry.status === 'Deleting') seenDeleting = true;
        if (entry.status === 'Available' && seenDeleting) return { kind: 'failed', why: 'the delete failed (the entry is Available again)' };
        return { kind: 'pending', state };
      }
      if (!entry) {
        missing++;
        // Listed right after the create (Pending). Vanishing later, or never showing up, means the create failed.
        if (seen) return { kind: 'failed', why: 'the entry disappeared before it became Available' };
        if (missing >= 3) return { kind: 'failed', why: 'the entry never appeared in its forward table' };
        return { kind: 'pending', state };
      }
      seen = true;
      if (entry.status === 'Available') return { kind: 'done', value: entry };
      return { kind: 'pending', state };
    };
    return pollUntil({
      action: 'DescribeForwardTableEntries',
      what: `DNAT entry ${forwardEntryId} to be ${target}`,
      poll: async () => {
        try {
          const list = await this.listForwardEntries(forwardTableId, { forwardEntryId }, { signal: opts.signal });
          return list.find((e) => e.forwardEntryId === forwardEntryId);
        } catch (e) {
          // A table that is gone holds no entries.
          if (target === 'Gone' && isCloudError(e) && e.code === 'InvalidForwardTableId.NotFound') return undefined;
          throw e;
        }
      },
      judge,
      timeoutMs: opts.timeoutMs,
      expectedMs: opts.expectedMs,
      signal: opts.signal,
      schedule: this.schedule,
    });
  }

  // ── Cloud Assistant ─────────────────────────────────────────────────────

  async runCommand(input: { instanceId: string; script: string; name?: string; timeoutSeconds?: number; clientToken: string }): Promise<string> {
    checkToken('RunCommand', input.clientToken);
    const commandContent = Buffer.from(input.script, 'utf8').toString('base64');
    if (commandContent.length > MAX_COMMAND_BASE64) {
      throw new CloudError({
        code: 'InvalidParameter', action: 'RunCommand',
        message: `RunCommand: the script is ${commandContent.length} bytes after Base64; the limit is ${MAX_COMMAND_BASE64}`,
      });
    }
    const req = new $Ecs.RunCommandRequest({
      regionId: this.regionId,
      type: 'RunShellScript',
      commandContent,
      contentEncoding: 'Base64',
      instanceId: [input.instanceId],
      name: input.name ?? 'natmigrate',
      timeout: input.timeoutSeconds ?? 60,
      clientToken: input.clientToken,
    });
    const res = await this.call('RunCommand', async () => {
      const r = await this.ecs.runCommand(req);
      if (!r.body?.invokeId) throw new BadResponseError('RunCommand answered without an InvokeId', r.body?.requestId);
      return r;
    });
    return res.body!.invokeId!;
  }

  async waitInvocation(
    invokeId: string,
    instanceId: string,
    opts: { timeoutMs?: number; signal?: AbortSignal } & WaitExtras = {},
  ): Promise<InvocationResult> {
    return pollUntil({
      action: 'DescribeInvocationResults',
      what: `invocation ${invokeId} on ${instanceId} to finish`,
      poll: async () => {
        const res = await this.call('DescribeInvocationResults', () => this.ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({
          regionId: this.regionId, invokeId, instanceId, contentEncoding: 'Base64',
        })), { signal: opts.signal });
        const r = (res.body?.invocation?.invocationResults?.invocationResult ?? []).find((x) => !x.instanceId || x.instanceId === instanceId);
        return r ? mapInvocationResult(r, { invokeId, instanceId }) : undefined;
      },
      judge: (r): Verdict<InvocationResult> => {
        if (!r) return { kind: 'pending', state: 'not listed yet' };
        if (TERMINAL_INVOCATION.has(r.status)) return { kind: 'done', value: r };
        return { kind: 'pending', state: r.status || 'unknown' };
      },
      timeoutMs: opts.timeoutMs,
      expectedMs: opts.expectedMs,
      signal: opts.signal,
      schedule: this.schedule,
    });
  }
}

function checkToken(action: string, token: string): void {
  if (!isValidClientToken(token)) {
    throw new CloudError({
      code: 'InvalidParameter.ClientToken', action,
      message: `${action}: ClientToken must be 1–64 printable ASCII characters (got ${token.length} characters)`,
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createAlibabaCloud(opts: AlibabaCloudOptions): AlibabaCloud {
  return new AlibabaCloud(opts);
}

/**
 * Options from the environment: NATMIGRATE_REGION, NATMIGRATE_ECS_ENDPOINT, NATMIGRATE_VPC_ENDPOINT,
 * NATMIGRATE_CLOUD_PROTOCOL. Credentials: the default chain of @alicloud/credentials, whose first link is the
 * ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (/ _SECURITY_TOKEN) variables; when `env` itself carries those keys they are
 * used directly, so a caller-supplied env map (not process.env) works the same way.
 */
export function cloudOptionsFromEnv(env: Record<string, string | undefined> = process.env): AlibabaCloudOptions {
  const protocol = (env.NATMIGRATE_CLOUD_PROTOCOL ?? 'https').toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') throw new Error(`NATMIGRATE_CLOUD_PROTOCOL must be http or https, not ${protocol}`);
  const id = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const secret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const token = env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return {
    regionId: env.NATMIGRATE_REGION || 'cn-hangzhou',
    ecsEndpoint: env.NATMIGRATE_ECS_ENDPOINT || undefined,
    vpcEndpoint: env.NATMIGRATE_VPC_ENDPOINT || undefined,
    protocol,
    credentials: id && secret ? { accessKeyId: id, accessKeySecret: secret, ...(token ? { securityToken: token } : {}) } : 'default-chain',
  };
}
