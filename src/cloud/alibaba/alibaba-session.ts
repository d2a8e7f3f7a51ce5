// One account/region's connection to Alibaba Cloud: the two SDK clients and the call machinery every operation
// goes through (rate budget, retry policy, observers, paging at each action's largest page size).
import type { CloudCallObserver } from '../cloud-port.ts';
import { CloudError } from '../cloud-error.ts';
import { unlimitedBudget, type RateBudget } from '../rate-budget.ts';
import { ACTIONS, isValidClientToken, type ActionName, type ActionSpec } from './actions.ts';
import { runCall, type CallRuntime, type Recovery } from './call.ts';
import { createClients, type EcsClient, type VpcClient } from './clients.ts';
import { buildCredential, secretsOf, type CredentialsOption } from './credentials.ts';
import { BadResponseError, type AlibabaCallError } from './error-map.ts';
import { paginateByPage, paginateByToken } from './paginate.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { DEFAULT_WAIT_SCHEDULE, type WaitSchedule } from './waiters.ts';
import { DueLag } from './due-lag.ts';

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

export class AlibabaSession {
  readonly regionId: string;
  readonly ecs: EcsClient;
  readonly vpc: VpcClient;
  /** Poll schedule of the waiters. */
  readonly schedule: WaitSchedule;
  /** How far past the due time reads show a change, learned per kind of wait (due-lag.ts). */
  readonly dueLag = new DueLag();
  private readonly rt: CallRuntime;
  private readonly maxPageSize: number | undefined;

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

  call<R>(action: ActionName, invoke: () => Promise<R>, extra: { recover?: (e: AlibabaCallError, attempt: number) => Promise<Recovery<R>>; signal?: AbortSignal } = {}): Promise<R> {
    return runCall(this.rt, { action, invoke, ...extra });
  }

  /** A call whose answer must name what it made; an answer without it is retried like a transient failure. */
  callRequiring<R extends { body?: { requestId?: string } }>(action: ActionName, invoke: () => Promise<R>, made: (body: R['body']) => unknown, field: string): Promise<R> {
    return this.call(action, async () => {
      const r = await invoke();
      if (!made(r.body)) throw new BadResponseError(`${action} answered without a ${field}`, r.body?.requestId);
      return r;
    });
  }

  /** Every page of a PageNumber/PageSize listing (the VPC APIs), at the action's largest page size. */
  pagesByNumber<B extends { totalCount?: number }, T>(action: ActionName, send: (page: { pageNumber: number; pageSize: number }) => Promise<{ body?: B }>,
    items: (body: B) => T[] | undefined, opts: { signal?: AbortSignal } = {}): Promise<T[]> {
    return paginateByPage(action, this.pageSize(action), async (pageNumber, pageSize) => {
      const res = await this.call(action, () => send({ pageNumber, pageSize }), opts);
      return { items: (res.body && items(res.body)) ?? [], totalCount: res.body?.totalCount };
    });
  }

  /** Every page of a NextToken/MaxResults listing (the ECS APIs), at the action's largest page size. */
  pagesByToken<B extends { nextToken?: string }, T>(action: ActionName, send: (page: { maxResults: number; nextToken?: string }) => Promise<{ body?: B }>,
    items: (body: B) => T[] | undefined, opts: { signal?: AbortSignal } = {}): Promise<T[]> {
    const maxResults = this.pageSize(action);
    return paginateByToken(action, async (nextToken) => {
      const res = await this.call(action, () => send({ maxResults, ...(nextToken ? { nextToken } : {}) }), opts);
      return { items: (res.body && items(res.body)) ?? [], nextToken: res.body?.nextToken };
    });
  }
}

/** Refuses a ClientToken the API would refuse, before spending a call on it. */
export function checkToken(action: string, token: string): void {
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
