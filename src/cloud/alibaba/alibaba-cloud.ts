import * as $Ecs from '@alicloud/ecs20140526';
import * as $Vpc from '@alicloud/vpc20160428';
import type { CloudCallObserver, CloudPort } from '../cloud-port.ts';
import { CloudError, isCloudError } from '../cloud-error.ts';
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
import { DEFAULT_WAIT_SCHEDULE, pollUntil, type WaitSchedule } from './waiters.ts';
import { dnatJudge, eniJudge, invocationVerdict } from './wait-verdicts.ts';

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

  /** A call whose answer must name what it made; an answer without it is retried like a transient failure. */
  private callRequiring<R extends { body?: { requestId?: string } }>(action: ActionName, invoke: () => Promise<R>, made: (body: R['body']) => unknown, field: string): Promise<R> {
    return this.call(action, async () => {
      const r = await invoke();
      if (!made(r.body)) throw new BadResponseError(`${action} answered without a ${field}`, r.body?.requestId);
      return r;
    });
  }

  /** Every page of a PageNumber/PageSize listing (the VPC APIs), at the action's largest page size. */
  private pagesByNumber<B extends { totalCount?: number }, T>(action: ActionName, send: (page: { pageNumber: number; pageSize: number }) => Promise<{ body?: B }>,
    items: (body: B) => T[] | undefined, opts: { signal?: AbortSignal } = {}): Promise<T[]> {
    return paginateByPage(action, this.pageSize(action), async (pageNumber, pageSize) => {
      const res = await this.call(action, () => send({ pageNumber, pageSize }), opts);
      return { items: (res.body && items(res.body)) ?? [], totalCount: res.body?.totalCount };
    });
  }

  /** Every page of a NextToken/MaxResults listing (the ECS APIs), at the action's largest page size. */
  private pagesByToken<B extends { nextToken?: string }, T>(action: ActionName, send: (page: { maxResults: number; nextToken?: string }) => Promise<{ body?: B }>,
    items: (body: B) => T[] | undefined, opts: { signal?: AbortSignal } = {}): Promise<T[]> {
    const maxResults = this.pageSize(action);
    return paginateByToken(action, async (nextToken) => {
      const res = await this.call(action, () => send({ maxResults, ...(nextToken ? { nextToken } : {}) }), opts);
      return { items: (res.body && items(res.body)) ?? [], nextToken: res.body?.nextToken };
    });
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
    const raw = await this.pagesByToken('DescribeInstances', (page) => this.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({
      regionId: this.regionId, vpcId: filter.vpcId, ...page,
    })), (b) => b.instances?.instance);
    return raw.map(mapInstance);
  }

  async eniQuantity(instanceType: string): Promise<number | undefined> {
    const types = await this.pagesByToken('DescribeInstanceTypes', (page) => this.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({
      instanceTypes: [instanceType], ...page,
    })), (b) => b.instanceTypes?.instanceType);
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
    const out: NetworkInterface[] = [];
    // NetworkInterfaceId.N takes at most 100 ids per request.
    for (const idChunk of ids ? chunk(ids, 100) : [undefined]) {
      const raw = await this.pagesByToken('DescribeNetworkInterfaces', (page) => this.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({
        regionId: this.regionId, instanceId: filter.instanceId, vpcId: filter.vpcId, networkInterfaceId: idChunk, tag, ...page,
      })), (b) => b.networkInterfaceSets?.networkInterfaceSet, opts);
      out.push(...raw.map(mapNetworkInterface));
    }
    return out;
  }

  async describeSecurityGroup(securityGroupId: string): Promise<SecurityGroup | undefined> {
    let head: $Ecs.DescribeSecurityGroupAttributeResponseBody | undefined;
    try {
      const perms = await this.pagesByToken('DescribeSecurityGroupAttribute', (page) => this.ecs.describeSecurityGroupAttribute(
        new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: this.regionId, securityGroupId, ...page }),
      ), (b) => {
        head ??= b;
        return b.permissions?.permission;
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
    const raw = await this.pagesByNumber('DescribeVSwitches', (page) => this.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({
      regionId: this.regionId, vpcId: filter.vpcId, ...page,
    })), (b) => b.vSwitches?.vSwitch);
    return raw.map(mapVSwitch);
  }

  async listNatGateways(filter: { vpcId?: string; natGatewayId?: string }): Promise<NatGateway[]> {
    const raw = await this.pagesByNumber('DescribeNatGateways', (page) => this.vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({
      regionId: this.regionId, vpcId: filter.vpcId, natGatewayId: filter.natGatewayId, ...page,
    })), (b) => b.natGateways?.natGateway);
    return raw.map(mapNatGateway);
  }

  async listForwardEntries(
    forwardTableId: string,
    filter: { internalIp?: string; externalIp?: string; forwardEntryId?: string } = {},
    opts: { signal?: AbortSignal } = {},
  ): Promise<DnatEntry[]> {
    const raw = await this.pagesByNumber('DescribeForwardTableEntries', (page) => this.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({
      regionId: this.regionId, forwardTableId, internalIp: filter.internalIp, externalIp: filter.externalIp, forwardEntryId: filter.forwardEntryId, ...page,
    })), (b) => b.forwardTableEntries?.forwardTableEntry, opts);
    return raw.map(mapForwardEntry);
  }

  async listSnatEntries(snatTableId: string): Promise<SnatEntry[]> {
    const raw = await this.pagesByNumber('DescribeSnatTableEntries', (page) => this.vpc.describeSnatTableEntries(new $Vpc.DescribeSnatTableEntriesRequest({
      regionId: this.regionId, snatTableId, ...page,
    })), (b) => b.snatTableEntries?.snatTableEntry);
    return raw.map(mapSnatEntry);
  }

  async listEips(filter: { ipAddress?: string; allocationId?: string }): Promise<Eip[]> {
    const raw = await this.pagesByNumber('DescribeEipAddresses', (page) => this.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({
      regionId: this.regionId, eipAddress: filter.ipAddress, allocationId: filter.allocationId, ...page,
    })), (b) => b.eipAddresses?.eipAddress);
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
    // Documented: "If NetworkInterfaceId is empty in the response, try to create the ENI again" (same token).
    const res = await this.callRequiring('CreateNetworkInterface', () => this.ecs.createNetworkInterface(req), (b) => b?.networkInterfaceId, 'NetworkInterfaceId');
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
    const judge = eniJudge(target, { attachRequested, ...(expectInstance ? { expectInstance } : {}) });

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
    const res = await this.callRequiring('CreateForwardEntry', () => this.vpc.createForwardEntry(req), (b) => b?.forwardEntryId, 'ForwardEntryId');
    return res.body!.forwardEntryId!;
  }

  async waitForwardEntry(
    forwardTableId: string,
    forwardEntryId: string,
    target: 'Available' | 'Gone',
    opts: { timeoutMs?: number; signal?: AbortSignal } & WaitExtras = {},
  ): Promise<DnatEntry | undefined> {
    const judge = dnatJudge(target);
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
    const res = await this.callRequiring('RunCommand', () => this.ecs.runCommand(req), (b) => b?.invokeId, 'InvokeId');
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
      judge: invocationVerdict,
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
